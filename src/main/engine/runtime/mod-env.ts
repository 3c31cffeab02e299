/**
 * mod_env: `SetEnv`, `PassEnv` and `UnsetEnv` of the server, the vhost and the sections that
 * apply, merged as httpd merges them (inner after outer, in file order within a context; an
 * `UnsetEnv` drops what the merged table holds so far). Applied by mod_env's fixup hook, so
 * after the access checks: Header, RequestHeader and the log see them, while the rewrite rules
 * of the server and vhost (and `SetEnvIf` conditions) run too early to (as the httpd manual
 * warns). `PassEnv` copies a variable of the runtime's environment.
 */
import type { VhostSettings } from '../../../shared/config-model'
import { otherOccurrences } from '../config/apache/settings'
import { toByteString } from '../apache-expr/uri-escape'

export const MOD_ENV_DIRECTIVES = ['SetEnv', 'PassEnv', 'UnsetEnv'] as const

export function hasModEnv(s: VhostSettings): boolean {
  return MOD_ENV_DIRECTIVES.some((name) => s.other[name] !== undefined)
}

/** The variables mod_env adds to the request's environment, or null when these contexts set none. */
export function modEnvVars(
  contexts: readonly VhostSettings[],
  osEnv: Readonly<Record<string, string>>
): Map<string, string> | null {
  let vars: Map<string, string> | null = null
  for (const c of contexts) {
    if (!hasModEnv(c)) continue
    vars ??= new Map()
    for (const d of otherOccurrences(c, MOD_ENV_DIRECTIVES)) {
      if (d.name === 'SetEnv') {
        // Values as the bytes httpd holds (configuration text and the environment are UTF-8).
        if (d.args[0] !== undefined) vars.set(d.args[0], toByteString(d.args[1] ?? ''))
      } else if (d.name === 'PassEnv') {
        for (const name of d.args) if (osEnv[name] !== undefined) vars.set(name, toByteString(osEnv[name]))
      } else for (const name of d.args) vars.delete(name)
    }
  }
  return vars
}
