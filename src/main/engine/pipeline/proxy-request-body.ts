/**
 * How mod_proxy_http frames the request body it passes on (ap_proxy_http_prefetch and
 * ap_proxy_http_request, httpd 2.4): a body with a Content-Length goes out with it, streamed. A
 * chunked one is first prefetched — read, blocking, while fewer than MAX_MEM_SPOOL - 80 bytes
 * have come — and, if it ended within that, sent whole with a Content-Length; otherwise what was
 * read and the rest are streamed chunked. `proxy-sendcl` spools the whole body to send a
 * Content-Length. For a client that sent `Expect: 100-continue` the prefetch does not wait: a
 * body that came whole with the head is framed the same way, while one still held back for the
 * `100 Continue` streams as it came (measured against apache2 2.4.68: a chunked body of 16303
 * bytes reaches the backend with `Content-Length: 16303`, one of 16304 chunked).
 *
 * The framing goes in the head proxy-transport.ts writes: a Buffer with its length, a stream
 * chunked unless the client's Content-Length goes with it.
 */
import { Readable } from 'node:stream'
import type { RequestContext } from './context'

/** httpd's MAX_MEM_SPOOL: mod_proxy_http's prefetch reads while fewer than this less 80 bytes came. */
const MAX_MEM_SPOOL = 16384
const PREFETCH_LIMIT = MAX_MEM_SPOOL - 80

/**
 * The body as the backend is to get it: a Buffer with a Content-Length, a stream as its header
 * says or chunked.
 */
export type ProxiedBody = Buffer | Readable | undefined

/**
 * The request body framed as mod_proxy_http frames it. `expectsContinue`: the client may hold
 * its body back until the backend's `100 Continue`, so the prefetch must not wait for it.
 * Rejects when the client's body fails (it went away, or sent a broken chunk).
 */
export async function proxiedBody(ctx: RequestContext, expectsContinue: boolean): Promise<ProxiedBody> {
  const body = ctx.req.body
  if (body === null) return undefined
  if (expectsContinue && ctx.env['proxy-sendcl'] === undefined) {
    // The prefetch does not block then (prefetch_nonblocking): it takes what came with the head,
    // which Node's parser has taken in once the socket read that brought the head is done. A body
    // still held back goes as it is: read in flowing mode, it is what sends the client its
    // `100 Continue` unless the backend's was relayed (server.ts expectContinue), and node:http
    // sends it chunked. A body taken whole gets no 100 of httpd's own (ap_http_filter writes one
    // only before a blocking read): only the backend's, relayed.
    await new Promise((resolve) => setImmediate(resolve))
    if ((body as { complete?: boolean }).complete !== true) return body
    ctx.reply.bodyPrefetched?.()
  }
  if (ctx.req.headers['transfer-encoding'] === undefined) return body
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  if (ctx.env['proxy-sendcl'] !== undefined) return Buffer.concat(await readAll(chunks, Infinity))
  const read = await readAll(chunks, PREFETCH_LIMIT)
  const size = read.reduce((n, c) => n + c.length, 0)
  return size < PREFETCH_LIMIT ? Buffer.concat(read) : streamed(read, chunks)
}

/** Chunks read until `limit` bytes came or the body ended (the last read may go past `limit`). */
async function readAll(chunks: AsyncIterator<Buffer>, limit: number): Promise<Buffer[]> {
  const read: Buffer[] = []
  let size = 0
  while (size < limit) {
    const next = await chunks.next()
    if (next.done) break
    read.push(next.value)
    size += next.value.length
  }
  return read
}

/** What was prefetched, then the rest as it comes (object mode: Readable.from's default). */
function streamed(prefetched: Buffer[], rest: AsyncIterator<Buffer>): Readable {
  return Readable.from(
    (async function* () {
      yield* prefetched
      for (;;) {
        const next = await rest.next()
        if (next.done) return
        yield next.value
      }
    })()
  )
}
