/**
 * The answer to a request whose body stopped coming in time (request-timeout.ts
 * watchBodyReads). In httpd the handler reading the body (the default handler discarding it,
 * mod_proxy passing it on) gets APR_TIMEUP, ap_map_http_request_error makes that a 408, and
 * ap_die answers it as any error of the request: with the `ErrorDocument 408` the request's own
 * sections set (a `<Location>`'s included), so a message is the page, a full URL a 302 to it,
 * and a local URL an internal GET whose answer goes out under the 408; else the canned page.
 * 408 drops the connection (ap_status_drops_connection): `Connection: close`, then the close.
 * Measured on apache2 2.4.68 under `Timeout 1` and under mod_reqtimeout's `body=1`, for the
 * default handler, an error page's and mod_proxy's read.
 *
 * The answer goes out on the socket itself, not on the request's own reply: the handler that was
 * reading the body is still under way on that one, and what it sends once the connection is
 * closed goes nowhere (as it went nowhere when the canned page was written here alone).
 */
import type { Socket } from 'node:net'
import { closingErrorResponse } from '../pipeline/apache-errors'
import type { RequestContext } from '../pipeline/context'
import { answer } from '../pipeline/stages/answer'
import { TracedReply } from '../traced-reply'
import { LeanReply } from './lean-reply'

/**
 * Answers `ctx`'s request 408 on `socket` as ap_die does, then closes the connection. Without
 * a context (none was made for the request), httpd's canned page under `banner`.
 */
export function answerBodyTimeout(ctx: RequestContext | undefined, socket: Socket, banner: string): void {
  const close = (): void => void socket.end(() => socket.destroy())
  if (!ctx) return void socket.end(closingErrorResponse(408, banner), 'latin1', () => socket.destroy())
  const out = new LeanReply({
    socket,
    method: ctx.req.method,
    keepAlive: false,
    keepAliveTimeoutMs: 0,
    onFinish: close
  })
  const traced = new TracedReply(out, ctx.config.serverBanner)
  // The request as its stages left it (vhost, sections, environment: what ap_die reads from
  // r), answering on this reply instead of its own.
  const dying = Object.create(ctx, { reply: { value: traced } }) as RequestContext
  traced.trace = ctx.trace
  traced.ctx = dying
  dying.record('response', 'error', "the request body's read timed out: Apache's 408 (ap_die)")
  void Promise.resolve(answer(dying, 408)).catch(() => socket.destroy())
}
