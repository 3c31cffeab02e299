/**
 * Recognises the common request that the lean listener answers itself: an HTTP/1.1 `GET` or
 * `HEAD` in origin form, without a body, with plain ASCII header lines that each name a
 * different header, and a `Connection` of `keep-alive` or `close` if any. For such a request Node's
 * parser (llhttp) and this one give the same method, target, headers and raw headers — the
 * listener tests check that byte for byte. Anything else (bodies, `Expect`, `Upgrade`,
 * HTTP/1.0, folded or repeated headers, odd whitespace, non-ASCII bytes, malformed input)
 * is not "simple", and the connection goes to Node's HTTP server, which has always answered
 * it (see lean-listener.ts for why both exist).
 *
 * Two more kinds are taken here: a bodiless request whose method is a token llhttp does not know
 * (`DEBUG`, `TRACK`, a lower-case `get`), where httpd takes any token as a method: its handlers
 * answer 501, the Dispatcher's filter decides (checked with apache2 2.4.71); with a body, such a
 * head goes to Node under a stand-in method (request-head.ts). And a bodiless CONNECT, in any form: Node hands a
 * CONNECT to a tunnel handler instead of answering it, where httpd without mod_proxy_connect
 * serves it as a request for `/` on the virtual host its `host:port` names (accept stage).
 */
import { lowerName } from '../apache-expr/lower-name'
import { refusedTargetHost } from '../pipeline/normalise-url'
import { NODE_METHODS, withoutBlanks, type HeadVerdict } from './request-head'
import { HTTP_TOKEN } from './token'

/** Read only: the listener hands the same object on for a repeated head on one connection. */
export interface SimpleRequest {
  /** `GET`, `HEAD`, `CONNECT`, or a method Node's parser would refuse. */
  method: string
  target: string
  /** `HTTP/1.1`, or a later version httpd reads as HTTP/1.1. */
  protocol: string
  /** Lower-case names. Each appears once, so nothing is joined. */
  headers: Record<string, string>
  /** Names as sent, values trimmed, in order: what Node's `rawHeaders` holds. */
  rawHeaders: string[]
  /** False when the client sent `Connection: close`. */
  keepAlive: boolean
  /** Why httpd refuses this head with 400 (request-head.ts); the words of its line as far as they go. */
  refused?: string
  /** The status the refusal is answered with when not 400: 408 for a head that stopped coming (head-timeout.ts). */
  refusedStatus?: number
  /**
   * Of a refused head: r->hostname and the port ap_parse_uri took from an absolute-form `http://`
   * target (refusedTargetHost), which the answer's server name, port and signature read.
   */
  urlHost?: string
  urlPort?: number
}

/** Request heads longer than this go to Node (its limit here is 256 KiB; Apache's are per line). */
export const SIMPLE_HEAD_LIMIT = 64 * 1024

/** Anything but printable ASCII and CR LF: tabs, controls and bytes ≥ 0x80 are Node's to judge. */
const NOT_PLAIN = /[^\x20-\x7e\r\n]/
/**
 * httpd reads raw bytes ≥ 0x80 in the target (obs-text) and any `HTTP/d.d` from 1.1 on as
 * HTTP/1.1, where llhttp refuses both (request-head.ts); HTTP/1.0 and its keep-alive rules stay
 * with Node.
 */
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\/[\x21-\x7e\x80-\xff]*) (HTTP\/(?:1\.[1-9]|[2-9]\.[0-9]))$/
const CONNECT_LINE = /^(CONNECT) ([\x21-\x7e\x80-\xff]+) (HTTP\/(?:1\.[1-9]|[2-9]\.[0-9]))$/

/** Headers whose presence changes framing or connection handling: left to Node. */
// `Proxy-Connection` is read by llhttp as `Connection` is.
const NOT_SIMPLE_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'expect',
  'upgrade',
  'http2-settings',
  'proxy-connection'
])
/** More header lines than httpd's default LimitRequestFields: Node's path has them (the accept stage applies the configured limit). */
const MAX_SIMPLE_FIELDS = 100

/**
 * The request in `head` (the bytes before the blank line, as latin1), or null when it is not
 * a simple request.
 */
export function parseSimpleRequest(head: string): SimpleRequest | null {
  if (head.length > SIMPLE_HEAD_LIMIT) return null
  const lines = head.split('\r\n')
  if (lines.length - 1 > MAX_SIMPLE_FIELDS) return null
  // The request line's bytes are the REQUEST_LINE pattern's to judge.
  if (NOT_PLAIN.test(lines.length > 1 ? head.slice(lines[0].length) : '')) return null
  const line = REQUEST_LINE.exec(lines[0]) ?? CONNECT_LINE.exec(lines[0])
  if (!line || (line[1] !== 'GET' && line[1] !== 'HEAD' && line[1] !== 'CONNECT' && NODE_METHODS.has(line[1])))
    return null
  const headers: Record<string, string> = {}
  const rawHeaders: string[] = []
  let keepAlive = true
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]
    // A lone CR or LF, or a folded continuation line.
    if (text.includes('\n') || text.includes('\r') || text.charCodeAt(0) === 32) return null
    const colon = text.indexOf(':')
    if (colon <= 0) return null
    const name = text.slice(0, colon)
    if (!HTTP_TOKEN.test(name)) return null
    const lower = lowerName(name)
    if (lower in headers || NOT_SIMPLE_HEADERS.has(lower)) return null
    const value = text.slice(colon + 1).trim()
    if (lower === 'connection') {
      const option = value.toLowerCase()
      if (option === 'close') keepAlive = false
      else if (option !== 'keep-alive') return null
    }
    headers[lower] = value
    rawHeaders.push(name, value)
  }
  return { method: line[1], target: line[2], protocol: line[3], headers, rawHeaders, keepAlive }
}

/**
 * The request a head that httpd reads and llhttp refuses stands for (request-head.ts `rewritten`:
 * folded lines joined, the method, target and protocol as sent), when it is simple: for the
 * heads Node's parser failed on, where nothing rewrites them for it any more. Null otherwise
 * (a body, above all, which only Node's parser frames here).
 */
export function rewrittenRequest(verdict: Extract<HeadVerdict, { kind: 'rewritten' }>): SimpleRequest | null {
  const head = verdict.head
  let start = 0
  while (head.startsWith('\r\n', start)) start += 2
  const eol = head.indexOf('\r\n', start)
  const method = verdict.line.method ?? head.slice(start, head.indexOf(' ', start))
  const line = `${method} ${verdict.line.target} ${verdict.line.protocol}`
  return parseSimpleRequest(eol < 0 ? line : line + head.slice(eol))
}

/** An HTTP/0.9 request: no headers, and the connection closes after the answer (its body alone). */
export function http09Request(target: string): SimpleRequest {
  return { method: 'GET', target, protocol: 'HTTP/0.9', headers: {}, rawHeaders: [], keepAlive: false }
}

/**
 * The request a head httpd refuses stands for (request-head.ts), answered by the pipeline's 400
 * from `refused`; the last on its connection. Whichever parser read the head hands this on.
 */
export function refusedRequest(verdict: Extract<HeadVerdict, { kind: 'refused' }>): SimpleRequest {
  const { method, target, protocol, reason } = verdict
  const { headers, rawHeaders } = fieldsRead(verdict.fields ?? [])
  const request: SimpleRequest = { method, target, protocol, headers, rawHeaders, keepAlive: false, refused: reason }
  if (!verdict.lineUnread) takeTargetHost(request)
  return request
}

/**
 * Sets a refused request's `urlHost` and `urlPort` from its target: the host ap_parse_uri read
 * from the request line (a port text left empty, `http://h:/`, is the scheme's).
 */
export function takeTargetHost(request: { target: string; urlHost?: string; urlPort?: number }): void {
  if (request.target.charCodeAt(0) === 0x2f) return
  const host = refusedTargetHost(request.target)
  if (!host) return
  request.urlHost = host.name
  if (host.port) request.urlPort = Number(host.port)
}

/**
 * The fields httpd had read when it refused a later one, as a request carries them: names as
 * sent, values without their surrounding blanks; under its lower-case name, a repeated name's
 * first value (httpd merges repeated fields only once all are read: apr_table_get finds the first).
 */
function fieldsRead(fields: string[]): { headers: Record<string, string>; rawHeaders: string[] } {
  const headers: Record<string, string> = {}
  const rawHeaders: string[] = []
  for (const field of fields) {
    const colon = field.indexOf(':')
    const name = field.slice(0, colon)
    const value = withoutBlanks(withoutBlanks(field.slice(colon + 1), 'start'), 'end')
    rawHeaders.push(name, value)
    const key = name.toLowerCase()
    headers[key] ??= value
  }
  return { headers, rawHeaders }
}
