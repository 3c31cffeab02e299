/**
 * Runs the stages in order (dispatcher-behavior.md §3): each may answer and end the request.
 * Synchronous stages do not allocate promises; only the render stage is asynchronous.
 */
import type { RequestContext } from './context'
import { accept } from './stages/accept'
import { cache } from './stages/cache'
import { flush } from './stages/flush'
import { farm } from './stages/farm'
import { filter } from './stages/filter'
import { handler } from './stages/handler'
import { render } from './stages/render'
import { fixups, rewrite } from './stages/rewrite'
import { access } from './stages/access'
import { traceMethod } from './stages/trace-method'
import { aliasTranslate } from './stages/alias'
import { coreTranslate } from './stages/core-translate'

export type Stage = (ctx: RequestContext) => boolean | Promise<boolean>

/**
 * accept (+ vhost) → rewrite (SetEnvIf, the vhost's mod_rewrite rules) → alias (mod_alias's
 * Redirect) → core's translate (a path too long for the file system) → TRACE (answered by
 * httpd's core) → access (Require,
 * Allow/Deny) → fixups (the sections' RewriteRules, RequestHeader) → handler (mod_proxy,
 * static files, or on to the Dispatcher) → farm → flush (invalidation requests, before the
 * filters, §7) → filter → cache (hits answered here) → render (misses stored on the way).
 */
export const STAGES: readonly Stage[] = [
  accept,
  rewrite,
  aliasTranslate,
  coreTranslate,
  traceMethod,
  access,
  fixups,
  handler,
  farm,
  flush,
  filter,
  cache,
  render
]

export function runPipeline(ctx: RequestContext, stages: readonly Stage[] = STAGES, from = 0): void | Promise<void> {
  // One clock reading per run (and after each wait): a stage that records nothing, such as a
  // rewrite stage without rules, leaves its few microseconds to the next entry, and `record`
  // restarts the clock itself. Reading the clock costs more than those stages in some VMs.
  ctx.startStage()
  for (let i = from; i < stages.length; i++) {
    const r = stages[i](ctx)
    if (r === true) return
    if (r !== false) {
      return r.then((stop) => {
        if (!stop) return runPipeline(ctx, stages, i + 1)
      })
    }
  }
}
