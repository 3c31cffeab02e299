/**
 * The answer to a simple request (simple-request.ts), written straight to the socket in the
 * bytes Node's `ServerResponse` would have written for the same `writeHead` and body: the
 * same status line, the caller's headers in order, then `Date`, `Connection: keep-alive`,
 * `Keep-Alive: timeout=N` and `Transfer-Encoding: chunked` as Node adds them (its
 * `_storeHeader`), the same rules for HEAD, 204 and 304, and the same errors for invalid
 * header names or values. The listener tests compare the two byte for byte. Given httpd's
 * keep-alive decision (keep-alive.ts), as the server always gives it, the `Connection` and
 * `Keep-Alive` lines are httpd's instead, on both this path and Node's.
 *
 * Why not Node's `ServerResponse`: a cache hit is a few microseconds of Dispatcher work, and
 * the stream machinery around one `writeHead`/`end` cost several times that (see listener.ts).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { reasonPhrase } from './reason-phrase'
import type { Socket } from 'node:net'
import type { InterimAnswer, Reply } from '../pipeline/context'
import { interimHead } from './interim-head'
import type { HeadLines } from './wire-lines'
import type { Persistence } from './keep-alive'
import { HTTP_TOKEN } from './token'

/** Node's header value check (`validateHeaderValue`); names are checked as `validateHeaderName` does, with HTTP_TOKEN. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/
const CONNECTION_CLOSE = /(?:^|\W)close(?:$|\W)/i
const TE_CHUNKED = /(?:^|\W)chunked(?:$|\W)/i

/** `Date: …` as Node writes it: the clock read at most once a second. */
let dateLine = ''
let dateSecond = 0
export function currentDateLine(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`
  }
  return dateLine
}

/** Caller headers serialised once per headers object (a cache hit hands the same object on every time). */
interface HeaderBlock {
  /** Node's order: every line as the caller gave it. Httpd's order: every line but the three below. */
  text: string
  httpd: boolean
  /** Httpd's order only: the `Date`, `Server` and `Content-Type` lines ('' when absent). */
  dateLine: string
  serverLine: string
  typeLine: string
  /** Httpd's order only: the lines before the Content-Type line (the rest of `text` follows it). */
  typeAt: number
  /** Httpd's order only: `text` with the Content-Type line in its place, made when first asked for. */
  typeInPlace: string | null
  connection: boolean
  close: boolean
  contentLength: boolean
  chunked: boolean
  transferEncoding: boolean
  date: boolean
  keepAliveHeader: boolean
}
const blocks = new WeakMap<OutgoingHttpHeaders | HeadLines, HeaderBlock>()

/**
 * `httpd`: split out the lines httpd writes in places of its own (httpd-head.ts). `headers` may
 * be a list of lines (wire-lines.ts): a name's lines then stand apart, where the list has them.
 */
function headerBlock(headers: OutgoingHttpHeaders | HeadLines, reuse: boolean, httpd: boolean): HeaderBlock {
  const known = reuse ? blocks.get(headers) : undefined
  if (known?.httpd === httpd) return known
  const b: HeaderBlock = {
    text: '',
    httpd,
    dateLine: '',
    serverLine: '',
    typeLine: '',
    typeAt: -1,
    typeInPlace: null,
    connection: false,
    close: false,
    contentLength: false,
    chunked: false,
    transferEncoding: false,
    date: false,
    keepAliveHeader: false
  }
  if (isLines(headers)) {
    for (const [key, value] of headers) addLine(b, checkedName(key), value)
  } else
    for (const key in headers) {
      if (!Object.hasOwn(headers, key)) continue
      checkedName(key)
      const value = headers[key]
      if (Array.isArray(value) && (value.length < 2 || key.toLowerCase() !== 'cookie')) {
        for (const v of value) addLine(b, key, v)
      } else addLine(b, key, Array.isArray(value) ? value.join('; ') : value)
    }
  if (reuse) blocks.set(headers, b)
  return b
}

function isLines(headers: OutgoingHttpHeaders | HeadLines): headers is HeadLines {
  return Array.isArray(headers)
}

function checkedName(key: string): string {
  if (!HTTP_TOKEN.test(key))
    throw invalidHeader('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${key}"]`)
  return key
}

function addLine(b: HeaderBlock, key: string, value: unknown): void {
  if (value === undefined)
    throw invalidHeader('ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "undefined" for header "${key}"`)
  const text = String(value)
  if (INVALID_VALUE.test(text))
    throw invalidHeader('ERR_INVALID_CHAR', `Invalid character in header content ["${key}"]`)
  const line = `${key}: ${text}\r\n`
  if (key.length < 4 || key.length > 17) {
    b.text += line
    return
  }
  switch (key.toLowerCase()) {
    case 'connection':
      b.connection = true
      if (CONNECTION_CLOSE.test(text)) b.close = true
      break
    case 'transfer-encoding':
      b.transferEncoding = true
      if (TE_CHUNKED.test(text)) b.chunked = true
      break
    case 'content-length':
      b.contentLength = true
      break
    case 'date':
      b.date = true
      if (b.httpd) {
        if (b.dateLine === '') b.dateLine = line
        return
      }
      break
    case 'server':
      if (b.httpd) {
        b.serverLine += line
        return
      }
      break
    case 'content-type':
      if (b.httpd && b.typeAt < 0) {
        b.typeAt = b.text.length
        b.typeLine = line
        return
      }
      break
    case 'keep-alive':
      b.keepAliveHeader = true
      break
  }
  b.text += line
}

function invalidHeader(code: string, message: string): Error {
  return Object.assign(new TypeError(message), { code })
}

export interface LeanReplyOptions {
  socket: Socket
  method: string
  /** False when the client asked to close (`Connection: close`). */
  keepAlive: boolean
  /** Node's `keepAliveTimeout` (ms): announced as `Keep-Alive: timeout=N`. */
  keepAliveTimeoutMs: number
  /**
   * Called once when the answer is over: `keepAlive` says whether the connection may carry
   * another, `idleMs` how long it may wait for it when the request's vhost says (else undefined).
   */
  onFinish(keepAlive: boolean, aborted: boolean, idleMs?: number): void
  /** An HTTP/0.9 request: the answer is its body alone, without a status line or headers, then the close. */
  bare?: boolean
}

const CRLF = '\r\n'

/** The head and a small body in one buffer. */
function joined(head: string, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(head.length + body.length)
  out.write(head, 0, 'latin1')
  body.copy(out, head.length)
  return out
}
const LAST_CHUNK = '0\r\n\r\n'
const EMPTY = Buffer.alloc(0)
/** Bodies up to this size go out in one buffer with the headers. */
const ONE_WRITE_LIMIT = 16 * 1024

export class LeanReply implements Reply {
  statusCode = 200
  headersSent = false
  private hasBody: boolean
  private chunked = false
  private keepAlive = true
  private idleMs: number | undefined
  private finished = false
  private aborts: (() => void)[] | null = null
  /** Set by whoever published the request: runs once the answer is over (complete or not). */
  whenDone: (() => void) | null = null
  /** The status line and headers, sent with the first body bytes (as Node does). */
  private pendingHead: string | null = null

  constructor(private readonly opts: LeanReplyOptions) {
    this.hasBody = opts.method !== 'HEAD'
  }

  get socket(): Socket {
    return this.opts.socket
  }

  sendsBody(): boolean {
    this.hasBody = true
    return true
  }

  /**
   * mod_proxy's relayed interim answer, before the head (a lean request is HTTP/1.1 without
   * `Expect`: a 100 goes only when forced).
   */
  interim(answer: InterimAnswer, forced = false): void {
    if (this.headersSent || this.opts.bare || (answer.status === 100 && !forced)) return
    this.opts.socket.write(interimHead(answer), 'latin1')
  }

  /**
   * `persistence`: the connection's fate and its `Connection`/`Keep-Alive` lines as httpd
   * decides them (keep-alive.ts); with it, the lines go out in httpd's order (`Date` and
   * `Server` first, the connection's lines after the caller's, then Content-Type when
   * `typeLast`: see http/httpd-head.ts). Without it the answer is what Node's would be.
   */
  head(
    status: number,
    headers: OutgoingHttpHeaders | HeadLines,
    reason?: string,
    persistence?: Persistence,
    typeLast = false
  ): void {
    if (this.headersSent)
      throw Object.assign(new Error('Cannot write headers after they are sent to the client'), {
        code: 'ERR_HTTP_HEADERS_SENT'
      })
    if (!Number.isInteger(status) || status < 100 || status > 999)
      throw Object.assign(new RangeError(`Invalid status code: ${status}`), { code: 'ERR_HTTP_INVALID_STATUS_CODE' })
    // An object handed over again and again (a cached file's headers) is serialised once.
    // Validated before any state changes: a refused head leaves the reply as it was.
    const b = headerBlock(headers, Object.isFrozen(headers), persistence !== undefined)
    this.statusCode = status
    if (status === 204 || status === 304 || (status >= 100 && status <= 199)) this.hasBody = false
    let text = `HTTP/1.1 ${status} ${reason ?? reasonPhrase(status)}\r\n`
    let typeLine = ''
    if (b.httpd) {
      text += (b.dateLine || currentDateLine()) + b.serverLine
      if (typeLast) {
        text += b.text
        typeLine = b.typeLine
      } else
        text +=
          b.typeAt < 0 ? b.text : (b.typeInPlace ??= b.text.slice(0, b.typeAt) + b.typeLine + b.text.slice(b.typeAt))
    } else {
      text += b.text
      if (!b.date) text += currentDateLine()
    }
    let chunked = b.chunked
    let keepAlive = this.opts.keepAlive
    if (chunked && (status === 204 || status === 304)) {
      chunked = false
      keepAlive = false
    }
    if (persistence) {
      if (persistence.keepAlive !== null) text += `Keep-Alive: ${persistence.keepAlive}\r\n`
      if (persistence.connection !== null) text += `Connection: ${persistence.connection}\r\n`
      keepAlive = keepAlive && persistence.keep
    }
    // A Connection header of the answer's own decides, as in Node: close, or else keep alive.
    else if (b.connection) keepAlive = !b.close
    else if (keepAlive) {
      text += 'Connection: keep-alive\r\n'
      if (!b.keepAliveHeader) text += `Keep-Alive: timeout=${Math.floor(this.opts.keepAliveTimeoutMs / 1000)}\r\n`
    } else text += 'Connection: close\r\n'
    if (!b.contentLength && !b.transferEncoding) {
      if (!this.hasBody || persistence?.unframed) chunked = false
      else {
        text += 'Transfer-Encoding: chunked\r\n'
        chunked = true
      }
    }
    // A HEAD answer (or 204/304) sends no body, so no chunk framing either, whatever its headers say.
    this.chunked = chunked && this.hasBody && !this.opts.bare
    this.keepAlive = keepAlive && !this.opts.bare
    this.idleMs = persistence?.idleMs
    this.pendingHead = this.opts.bare ? '' : text + typeLine + CRLF
    this.headersSent = true
  }

  write(chunk: Buffer): boolean {
    if (this.finished) return false
    if (!this.headersSent) this.head(200, {})
    if (!this.hasBody || chunk.length === 0) return this.flushHead()
    const socket = this.opts.socket
    this.unflushed++
    const head = this.pendingHead
    if (head !== null && !this.chunked && chunk.length <= ONE_WRITE_LIMIT) {
      this.pendingHead = null
      return socket.write(joined(head, chunk), this.flushed)
    }
    socket.cork()
    this.flushHead()
    if (this.chunked) socket.write(chunk.length.toString(16) + CRLF, 'latin1')
    let ok = socket.write(chunk, this.chunked ? undefined : this.flushed)
    if (this.chunked) ok = socket.write(CRLF, 'latin1', this.flushed)
    socket.uncork()
    return ok
  }

  /** Writes not yet handed to the kernel; the answer is over when the last one is and `end` was called. */
  private unflushed = 0
  private readonly flushed = (): void => {
    if (--this.unflushed === 0 && this.finished) this.done(false)
  }

  end(body?: Buffer | string): void {
    if (this.finished) return
    if (!this.headersSent) this.head(200, {})
    const socket = this.opts.socket
    const data = body === undefined || !this.hasBody ? undefined : typeof body === 'string' ? Buffer.from(body) : body
    this.finished = true
    const head = this.pendingHead
    // The answer is over once its last write is flushed (Node's 'finish'): writes complete in
    // order, so each batch counts once, with the callback on its last write.
    if (head !== null && !this.chunked && data !== undefined && data.length <= ONE_WRITE_LIMIT) {
      // The whole answer (a small cached page) in one buffer: one write, no writev.
      this.pendingHead = null
      this.unflushed++
      socket.write(joined(head, data), this.flushed)
      return
    }
    const hasData = data !== undefined && data.length > 0
    if (!this.chunked && !hasData && head === null) {
      // Everything went out through `write`.
      if (this.unflushed === 0) process.nextTick(() => this.done(false))
      return
    }
    this.unflushed++
    socket.cork()
    this.flushHead()
    if (this.chunked) {
      if (hasData) {
        socket.write(data.length.toString(16) + CRLF, 'latin1')
        socket.write(data)
        socket.write(CRLF, 'latin1')
      }
      socket.write(LAST_CHUNK, 'latin1', this.flushed)
    } else socket.write(hasData ? data : EMPTY, this.flushed)
    socket.uncork()
  }

  /** Like `ServerResponse`'s 'drain': every time the socket drains until this answer is over. */
  onDrain(cb: () => void): void {
    if (this.drains) {
      this.drains.push(cb)
      return
    }
    const drains = [cb]
    this.drains = drains
    this.drainListener = () => {
      for (const f of drains) f()
    }
    this.opts.socket.on('drain', this.drainListener)
  }

  onAbort(cb: () => void): void {
    if (this.aborts) this.aborts.push(cb)
    else this.aborts = [cb]
  }

  /** Gives up on the answer (an internal error after the headers went out): the connection closes. */
  destroy(): void {
    this.opts.socket.destroy()
  }

  /** The socket closed: an answer still being written was cut short. */
  socketClosed(): void {
    if (this.finished && this.reported) return
    const aborted = !this.finished
    this.finished = true
    if (aborted && this.aborts) for (const cb of this.aborts) cb()
    this.done(aborted)
  }

  private reported = false
  private drains: (() => void)[] | null = null
  private drainListener: (() => void) | null = null

  private done(aborted: boolean): void {
    if (this.reported) return
    this.reported = true
    if (this.drainListener) this.opts.socket.off('drain', this.drainListener)
    this.opts.onFinish(this.keepAlive && !aborted, aborted, this.idleMs)
    this.whenDone?.()
  }

  private flushHead(): boolean {
    const head = this.pendingHead
    if (head === null) return true
    this.pendingHead = null
    return this.opts.socket.write(head, 'latin1')
  }
}
