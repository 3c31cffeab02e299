/**
 * Problems that only show when the configuration is compiled for serving: filter regexes
 * that do not compile, rewrite rules, Header/RequestHeader and SetEnvIf directives with bad
 * arguments. `check`, hot reload and start-up all see them, with file:line:col.
 */
import type { LoadedConfig } from '../../../shared/config-model'
import type { Diagnostic } from '../../../shared/diagnostics'
import { compileFilter } from '../pipeline/filter'
import { compileVhostApache } from './apache-runtime'

export function compileDiagnostics(loaded: LoadedConfig): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const farm of loaded.dispatcher.farms) {
    const f = compileFilter(farm.filter)
    out.push(...f.problems, ...f.warnings)
  }
  const apache = loaded.apache
  if (apache) {
    const seen = new Set<string>()
    for (const v of apache.virtualHosts) {
      for (const d of compileVhostApache(apache.server, v.settings, []).problems) {
        const key = `${d.code}|${d.pos?.file}|${d.pos?.line}|${d.pos?.column}`
        if (seen.has(key)) continue
        seen.add(key)
        out.push(d)
      }
    }
  }
  return out
}
