/**
 * What "almost" allowed a denied request (the filter trace's answer to "why was this denied?",
 * dispatcher-behavior.md §4.3, §4.5). One computation for every view: the UI's filter stage,
 * `explain`'s text and JSON all read `FilterResult.almost`.
 *
 * Two lists, in the order a developer needs them:
 * 1. allow rules that matched and were overridden by a deny written after them. The filter is
 *    last-match-wins, so these are the real reason: `/0019` (deny `?wcmmode=*`) overrides
 *    `/0010` (allow pages under /content) for `en.html?wcmmode=disabled`.
 * 2. allow rules that missed by one property, closest first: a rule that differs only in letter
 *    case or in the method is nearer to what was asked than one for another extension
 *    (`/extension "theme"` against a page), then the most specific (the most literal text its
 *    matching properties require), then in document order.
 */
import { writtenProps } from '../../../shared/filter-almost-words'
import {
  FILTER_CLOSENESS,
  type PatternKind,
  type FilterAlmost,
  type FilterCloseness,
  type FilterElementCheck,
  type FilterNearMiss,
  type FilterOverriddenAllow,
  type FilterRuleTrace
} from '../../../shared/trace-match'

/**
 * `traces` in evaluation order; `usable[i]` false when rule i has a property that can never be
 * tested (an invalid regex): fixing its other property would not let anything through.
 */
export function almostAllowed(
  traces: FilterRuleTrace[],
  usable: boolean[],
  deciding: FilterRuleTrace | null
): FilterAlmost {
  const at = deciding === null ? -1 : traces.indexOf(deciding)
  return { overridden: overridden(traces, at), nearMisses: nearMisses(traces, usable, at) }
}

/** Matching allows above the deciding deny, the last written first: it is the one that would decide without the denies below it. */
function overridden(traces: FilterRuleTrace[], at: number): FilterOverriddenAllow[] {
  if (at < 0) return []
  const found: FilterOverriddenAllow[] = []
  for (let i = at - 1; i >= 0; i--) {
    const t = traces[i]
    if (!t.matched || t.type !== 'allow') continue
    const overriddenBy = traces
      .slice(i + 1, at + 1)
      .filter((d) => d.matched && d.type === 'deny')
      .map((d) => ({ label: d.label, pos: d.pos }))
    found.push({ label: t.label, pos: t.pos, props: writtenProps(t.checked), overriddenBy })
  }
  return found
}

/**
 * Only rules after the deciding rule qualify: one above it loses to it even when it matches. The
 * rule must also agree with the request on what is asked for: a property besides /method and
 * /protocol (which nearly every rule shares with a GET) has to match, or it did not come close.
 */
function nearMisses(traces: FilterRuleTrace[], usable: boolean[], at: number): FilterNearMiss[] {
  const found: { miss: FilterNearMiss; index: number }[] = []
  for (let i = at + 1; i < traces.length; i++) {
    const t = traces[i]
    if (t.type !== 'allow' || !usable[i] || !t.failed) continue
    const misses = t.checked.filter((c) => !c.matched)
    const agreeing = t.checked.filter((c) => c.matched && !ASKED_BY_EVERY_REQUEST.has(c.element))
    if (misses.length !== 1 || agreeing.length === 0) continue
    const specificity = agreeing.reduce((sum, c) => sum + literalChars(c.patternSource, c.kind), 0)
    found.push({
      miss: { label: t.label, pos: t.pos, failed: t.failed, closeness: closeness(misses[0]), specificity },
      index: i
    })
  }
  const rank = (c: FilterCloseness): number => FILTER_CLOSENESS.indexOf(c)
  found.sort(
    (a, b) =>
      rank(a.miss.closeness) - rank(b.miss.closeness) || b.miss.specificity - a.miss.specificity || a.index - b.index
  )
  return found.map((f) => f.miss)
}

const ASKED_BY_EVERY_REQUEST = new Set(['method', 'protocol'])

function closeness(failed: FilterElementCheck): FilterCloseness {
  if (failed.caseOnly) return 'case'
  switch (failed.element) {
    case 'method':
    case 'protocol':
      return 'method'
    case 'query':
      return 'query'
    case 'selectors':
    case 'suffix':
      return 'rendering'
    default:
      return 'resource'
  }
}

/**
 * The literal characters a pattern requires, a measure of how much it pins down. Globs: all but
 * `*`, `?` and bracket classes. Regexes: all but syntax and bracket classes, divided among the
 * alternatives of a `|` (`'(css|js|html)'` requires one of them, not all).
 */
export function literalChars(source: string, kind: PatternKind): number {
  let count = 0
  let alternatives = 1
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '[') {
      i = classEnd(source, i)
      continue
    }
    if (kind === 'glob') {
      if (c !== '*' && c !== '?') count++
      continue
    }
    if (c === '\\') {
      count++
      i++
    } else if (c === '|') alternatives++
    else if (c === '{') i = Math.max(i, source.indexOf('}', i))
    else if (!REGEX_SYNTAX.has(c)) count++
  }
  return Math.round(count / alternatives)
}

const REGEX_SYNTAX = new Set(['.', '^', '$', '*', '+', '?', '(', ')'])

/** Index of the `]` closing the bracket expression opened at `open` (a leading `]` or `^]` is literal); the end when unclosed. */
function classEnd(source: string, open: number): number {
  let i = open + 1
  if (source[i] === '^') i++
  if (source[i] === ']') i++
  const close = source.indexOf(']', i)
  return close < 0 ? source.length : close
}
