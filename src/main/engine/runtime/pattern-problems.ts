/**
 * The patterns mod_alias (`AliasMatch`, `ScriptAliasMatch`) and mod_proxy (`ProxyPassMatch`, `ProxyPass ~`) compile
 * when the configuration is read: httpd refuses to start on one PCRE2 refuses ("Regular
 * expression could not be compiled.", alias_matchcommand and add_pass in mod_proxy.c), so check
 * does too. One the workbench cannot express is a warning: the mapping never applies here.
 */

import type { VhostSettings } from '../../../shared/config-model'
import type { Diagnostic, SourcePos } from '../../../shared/diagnostics'
import { compilePcre, toByteString } from '../apache-expr'

export function patternProblems(settings: VhostSettings): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const a of settings.aliases) {
    const regex = a.directive === 'AliasMatch' || a.directive === 'ScriptAliasMatch'
    if (regex && a.from !== '') out.push(...patternProblem(a.directive, a.from, a.pos))
  }
  for (const p of settings.proxyPass) {
    const tilde = p.directive === 'ProxyPass' && p.args[0] === '~'
    if (!tilde && p.directive !== 'ProxyPassMatch') continue
    const pattern = tilde ? p.args[1] : p.args[0]
    if (pattern !== undefined) out.push(...patternProblem(p.directive, pattern, p.pos))
  }
  return out
}

function patternProblem(directive: string, pattern: string, pos: SourcePos): Diagnostic[] {
  const r = compilePcre(toByteString(pattern))
  if (r.ok) return []
  if (r.unsupported) {
    const message = `${directive} '${pattern}' uses ${r.error} (it never applies here)`
    return [{ severity: 'warning', code: 'PATTERN_UNSUPPORTED', category: 'syntax', message, pos }]
  }
  const message = `${directive} '${pattern}': Regular expression could not be compiled (${r.error}).`
  return [{ severity: 'error', code: 'PATTERN_BAD_REGEX', category: 'syntax', message, pos }]
}
