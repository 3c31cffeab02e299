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

export interface HttpdHeadOptions {
  persistence: Persistence
  /** Content-Type goes last (the handler named the type) rather than where it stands. */
  typeLast: boolean
  /** The answer is chunked: no Content-Length, a body, an HTTP/1.1 client. */
  chunked: boolean
}

export function httpdOrderedHeaders(headers: OutgoingHttpHeaders, opts: HttpdHeadOptions): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  let dateKey: string | undefined
  let typeKey: string | undefined
  const servers: string[] = []
  for (const k in headers) {
    const lower = k.toLowerCase()
    if (lower === 'date') dateKey ??= k
    else if (lower === 'server') servers.push(k)
    else if (lower === 'content-type') typeKey ??= k
  }
  out[dateKey ?? 'Date'] = dateKey === undefined ? new Date().toUTCString() : headers[dateKey]
  for (const k of servers) out[k] = headers[k]
  for (const k in headers) {
    if (k === dateKey || servers.includes(k) || (opts.typeLast && k === typeKey)) continue
    if (headers[k] !== undefined) out[k] = headers[k]
  }
  const { persistence } = opts
  if (persistence.keepAlive !== null) out['Keep-Alive'] = persistence.keepAlive
  if (persistence.connection !== null) out.Connection = persistence.connection
  if (opts.chunked) out['Transfer-Encoding'] = 'chunked'
  if (opts.typeLast && typeKey !== undefined) out[typeKey] = headers[typeKey]
  return out
}
