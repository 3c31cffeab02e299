/**
 * A CONNECT that a handler would send on (the Dispatcher to a render, mod_proxy to a backend,
 * which both treat it as a request for `/`): undici and node:http send a CONNECT only to open a
 * tunnel, never as a plain request, and what mod_dispatcher sends AEM for one is undocumented.
 * The workbench says so and answers 502 at once, where the request would otherwise wait on a
 * tunnel that never opens; no render is marked down for it.
 */
import type { RequestContext } from './context'
import { answer } from './stages/answer'

/** Answers a CONNECT `who` would forward to `where`; null for any other method. */
export function refuseConnectForward(
  ctx: RequestContext,
  who: string,
  where: string,
  detail?: object
): true | Promise<true> | null {
  if (ctx.req.method !== 'CONNECT') return null
  ctx.record(
    'render',
    'stop',
    `${who} would forward this CONNECT to ${where}: the workbench cannot send one as a plain request (its HTTP clients only open tunnels with it): 502`,
    detail ? { detail } : undefined
  )
  ctx.setOutcome('error')
  return answer(ctx, 502)
}
