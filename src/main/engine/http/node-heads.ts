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
 *
 * A head Node's parser fails on (its clientError) is judged again as httpd reads it
 * (request-head.ts): one httpd refuses too (a header field it will not read, a request line it
 * cannot parse) is answered as the lean listener answers it, by the pipeline's 400 from the
 * first-listed vhost, after the answers to the requests before it, and ends the connection.
 * Node's own canned 400 knows nothing of the vhosts, and it went out at once, ahead of the
 * answer still being made for a request pipelined before the refused head.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { timedOutHead } from './head-timeout'
import { LeanReply } from './lean-reply'
import type { ReadClock } from './read-clock'
import { failedHead } from './failed-head'
import { DOUBLE_SPACE, findHandedLine, isLineOf, unspacedFirstLine } from './handed-line'
import { judgeHead, type HeadVerdict } from './request-head'
import { http09Request, refusedRequest, rewrittenRequest, type SimpleRequest } from './simple-request'

export interface NodeHeadOptions {
  /** A clock for a head about to be read (started now): the default server's Timeout and header stage. */
  headClock: () => ReadClock
  /** Answers a request (the lean listener's handler): here, a head's 408 or 400. */
  handle(request: SimpleRequest, socket: Socket, reply: LeanReply): void
}

export interface NodeHeadRefusals {
  /**
   * Answers the head Node's parser failed on (`packet`, `parsed`: the error's rawPacket and
   * bytesParsed) as httpd does, if httpd refuses it too; true as well for any error of Node's
   * once such a head is refused. False: Node's error is left to answer.
   */
  refuse(socket: Socket, packet: unknown, parsed: unknown): boolean
  /**
   * Whether `req`, just handed over by Node's parser, is answered here rather than as Node read
   * it (asked before it is answered): a request line httpd refuses that llhttp reads (handed-line.ts;
   * the protocol HTTP/0.9), answered as `refuse` answers a head; an HTTP/0.9 request (`GET /x`,
   * which llhttp reads with the headers that follow), answered with its body alone. True as well
   * for every request handed over after one of those, or after a head `refuse` answered: httpd
   * reads nothing after them.
   */
  claims(req: IncomingMessage): boolean
}

/**
 * Times every head Node's server reads: wraps the connection handler Node installed (so a
 * connection is watched from when Node takes it, also when the lean listener hands it over
 * later, through this handler). Call before the lean listener takes the connections over, and
 * after the server's own 'connect' listener is added.
 */
export function timeNodeHeads(server: Server, opts: NodeHeadOptions): NodeHeadRefusals {
  const watched = new WeakMap<Socket, NodeHeads>()
  const refusals: NodeHeadRefusals = {
    refuse: (socket, packet, parsed) => watched.get(socket)?.refuse(packet, parsed) === true,
    claims: (req) => watched.get(req.socket)?.claims(req) === true
  }
  const [nodeConnection] = server.listeners('connection') as ((socket: Socket) => void)[]
  if (!nodeConnection) return refusals
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
  return refusals
}

/** A Transfer-Encoding whose last coding is chunked (ap_is_chunked), as Node joins repeated lines. */
const CHUNKED_LAST = /(?:^|,)[ \t]*chunked[ \t]*$/i

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
  /**
   * The chunks of the head under way seen so far (a head that comes in pieces, or one pipelined
   * behind an answer in progress, from the chunk it begins in), for a failure in a later one:
   * kept as they are, not copied. Never a chunk read while a request's body is still coming: a
   * body that keeps coming after its answer (a denied POST Node drains) would be held whole.
   */
  private readonly chunks: Buffer[] = []
  /**
   * A head httpd refuses came (Node's parser failed on it, or read a line httpd refuses), or an
   * HTTP/0.9 request: nothing more is answered but its answer.
   */
  private refused = false
  /** That head's answer, waiting for the answers to the requests before it. */
  private refusal: SimpleRequest | null = null
  /** Requests handed over whose answers are not over. */
  private answering = 0
  private last: IncomingMessage | null = null
  /** The last request had all come before the chunk being seen: what follows is a next head. */
  private lastWhole = false
  /** Bytes of a next head that came while an answer was under way (pipelined). */
  private pending = 0
  private stopped = false
  /**
   * The chunk Node's parser is reading (a listener ahead of Node's notes it), where the heads it
   * hands over meanwhile have their request lines, unless they began in an earlier chunk.
   */
  private parsing: Buffer | null = null
  /** Where in `parsing` the next head's request line is looked for (after the last one found). */
  private parsedTo = 0
  /** Whether `parsing` holds two spaces in a row anywhere; null until asked, once per chunk. */
  private parsingSpaced: boolean | null = null
  /**
   * `parsing` begins a head (nothing of a head or a body came before it unread) and no request
   * has been handed over from it yet: the next one's request line is its first line.
   */
  private parsingHead = false
  private readonly onParse = (chunk: Buffer): void => {
    this.parsing = chunk
    this.parsedTo = 0
    this.parsingSpaced = null
    this.parsingHead = this.line === '' && !this.started && this.last?.complete !== false
  }
  private readonly onData = (chunk: Buffer): void => this.read(chunk)
  private readonly onTimeout = (): void => this.timedOut()

  constructor(
    private readonly socket: Socket,
    private readonly opts: NodeHeadOptions
  ) {
    socket.on('data', this.onData)
    socket.prependListener('data', this.onParse)
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
      if (--this.answering > 0) return
      if (this.refusal) return this.answer(this.refusal)
      if (this.stopped) return
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

  /**
   * Node's parser failed `parsed` bytes into `packet`: if httpd refuses that head too, it is
   * answered (once the answers before it are over) and nothing after it is read. Bytes of a body
   * (the last request handed over not complete) are not a head: Node answers those.
   */
  refuse(packet: unknown, parsed: unknown): boolean {
    // Node's errors after the head refused (its parser failing on more bytes, its headers
    // timeout while the answers are made) are no answers of httpd's.
    if (this.refused) return true
    if (!Buffer.isBuffer(packet) || typeof parsed !== 'number') return false
    if (this.stopped || this.last?.complete === false) return false
    const held = this.chunks.length > 0 ? Buffer.concat([...this.chunks, packet]) : packet
    const at = held.length - packet.length + Math.min(parsed, packet.length)
    // Also an HTTP/0.9 request llhttp failed on (its line followed by more than a blank line), and
    // a head httpd reads (a folded line, HTTP/1.2, a method llhttp does not know): answered as
    // httpd answers it when it has no body. Node's parser reads nothing more on this connection,
    // so it closes after that answer, where httpd would keep it.
    return this.answerVerdict(judgeHead(failedHead(held, at, bodyLength(this.last))), true)
  }

  claims(req: IncomingMessage): boolean {
    // Only the first request handed over from a chunk that begins a head has its line first.
    const headFirst = this.parsingHead
    this.parsingHead = false
    if (this.refused) return true
    if (this.stopped) return false
    // llhttp hands over a head whose Transfer-Encoding does not end in chunked, then fails on its
    // body; httpd refuses the head, with every field read (request-head.ts framingProblem).
    const te = req.headers['transfer-encoding']
    if (te !== undefined && !CHUNKED_LAST.test(te)) return this.claimFraming(req)
    const oldProtocol = req.httpVersionMajor === 0
    const words = [req.method ?? '', req.url ?? '', `HTTP/${req.httpVersion}`] as const
    // The common case: no two spaces in a row in the request line (a body's are not looked at).
    if (!oldProtocol && !this.spaced(words, headFirst)) return false
    // The line came whole in earlier chunks, or began there, or is in this one. (What was noted
    // as the line may be a body's bytes, read after its answer: then this chunk is looked at.)
    let line: string | null = null
    if (this.lineRead) line = findHandedLine(Buffer.from(this.line, 'latin1'), 0, words, '')?.line ?? null
    if (line === null && this.parsing) {
      const found =
        findHandedLine(this.parsing, this.parsedTo, words, this.lineRead ? '' : this.line) ??
        (this.line !== '' && !this.lineRead ? findHandedLine(this.parsing, this.parsedTo, words, '') : null)
      if (found) {
        line = found.line
        this.parsedTo = found.next
      }
    }
    if (line === null) {
      if (!oldProtocol) return false
      // No line that names a protocol: an HTTP/0.9 request (llhttp's version for `GET /x`).
      line = `${words[0]} ${words[1]}`
    }
    return this.answerVerdict(judgeHead(line), false)
  }

  /**
   * Answers a head httpd answers by itself: refused, HTTP/0.9, and with `rewritten` one httpd
   * reads that llhttp failed on. False when `verdict` is none of those (Node goes on with it).
   */
  private answerVerdict(verdict: HeadVerdict, rewritten: boolean): boolean {
    const request =
      verdict.kind === 'refused'
        ? refusedRequest(verdict)
        : verdict.kind === 'http09'
          ? http09Request(verdict.target)
          : rewritten && verdict.kind === 'rewritten'
            ? rewrittenRequest(verdict)
            : null
    if (request === null) return false
    this.answerLast(request)
    return true
  }

  /** `req`'s head, judged again as httpd reads it: its framing refused, it is answered here. */
  private claimFraming(req: IncomingMessage): boolean {
    const raw = req.rawHeaders
    let head = `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`
    for (let i = 0; i < raw.length; i += 2) head += `\r\n${raw[i]}: ${raw[i + 1]}`
    const verdict = judgeHead(head)
    if (verdict.kind !== 'refused') return false
    this.answerLast(refusedRequest(verdict))
    return true
  }

  /**
   * Whether the request line being handed over (its words `words`) may hold two spaces in a row.
   * Where the line is known (it came whole before this chunk, or is the first line of a chunk that
   * begins the head) only it is looked at: a body Node's parser reads (pretty-printed JSON, form
   * text) would otherwise send every such request down the search for its line. Else the whole
   * chunk is (a head pipelined after another in it, or begun in an earlier chunk).
   */
  private spaced(words: readonly [string, string, string], headFirst: boolean): boolean {
    if (this.lineRead && isLineOf(this.line, words)) return this.line.includes('  ')
    if (headFirst && this.parsing) {
      const next = unspacedFirstLine(this.parsing)
      if (next < 0) return true
      // A head pipelined after it is looked for past it (it may have the same words).
      this.parsedTo = next
      return false
    }
    if (this.line !== '' && this.line.includes('  ')) return true
    if (this.parsingSpaced === null) this.parsingSpaced = this.parsing?.includes(DOUBLE_SPACE) === true
    return this.parsingSpaced
  }

  /**
   * Answers `request` (a refused head's, an HTTP/0.9 request's) once the answers before it are
   * over; nothing after it is read.
   */
  private answerLast(request: SimpleRequest): void {
    this.refused = true
    this.stop()
    // httpd reads nothing after a head it refused, or after an HTTP/0.9 request.
    this.socket.pause()
    if (this.answering > 0) this.refusal = request
    else this.answer(request)
  }

  stop(): void {
    this.stopped = true
    this.endHead()
    this.socket.off('data', this.onData)
    this.socket.off('data', this.onParse)
    this.parsing = null
  }

  private read(chunk: Buffer): void {
    if (this.stopped) return
    if (this.answering > 0) {
      if (this.lastWhole) {
        this.pending += chunk.length
        this.keep(chunk)
      } else if (this.last?.complete) this.chunks.push(chunk)
      this.lastWhole = this.last?.complete === true
      return
    }
    if (!this.clock) return this.startHead(chunk.length, chunk)
    // A head's read that came after mod_reqtimeout's time ran out: APR_TIMEUP before its bytes
    // are read (so a request line they would finish is still cut off).
    if (!this.clock.read(chunk.length)) return this.timedOut()
    this.keep(chunk)
    this.arm()
  }

  /** A head begins with `bytes` already read (`chunk`, when they are one chunk just seen). */
  private startHead(bytes: number, chunk?: Buffer): void {
    const now = Date.now()
    this.clock = this.opts.headClock()
    if (bytes > 0) this.clock.read(bytes, now)
    if (chunk) this.keep(chunk)
    // The head's wait is this clock's, not Node's keep-alive timer's.
    this.socket.setTimeout(0)
    this.arm(now)
  }

  /** `chunk` is the head's: kept, and its part of the request line noted. */
  private keep(chunk: Buffer): void {
    if (this.last?.complete !== false) this.chunks.push(chunk)
    this.note(chunk)
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
    this.chunks.length = 0
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
    // httpd reads nothing more from a connection whose head timed out; Node's parser, still on
    // the socket, would read on and answer a head completed while the 408 is being made (its
    // ErrorDocument's internal GET, proxied, takes as long as the backend).
    this.socket.pause()
    if (request) this.answer(request)
    else if (this.socket.writable) this.socket.end(() => this.socket.destroy())
    else this.socket.destroy()
  }

  /** Answers `request` (a head's 408 or 400) on the socket, beside Node's parser, and closes the connection. */
  private answer(request: SimpleRequest): void {
    this.refusal = null
    const socket = this.socket
    if (!socket.writable) return void socket.destroy()
    // Node's keep-alive timer, set when the answer before ended, is not this answer's.
    socket.setTimeout(0)
    const close = (): void => void socket.end(() => socket.destroy())
    const reply = new LeanReply({
      socket,
      method: request.method,
      keepAlive: false,
      keepAliveTimeoutMs: 0,
      onFinish: close,
      // An HTTP/0.9 request's answer is its body alone.
      bare: request.protocol === 'HTTP/0.9' && request.refused === undefined
    })
    // A client that goes away aborts what the answer waits on (an ErrorDocument's render).
    socket.once('close', () => reply.socketClosed())
    this.opts.handle(request, socket, reply)
  }
}

/** The length of the body `req`'s head gave it (which the next head may follow with no line end between); 0 for none. */
function bodyLength(req: IncomingMessage | null): number {
  if (req === null || req.headers['transfer-encoding'] !== undefined) return 0
  const length = Number(req.headers['content-length'] ?? 0)
  return Number.isSafeInteger(length) && length > 0 ? length : 0
}
