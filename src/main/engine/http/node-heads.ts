/**
 * httpd's timing of a request head (each read waits Timeout, under mod_reqtimeout's header stage
 * where it is loaded: read-clock.ts) for the heads Node's HTTP server reads: every head with
 * `DW_NODE_HTTP_ONLY=1`, else those after the lean listener handed a connection over. Node alone
 * bounds a head as a whole (its headersTimeout, from the head's start), so a head that keeps
 * coming, piece by piece, was cut off where httpd answers it, one paused longer than a read may
 * wait was answered only at that bound, one that never finished its request line got a 408
 * where httpd closes without a word, and one paused after a kept-alive answer was closed by
 * Node's keep-alive timer where httpd answers 408. The lean listener times its own heads the same
 * way (lean-listener.ts awaitHead); this is that timing beside Node's parser.
 *
 * The reads are the socket's 'data' events, seen after Node's own listener has parsed them: a
 * head that a chunk completes has been handed over (the server's 'request') when this sees it.
 * A head runs from the connection's start, or from the first bytes after the answers before it
 * (a kept-alive connection waits for those under KeepAliveTimeout, Node's to time).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { timedOutHead } from './head-timeout'
import { LeanReply } from './lean-reply'
import type { ReadClock } from './read-clock'
import type { SimpleRequest } from './simple-request'

export interface NodeHeadOptions {
  /** A clock for a head about to be read (started now): the default server's Timeout and header stage. */
  headClock: () => ReadClock
  /** Answers a request (the lean listener's handler): here, the 408 of a head that stopped coming. */
  handle(request: SimpleRequest, socket: Socket, reply: LeanReply): void
}

/**
 * Times every head Node's server reads: wraps the connection handler Node installed (so a
 * connection is watched from when Node takes it, also when the lean listener hands it over
 * later, through this handler). Call before the lean listener takes the connections over, and
 * after the server's own 'connect' listener is added.
 */
export function timeNodeHeads(server: Server, opts: NodeHeadOptions): void {
  const [nodeConnection] = server.listeners('connection') as ((socket: Socket) => void)[]
  if (!nodeConnection) return
  const watched = new WeakMap<Socket, NodeHeads>()
  server.removeListener('connection', nodeConnection)
  server.on('connection', function (this: Server, socket: Socket) {
    nodeConnection.call(this, socket)
    watched.set(socket, new NodeHeads(socket, opts))
  })
  // Whichever event Node hands a head over with (a body's `Expect` sorts it out of 'request').
  const handed = (req: IncomingMessage, res: ServerResponse): void => watched.get(req.socket)?.handed(req, res)
  server.on('request', handed)
  server.on('checkContinue', handed)
  server.on('checkExpectation', handed)
  // A CONNECT Node hands over (only where the server listens for one: a listener added here
  // would change that) takes the socket away from its parser. ('upgrade' is left alone for the
  // same reason: with no listener Node answers an Upgrade as a request.)
  if (server.listenerCount('connect') > 0)
    server.on('connect', (req: IncomingMessage) => watched.get(req.socket)?.stop())
}

class NodeHeads {
  /** The head under way's clock; null while no head is being read. */
  private clock: ReadClock | null = null
  private timer: NodeJS.Timeout | undefined
  /** Bytes other than the blank lines httpd skips before a request line came in the head. */
  private started = false
  /** The head's request line came whole (an LF after its first byte). */
  private lineRead = false
  /** The head's bytes up to the end of its request line, as they came. */
  private line = ''
  /** Requests handed over whose answers are not over. */
  private answering = 0
  private last: IncomingMessage | null = null
  /** The last request had all come before the chunk being seen: what follows is a next head. */
  private lastWhole = false
  /** Bytes of a next head that came while an answer was under way (pipelined). */
  private pending = 0
  private stopped = false
  private readonly onData = (chunk: Buffer): void => this.read(chunk)
  private readonly onTimeout = (): void => this.timedOut()

  constructor(
    private readonly socket: Socket,
    private readonly opts: NodeHeadOptions
  ) {
    socket.on('data', this.onData)
    socket.once('close', () => this.stop())
    // A new connection's first request line is awaited for Timeout, as httpd's first read is.
    this.startHead(0)
  }

  /** Node handed a request over: its head is over, and the next one begins after its answer. */
  handed(req: IncomingMessage, res: ServerResponse): void {
    if (this.stopped) return
    this.endHead()
    this.answering++
    this.last = req
    this.lastWhole = false
    this.pending = 0
    const over = (): void => {
      if (--this.answering > 0 || this.stopped) return
      // Bytes of the next head that came meanwhile start it (httpd reads it after the answer).
      if (this.pending > 0) this.startHead(this.pending)
    }
    let counted = false
    const once = (): void => {
      if (counted) return
      counted = true
      over()
    }
    res.once('finish', once)
    res.once('close', once)
  }

  stop(): void {
    this.stopped = true
    this.endHead()
    this.socket.off('data', this.onData)
  }

  private read(chunk: Buffer): void {
    if (this.stopped) return
    if (this.answering > 0) {
      if (this.lastWhole) {
        this.pending += chunk.length
        this.note(chunk)
      }
      this.lastWhole = this.last?.complete === true
      return
    }
    if (!this.clock) return this.startHead(chunk.length, chunk)
    // A head's read that came after mod_reqtimeout's time ran out: APR_TIMEUP before its bytes
    // are read (so a request line they would finish is still cut off).
    if (!this.clock.read(chunk.length)) return this.timedOut()
    this.note(chunk)
    this.arm()
  }

  /** A head begins with `bytes` already read (`chunk`, when they are one chunk just seen). */
  private startHead(bytes: number, chunk?: Buffer): void {
    const now = Date.now()
    this.clock = this.opts.headClock()
    if (bytes > 0) this.clock.read(bytes, now)
    if (chunk) this.note(chunk)
    // The head's wait is this clock's, not Node's keep-alive timer's.
    this.socket.setTimeout(0)
    this.arm(now)
  }

  /** Keeps `chunk`'s part of the request line, and whether that line is whole. */
  private note(chunk: Buffer): void {
    if (this.lineRead) return
    let i = 0
    if (!this.started) {
      // Blank lines before a request line are skipped (read_request_line), a bare LF too.
      while (i < chunk.length && (chunk[i] === 13 || chunk[i] === 10)) i++
      if (i === chunk.length) return
      this.started = true
    }
    const lf = chunk.indexOf(10, i)
    this.line += chunk.toString('latin1', i, lf < 0 ? chunk.length : lf + 1)
    if (lf >= 0) this.lineRead = true
  }

  private arm(now = Date.now()): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(this.onTimeout, this.clock!.waitMs(now)).unref()
  }

  private endHead(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.clock = null
    this.started = false
    this.lineRead = false
    this.line = ''
  }

  /**
   * The head did not come in time: httpd's read_request_line gives up without a word while no
   * whole request line has come; silence in the header lines after it is the pipeline's 408 to
   * answer (head-timeout.ts), written on the socket beside Node's parser, which reads no more.
   * Either way the connection closes.
   */
  private timedOut(): void {
    const request = this.lineRead ? timedOutHead(this.line) : null
    this.stop()
    const socket = this.socket
    // httpd reads nothing more from a connection whose head timed out; Node's parser, still on
    // the socket, would read on and answer a head completed while the 408 is being made (its
    // ErrorDocument's internal GET, proxied, takes as long as the backend).
    socket.pause()
    const close = (): void => void socket.end(() => socket.destroy())
    if (!socket.writable) return void socket.destroy()
    if (!request) return close()
    const reply = new LeanReply({
      socket,
      method: request.method,
      keepAlive: false,
      keepAliveTimeoutMs: 0,
      onFinish: close
    })
    // A client that goes away aborts what the answer waits on (an ErrorDocument's render).
    socket.once('close', () => reply.socketClosed())
    this.opts.handle(request, socket, reply)
  }
}
