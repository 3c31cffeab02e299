/**
 * The `/filter` stage (dispatcher-behavior.md §4): pure evaluation of a farm's filter rules against
 * one request, with a trace of every rule. No I/O; statfile and vanity handling live elsewhere.
 *
 * Semantics (§4.2, §4.3):
 * - a rule matches when every element property it names matches (AND); the last matching rule
 *   with a valid `/type` decides; no `/filter` section → allow; a section where nothing matches → deny.
 * - `/glob` tests the request line `METHOD SP URI?QUERY SP PROTOCOL`; `/url` the path alone.
 * - `/query` only matches requests that have a `?`, against the whole query string.
 * - `/selectors` matches when any one selector matches. A missing selector list or suffix is matched
 *   only by the empty pattern (`""`, `''`), so `/suffix "*"` does not catch suffix-less URLs (the AMS
 *   `deny /url "/content*" /suffix "*"` rule would otherwise block all content). A missing extension
 *   is the empty string, so `/extension '()'` matches it (the sample config's documented use).
 * - every pattern is case-sensitive, `/method` too: HTTP methods are case-sensitive and §12 only
 *   shows upper case, so the lower-case `/method "get"` seen in DOT's tests matches nothing.
 * - a rule without properties never matches; a rule with an invalid regex is kept but never matches.
 */
import type { FilterElement, FilterRule, PatternSpec } from '../../../shared/config-model'
import type { Diagnostic, SourcePos } from '../../../shared/diagnostics'
import type {
  FilterElementCheck,
  FilterParts,
  FilterResult,
  FilterRuleFailure,
  FilterRuleTrace
} from '../../../shared/trace-match'
import { compilePattern, type CompiledPattern } from '../match/pattern'
import { PatternError } from '../match/posix-regex'
import { decompose } from '../match/sling'
import { problem, rulePitfalls, selectorChainPitfalls, whyRuleNeverMatches } from './filter-pitfalls'
import { almostAllowed } from './filter-almost'
import {
  coveringDenies,
  filterAllowsSomething,
  liveRules,
  neverDecidesPitfalls,
  neverDecidesReason
} from './filter-never-decides'

export interface FilterRequest {
  method: string
  /** Normalised, decoded path without the query string. */
  url: string
  /** Query string without `?`; `null` when the request has no `?`. */
  query: string | null
  /** e.g. `HTTP/1.1`. */
  protocol: string
}

/** A pattern problem found while compiling the filter; shaped as a Diagnostic so loaders can keep it. */
export interface FilterProblem extends Diagnostic {
  code:
    | 'PATTERN_INVALID_REGEX'
    | 'PATTERN_REGEX_SUSPICIOUS'
    | 'PITFALL_ALLOW_GLOB'
    | 'PITFALL_EXTENSION_WITHOUT_PATH'
    | 'PITFALL_PATH_WITH_DOT'
    | 'PITFALL_ANCHORED_QUERY_DENY'
    | 'PITFALL_SELECTOR_CHAIN'
    | 'PITFALL_BRACKET_DOT'
    | 'PITFALL_NEVER_MATCHES'
    | 'PITFALL_NEVER_DECIDES'
    | 'PITFALL_METHOD_CASE'
  /** Label of the rule. */
  rule: string
  element: FilterElement
  pos: SourcePos
}

interface CompiledMatcher {
  element: FilterElement
  source: string
  kind: 'glob' | 'regex'
  /** The property as written, for explanations: `/url "/content/*"`. */
  prop: string
  pattern: CompiledPattern | null
  /** Case-insensitive twin, made on first need, only to tell users a case difference is why it failed. */
  folded?: CompiledPattern
  error?: string
}

interface CompiledRule {
  rule: FilterRule
  matchers: CompiledMatcher[]
  /** The same matchers, cheapest first: every one must match, so the order does not change the decision. */
  quick: CompiledMatcher[]
  /** Why the rule can never match or never decide, worked out once. */
  note?: string
}

export interface CompiledFilter {
  /** `false` when the farm has no `/filter` section. */
  present: boolean
  /**
   * Some allow rule can decide a request (filter-never-decides.ts): without one the filter denies
   * every request (AMS's catch-all farm), also when an allow is written but never matches or a
   * later deny overrides it on every request it matches.
   */
  allowsSomething: boolean
  rules: CompiledRule[]
  /** Invalid regular expressions (errors); their rules never match. */
  problems: FilterProblem[]
  /** Regexes that compile but are probably not what was meant (warnings). */
  warnings: FilterProblem[]
  /** Decisions already made, by method, protocol, query and path (the decision depends on nothing else). */
  decided: Map<string, FilterDecision>
}

/** How costly a matcher's subject and test usually are, cheapest first (for `decideFilter`). */
const QUICK_ORDER: Record<FilterElement, number> = {
  method: 0,
  protocol: 1,
  extension: 2,
  query: 3,
  selectors: 4,
  suffix: 5,
  path: 6,
  url: 7,
  glob: 8
}

export function compileFilter(rules: FilterRule[] | undefined): CompiledFilter {
  const problems: FilterProblem[] = []
  const warnings: FilterProblem[] = []
  const compiled: CompiledRule[] = []
  const all = rules ?? []
  // Each asked of a rule by several checks below, and this runs on every configuration load.
  const neverMatches = all.map(whyRuleNeverMatches)
  const live = liveRules(all, neverMatches)
  const covering = coveringDenies(all, live)
  const filterAllows = filterAllowsSomething(all, live, covering)
  all.forEach((rule, i) => {
    const matchers: CompiledMatcher[] = []
    for (const { element, pattern: spec } of rule.matchers) {
      matchers.push(compileMatcher(rule, element, spec, problems, warnings))
    }
    const quick = matchers.slice().sort((a, b) => QUICK_ORDER[a.element] - QUICK_ORDER[b.element])
    compiled.push({ rule, matchers, quick, note: ruleNote(rule, matchers, neverMatches[i], covering[i]) })
    const neverDecides = covering[i] !== null
    warnings.push(...rulePitfalls(rule, { neverDecides, filterAllows, neverMatches: neverMatches[i] !== null }))
  })
  warnings.push(...neverDecidesPitfalls(all, covering))
  const neverDecides = covering.map((c) => c !== null)
  warnings.push(...selectorChainPitfalls(all, neverDecides, neverMatches))
  return {
    present: rules !== undefined,
    allowsSomething: filterAllows,
    rules: compiled,
    problems,
    warnings,
    decided: new Map()
  }
}

/**
 * Every matcher comes from this one literal, so all have one shape: spreading a shared base into
 * two different literals made several, and compiling a farm's filter took several times longer.
 */
function compileMatcher(
  rule: FilterRule,
  element: FilterElement,
  spec: PatternSpec,
  problems: FilterProblem[],
  warnings: FilterProblem[]
): CompiledMatcher {
  const quote = spec.kind === 'regex' ? "'" : '"'
  const prop = `/${element} ${quote}${spec.source}${quote}`
  let pattern: CompiledPattern | null = null
  let error: string | undefined
  try {
    pattern = compilePattern(spec)
    for (const note of pattern.notes) {
      warnings.push(problem('warning', 'PATTERN_REGEX_SUSPICIOUS', rule, element, spec.pos, note))
    }
  } catch (e) {
    if (!(e instanceof PatternError)) throw e
    problems.push(problem('error', 'PATTERN_INVALID_REGEX', rule, element, spec.pos, e.message))
    error = e.message
  }
  return { element, source: spec.source, kind: spec.kind, prop, pattern, folded: undefined, error }
}

export function evaluateFilter(filter: CompiledFilter, req: FilterRequest): FilterResult {
  const parts = requestParts(req)
  if (!filter.present) {
    return {
      decision: 'allow',
      decidingRule: null,
      reason: 'no /filter section: every request is accepted',
      parts,
      rules: [],
      almost: { overridden: [], nearMisses: [] },
      logLine: null,
      rejectLine: null
    }
  }

  const traces = filter.rules.map((r) => traceRule(r, parts))
  const deciding = traces.findLast((t) => t.matched && t.type !== null) ?? null
  if (deciding) deciding.decided = true

  const decision = deciding?.type ?? 'deny'
  return {
    decision,
    decidingRule: deciding && deciding.type ? { label: deciding.label, type: deciding.type, pos: deciding.pos } : null,
    reason: deciding ? `rule /${deciding.label} (${deciding.type}) is the last rule that matches` : 'no rule matched',
    parts,
    rules: traces,
    almost:
      decision === 'deny'
        ? almostAllowed(
            traces,
            filter.rules.map((r) => r.matchers.every((m) => m.pattern !== null)),
            deciding
          )
        : { overridden: [], nearMisses: [] },
    logLine: deciding
      ? `Filter rule entry /${deciding.label} ${decision === 'allow' ? 'allowed' : 'blocked'} '${parts.requestLine}'`
      : null,
    rejectLine: decision === 'deny' ? `Filter rejects: ${parts.requestLine}` : null
  }
}

function requestParts(req: FilterRequest): FilterParts {
  const { path, selectors, extension, suffix } = decompose(req.url)
  const uri = req.query === null ? req.url : `${req.url}?${req.query}`
  return {
    method: req.method,
    url: req.url,
    query: req.query,
    protocol: req.protocol,
    requestLine: `${req.method} ${uri} ${req.protocol}`,
    path,
    selectors,
    extension,
    suffix
  }
}

function traceRule({ rule, matchers, note }: CompiledRule, parts: FilterParts): FilterRuleTrace {
  const checked = matchers.map((m) => check(m, parts))
  const failedIndex = checked.findIndex((c) => !c.matched)
  const matched = matchers.length > 0 && failedIndex < 0
  const trace: FilterRuleTrace = { label: rule.label, type: rule.type, pos: rule.pos, matched, decided: false, checked }
  if (failedIndex >= 0) trace.failed = failure(checked[failedIndex])
  if (note) trace.note = note
  return trace
}

/**
 * Why the rule never matches or never decides, shown on its row of every request's trace: a
 * rule no request can match (filter-never-matches.ts), or an allow a later deny overrides on
 * every request it matches (filter-never-decides.ts), both also `check` warnings, is then
 * marked where the user looks for why it did not apply.
 */
function ruleNote(
  rule: FilterRule,
  matchers: CompiledMatcher[],
  why: string | null,
  cover: FilterRule | null
): string | undefined {
  if (matchers.length === 0) return 'the rule has no /glob and no element properties, so it never matches'
  const broken = matchers.find((m) => m.error)
  if (broken) return `the /${broken.element} regular expression is invalid, so the rule never matches`
  if (why !== null) return `the rule never matches any request: ${why}`
  if (rule.type === null) return 'the rule has no valid /type ("allow" or "deny"), so it never decides'
  if (cover) return `the rule never decides: ${neverDecidesReason(cover)}`
  return undefined
}

function failure(c: FilterElementCheck): FilterRuleFailure {
  return {
    element: c.element,
    pattern: { source: c.patternSource, kind: c.kind },
    subject: c.subject,
    explanation: c.explanation
  }
}

function check(m: CompiledMatcher, parts: FilterParts): FilterElementCheck {
  const prop = m.prop
  if (m.pattern === null) {
    const subject = displaySubject(m.element, parts)
    return result(m, subject, false, `${prop} is not a valid regular expression (${m.error})`)
  }
  const pattern = m.pattern
  switch (m.element) {
    case 'query':
      if (parts.query === null) {
        return result(m, null, false, 'the request has no query string, and /query only matches requests that have one')
      }
      return compare(m, prop, pattern, parts.query)
    case 'selectors':
      return checkSelectors(m, prop, pattern, parts.selectors)
    case 'suffix':
      if (parts.suffix === '') return absent(m, prop, 'suffix')
      return compare(m, prop, pattern, parts.suffix)
    case 'extension':
      if (parts.extension === '') {
        const matched = pattern.test('')
        return result(
          m,
          '',
          matched,
          `the request has no extension, which ${prop} ${matched ? 'matches' : 'does not match'}`
        )
      }
      return compare(m, prop, pattern, parts.extension)
    default:
      return compare(m, prop, pattern, elementValue(m.element, parts))
  }
}

/** Built as one literal: object spread is far slower in V8 and this runs for every rule of every request. */
function result(
  m: CompiledMatcher,
  subject: string | null,
  matched: boolean,
  explanation: string,
  matchedSelector?: string
): FilterElementCheck {
  const check: FilterElementCheck = {
    element: m.element,
    patternSource: m.source,
    kind: m.kind,
    subject,
    matched,
    explanation
  }
  if (matchedSelector !== undefined) check.matchedSelector = matchedSelector
  return check
}

function compare(m: CompiledMatcher, prop: string, pattern: CompiledPattern, subject: string): FilterElementCheck {
  if (pattern.test(subject)) return result(m, subject, true, `${prop} matches '${subject}'`)
  const hint = caseHint(m, subject)
  return caseOnly(result(m, subject, false, `${prop} does not match '${subject}'${hint}`), hint)
}

/** Marks a failed check whose case hint is not empty: the near-miss ranking puts it first. */
function caseOnly(check: FilterElementCheck, hint: string): FilterElementCheck {
  if (hint !== '') check.caseOnly = true
  return check
}

function checkSelectors(
  m: CompiledMatcher,
  prop: string,
  pattern: CompiledPattern,
  selectors: string[]
): FilterElementCheck {
  if (selectors.length === 0) return absent(m, prop, 'selectors')
  const subject = selectors.join('.')
  const hit = selectors.find((s) => pattern.test(s))
  if (hit !== undefined) {
    return result(m, subject, true, `${prop} matches the selector '${hit}' (one matching selector is enough)`, hit)
  }
  const list = selectors.map((s) => `'${s}'`).join(', ')
  const hint = selectors.map((s) => caseHint(m, s)).find((h) => h !== '') ?? ''
  return caseOnly(result(m, subject, false, `${prop} matches none of the selectors ${list}${hint}`), hint)
}

function absent(m: CompiledMatcher, prop: string, what: 'selectors' | 'suffix'): FilterElementCheck {
  const matched = m.source === ''
  const explanation = matched
    ? `the request has no ${what}, as the empty pattern ${prop} requires`
    : `the request has no ${what}; only an empty pattern ("" or '') matches that, not ${prop}`
  return result(m, null, matched, explanation)
}

function caseHint(m: CompiledMatcher, subject: string): string {
  if (m.pattern === null || subject.toLowerCase() === subject.toUpperCase()) return ''
  if (m.folded === undefined) m.folded = compilePattern(m.pattern.spec, { caseInsensitive: true })
  return m.folded?.test(subject) ? ' (it would match ignoring case, but patterns are case-sensitive)' : ''
}

function elementValue(element: FilterElement, parts: FilterParts): string {
  switch (element) {
    case 'method':
      return parts.method
    case 'url':
      return parts.url
    case 'protocol':
      return parts.protocol
    case 'path':
      return parts.path
    case 'extension':
      return parts.extension
    case 'suffix':
      return parts.suffix
    case 'query':
      return parts.query ?? ''
    case 'selectors':
      return parts.selectors.join('.')
    case 'glob':
      return parts.requestLine
  }
}

function displaySubject(element: FilterElement, parts: FilterParts): string | null {
  if (element === 'query' && parts.query === null) return null
  if (element === 'selectors' && parts.selectors.length === 0) return null
  if (element === 'suffix' && parts.suffix === '') return null
  return elementValue(element, parts)
}

/** The decision alone, for the request path. */
export interface FilterDecision {
  decision: 'allow' | 'deny'
  rule: FilterRule | null
}

/**
 * Same decision as `evaluateFilter`, without building the explanation: walks the rules from
 * the last one and stops at the first that matches (last match wins), and stops checking a
 * rule at its first failing property. The full per-rule trace is rebuilt on demand from the
 * same compiled snapshot when someone looks at the request (UI, `explain`), so the proxy pays
 * for explanations only when they are read.
 */
export function decideFilter(filter: CompiledFilter, req: FilterRequest): FilterDecision {
  if (!filter.present) return { decision: 'allow', rule: null }
  const key = `${req.method}\u0000${req.protocol}\u0000${req.query === null ? '-' : `${req.query.length}:${req.query}`}\u0000${req.url}`
  const known = filter.decided.get(key)
  if (known) return known
  const decision = decide(filter, req)
  if (filter.decided.size >= DECIDED_LIMIT) filter.decided.clear()
  filter.decided.set(key, decision)
  return decision
}

/** Distinct request lines remembered per filter before the memo starts over. */
const DECIDED_LIMIT = 10_000

function decide(filter: CompiledFilter, req: FilterRequest): FilterDecision {
  const parts = requestParts(req)
  for (let i = filter.rules.length - 1; i >= 0; i--) {
    const { rule, quick } = filter.rules[i]
    if (rule.type === null || quick.length === 0) continue
    let all = true
    for (let j = 0; j < quick.length && all; j++) all = quickMatch(quick[j], parts)
    if (all) return { decision: rule.type, rule }
  }
  return { decision: 'deny', rule: null }
}

/** Boolean twin of `check` (same semantics, no explanation). */
function quickMatch(m: CompiledMatcher, parts: FilterParts): boolean {
  const p = m.pattern
  if (p === null) return false
  switch (m.element) {
    case 'query':
      return parts.query !== null && p.test(parts.query)
    case 'selectors':
      return parts.selectors.length === 0 ? m.source === '' : parts.selectors.some((s) => p.test(s))
    case 'suffix':
      return parts.suffix === '' ? m.source === '' : p.test(parts.suffix)
    default:
      return p.test(elementValue(m.element, parts))
  }
}
