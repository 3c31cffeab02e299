/**
 * Whether a connection stays open after an answer, and the `Connection`/`Keep-Alive` lines
 * that say so, decided as httpd's `ap_set_keepalive` decides them (modules/http/http_protocol.c)
 * and not as Node does. The differences show in every `curl -i`:
 *
 * - httpd answers `Connection: Keep-Alive` and `Keep-Alive: timeout=T, max=N` only to a client
 *   that sent the `keep-alive` token (browsers do); to an HTTP/1.1 client that sent no
 *   `Connection` header it writes neither line, where Node writes both.
 * - `MaxKeepAliveRequests` (default 100) counts down in `max=N`; the answer after the last
 *   kept-alive one says `Connection: close` and the connection closes (0: no limit).
 * - An answer whose status httpd treats as breaking the connection (400, 408, 411, 413, 414,
 *   500, 501, 503: `ap_status_drops_connection`) says `Connection: close` and closes, so a
 *   Dispatcher 503 for a dead render ends the connection.
 * - `KeepAlive Off` (or `KeepAliveTimeout 0`) closes after every answer.
 *
 * The directives are per virtual host (httpd copies the main server's into a vhost that sets
 * none), and the request's vhost decides, as `r->server` does in httpd. Verified against
 * Debian's apache2 2.4 with the browser's, curl's and an HTTP/1.0 client's requests.
 */
import type { Socket } from 'node:net'
import type { OutgoingHttpHeaders } from 'node:http'
import type { VhostSettings } from '../../../shared/config-model'
import { lastOther } from '../config/apache/settings'
import { parseTimeoutMs } from '../config/apache/timeout-arg'
import { atoi } from '../c-numbers'
import { getHeader, headerKey } from '../cache/header-bag'

export interface KeepAlivePolicy {
  /** `KeepAlive` (anything but `Off` or `0` is on) and `KeepAliveTimeout` > 0. */
  on: boolean
  /** `KeepAliveTimeout` in milliseconds (httpd's default 5 s); `Keep-Alive: timeout=` shows whole seconds. */
  timeoutMs: number
  /** `MaxKeepAliveRequests`: kept-alive answers per connection; 0 for no limit. */
  max: number
}

/** httpd's defaults, which the AEMaaCS SDK image and AMS's httpd.conf leave as they are. */
export const HTTPD_KEEP_ALIVE: KeepAlivePolicy = Object.freeze({ on: true, timeoutMs: 5000, max: 100 })

/** The policy the last of these contexts (server first, then the vhost) sets; httpd's defaults otherwise. */
export function keepAlivePolicy(layers: readonly VhostSettings[]): KeepAlivePolicy {
  const keepAlive = lastOther(layers, 'KeepAlive')?.[0]
  const timeout = lastOther(layers, 'KeepAliveTimeout')?.[0]
  const max = lastOther(layers, 'MaxKeepAliveRequests')?.[0]
  if (keepAlive === undefined && timeout === undefined && max === undefined) return HTTPD_KEEP_ALIVE
  const timeoutMs = timeout === undefined ? HTTPD_KEEP_ALIVE.timeoutMs : (parseTimeoutMs(timeout) ?? 0)
  return {
    // core.c's set_keep_alive: "we accept anything but Off or 0 as On".
    on: (keepAlive === undefined || (keepAlive.toLowerCase() !== 'off' && keepAlive !== '0')) && timeoutMs > 0,
    timeoutMs,
    // core.c's set_keep_alive_max is atoi(): digits after an optional sign, 0 when there are none.
    max: max === undefined ? HTTPD_KEEP_ALIVE.max : atoi(max)
  }
}

/** What `ap_status_drops_connection` lists: httpd closes the connection after these. */
export function dropsConnection(status: number): boolean {
  return (
    status === 400 ||
    status === 408 ||
    status === 411 ||
    status === 413 ||
    status === 414 ||
    status === 500 ||
    status === 501 ||
    status === 503
  )
}

/** The request as the decision sees it. */
export interface KeepAliveRequest {
  method: string
  /** `HTTP/1.1`, `HTTP/1.0`… */
  protocol: string
  /** The request's `Connection` header, if any. */
  connection: string | undefined
}

/** The decision for one answer. */
export interface Persistence {
  /** The connection carries another request after this answer. */
  keep: boolean
  /** The `Connection` line to write, or null for none. */
  connection: string | null
  /** The `Keep-Alive` line to write, or null for none. */
  keepAlive: string | null
  /** An answer of unknown length ends when the connection closes, without chunks (RequestContext.unmeasuredError). */
  unframed?: boolean
  /** Kept: how long the connection may then idle, the request's vhost's KeepAliveTimeout (ms). */
  idleMs?: number
}

/** Kept-alive answers so far per connection (`c->keepalives`), across both listeners. */
const keptAlive = new WeakMap<Socket, number>()
/** Requests Node's server has handed over per connection, counted on from the lean listener's answers. */
const arrivals = new WeakMap<Socket, number>()

/** The arrival indexes of the byte-range 416s Node's path decided, per connection (decideForRangeError). */
const rangeErrors = new WeakMap<Socket, number[]>()

/**
 * How many of those came before the request at `index`: each counted one keep-alive request more.
 * The list is kept sorted, so this is a search, not a walk over every earlier 416 (a connection
 * without MaxKeepAliveRequests may carry any number).
 */
function doubledBefore(socket: Socket | null, index: number): number {
  const list = socket ? rangeErrors.get(socket) : undefined
  return list === undefined ? 0 : lowerBound(list, index)
}

/** The number of entries of the sorted `list` below `value` (where `value` would go). */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function noteRangeError(socket: Socket, index: number): void {
  let list = rangeErrors.get(socket)
  if (list === undefined) rangeErrors.set(socket, (list = []))
  list.splice(lowerBound(list, index), 0, index)
}

/**
 * A request's place on its connection, taken when Node hands it over (in the order it came):
 * pipelined requests are decided as they are read, not in the order their answers go out, so
 * their `c->keepalives` count is the number of requests before them.
 */
export function arrivalIndex(socket: Socket): number {
  const n = arrivals.get(socket) ?? keptAlive.get(socket) ?? 0
  arrivals.set(socket, n + 1)
  return n
}

/** Kept alive without a word, idling as the policy says: one frozen answer per policy. */
const silent = new WeakMap<KeepAlivePolicy, Persistence>()
function silentFor(policy: KeepAlivePolicy): Persistence {
  let p = silent.get(policy)
  if (p === undefined) {
    p = Object.freeze({ keep: true, connection: null, keepAlive: null, idleMs: policy.timeoutMs })
    silent.set(policy, p)
  }
  return p
}
/** Closes after the answer, saying so. */
export const CLOSE_CONNECTION: Persistence = Object.freeze({ keep: false, connection: 'close', keepAlive: null })
/** CLOSE_CONNECTION for an answer whose end the closing connection marks. */
export const CLOSE_UNFRAMED: Persistence = Object.freeze({ ...CLOSE_CONNECTION, unframed: true })
/**
 * The answer's own `Connection: close` (a module's, as `wimpy` in httpd): nothing is added to it;
 * also a close httpd makes without a word (AP_CONN_CLOSE set while the request was read).
 */
export const CLOSING: Persistence = Object.freeze({ keep: false, connection: null, keepAlive: null })

/**
 * `ap_set_keepalive` for an answer with this status and these headers to this request, on
 * this connection (`headers`, their names in any spelling). Counts the answer when it keeps the
 * connection open.
 */
export function decidePersistence(
  policy: KeepAlivePolicy,
  req: KeepAliveRequest,
  status: number,
  headers: OutgoingHttpHeaders,
  socket: Socket | null,
  /** The request's `arrivalIndex` (Node's path): its count, whatever answers were decided before it. */
  index?: number
): Persistence {
  // Checked on every answer: the two spellings anything here writes, not a scan of every name.
  const own = headers.connection ?? headers.Connection
  const wimpy = own !== undefined && hasToken(String(own), 'close')
  if (wimpy) return CLOSING
  const http11 = req.protocol !== 'HTTP/1.0' && req.protocol !== 'HTTP/0.9'
  const kaSent = req.connection !== undefined && hasToken(req.connection, 'keep-alive')
  const previous =
    index !== undefined ? index + doubledBefore(socket, index) : socket ? (keptAlive.get(socket) ?? 0) : 0
  const left = policy.max - previous
  // The names may be spelled as httpd writes them (the content-length filter's `Content-Length`).
  const lengthKnown =
    http11 ||
    req.method === 'HEAD' ||
    status === 204 ||
    status === 304 ||
    headerKey(headers, 'content-length') !== undefined ||
    hasToken(getHeader(headers as Parameters<typeof getHeader>[0], 'transfer-encoding') ?? '', 'chunked')
  if (
    lengthKnown &&
    policy.on &&
    (policy.max === 0 || left > 0) &&
    !dropsConnection(status) &&
    !(req.connection !== undefined && hasToken(req.connection, 'close')) &&
    (kaSent || http11)
  ) {
    if (socket) keptAlive.set(socket, previous + 1)
    if (!kaSent) return silentFor(policy)
    const seconds = Math.floor(policy.timeoutMs / 1000)
    return {
      keep: true,
      idleMs: policy.timeoutMs,
      connection: 'Keep-Alive',
      keepAlive: policy.max ? `timeout=${seconds}, max=${left}` : `timeout=${seconds}`
    }
  }
  return CLOSE_CONNECTION
}

/**
 * The byte-range filter's 416 page (RequestContext.unmeasuredError): ap_set_keepalive runs on
 * such a request twice, first for the answer the file's length measured (a 200), then for the
 * page, which has no length. Measured against apache2 2.4.68 (test/httpd/unmeasured-errors.test.ts):
 * a kept 416 says `max=` one less than a 200 in its place; the 416 keep-alive's last request
 * would have is chunked and closes (the first run kept the connection, so the second sets
 * r->chunked before it finds the count used up); one the first run closed (the client's
 * `Connection: close`, HTTP/1.0 without keep-alive) is ended by the close, unchunked.
 */
export function decideForRangeError(
  policy: KeepAlivePolicy,
  req: KeepAliveRequest,
  headers: OutgoingHttpHeaders,
  socket: Socket | null,
  index?: number
): Persistence {
  const measured = decidePersistence(policy, req, 200, { 'content-length': 0 }, socket, index)
  if (!measured.keep) return CLOSE_UNFRAMED
  const page = decidePersistence(policy, req, 416, headers, socket, index === undefined ? undefined : index + 1)
  // Node's parser numbered the requests as they arrived: those after this one count its second run too.
  if (socket && index !== undefined) noteRangeError(socket, index)
  if (page.keep) return page
  const chunked = req.method !== 'HEAD' && req.protocol !== 'HTTP/1.0' && req.protocol !== 'HTTP/0.9'
  return chunked ? CLOSE_CONNECTION : CLOSE_UNFRAMED
}

/** `ap_find_token`: `token` is one of the comma-separated words of `value`, ignoring case. */
function hasToken(value: string, token: string): boolean {
  const lower = value.toLowerCase()
  if (lower === token) return true
  if (!lower.includes(token)) return false
  return lower.split(',').some((t) => t.trim() === token)
}

/**
 * ap_set_keepalive writes into the answer's own lines (a `Header set Connection …` or
 * `Keep-Alive …`) where they stand: its word merged into the first `Connection` line
 * (`apr_table_mergen`: `foo, close`), its `Keep-Alive` value set on the first `Keep-Alive` line
 * (`apr_table_setn`, the others dropped). The decision then writes no line of its own for
 * those. Unchanged without them.
 */
export function intoOwnLines(
  headers: OutgoingHttpHeaders,
  persistence: Persistence
): { headers: OutgoingHttpHeaders; persistence: Persistence } {
  const connection = persistence.connection === null ? undefined : headerKey(headers, 'connection')
  const keepAlive = persistence.keepAlive === null ? undefined : headerKey(headers, 'keep-alive')
  if (connection === undefined && keepAlive === undefined) return { headers, persistence }
  const out = { ...headers }
  const own = { ...persistence }
  if (connection !== undefined) {
    const [first, ...rest] = [out[connection]].flat().map(String)
    const merged = `${first}, ${persistence.connection}`
    out[connection] = rest.length > 0 ? [merged, ...rest] : merged
    own.connection = null
  }
  if (keepAlive !== undefined) {
    out[keepAlive] = persistence.keepAlive as string
    own.keepAlive = null
  }
  return { headers: out, persistence: own }
}
