/**
 * `/glob` allow/deny lists (/rules, /invalidate, /ignoreUrlParams, /allowedClients): every
 * rule is tried and the last one that matches decides (dispatcher-behavior.md §1.2, §5.1).
 * A rule without `/type` or `/glob`, or whose pattern does not compile, never matches (the
 * config loader has already reported it).
 */
import type { GlobRule, RuleType } from '../../../shared/config-model'
import { compilePattern } from '../match/pattern'

export interface RuleMatch {
  type: RuleType
  label: string
}

export type RuleList = (subject: string) => RuleMatch | null

interface Compiled {
  /** What a match gives: the same object every time (read only). */
  match: RuleMatch
  test: (s: string) => boolean
}

export function compileRuleList(rules: readonly GlobRule[]): RuleList {
  const compiled: Compiled[] = []
  for (const rule of rules) {
    if (rule.type === null || rule.glob === null) continue
    try {
      compiled.push({ match: { type: rule.type, label: rule.label }, test: compilePattern(rule.glob).test })
    } catch {
      continue
    }
  }
  return (subject) => {
    for (let i = compiled.length - 1; i >= 0; i--) {
      if (compiled[i].test(subject)) return compiled[i].match
    }
    return null
  }
}
