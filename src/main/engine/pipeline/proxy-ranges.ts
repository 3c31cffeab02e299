/**
 * httpd's byte-range filter on an answer mod_proxy relays. The filter cuts a 200 only when the
 * first brigade it is handed holds the whole body (its EOS included): mod_proxy_http passes on
 * what each read from the backend brings, up to `ProxyIOBufferSize` (8 KiB by default), so a
 * small answer whose length the backend declared is cut like a static file, and a larger or
 * chunked one goes out whole. Such an answer is held until its body is complete (it is at most
 * that size). Checked against apache2 2.4.68 with the SDK's health-check ProxyPass
 * (test/httpd/wknd.test.ts). Only while its body comes in the reads that brought the head
 * (reads-with-head.ts): a read that finds nothing first sends mod_proxy's FLUSH down the
 * filters, the byte-range filter's first brigade holds no EOS, and it passes the 200 whole
 * (test/httpd/deflate-by-type.test.ts, /q/whole/length-later and /q/gap).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { getHeader } from '../cache/header-bag'
import { cutWholeBody } from '../http/byte-ranges'
import { ifRangeHolds } from '../cache/serve-file'
import { parseHttpDate } from '../http/apr-date'
import type { RequestContext } from './context'
import { ReadsWithHead } from './reads-with-head'
import { answer } from './stages/answer'

/** mod_proxy's default ProxyIOBufferSize: what one read from the backend brings at most. */
const PROXY_IO_BUFFER = 8192

/**
 * A relayed 200 held for the byte-range filter, or null when the filter would leave it alone:
 * no Range, another status, a HEAD (no body), a body of unknown or too large a length, an
 * answer already ranged, or an If-Range that does not hold.
 */
export function holdForRanges(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  ioBufferSize: number | undefined,
  relay: () => void,
  reason?: string
): HeldForRanges | null {
  const range = ctx.req.headers.range
  if (range === undefined || status !== 200 || ctx.req.method === 'HEAD') return null
  const length = Number(getHeader(headers, 'content-length'))
  if (!Number.isInteger(length) || length <= 0 || length > (ioBufferSize ?? PROXY_IO_BUFFER)) return null
  if (getHeader(headers, 'content-range') !== undefined) return null
  if (/^multipart\/(x-)?byteranges/i.test(getHeader(headers, 'content-type') ?? '')) return null
  const lastModified = parseHttpDate(getHeader(headers, 'last-modified') ?? '')
  if (!ifRangeHolds(ctx.req.headers['if-range'], getHeader(headers, 'etag'), lastModified, ctx.trace.startedAt))
    return null
  return new HeldForRanges(ctx, headers, range, relay, reason)
}

export class HeldForRanges {
  private readonly reads: ReadsWithHead

  constructor(
    private readonly ctx: RequestContext,
    private readonly headers: OutgoingHttpHeaders,
    private readonly range: string,
    /** Says the backend's head goes out (its Server line, its spelling): not for the filter's 416. */
    private readonly relay: () => void,
    /** The backend's reason phrase, kept on its 200. */
    private readonly reason: string | undefined
  ) {
    this.reads = new ReadsWithHead(
      (cb) => ctx.reply.onAbort(cb),
      (held) => this.passWhole(held)
    )
  }

  /** The body has come with its head so far: its pieces go to `add`, not to the reply. */
  get holding(): boolean {
    return this.reads.holding
  }

  add(chunk: Buffer): void {
    this.reads.add(chunk)
  }

  /** The whole answer as it goes out: the 200 unchanged, or cut. Ends the reply. */
  finish(): boolean | Promise<boolean> {
    const ctx = this.ctx
    if (!this.reads.holding) {
      ctx.reply.end()
      return true
    }
    const body = this.reads.whole(EMPTY)
    const cut = cutWholeBody(this.range, body, this.headers)
    if (cut === 'unsatisfiable') {
      ctx.record('render', 'stop', `the byte-range filter finds no range of the ${body.length} bytes satisfiable: 416`)
      ctx.unmeasuredError = true
      ctx.trace.response.bytes = 0
      return answer(ctx, 416)
    }
    this.relay()
    if (cut === null) {
      ctx.reply.head(200, this.headers, this.reason)
      ctx.reply.end(body)
      return true
    }
    ctx.status = 206
    ctx.trace.response.bytes = cut.body.length
    ctx.record('render', 'changed', `the byte-range filter cuts the ${body.length}-byte answer: 206 (${this.range})`)
    ctx.reply.head(206, cut.headers)
    ctx.reply.end(cut.body)
    return true
  }

  /**
   * The backend's connection ran dry before the end of the body: mod_proxy's FLUSH reached the
   * byte-range filter in a brigade without the EOS, and it removed itself. The 200 goes on as
   * it comes, the reply told of the FLUSH (mod_deflate decides without the length then).
   */
  private passWhole(held: Buffer[]): void {
    const ctx = this.ctx
    ctx.record('render', 'pass', PASSED_WHOLE)
    this.relay()
    ctx.reply.backendRanDry?.()
    ctx.reply.head(200, this.headers, this.reason)
    for (const chunk of held) ctx.reply.write(chunk)
  }
}

const EMPTY = Buffer.alloc(0)

const PASSED_WHOLE =
  "the byte-range filter passes the answer whole: its body did not come with its head, so mod_proxy's flush reached the filter before the end"
