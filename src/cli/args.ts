/**
 * Shared option handling for every command: the runtime variables a configuration is
 * evaluated with (`--env`, `--aem`, `--docroot`, `--run-mode`), and the farm used when none
 * matches (`--fallback-farm`).
 */
import type { LoadOptions } from '../main/engine/config/load'
import type { FallbackFarm } from '../shared/api'
import { parseFallbackFarm, parseHostPort as hostPort, parseRunMode } from '../shared/runtime-settings'

export class UsageError extends Error {}

export const RUNTIME_OPTIONS = {
  env: { type: 'string', multiple: true },
  aem: { type: 'string' },
  docroot: { type: 'string' },
  'run-mode': { type: 'string' },
  'fallback-farm': { type: 'string' },
  'no-sdk-rules': { type: 'boolean' }
} as const

/** The shared checks (src/shared/runtime-settings.ts), failing as bad usage. */
function usage<T>(parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
}

export function parseHostPort(value: string, what: string): { host: string; port: number } {
  return usage(() => hostPort(value, what))
}

export function runtimeOptions(values: {
  env?: string[]
  aem?: string
  docroot?: string
  'run-mode'?: string
  'fallback-farm'?: string
  'no-sdk-rules'?: boolean
}): LoadOptions & { fallbackFarm?: FallbackFarm } {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const pair of values.env ?? []) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--env expects NAME=VALUE, got "${pair}"`)
    env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const runMode = values['run-mode']
  const fallback = values['fallback-farm']
  return {
    env,
    aem: values.aem ? parseHostPort(values.aem, '--aem') : undefined,
    docroot: values.docroot,
    runMode: runMode ? usage(() => parseRunMode(runMode, '--run-mode')) : undefined,
    fallbackFarm: fallback ? usage(() => parseFallbackFarm(fallback, '--fallback-farm')) : undefined,
    // For every command: a configuration the SDK validator refuses is then served and explained too.
    sdkValidation: values['no-sdk-rules'] ? false : undefined
  }
}
