/**
 * What the Apache layer reports about one request: mod_rewrite (every rule tried, every
 * condition with its expanded test string), mod_setenvif and mod_headers (every directive,
 * applied or not and why), and the ap_expr evaluations behind them
 * (dispatcher-behavior.md §3.2). Plain JSON; every rule and directive carries its file:line.
 */
import type { SourcePos } from './diagnostics'

/** One value an expression or a substitution read, e.g. `%{HTTP_HOST}` → `wknd.site`. */
export interface LookupTrace {
  name: string
  value: string
}

/** One ap_expr evaluation. */
export interface ExprTrace {
  source: string
  /** The boolean or string result; `null` when evaluation failed. */
  result: boolean | string | null
  error?: string
  lookups: LookupTrace[]
}

/* ------------------------------------------------------------------------------ mod_rewrite */

export type RewriteCondKind =
  | 'regex'
  | 'expr'
  | 'file'
  | 'file-nonempty'
  | 'directory'
  | 'symlink'
  | 'executable'
  | 'url-lookup'
  | 'file-lookup'
  | 'lexical'
  | 'integer'

export interface RewriteCondTrace {
  pos: SourcePos
  /** The TestString as written, e.g. `%{HTTP:X-Forwarded-For}`. */
  testString: string
  /** After `%{VAR}`, `$N`, `%N` and `${map:key}` expansion; absent for `expr` conditions. */
  expanded?: string
  /** The CondPattern as written, `!` included. */
  pattern: string
  kind: RewriteCondKind
  negated: boolean
  /** Flags in canonical short form (`NC`, `OR`, `NV`). */
  flags: string[]
  /** Outcome after `!`; false when not evaluated. */
  result: boolean
  /** Not evaluated because an earlier condition of the same `[OR]` group already held. */
  skipped?: 'or-satisfied'
  /** `%0`–`%9` this condition set (only a matching, non-negated regex or expr sets them). */
  captures?: string[]
  expr?: ExprTrace
  note?: string
}

/**
 * no-match: the pattern did not match; conds-failed: a RewriteCond failed; applied: the rule
 * took effect; chain-skipped: an earlier `[C]` rule of the chain failed; skip-flag: jumped over
 * by `[S=n]`; invalid: the rule could not be compiled (see `note`).
 */
export type RewriteRuleVerdict = 'no-match' | 'conds-failed' | 'applied' | 'chain-skipped' | 'skip-flag' | 'invalid'

export type RewriteStopReason =
  | 'end-of-rules'
  | 'last'
  | 'end'
  | 'passthrough'
  | 'proxy'
  | 'redirect'
  | 'status'
  | 'next-limit'
  | 'length-limit'
  | 'unsafe-3f'
  | 'engine-off'
  | 'end-flag-earlier'
  | 'not-a-url-path'

export interface RewriteRuleTrace {
  index: number
  pos: SourcePos
  /** Pass of `[N]` processing this attempt belongs to (1 for the first). */
  round: number
  /** Pattern as written, `!` included. */
  pattern: string
  substitution: string
  flags: string[]
  /** What the pattern was tested against: the URL-path as rewritten so far. */
  subject?: string
  verdict: RewriteRuleVerdict
  /** `$0`–`$9` of the pattern match. */
  captures?: string[]
  conds: RewriteCondTrace[]
  /** The substitution after expansion (absent for `-` and status rules). */
  expanded?: string
  /** URL-path and query string after this rule. */
  result?: { path: string; query: string }
  /** Side effects in order, worded for users: `set env cdncache=""`, `status 403`, … */
  effects: string[]
  /** The engine stopped after this rule. */
  stop?: RewriteStopReason
  note?: string
}

export type RewriteAction = 'none' | 'rewrite' | 'passthrough' | 'redirect' | 'status' | 'proxy' | 'internal-redirect'

export interface RewriteTrace {
  scope: 'server' | 'vhost' | 'directory'
  input: { uri: string; query: string }
  rules: RewriteRuleTrace[]
  rounds: number
  /**
   * Rounds of an `[N]` loop run but not listed in `rules` (traced-rounds.ts): only the first
   * rounds and the last are.
   */
  omittedRounds?: { from: number; to: number }
  stoppedBy: RewriteStopReason
  action: RewriteAction
  /** One sentence for the user, e.g. `rule 3 redirected to https://wknd.site/ (301)`. */
  summary: string
  /** The lines `LogLevel rewrite:trace3` would have written, without the request prefix. */
  log: string[]
}

/* ----------------------------------------------------------------------------- mod_setenvif */

export interface SetEnvEntryTrace {
  pos: SourcePos
  directive: 'SetEnvIf' | 'SetEnvIfNoCase' | 'SetEnvIfExpr'
  args: string[]
  /** SetEnvIf: the attribute (`Request_URI`, a header name or a header-name regex). */
  attribute?: string
  /** SetEnvIf: the value tested (`''` when the header is absent, as Apache tests it). */
  subject?: string
  expr?: ExprTrace
  matched: boolean
  set: { name: string; value: string }[]
  unset: string[]
  note?: string
}

export interface SetEnvTrace {
  entries: SetEnvEntryTrace[]
}

/* ------------------------------------------------------------------------------ mod_headers */

export interface HeaderConditionTrace {
  kind: 'env' | 'expr'
  /** `env=!dont-vary` or the expression. */
  source: string
  result: boolean
  expr?: ExprTrace
}

export interface HeaderActionTrace {
  pos: SourcePos
  directive: 'Header' | 'RequestHeader'
  /** Which table it works on: the request, `r->headers_out` (onsuccess) or `r->err_headers_out` (always). */
  table: 'request' | 'onsuccess' | 'always'
  action: string
  header: string
  condition?: HeaderConditionTrace
  applied: boolean
  /** Why it was or was not applied, worded for users. */
  reason: string
  /** Values of the header in that table before and after. */
  before: string[]
  after: string[]
  /** The value computed for set/add/append/merge/setifempty. */
  value?: string
}

export interface HeadersTrace {
  phase: 'early' | 'request' | 'response'
  /** Response phase: Apache produced the error itself, so only `Header always` applied. */
  errorResponse?: boolean
  entries: HeaderActionTrace[]
}
