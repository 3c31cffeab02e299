/**
 * core's `LimitRequestBody`: the most bytes of request body a handler may read, per directory
 * (the innermost context that sets it wins; `0` is no limit; 1 GiB when none does, the default
 * since httpd 2.4.53). httpd's input filter refuses a body whose Content-Length is over it with
 * 413 when a handler first reads the body: the default handler discarding it, and (through
 * ap_get_client_block, as any handler reads) mod_dispatcher forwarding it. mod_proxy's proxied
 * requests are not held to it (apache2 2.4.68 forwards them). The 413 page goes out unmeasured,
 * ended by the close. (A chunked body is counted as it is read; that mid-stream refusal is not
 * emulated: the render gets the body.)
 */
import { lastOther } from '../config/apache/settings'
import { apacheSections } from './apache-sections'
import type { RequestContext } from './context'
import { answer } from './stages/answer'

const DEFAULT_LIMIT = 1024 * 1024 * 1024

/**
 * Answers 413 when the request's declared body is over the limit in effect; null when it is
 * not (or there is no body).
 */
export function refuseOversizedBody(ctx: RequestContext, reader: string): true | Promise<true> | null {
  const declared = ctx.req.body === null ? undefined : ctx.req.headers['content-length']
  if (declared === undefined) return null
  const limit = limitInEffect(ctx)
  const length = Number(declared)
  if (limit === 0 || !(length > limit)) return null
  ctx.record(
    'render',
    'stop',
    `${reader} reads the request body: its Content-Length ${declared} is over LimitRequestBody ${limit}: 413`
  )
  ctx.setOutcome('blocked')
  ctx.unmeasuredError = true
  return answer(ctx, 413)
}

function limitInEffect(ctx: RequestContext): number {
  const v = ctx.vhost
  if (!v) return DEFAULT_LIMIT
  const contexts = [...v.layers, ...(apacheSections(ctx)?.scopes.map((s) => s.settings) ?? [])]
  const value = lastOther(contexts, 'LimitRequestBody')?.[0]
  const n = value === undefined ? NaN : Number(value)
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_LIMIT
}
