/**
 * httpd's `Timeout` (core.c `set_timeout`): how long each read of a request may wait for the
 * client's next bytes, 60 s unless the configuration says otherwise (the AEMaaCS SDK image and
 * AMS's httpd.conf leave it so). It is the socket's timeout, so it bounds every single read and
 * not the request as a whole: bytes that keep coming, however slowly, restart the wait.
 *
 * A virtual host that sets none takes the main server's (`ap_fixup_virtual_hosts` copies it
 * into a vhost whose own is 0). The head is read under the connection's default server's
 * Timeout; once the Host header has chosen a vhost, its Timeout governs the body
 * (`ap_read_request`: "Toggle to the Host:-based vhost's timeout mode to fetch the request
 * body"). Measured on apache2 2.4.68 with a vhost's `Timeout 4` under the server's `Timeout 2`.
 *
 * Where mod_reqtimeout is loaded (the SDK image loads it), its `RequestReadTimeout` stages time
 * the same reads over Timeout (read-clock.ts): the head by the connection's default server's
 * header stage (reqtimeout_before_header reads c->base_server), the body by the body stage of the
 * vhost the Host chose (reqtimeout_before_body reads r->server).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { VhostSettings } from '../../../shared/config-model'
import { lastOther } from '../config/apache/settings'
import { parseTimeoutMs } from '../config/apache/timeout-arg'
import { moduleLoaded } from '../config/apache/modules'
import { readStages, type ReadStage, type ReadStages } from '../config/apache/request-read-timeout'
import type { ReadClock } from './read-clock'

/** httpd's `DEFAULT_TIMEOUT` (include/httpd.h): 60 seconds. */
export const HTTPD_TIMEOUT_MS = 60_000

/**
 * The Timeout the last of these contexts (server first, then the vhost) sets, in milliseconds.
 * A value httpd would refuse to start on, or 0 (which a vhost inherits over), counts as unset.
 */
export function requestTimeoutMs(layers: readonly VhostSettings[]): number {
  let ms = HTTPD_TIMEOUT_MS
  for (const layer of layers) {
    const arg = lastOther([layer], 'TimeOut')?.[0]
    const parsed = arg === undefined ? undefined : parseTimeoutMs(arg)
    if (parsed) ms = parsed
  }
  return ms
}

/** mod_reqtimeout's stages for these contexts (server first), null when it is not loaded. */
export function reqtimeoutStages(layers: readonly VhostSettings[], modules?: readonly string[]): ReadStages | null {
  return moduleLoaded(modules, 'reqtimeout_module') ? readStages(layers) : null
}

/**
 * The stages of the connection's default server, or null when reqtimeout_init leaves the
 * connection without its filter (every stage's time 0: "disabled for this vhost"), and then no
 * vhost's body stage applies either.
 */
export function connectionReadStages(stages: ReadStages | null): ReadStages | null {
  if (!stages) return null
  const off = (s: ReadStage): boolean => s.timeoutMs === 0
  return off(stages.handshake) && off(stages.header) && off(stages.body) ? null : stages
}

/** Node's own headersTimeout when it is not given one. */
const NODE_HEADERS_TIMEOUT_MS = 60_000

/**
 * Node's headersTimeout, which bounds a head as a whole: a backstop behind the read-by-read
 * timing of node-heads.ts, long enough that no head httpd reads to its end reaches it. Where
 * mod_reqtimeout times heads, that is its header stage's bound (its range's end, else its
 * time) and the last read's wait after it (at most Timeout: reqtimeout_filter waits
 * MIN(time_left, saved_sock_timeout)). Under Timeout alone httpd bounds a head that keeps coming
 * by nothing; Node's parser is given its own default, 60 s, or Timeout where that is longer.
 */
export function wholeHeadTimeoutMs(timeoutMs: number, stages: ReadStages | null): number {
  const header = stages?.header
  const staged = header && header.timeoutMs > 0 ? (header.maxTimeoutMs || header.timeoutMs) + timeoutMs : 0
  return Math.max(NODE_HEADERS_TIMEOUT_MS, timeoutMs, staged)
}

/**
 * On Node's path, calls `stalled` when the body of `req` stops coming for as long as `clock`
 * lets a read wait, or (with a mod_reqtimeout stage) a read of it comes too late: httpd's read
 * fails with APR_TIMEUP, which ap_map_http_request_error makes a 408. Node's socket timer is
 * restarted by every read the parser makes, and Node emits its 'timeout' on the request only
 * while the request is incomplete; once it is complete, the answer may take as long as it takes
 * (the server-wide timeout Node otherwise leaves at 0), so the timer is stopped.
 *
 * A stage's wait changes with every read (the bytes extend it). The reads are the socket's
 * 'data' events: Node's HTTP server registered its own listener (which runs the parser) first,
 * so the chunk is parsed when this one sees it. A 'data' listener takes the socket off Node's
 * native parser path (the server's connection listener "unconsumes" it for one), so the reads of
 * a body slow enough to be watched come through JavaScript from then on: one more callback per
 * chunk, and no private API (the socket's `_unrefTimer`, which the parser calls after each
 * chunk, is not part of Node's interface and a newer Node may lack it). The body bytes that came
 * in the packet that carried the head were parsed before this listener was there; httpd's body
 * stage counts them at its first read (the head's GETLINE leaves them in the brigade for
 * ap_http_filter's first READBYTES), so they are counted here as they reach `req` in the same
 * parse, as one read when it is done (as Node decoded them: a chunked body's framing in that
 * packet is not counted).
 * Measured on apache2 2.4.68 with body=1,MinRate=500: a head with 400 of 1000 body bytes, the
 * rest 1.4 s later, is answered (400 bytes extend the 1 s by 0.8 s).
 */
export function watchBodyReads(req: IncomingMessage, res: ServerResponse, clock: ReadClock, stalled: () => void): void {
  const socket: BodySocket = req.socket
  let watching = true
  const readSeen = (chunk: Buffer): void => {
    if (!req.complete) readThenWait(chunk.length)
  }
  const unwatch = (): void => {
    watching = false
    socket.off('data', readSeen)
  }
  const stop = (): void => {
    unwatch()
    if (!res.writableFinished) socket.setTimeout(0)
  }
  // A wait of 0 is a time already up, never a socket timeout (setTimeout(0) switches it off).
  const readThenWait = (bytes: number): void => {
    const waitMs = clock.readThenWaitMs(bytes)
    if (waitMs > 0) return void socket.setTimeout(waitMs)
    stop()
    stalled()
  }
  socket.setTimeout(clock.waitMs())
  socket.on('data', readSeen)
  countBodyReadWithHead(req, (bytes) => {
    if (watching && !req.complete && !req.destroyed) readThenWait(bytes)
  })
  req.once('timeout', () => {
    unwatch()
    stalled()
  })
  req.once('end', stop)
  req.once('close', unwatch)
  // A complete request whose body nobody read to its end: the timer fires on the response (a
  // listener there keeps Node from destroying the socket).
  res.once('timeout', stop)
}

/** What watchBodyReads uses of the request's socket: public API only. */
export type BodySocket = Pick<IncomingMessage['socket'], 'on' | 'off' | 'setTimeout'>

/**
 * Calls `counted` with the body bytes Node's parser gives `req` in the parse that handed it
 * over (those that came with the head), once that parse is done; not when there are none.
 */
function countBodyReadWithHead(req: IncomingMessage, counted: (bytes: number) => void): void {
  const push = req.push
  let bytes = 0
  req.push = function countedPush(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (Buffer.isBuffer(chunk)) bytes += chunk.length
    return push.call(this, chunk, encoding)
  }
  // The parse runs to its end before any microtask (Node drains them only once its outermost
  // callback returns).
  queueMicrotask(() => {
    req.push = push
    if (bytes > 0) counted(bytes)
  })
}
