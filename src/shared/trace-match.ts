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

/** An allow rule after the deciding deny that failed on exactly one element property and matched one other than /method or /protocol. */
export interface FilterNearMiss {
  label: string
  pos: SourcePos
  failed: FilterRuleFailure
}

export interface FilterResult {
  decision: 'allow' | 'deny'
  decidingRule: { label: string; type: RuleType; pos: SourcePos } | null
  /** One sentence for the user, e.g. "no rule matched: denied". */
  reason: string
  parts: FilterParts
  /** Every rule in evaluation order (document order after includes). Empty without `/filter`. */
  rules: FilterRuleTrace[]
  /** Allow rules that missed on one property; filled only when the request is denied. */
  nearMisses: FilterNearMiss[]
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
}
