/**
 * A head that stopped coming after its request line, on either listener: ap_read_request's 408
 * (read_request_line came back whole, ap_get_mime_headers_core's read of the fields timed out),
 * which ap_die answers as every refusal made while the head is read: for the connection's
 * default vhost, no section walked, so its `ErrorDocument 408` applies (a message, a redirect to
 * a full URL, a local document by an internal GET); then the connection closes. Measured on
 * apache2 2.4.68 under `Timeout 1` and mod_reqtimeout's `header=1`, also after a kept-alive
 * answer. The pipeline answers it (accept stage) from the request this makes, so the trace says
 * what happened. (Silence before the request line came whole closes without a word instead.)
 */
import { takeTargetHost, type SimpleRequest } from './simple-request'

const WHY = 'the request head stopped coming after its request line (Timeout, or RequestReadTimeout header=)'

/**
 * The request the read part of a head (`head`, from its first byte) stands for, refused with
 * 408; null while no request line came whole. Blank lines before the line are skipped, as
 * read_request_line skips them.
 */
export function timedOutHead(head: string): SimpleRequest | null {
  let start = 0
  while (head.charCodeAt(start) === 13 || head.charCodeAt(start) === 10) start++
  const end = head.indexOf('\n', start)
  if (end < 0) return null
  const line = head.slice(start, end).replace(/\r$/, '')
  const [method = '', target = '', protocol = ''] = line.trim().split(/[ \t]+/)
  const request: SimpleRequest = {
    method,
    target,
    protocol,
    headers: {},
    rawHeaders: [],
    keepAlive: false,
    refused: WHY,
    refusedStatus: 408
  }
  takeTargetHost(request)
  return request
}
