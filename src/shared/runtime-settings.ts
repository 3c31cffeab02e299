/**
 * Checking runtime settings (`--aem`, `--run-mode`, `--fallback-farm`, and the UI's form for
 * them) in one place, so the command line and the UI refuse the same values with the same words.
 */
import type { FallbackFarm, RuntimeSettings } from './api'

export const RUN_MODES: readonly RuntimeSettings['runMode'][] = ['dev', 'stage', 'prod']
export const FALLBACK_FARMS: readonly FallbackFarm[] = ['last', 'first']

/** `host:port` (IPv6 hosts in brackets) as `{ host, port }`; throws with `what` in the message. */
export function parseHostPort(value: string, what: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(value)
  if (!m || !m[1] || Number(m[2]) > 65535) throw new Error(`${what} expects host:port, got "${value}"`)
  return { host: m[1], port: Number(m[2]) }
}

export function parseRunMode(value: string, what: string): RuntimeSettings['runMode'] {
  if (!(RUN_MODES as readonly string[]).includes(value))
    throw new Error(`${what} expects ${RUN_MODES.join(', ')}, got "${value}"`)
  return value as RuntimeSettings['runMode']
}

export function parseFallbackFarm(value: string, what: string): FallbackFarm {
  if (!(FALLBACK_FARMS as readonly string[]).includes(value))
    throw new Error(`${what} expects ${FALLBACK_FARMS.join(' or ')}, got "${value}"`)
  return value as FallbackFarm
}

/** What `setRuntime` changes: absent fields stay as they are; an `aem` of null (or "") goes back to the configuration's own. */
export interface RuntimeChange {
  aem?: { host: string; port: number } | null
  runMode?: RuntimeSettings['runMode']
  fallbackFarm?: FallbackFarm
}

/** The UI's runtime form as sent (plain JSON from a renderer), checked; throws with the reason, naming the form's fields as it labels them. */
export function parseRuntimeChange(input: unknown): RuntimeChange {
  const s = (input ?? {}) as Record<string, unknown>
  const text = (key: string): string | undefined => {
    const v = s[key]
    if (v === undefined) return undefined
    if (typeof v !== 'string') throw new Error(`setRuntime: ${key} must be a string`)
    return v.trim()
  }
  const out: RuntimeChange = {}
  const aem = s.aem === null ? '' : text('aem')
  if (aem !== undefined) out.aem = aem === '' ? null : parseHostPort(aem, 'AEM render')
  const runMode = text('runMode')
  if (runMode !== undefined) out.runMode = parseRunMode(runMode, 'run mode')
  const fallbackFarm = text('fallbackFarm')
  if (fallbackFarm !== undefined) out.fallbackFarm = parseFallbackFarm(fallbackFarm, 'fallback farm')
  return out
}
