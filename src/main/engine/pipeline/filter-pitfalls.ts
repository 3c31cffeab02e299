/**
 * Filter rules that do not do what they seem to (dispatcher-behavior.md §10), found when a farm's
 * filter is compiled and reported as `pitfall` warnings at the rule's position. The decision is
 * never changed by them: the module applies such rules exactly as written.
 */
import type { FilterElement, FilterRule, PatternSpec } from '../../../shared/config-model'
import type { SourcePos } from '../../../shared/diagnostics'
import { ereAlternatives, ereNeedsChar } from '../match/ere-shape'
import { globNeedsChar } from '../match/glob'
import type { FilterProblem } from './filter'
import { methodCaseMessage, methodsMissedByCase, whyNeverMatches } from './filter-never-matches'

/** What the rest of the filter tells about a rule (filter-never-decides.ts). */
export interface RuleContext {
  /** The rule is an allow that never decides (a later deny matches all it matches): it lets nothing through. */
  neverDecides: boolean
  /** Some allow rule of the filter can decide: without one, a deny that misses requests changes nothing. */
  filterAllows: boolean
  /** No request matches the rule (whyRuleNeverMatches is not null). */
  neverMatches: boolean
}

/**
 * Rules that do not do what they seem to (dispatcher-behavior.md §10, pitfalls 1, 2, 5 and 7),
 * and properties that no request satisfies (filter-never-matches.ts), as warnings with the
 * rule's position. The decision itself is unchanged: the module applies such rules exactly as
 * written. The warnings that a rule lets requests through are left out where, by `context`,
 * it cannot.
 */
export function rulePitfalls(rule: FilterRule, context: RuleContext): FilterProblem[] {
  const warnings: FilterProblem[] = []
  const spec = (element: FilterElement): PatternSpec | undefined =>
    rule.matchers.find((m) => m.element === element)?.pattern
  const warn = (code: FilterProblem['code'], element: FilterElement, pos: SourcePos, message: string): void => {
    warnings.push(problem('warning', code, rule, element, pos, message))
  }
  for (const { element, pattern } of rule.matchers) {
    const why = whyNeverMatches(element, pattern)
    if (why !== null) warn('PITFALL_NEVER_MATCHES', element, pattern.pos, why)
    const missed = element === 'method' ? methodsMissedByCase(pattern) : []
    if (missed.length > 0) warn('PITFALL_METHOD_CASE', element, pattern.pos, methodCaseMessage(pattern, missed))
  }
  const glob = spec('glob')
  if (rule.type === 'allow' && glob && !context.neverDecides) {
    warn(
      'PITFALL_ALLOW_GLOB',
      'glob',
      glob.pos,
      'Allowing requests with globs is considered unsafe (the module logs this): the glob matches the whole request line, query included (for example an allow of "GET *.css *" also lets "GET /any/page?a=.css HTTP/1.1" through, CVE-2016-0957); allow with /method, /path, /extension instead'
    )
  }
  const extension = spec('extension')
  if (
    rule.type === 'allow' &&
    extension &&
    !spec('path') &&
    !spec('url') &&
    !glob &&
    !context.neverDecides &&
    !context.neverMatches
  ) {
    const ext = exampleWord(extension) ?? 'css'
    warn(
      'PITFALL_EXTENSION_WITHOUT_PATH',
      'extension',
      extension.pos,
      `an /extension allow without /path or /url allows that extension anywhere: "/crx/de/index.jsp;%0aa.${ext}" has the extension ${ext}`
    )
  }
  const path = spec('path')
  if (path) {
    const dead = deadPathAlternatives(path)
    if (dead !== null) warn('PITFALL_PATH_WITH_DOT', 'path', path.pos, dead.message)
  }
  // §10.6: "[.]*" in a glob is one dot and then anything, not "any number of dots".
  for (const m of rule.matchers) {
    if (m.pattern.kind === 'glob' && m.pattern.source.includes('[.]*')) {
      warn(
        'PITFALL_BRACKET_DOT',
        m.element,
        m.pattern.pos,
        `in a glob "[.]*" is one dot followed by anything, not any number of dots: "${m.pattern.source}" needs a dot there; write "*" (or a regex in single quotes)`
      )
    }
  }
  const query = spec('query')
  if (
    rule.type === 'deny' &&
    context.filterAllows &&
    query &&
    query.kind === 'glob' &&
    /^[^*?[]+=/.test(query.source)
  ) {
    warn(
      'PITFALL_ANCHORED_QUERY_DENY',
      'query',
      query.pos,
      `/query is matched against the whole query string, so "${query.source}" misses "x=1&${query.source.replace(/\*$/, 'y')}"; write "*${query.source}"`
    )
  }
  return warnings
}

/**
 * §10.4: `/selectors` is tried against each selector, so `/selectors "model"` allows a chain
 * holding model among others (`a.model.infinity.json`). Said of an allow rule no later deny rule
 * on selectors narrows (the SDK's default filters follow theirs with one), and not of one that
 * never decides (`neverDecides[i]`, filter-never-decides.ts) or never matches (`neverMatches[i]`).
 */
export function selectorChainPitfalls(
  rules: FilterRule[],
  neverDecides: readonly boolean[],
  neverMatches: readonly (string | null)[]
): FilterProblem[] {
  const warnings: FilterProblem[] = []
  const selectorsOf = (r: FilterRule): PatternSpec | undefined =>
    r.matchers.find((m) => m.element === 'selectors')?.pattern
  rules.forEach((rule, i) => {
    const selectors = selectorsOf(rule)
    // An empty pattern ("", '', '()') matches only a request without selectors, never a chain.
    if (rule.type !== 'allow' || !selectors || selectors.source.replace(/[()]/g, '') === '') return
    if (neverMatches[i] !== null || neverDecides[i]) return
    if (rules.slice(i + 1).some((later) => later.type === 'deny' && selectorsOf(later))) return
    const selector = exampleWord(selectors) ?? 'model'
    warnings.push(
      problem(
        'warning',
        'PITFALL_SELECTOR_CHAIN',
        rule,
        'selectors',
        selectors.pos,
        `/selectors is tried against each selector, so "${selectors.source}" also allows a chain that holds a match among others (page.${selector}.infinity.json); deny the selectors you do not serve in a later rule`
      )
    )
  })
  return warnings
}

/**
 * Why no request matches the rule: one of its properties never matches (filter-never-matches.ts,
 * or a /path that needs a dot, §10.7), and a rule matches only when all do. Such a rule lets
 * nothing through, so the warnings that it lets too much through (§10.2, §10.4) would be wrong,
 * whichever element the dead one is. Null when it can match.
 */
export function whyRuleNeverMatches(rule: FilterRule): string | null {
  for (const { element, pattern } of rule.matchers) {
    const why = whyNeverMatches(element, pattern)
    if (why !== null) return why
  }
  const path = rule.matchers.find((m) => m.element === 'path')?.pattern
  const dead = path && deadPathAlternatives(path)
  return dead && dead.whole ? dead.message : null
}

/**
 * A word the pattern matches, to put the rule's own value in a warning's example: the pattern
 * itself when it is a plain word ("webmanifest"), else the first plain-word alternative of a
 * regex or glob alternation ('(css|js)' gives css). Undefined when none is that simple.
 */
function exampleWord(pattern: PatternSpec): string | undefined {
  const source = pattern.source.replace(/^\^?\(?/, '').replace(/\)?\$?$/, '')
  return source.split('|').find((alt) => /^[\w-]+$/.test(alt))
}

export function problem(
  severity: 'error' | 'warning',
  code: FilterProblem['code'],
  rule: FilterRule,
  element: FilterElement,
  pos: SourcePos,
  message: string
): FilterProblem {
  const category = severity === 'error' ? 'model' : 'pitfall'
  return {
    severity,
    code,
    category,
    rule: rule.label,
    element,
    pos,
    message: `filter rule /${rule.label} /${element}: ${message}`
  }
}

/**
 * §10.7: the Sling path ends at the first dot, so a `/path` pattern that needs a dot never
 * matches. Said of the whole pattern when every alternative needs one, else of the dead
 * alternatives only (`'/content/.*|/etc\\.clientlibs'` still allows /content/…); `whole` when
 * the pattern never matches. Null when nothing is dead.
 */
function deadPathAlternatives(path: PatternSpec): { message: string; whole: boolean } | null {
  const why = "the Dispatcher's /path ends at the first dot (/etc.clientlibs/x.js has the path /etc)"
  const whole = { message: `${why}, so "${path.source}" never matches; use /url`, whole: true }
  if (path.kind === 'glob') return globNeedsChar(path.source, '.') ? whole : null
  const alternatives = ereAlternatives(path.source)
  const dead = alternatives.filter((alt) => ereNeedsChar(alt, '.'))
  if (dead.length === 0) return null
  if (dead.length === alternatives.length) return whole
  const listed = dead.map((alt) => `"${alt}"`).join(', ')
  const one = dead.length === 1
  const message = `${why}, so the alternative${one ? '' : 's'} ${listed} never match${one ? 'es' : ''} (the others still can); use /url for ${one ? 'it' : 'them'}`
  return { message, whole: false }
}
