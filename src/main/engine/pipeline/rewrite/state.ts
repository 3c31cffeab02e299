/** The state one run of a rule list works on, and what each rule needs to know about its run. */
import type { ApacheRequest } from '../../apache-expr'
import type { CompiledRule } from './compile'
import type { RewriteContext } from './types'

/** What the rules change as they run: the fields of `request_rec` mod_rewrite writes. */
export interface RewriteState {
  filename: string
  args: string | null
  pathInfo: string
  env: Record<string, string>
  notes: Record<string, string>
  /** `r->status`: 200 until a rule sets a redirect or error status. */
  status: number
  cookies: string[]
  cookieNames: Set<string>
  vary: string[]
  forcedType?: string
  forcedHandler?: string
  uriReduced: boolean
  /** The last server-context substitution (`lastsub`), which prefix_stat weighs (finish.ts). */
  lastSub: { output: string; unsafePrefixStat: boolean } | null
  /** Trace entries and log lines are written (off: only the decision is made). */
  tracing: boolean
  log: string[]
  /** The last rule that did more than fail its pattern (failed conditions, applied, skipped, invalid). */
  touched: CompiledRule | null
  /** A rule was refused because of a `%3f` in the request (CVE-2024-38474). */
  unsafe3F: boolean
}

export type RuleResult = 'no-match' | 'matched' | 'matched-nosub' | 'status'

export interface RuleEnv {
  req: ApacheRequest
  ctx: RewriteContext
  /** Per-directory prefix (with trailing slash) in directory scope. */
  perdir: string | null
  now: Date
}
