/**
 * The order httpd writes the lines of an answer's head in (http_filters.c,
 * ap_http_header_filter and basic_http_header; the httpd differential suite compares the order
 * line by line against apache2):
 *
 * 1. `Date` and `Server`: httpd's own, or the backend's when mod_proxy relays the answer.
 * 2. The module's headers in the order they were set, `Header always` ones (err_headers_out)
 *    first: the pipeline builds its header object in that order.
 * 3. `Keep-Alive` and `Connection` (ap_set_keepalive), then `Transfer-Encoding: chunked`.
 * 4. `Content-Type`, last, when the handler named the type (r->content_type: a file, a cached
 *    page, an error page, a listing). An answer relayed from a backend (a render, mod_proxy)
 *    carries the line among its headers, and httpd keeps it where the backend put it.
 *
 * LeanReply writes this order as text (lean-reply.ts); this is the same order as a header
 * object, for Node's ServerResponse, which writes an object's lines in order and adds none of
 * its own that are already there.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { Persistence } from './keep-alive'
import type { HeadLines } from './wire-lines'

export interface HttpdHeadOptions {
  persistence: Persistence
  /** Content-Type goes last (the handler named the type) rather than where it stands. */
  typeLast: boolean
  /** The answer is chunked: no Content-Length, a body, an HTTP/1.1 client. */
  chunked: boolean
}

/** The lines of a header record (or list) in order, a repeated name's values in turn. */
export function headLines(headers: OutgoingHttpHeaders | HeadLines): HeadLines {
  if (Array.isArray(headers)) return headers as HeadLines
  const out: [string, string][] = []
  const record = headers as OutgoingHttpHeaders
  for (const k in record) {
    const v = record[k]
    if (v === undefined) continue
    if (Array.isArray(v)) for (const one of v) out.push([k, one])
    else out.push([k, String(v)])
  }
  return out
}

/** The head in httpd's order, as the flat name/value list Node's `writeHead` takes (lines kept apart). */
export function httpdOrderedHeaders(headers: OutgoingHttpHeaders | HeadLines, opts: HttpdHeadOptions): string[] {
  const lines = headLines(headers)
  const is = (line: readonly [string, string], name: string): boolean => line[0].toLowerCase() === name
  const date = lines.find((l) => is(l, 'date'))
  // The type's lines: those of the first Content-Type line's name as spelled.
  const typeName = opts.typeLast ? lines.find((l) => is(l, 'content-type'))?.[0] : undefined
  const out: string[] = date ? [date[0], date[1]] : ['Date', new Date().toUTCString()]
  for (const l of lines) if (is(l, 'server')) out.push(l[0], l[1])
  for (const l of lines) {
    if (l === date || l[0] === typeName || is(l, 'server')) continue
    out.push(l[0], l[1])
  }
  const { persistence } = opts
  if (persistence.keepAlive !== null) out.push('Keep-Alive', persistence.keepAlive)
  if (persistence.connection !== null) out.push('Connection', persistence.connection)
  if (opts.chunked) out.push('Transfer-Encoding', 'chunked')
  for (const l of lines) if (l[0] === typeName) out.push(l[0], l[1])
  return out
}
