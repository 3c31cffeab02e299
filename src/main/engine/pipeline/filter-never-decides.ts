/**
 * Filter rules that never decide although they can match (dispatcher-behavior.md §4.2: the last
 * matching rule decides). An allow rule whose every request a deny rule written after it also
 * matches lets nothing through: we-retail's `/0086 { /type "allow" /method "GET" /extension 'json' }`
 * followed by `/0088 { /type "deny" /extension "json" }`. Warnings that such a rule lets too much
 * through would be wrong, and so would warnings that a deny misses requests in a filter where no
 * rule lets anything through (AMS's catch-all farm).
 *
 * The cover test is sufficient, not complete: the deny rule must constrain nothing the allow rule
 * does not constrain the same way (fewer properties match more requests), or constrain it with a
 * pattern that matches every request. A cover it cannot see is left unsaid, never invented.
 */
import type { FilterElement, FilterRule, PatternSpec } from '../../../shared/config-model'
import { shortPos } from '../../../shared/diagnostics'
import { compilePattern } from '../match/pattern'
import { PatternError } from '../match/posix-regex'
import type { FilterProblem } from './filter'
import { problem } from './filter-pitfalls'

/**
 * For each rule, whether some request can match it: it has properties, all valid, none that no
 * request satisfies (`neverMatches[i]`, whyRuleNeverMatches, worked out once by compileFilter).
 */
export function liveRules(rules: readonly FilterRule[], neverMatches: readonly (string | null)[]): boolean[] {
  return rules.map(
    (rule, i) => rule.matchers.length > 0 && rule.matchers.every((m) => compiles(m.pattern)) && neverMatches[i] === null
  )
}

/**
 * For each rule, the first deny rule written after it that matches every request it matches
 * (allow rules only; null for the others and for rules that never match at all, which
 * PITFALL_NEVER_MATCHES already reports). `live` is liveRules': the pairs below ask it of each
 * later rule again.
 */
export function coveringDenies(rules: readonly FilterRule[], live: readonly boolean[]): (FilterRule | null)[] {
  return rules.map((rule, i) => {
    if (rule.type !== 'allow' || !live[i]) return null
    for (let j = i + 1; j < rules.length; j++) {
      if (rules[j].type === 'deny' && live[j] && covers(rules[j], rule)) return rules[j]
    }
    return null
  })
}

/**
 * Whether some allow rule of the filter can decide a request: with none, the filter denies
 * every request, so a deny rule that misses some changes nothing.
 */
export function filterAllowsSomething(
  rules: readonly FilterRule[],
  live: readonly boolean[],
  covering: readonly (FilterRule | null)[]
): boolean {
  return rules.some((rule, i) => rule.type === 'allow' && live[i] && covering[i] === null)
}

/** Why `rule` never decides, `cover` being the later deny rule that matches all it matches. */
export function neverDecidesReason(cover: FilterRule): string {
  return `every request it matches is also matched by /${cover.label} (deny, ${shortPos(cover.pos)}), written after it, and the last matching rule decides, so this rule never decides: it lets nothing through`
}

/** PITFALL_NEVER_DECIDES for each allow rule a later deny rule covers. */
export function neverDecidesPitfalls(
  rules: readonly FilterRule[],
  covering: readonly (FilterRule | null)[]
): FilterProblem[] {
  const warnings: FilterProblem[] = []
  rules.forEach((rule, i) => {
    const cover = covering[i]
    if (!cover) return
    const first = rule.matchers[0]
    const warning = problem('warning', 'PITFALL_NEVER_DECIDES', rule, first.element, rule.pos, '')
    warning.message = `filter rule /${rule.label}: ${neverDecidesReason(cover)}; remove it, or move it after /${cover.label} if it is meant to allow these requests`
    warnings.push(warning)
  })
  return warnings
}

/** Every property of `deny` matches whatever `allow` matches. */
function covers(deny: FilterRule, allow: FilterRule): boolean {
  return deny.matchers.every(
    (d) => matchesEverything(d.element, d.pattern) || allow.matchers.some((a) => samePattern(a, d))
  )
}

/**
 * Same element and a pattern that matches the same values: the same text and kind, or the same
 * plain word in either kind (`'json'` and `"json"`: a regex is matched against the whole value,
 * as a glob is, and a word holds no character special to either).
 */
function samePattern(
  a: { element: FilterElement; pattern: PatternSpec },
  b: { element: FilterElement; pattern: PatternSpec }
): boolean {
  if (a.element !== b.element) return false
  if (a.pattern.source !== b.pattern.source) return false
  return a.pattern.kind === b.pattern.kind || PLAIN_WORD.test(a.pattern.source)
}

/** Characters special neither in a glob nor in a POSIX ERE. */
const PLAIN_WORD = /^[\w/:-]*$/

/**
 * Elements every request has a value for (a missing extension is "", which "*" matches), so the
 * glob "*" on them matches every request. Not /query, /selectors, /suffix: a request without one
 * is matched only by the empty pattern (filter.ts).
 */
const ALWAYS_PRESENT: ReadonlySet<FilterElement> = new Set(['url', 'glob', 'path', 'method', 'protocol', 'extension'])

function matchesEverything(element: FilterElement, pattern: PatternSpec): boolean {
  return pattern.kind === 'glob' && pattern.source === '*' && ALWAYS_PRESENT.has(element)
}

function compiles(pattern: PatternSpec): boolean {
  try {
    compilePattern(pattern)
    return true
  } catch (e) {
    if (e instanceof PatternError) return false
    throw e
  }
}
