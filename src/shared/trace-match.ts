/**
 * What the filter and farm-selection stages report about one request (dispatcher-behavior.md §3.3,
 * §4). Plain JSON so it crosses process boundaries unchanged; every explanation is data worded for
 * the user, and every rule or value carries the file:line it came from.
 */
import type { FilterElement, RuleType } from './config-model'
import type { SourcePos } from './diagnostics'

export type PatternKind = 'glob' | 'regex'

/** How the request looked to the filter. */
export interface FilterParts {
  method: string
  /** Path without the query string (what `/url` tests). */
  url: string
  /** Query string without `?`; `null` when the request has no `?`. */
  query: string | null
  protocol: string
  /** `METHOD SP URI SP PROTOCOL`, with the query: what `/glob` tests. */
  requestLine: string
  path: string
  selectors: string[]
  extension: string
  suffix: string
}

/** One element property of a rule tested against the request. */
export interface FilterElementCheck {
  element: FilterElement
  patternSource: string
  kind: PatternKind
  /**
   * The value tested; `null` when the request has no such element (no query string, no selectors,
   * no suffix). For `/selectors` the selectors joined with `.`.
   */
  subject: string | null
  matched: boolean
  /** For `/selectors`: the first selector the pattern matched. */
  matchedSelector?: string
  /** Set on a failed check the pattern would pass ignoring letter case (patterns are case-sensitive). */
  caseOnly?: true
  explanation: string
}

/** The first element property (in the order written) that kept a rule from matching. */
export interface FilterRuleFailure {
  element: FilterElement
  pattern: { source: string; kind: PatternKind }
  subject: string | null
  explanation: string
}

export interface FilterRuleTrace {
  /** Label without the slash. */
  label: string
  type: RuleType | null
  pos: SourcePos
  /** Every element property matched (a rule is the AND of its properties). */
  matched: boolean
  /** This rule decided the request: the last matching rule with a valid `/type`. */
  decided: boolean
  failed?: FilterRuleFailure
  /** Every element property of the rule, in the order written. */
  checked: FilterElementCheck[]
  /** Why the rule can never match or never decide (no `/type`, no properties, invalid regex). */
  note?: string
}

/** A rule named with where it is written. */
export interface FilterRuleRef {
  label: string
  pos: SourcePos
}

/**
 * An allow rule that matched the denied request: it did allow it, until a deny written after it
 * matched too (the last match wins, §4.3). The real answer to "why was this denied".
 */
export interface FilterOverriddenAllow extends FilterRuleRef {
  /** The allow's properties as written: `/extension '(…)' /path "/content/*"`. */
  props: string
  /** Every deny written after it that matches the request, in document order: the last one decided. */
  overriddenBy: FilterRuleRef[]
}

/**
 * How far a one-property miss is from the request, closest first (the order of FILTER_CLOSENESS):
 * `case` the failing value differs only in letter case; `method` the same URL asked with another
 * method or protocol; `query` another query string; `rendering` the same resource with other
 * selectors or suffix; `resource` another path, URL or extension: another resource altogether.
 */
export type FilterCloseness = 'case' | 'method' | 'query' | 'rendering' | 'resource'

export const FILTER_CLOSENESS: readonly FilterCloseness[] = ['case', 'method', 'query', 'rendering', 'resource']

/**
 * An allow rule, written after the deciding deny (or anywhere when no rule matched), that failed on
 * exactly one element property and matched at least one other than /method or /protocol.
 */
export interface FilterNearMiss extends FilterRuleRef {
  failed: FilterRuleFailure
  closeness: FilterCloseness
  /**
   * How much of the request the matching properties pin down: the literal characters they require
   * (wildcards and regex syntax not counted), /method and /protocol left out. `/path "/content/*"`
   * is 9; with `/extension "json"` as well, 13.
   */
  specificity: number
}

/** What "almost" allowed a denied request; both lists are empty when the request was allowed. */
export interface FilterAlmost {
  /** Allow rules that matched but were overridden by a later deny, the last written first. */
  overridden: FilterOverriddenAllow[]
  /** One-property misses, closest first, then the most specific, then in document order. */
  nearMisses: FilterNearMiss[]
}

export interface FilterResult {
  decision: 'allow' | 'deny'
  decidingRule: { label: string; type: RuleType; pos: SourcePos } | null
  /** Why, in one sentence beside the decision (which the UI shows before it): "rule /0011 (deny) is the last rule that matches", "no rule matched". */
  reason: string
  parts: FilterParts
  /** Every rule in evaluation order (document order after includes). Empty without `/filter`. */
  rules: FilterRuleTrace[]
  /** The allow rules a later deny overrode and those that missed by one property; filled only when denied. */
  almost: FilterAlmost
  /** Trace-level module line: `Filter rule entry /0011 blocked 'GET … HTTP/1.1'`; null when no rule decided. */
  logLine: string | null
  /** Debug-level module line for denied requests: `Filter rejects: GET … HTTP/1.1`. */
  rejectLine: string | null
}

/** How one `/virtualhosts` value compared with the request. */
export interface VirtualHostCheck {
  farm: string
  farmIndex: number
  value: string
  pos?: SourcePos
  /** The value split into its parts: `[scheme://]host[uri]`. */
  scheme: 'http' | 'https' | null
  host: string
  uri: string | null
  schemeMatched: boolean
  hostMatched: boolean
  /** `null` when the value has no URI part (then any URI matches). */
  uriMatched: boolean | null
  /**
   * Set when the host part missed only because the `Host` header carries a port (a browser adds
   * any non-default one): why, and which value would match. Absent otherwise.
   */
  portHint?: string
}

export type FarmMatchKind = 'host+uri' | 'host' | 'fallback'

export interface FarmResult {
  /** Farm name; `null` only when the configuration has no farm at all. */
  farm: string | null
  /** Index in document order; -1 when there is no farm. */
  index: number
  matchedBy: FarmMatchKind | null
  /** The `/virtualhosts` entry that selected the farm; `null` for the fallback. */
  value: { value: string; pos?: SourcePos } | null
  /** Every value compared, in the order walked (last farm first, values top to bottom). */
  checked: VirtualHostCheck[]
  request: { host: string; uri: string; scheme: 'http' | 'https' }
  /** Warning-level module line when no value matched. */
  warning: string | null
  /** Debug-level module line on a match: `Found farm <name> for <host>`. */
  logLine: string | null
  /** One sentence for the user. */
  reason: string
  /**
   * For a fallback only: the value that would have matched the `Host` header without its port,
   * and what to write instead. Absent otherwise.
   */
  portNote?: string
}
