/**
 * err_headers_out over headers_out, as ap_http_header_filter sends them: apr_table_overlay makes
 * one table of the two, err_headers_out's lines first, and keeps every line of both, so a name in
 * each (a backend's WWW-Authenticate kept for an ErrorDocument whose answer has its own, a [CO]
 * cookie beside the answer's Set-Cookie) goes out twice: the error's line first, the answer's
 * where the answer had it (measured against apache2 2.4.68, test/httpd/error-document-err-headers).
 * A header record keys a name once, so a name in both takes the error's values then the
 * answer's, and the head's lines (wire-lines.ts) put the answer's back in their place.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { inWireOrder, type WireLine } from '../http/wire-lines'

/** Where the head's line order goes (Reply.headerLines). */
export interface LineSink {
  headerLines?(lines: readonly WireLine[]): void
}

/**
 * `err` over `headers`. `answerLines`: the lines mod_headers left for the answer's head, if it
 * ran; they are passed on to `sink`, with the error's lines before them when a name is in both.
 */
export function withErrHeaders(
  err: OutgoingHttpHeaders,
  headers: OutgoingHttpHeaders,
  answerLines: readonly WireLine[] | undefined,
  sink: LineSink
): OutgoingHttpHeaders {
  const inAnswer = new Map<string, string>()
  for (const k in headers) if (headers[k] !== undefined) inAnswer.set(k.toLowerCase(), k)
  let shared = false
  for (const k in err) if (err[k] !== undefined && inAnswer.has(k.toLowerCase())) shared = true
  if (!shared) {
    if (answerLines) sink.headerLines?.(answerLines)
    return { ...err, ...headers }
  }
  const merged: OutgoingHttpHeaders = {}
  const lines: WireLine[] = []
  const fromErr = new Set<string>()
  for (const k in err) {
    const v = err[k]
    if (v === undefined) continue
    const key = k.toLowerCase()
    const own = inAnswer.get(key)
    merged[k] = own === undefined ? v : [...values(v), ...values(headers[own])]
    fromErr.add(key)
    for (const value of values(v)) lines.push(line(k, value))
  }
  for (const k in headers) if (headers[k] !== undefined && !fromErr.has(k.toLowerCase())) merged[k] = headers[k]
  // The answer's lines in the order its head would have had them.
  const ordered = answerLines ? inWireOrder(headers, answerLines, (key) => key) : null
  if (ordered) for (const [name, value] of ordered) lines.push(line(name, value))
  else for (const k in headers) for (const value of values(headers[k])) lines.push(line(k, value))
  sink.headerLines?.(lines)
  return merged
}

function values(v: OutgoingHttpHeaders[string]): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]
}

/** A name spelled in lower case is spelled on the way out (header-spelling.ts), as the record's would be. */
function line(name: string, value: string): WireLine {
  const key = name.toLowerCase()
  return name === key ? { key, value } : { key, value, name }
}
