/**
 * Shared option handling for every command: the runtime variables a configuration is
 * evaluated with (`--env`, `--aem`, `--docroot`, `--run-mode`).
 */
import type { LoadOptions } from '../main/engine/config/load'
import type { RunMode } from '../main/engine/config/loaders/environment'

export class UsageError extends Error {}

export const RUNTIME_OPTIONS = {
  env: { type: 'string', multiple: true },
  aem: { type: 'string' },
  docroot: { type: 'string' },
  'run-mode': { type: 'string' }
} as const

export function parseHostPort(value: string, what: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(value)
  if (!m || !m[1] || Number(m[2]) > 65535) throw new UsageError(`${what} expects host:port, got "${value}"`)
  return { host: m[1], port: Number(m[2]) }
}

export function runtimeOptions(values: {
  env?: string[]
  aem?: string
  docroot?: string
  'run-mode'?: string
}): LoadOptions {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const pair of values.env ?? []) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--env expects NAME=VALUE, got "${pair}"`)
    env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const runMode = values['run-mode']
  if (runMode && !['dev', 'stage', 'prod'].includes(runMode)) {
    throw new UsageError(`--run-mode expects dev, stage or prod, got "${runMode}"`)
  }
  return {
    env,
    aem: values.aem ? parseHostPort(values.aem, '--aem') : undefined,
    docroot: values.docroot,
    runMode: runMode as RunMode | undefined
  }
}
