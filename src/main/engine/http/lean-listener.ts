/**
 * The front of the listener: every connection starts here. A simple request (see
 * simple-request.ts — the plain GET/HEAD that browsers and load tools send over and over) is
 * parsed and answered on the socket directly; the first request that is not simple hands the
 * connection, with the bytes already read, to Node's HTTP server for the rest of its life.
 *
 * Why two paths. The Dispatcher's hit path is Apache's static handler, which serves a small
 * cached page for about the cost of Node's HTTP server alone (IncomingMessage and
 * ServerResponse streams, events and header validation per request). Answering the common
 * request without that machinery leaves room for the Dispatcher's own work (vhost, rewrite,
 * filter, the `.stat` check and a trace) within Apache's budget. Everything unusual — bodies,
 * `Expect`, HTTP/1.0, malformed input and its 400 — stays with Node, whose behaviour the
 * test suite pins down. No library fits: fast HTTP servers for Node either wrap `node:http`
 * or are native builds outside npm, and this path must answer byte for byte as Node does.
 */
import type { Server as HttpServer } from 'node:http'
import type { Socket } from 'node:net'
import { LeanReply } from './lean-reply'
import { earlyVerdict, HEAD_END, judgeHead, type HeadVerdict, type OriginalRequestLine } from './request-head'
import type { ReadClock } from './read-clock'
import {
  http09Request,
  parseSimpleRequest,
  refusedRequest,
  SIMPLE_HEAD_LIMIT,
  type SimpleRequest
} from './simple-request'
import { timedOutHead } from './head-timeout'

export interface LeanListenerOptions {
  /** Answers one simple request; `reply.onFinish` (given in the options) follows. */
  handle(request: SimpleRequest, socket: Socket, reply: LeanReply): void
  /** Sent before closing a connection whose head outlived `headDeadlineMs` before a whole request line (408). */
  headTimeoutAnswer: () => string
  /**
   * A clock for a head about to be awaited (started now): httpd's `Timeout` for the listener's
   * default server, under mod_reqtimeout's header stage where it is loaded (read-clock.ts).
   */
  headClock: () => ReadClock
  /**
   * A bound on a whole head, however steadily its bytes come (the embedder's slow-client guard,
   * answered 408 as mod_reqtimeout answers one); none when undefined, as with httpd's core alone.
   */
  headDeadlineMs?: number
}

/** Bytes of pipelined requests held while an answer is in progress before reading pauses. */
const PIPELINE_LIMIT = 1024 * 1024
/** Heads up to this size are remembered per connection for a repeat (see `next`). */
const REMEMBERED_HEAD_LIMIT = 4096

/**
 * Takes over `server`'s connections: each goes through `connection` below and is given to
 * Node's own connection handler when a request is not simple. Returns false (and changes
 * nothing) when the server does not have the one connection handler Node installs.
 */
export function installLeanListener(server: HttpServer, opts: LeanListenerOptions): { close(): void } | false {
  const handlers = server.listeners('connection')
  if (handlers.length !== 1) return false
  const nodeConnection = handlers[0] as (socket: Socket) => void
  const open = new Set<Socket>()
  server.removeAllListeners('connection')
  server.on('connection', (socket: Socket) => {
    open.add(socket)
    new LeanConnection(
      socket,
      server,
      opts,
      (rest, ended) => {
        open.delete(socket)
        nodeConnection.call(server, socket)
        // Node's handler reads from the socket's 'data' and 'end' events (and, from now on, from
        // the handle directly): what was read already is given to it the same way, in order.
        if (rest) socket.emit('data', rest)
        if (ended) socket.emit('end')
      },
      () => open.delete(socket)
    )
  })
  return {
    close() {
      for (const socket of open) socket.destroy()
      open.clear()
    }
  }
}

/**
 * The request line a head handed to Node was rewritten from, by its connection: taken back by
 * `takeOriginalLine` when Node's request for it arrives, so the engine sees what was sent.
 */
const originalLines = new WeakMap<Socket, OriginalRequestLine>()

/**
 * The target and protocol the client sent, when the request Node parsed on `socket` (its
 * target `target`) came from a head rewritten for Node's parser (request-head.ts); once.
 */
export function takeOriginalLine(socket: Socket, target: string): OriginalRequestLine | undefined {
  const line = originalLines.get(socket)
  if (line === undefined || line.sent.target !== target) return undefined
  originalLines.delete(socket)
  return line
}

class LeanConnection {
  private buffered: Buffer | null = null
  private reply: LeanReply | null = null
  private closed = false
  /** The client sent FIN: the connection ends once what it asked for is answered. */
  private ended = false
  /** The previous request's head and what it parsed to. */
  private lastHead: Buffer | null = null
  private lastRequest: SimpleRequest | null = null
  /** An answer said `Connection: close`: nothing more is read or answered. */
  private closing = false
  /** Running while a head is awaited: from the connection's start, or its first bytes after an answer. */
  private headTimer: NodeJS.Timeout | undefined
  /** How long each read of the head under way may wait, and whether one came too late. */
  private clock: ReadClock | null = null
  /** When the head under way began to be awaited (for `opts.headDeadlineMs`). */
  private headStarted = 0
  /** The head timer runs to the embedder's deadline rather than to the end of one read's wait. */
  private headTimerIsDeadline = false
  /**
   * The head did not arrive in time; the connection closes (handing it to Node would start
   * Node's clock again). httpd's read_request_line gives up without a word while no whole
   * request line has come ("Just log, no further action on this connection": nothing sent, or
   * a line cut off, measured on apache2 2.4.68); silence in the header lines after it is
   * answered 408, and so is a head that outlived the embedder's deadline.
   */
  private readonly onHeadTimeout = (): void => {
    if (this.headTimer) clearTimeout(this.headTimer)
    this.headTimer = undefined
    if (this.reply) return
    const outlived = this.headTimerIsDeadline
    // After a whole request line, the pipeline answers the 408 (head-timeout.ts).
    const request = this.buffered && timedOutHead(this.buffered.toString('latin1'))
    this.closing = true
    if (request) return this.start(request, true)
    this.buffered = null
    if (outlived) this.socket.end(this.opts.headTimeoutAnswer(), 'latin1')
    else this.socket.end()
  }
  /**
   * Waits (again) for the next bytes of a head: httpd's Timeout bounds each read, so every
   * chunk restarts it, as long as mod_reqtimeout's header stage (the clock) lets it; the
   * embedder's deadline, if any, bounds the head from its start.
   */
  private awaitHead(): void {
    const now = Date.now()
    if (this.headTimer) clearTimeout(this.headTimer)
    else this.headStarted = now
    if (!this.clock) {
      // A kept-alive connection's head starts with the bytes that ended its wait (httpd's
      // speculative read, then the stage's first read counts them).
      this.clock = this.opts.headClock()
      if (this.buffered) this.clock.read(this.buffered.length, now)
    }
    const read = this.clock.waitMs(now)
    const deadline = this.opts.headDeadlineMs
    const left = deadline === undefined ? read : this.headStarted + deadline - now
    this.headTimerIsDeadline = left < read
    this.headTimer = setTimeout(this.onHeadTimeout, Math.max(0, Math.min(read, left))).unref()
  }
  private clearHeadTimer(): void {
    this.clock = null
    if (this.headTimer) clearTimeout(this.headTimer)
    this.headTimer = undefined
  }
  /** Handed to Node: nothing here touches the socket any more. */
  private gone = false
  private readonly onData = (chunk: Buffer): void => this.received(chunk)
  private readonly onEnd = (): void => this.clientEnded()
  private readonly onClose = (): void => this.socketClosed()
  private readonly onTimeout = (): void => this.idle()
  private readonly onError = (): void => {}

  constructor(
    private readonly socket: Socket,
    private readonly server: HttpServer,
    private readonly opts: LeanListenerOptions,
    private readonly handOff: (rest: Buffer | null, ended: boolean) => void,
    private readonly forget: () => void
  ) {
    socket.on('data', this.onData)
    socket.on('end', this.onEnd)
    socket.on('close', this.onClose)
    socket.on('error', this.onError)
    socket.on('timeout', this.onTimeout)
    socket.setTimeout(server.keepAliveTimeout)
    // A new connection's first request line is awaited for Timeout, as httpd's first read is.
    this.awaitHead()
  }

  private received(chunk: Buffer): void {
    // After an answer that closes the connection nothing more is read (as Node and Apache do).
    if (this.closing) return
    // A head's read that came after mod_reqtimeout's time ran out: APR_TIMEUP before its bytes
    // are read (so a request line they would finish is still cut off).
    if (this.clock && !this.reply && !this.clock.read(chunk.length)) return this.onHeadTimeout()
    this.buffered = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk
    if (!this.reply) this.next()
    // Pipelined requests wait for the answer in progress; a client that keeps sending is paused.
    else if (this.buffered && this.buffered.length > PIPELINE_LIMIT) this.socket.pause()
  }

  private clientEnded(): void {
    this.ended = true
    if (this.reply || this.closing) return
    // An incomplete request is Node's to answer (its parser reports it as the client's error).
    if (this.buffered) this.giveToNode()
    else this.socket.end()
  }

  /** Starts the next request in the buffer, if it is complete. */
  private next(): void {
    let data = this.buffered
    if (!data) return
    // Empty lines before a request line are skipped (by httpd and llhttp alike), a bare LF too
    // (httpd's read_request_line: checked against apache2 2.4.68 between pipelined requests).
    if (data[0] === 13 || data[0] === 10) {
      let skip = 0
      for (;;) {
        if (data[skip] === 13 && data[skip + 1] === 10) skip += 2
        else if (data[skip] === 10) skip++
        else break
      }
      if (skip > 0) {
        this.buffered = data = skip < data.length ? Buffer.from(data.subarray(skip)) : null
        if (!data) return
      }
    }
    const end = data.indexOf(HEAD_END)
    if (end < 0) {
      if (data.length > SIMPLE_HEAD_LIMIT) return this.giveToNode()
      // httpd answers a request line it refuses, or an HTTP/0.9 one, and a bare LF, before the
      // head is over (llhttp would go on waiting for a CRLF CRLF that may never come).
      const early = earlyVerdict(data.toString('latin1'))
      if (early !== null) return this.follow(early, data.length)
      return this.awaitHead()
    }
    // A client repeats itself (a reload, a load test): the same head gives the same request
    // object, which nothing changes, so what is derived from it can be kept with it.
    let request = this.lastRequest
    if (!request || this.lastHead!.length !== end || data.compare(this.lastHead!, 0, end, 0, end) !== 0) {
      const head = data.toString('latin1', 0, end)
      request = parseSimpleRequest(head)
      if (!request) return this.follow(judgeHead(head), end)
      // Only ordinary heads are remembered: a large one would stay in memory with the connection.
      const small = end <= REMEMBERED_HEAD_LIMIT
      this.lastHead = small ? Buffer.from(data.subarray(0, end)) : null
      this.lastRequest = small ? request : null
    }
    // What follows (a pipelined request) is copied: a slice would keep the whole chunk alive.
    this.buffered = end + 4 < data.length ? Buffer.from(data.subarray(end + 4)) : null
    this.start(request, false)
  }

  /**
   * Answers `request`. `last`: nothing after it is read (an HTTP/0.9 request, whose answer is
   * its body alone, or one whose head httpd refuses).
   */
  private start(request: SimpleRequest, last: boolean): void {
    this.clearHeadTimer()
    if (last) this.buffered = null
    const reply = new LeanReply({
      socket: this.socket,
      method: request.method,
      keepAlive: request.keepAlive,
      keepAliveTimeoutMs: this.server.keepAliveTimeout,
      onFinish: (keepAlive, _aborted, idleMs) => this.finished(keepAlive, idleMs),
      bare: request.protocol === 'HTTP/0.9' && request.refused === undefined
    })
    this.reply = reply
    this.opts.handle(request, this.socket, reply)
  }

  private finished(keepAlive: boolean, idleMs = this.server.keepAliveTimeout): void {
    this.reply = null
    if (this.closed) return
    if (!keepAlive) {
      this.closing = true
      this.buffered = null
      this.clearHeadTimer()
      this.socket.end()
      return
    }
    // The idle wait follows the KeepAliveTimeout of the vhost that answered (else the server's).
    if (this.socket.timeout !== idleMs) this.socket.setTimeout(idleMs)
    if (this.socket.isPaused()) this.socket.resume()
    if (this.buffered) this.next()
    if (this.reply || this.gone) return
    if (this.ended) this.clientEnded()
  }

  /**
   * Nothing sent or received within the keep-alive time. After an answer the connection is closed, as
   * Node closes an idle keep-alive connection; a head awaited (a new connection's first, or one
   * under way) keeps waiting for its own timer, httpd's Timeout.
   */
  private idle(): void {
    // The timer stays armed for the connection's life (every read and write restarts it):
    // an answer in progress, such as a slow render, is never cut short by it.
    if (this.reply || this.headTimer) return
    this.socket.destroy()
  }

  private socketClosed(): void {
    this.closed = true
    this.clearHeadTimer()
    this.forget()
    this.reply?.socketClosed()
  }

  /**
   * What request-head.ts says of the first head in the buffer (`end`: where that head ends): it
   * is refused as httpd refuses it (the pipeline answers, from `SimpleRequest.refused`, so the
   * trace says why), an HTTP/0.9 request, or given to Node's parser as httpd reads it. That
   * is said of the head that hands the connection over; Node's parser alone reads the heads
   * after it on that connection (the lean path has no body framing to find where they start),
   * and one it fails on is judged here again (node-heads.ts `refuse`).
   */
  private follow(verdict: HeadVerdict, end: number): void {
    if (verdict.kind === 'refused') return this.start(refusedRequest(verdict), true)
    if (verdict.kind === 'http09') return this.start(http09Request(verdict.target), true)
    if (verdict.kind === 'rewritten') {
      this.buffered = Buffer.concat([Buffer.from(verdict.head, 'latin1'), this.buffered!.subarray(end)])
      originalLines.set(this.socket, verdict.line)
    }
    this.giveToNode()
  }

  private giveToNode(): void {
    if (this.gone || this.closed) return
    this.gone = true
    this.clearHeadTimer()
    const socket = this.socket
    socket.setTimeout(0)
    socket.off('data', this.onData)
    socket.off('end', this.onEnd)
    socket.off('close', this.onClose)
    socket.off('error', this.onError)
    socket.off('timeout', this.onTimeout)
    if (socket.isPaused()) socket.resume()
    const rest = this.buffered
    this.buffered = null
    this.handOff(rest, this.ended)
  }
}
