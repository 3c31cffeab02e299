/** The state one run of a rule list works on, and what each rule needs to know about its run. */
import type { ApacheRequest } from '../../apache-expr'
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
  /** The last substitution began with a variable or back-reference and lacks `[UnsafePrefixStat]`. */
  prefixStatUnsafe: boolean
  log: string[]
}

export type RuleResult = 'no-match' | 'matched' | 'matched-nosub' | 'status'

export interface RuleEnv {
  req: ApacheRequest
  ctx: RewriteContext
  /** Per-directory prefix (with trailing slash) in directory scope. */
  perdir: string | null
  now: Date
}
