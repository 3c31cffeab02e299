/**
 * The bytes a render sent for a request until undici's parser read its final head, kept for a
 * head the parser refuses: undici's error (HTTPParserError) carries only the bytes from where
 * llhttp stopped, and mod_dispatcher reads such a head with a reader of its own, so what httpd
 * then makes of it needs the head whole (refused-head.ts). The bytes come with the parser's
 * error as `backendHead` (http/backend-head.ts), as proxy-transport.ts hands node:http's.
 *
 * A connection carries one request at a time (the pool's pipelining is 1). undici's documented
 * diagnostics channels say when a request's head is written on a socket
 * (`undici:client:sendHeaders`: the render's answer starts after it) and when its answer's head
 * was read (`undici:request:headers`); in between the socket's chunks are kept, as undici reads
 * them ('data' comes with each `socket.read()`, before the parser sees the chunk). The body is
 * never kept.
 *
 * llhttp refuses a head at the byte it cannot take, which may come in an early read, before the
 * head's end; httpd reads the head to its end all the same (ap_proxy_read_headers, line by line)
 * and only then judges it. So a parser error on a head not yet whole is held: undici's destroy of
 * the connection waits while the render's further reads are kept, until the head is whole (or
 * HEAD_BYTES came, or the render closed, or the request was given up, `/receiveTimeout` or the
 * client gone), and then comes with that first error and the bytes.
 *
 * The tap is also the connection's record for the module's keep-alive lines (keep-alive-log.ts):
 * how many requests went out on it (the first one opened it), when its last answer was read with
 * the connection kept, and undici's closing of it for inactivity, told to the render's client.
 * A request's handler learns which connection carried it from the channels undici publishes just
 * before it calls the handler (`undici:request:headers`, `undici:request:error`): `answeringTap`.
 */
import diagnostics from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import { errors } from 'undici'
import { KeptHead, type WithBackendHead } from '../http/backend-head'

/** Told when undici closed a kept connection of its render for its inactivity. */
export interface IdleDropSink {
  droppedIdle(seconds: number): void
}

/** undici's error for a kept connection its keep-alive timer closed (client-h1.js onParserTimeout). */
const IDLE_TIMEOUT = 'socket idle timeout'

export class HeadTap {
  private readonly kept = new KeptHead()
  private reading = false
  /** Requests whose head went out on this connection. */
  private sent = 0
  /** When its last answer was read with the connection kept (performance.now()); 0 before. */
  private idleSince = 0
  /** The parser's error on a head not yet whole, and the destroy it waits for (holdUntilWhole). */
  private held: { error: Error; destroy: (error: Error) => void } | null = null
  private readonly take = (chunk: Buffer): void => {
    this.kept.add(chunk)
    if (this.held && this.kept.whole()) this.release()
  }

  constructor(
    private readonly socket: Socket,
    private readonly owner: IdleDropSink | undefined
  ) {
    this.holdUntilWhole()
    // undici destroys the socket with the parser's error; the request fails with that same
    // error once the socket closes, after this listener ran.
    socket.on('error', (err: Error) => {
      // undici's HTTPParserError has no code (its constants.ERROR is not indexed by number).
      if (this.reading && err instanceof errors.HTTPParserError)
        (err as WithBackendHead).backendHead = this.kept.bytes()
      else if (this.idleSince > 0 && err instanceof errors.InformationalError && err.message === IDLE_TIMEOUT)
        // Rounded: a timer may fire a fraction of a millisecond before its time by this clock
        // (libuv starts it from the loop's cached time), and 60 s idle must not read 59.
        this.owner?.droppedIdle(Math.round((performance.now() - this.idleSince) / 1000))
      this.stop()
    })
  }

  /** The request being answered is the first this connection carried: it opened it. */
  get opened(): boolean {
    return this.sent === 1
  }

  /**
   * Whether undici kept this connection for later requests once the answer was read: asked on
   * the tick after the answer's end, as undici decides (and destroys it when not kept) right
   * after the handler's onResponseEnd returns (client-h1.js onMessageComplete).
   */
  keptAfterAnswer(): boolean {
    if (this.socket.destroyed) return false
    this.idleSince = performance.now()
    return true
  }

  /**
   * undici destroys the socket with the parser's error at once (and marks it destroyed, so its
   * later destroys do nothing): the first such destroy on a head not yet whole is held, the
   * socket left to undici's reads, whose chunks `take` keeps, until `release`.
   */
  private holdUntilWhole(): void {
    const socket = this.socket
    const destroy = socket.destroy.bind(socket)
    socket.destroy = (error?: Error): Socket => {
      if (this.held) this.release()
      else if (this.reading && error instanceof errors.HTTPParserError && !socket.readableEnded && !this.kept.whole()) {
        this.held = { error, destroy }
        // The render closing its side ends the wait: undici's own destroy for it does nothing now.
        socket.once('end', () => this.release())
      } else destroy(error)
      return socket
    }
  }

  /** Destroys the socket held for the rest of a refused head, with the parser's error. */
  release(): void {
    const held = this.held
    if (!held || this.socket.destroyed) return
    held.destroy(held.error)
  }

  /** A request's head went out: what comes next is its answer. */
  start(): void {
    this.sent++
    this.kept.clear()
    // Added while undici's 'readable' listener holds the socket paused: 'data' does not make it flow.
    if (!this.reading) this.socket.on('data', this.take)
    this.reading = true
  }

  /** The answer's head was read (or the connection failed): nothing more to keep. */
  stop(): void {
    this.kept.clear()
    if (this.reading) this.socket.off('data', this.take)
    this.reading = false
  }
}

const taps = new WeakMap<object, HeadTap>()
const byRequest = new WeakMap<object, HeadTap>()

diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const { request, socket } = message as { request: object; socket: object }
  const tap = taps.get(socket)
  if (!tap) return
  tap.start()
  byRequest.set(request, tap)
})

/**
 * The tap of the request whose head or error undici hands its handler now: undici publishes
 * `undici:request:headers` and `undici:request:error` synchronously just before it calls that
 * request's handler (lib/core/request.js), so the handler reads it first thing. Null for a
 * request no connection carried (a failed connect).
 */
let answering: HeadTap | null = null

/**
 * The connection of the request whose handler undici is calling now (see `answering`), taken:
 * a handler called without the channel before it (undici refusing a dispatch at once) finds none.
 */
export function answeringTap(): HeadTap | null {
  const tap = answering
  answering = null
  return tap
}

diagnostics.subscribe('undici:request:headers', (message) => {
  const { request, response } = message as { request: object; response: { statusCode: number } }
  const tap = (answering = byRequest.get(request) ?? null)
  // An interim answer (1xx) is followed by the final head, which may still be refused.
  if (response.statusCode >= 200) tap?.stop()
})

// A request given up (its /receiveTimeout, the client gone) while its refused head was held: the
// connection goes now, as undici's own destroy of it would have done.
diagnostics.subscribe('undici:request:error', (message) => {
  const tap = (answering = byRequest.get((message as { request: object }).request) ?? null)
  tap?.release()
})

/**
 * Keeps the head bytes of each answer on `socket`, a connection undici made to a render, and
 * tells `owner` when undici closes it for its inactivity.
 */
export function tapHeadBytes(socket: Socket, owner?: IdleDropSink): void {
  taps.set(socket, new HeadTap(socket, owner))
}
