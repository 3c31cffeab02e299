/**
 * How mod_proxy_http's request reaches the backend: node:http, with the head written as
 * ap_proxy_create_hdrbrgade writes it (proxy_util.c, httpd 2.4.68), byte for byte. The lines
 * come from apache-proxy.ts (proxy-request-headers.ts) in httpd's order and spelling: `Host`
 * first, then r->headers_in, the body's framing and `Connection` last. Neither undici nor
 * node:http writes such a head itself: undici writes its own lower-case `host:` and
 * `connection:` first, drops a GET's `Content-Length: 0` and refuses an `Expect`, and both
 * refuse a value with a control character or DEL, which httpd passes on as it is (a
 * `RequestHeader` made of the URL, or a client's header under `HttpProtocolOptions Unsafe`).
 * node:http gives the connection pool and reads the answer; the head it would write is replaced
 * by httpd's (see `withHead`).
 *
 * mod_proxy_http's end-to-end `100-continue` (Proxy100Continue, on by default since httpd
 * 2.4.41): a client's `Expect: 100-continue` goes on to the backend (an HTTP/1.0 client's too),
 * the request head is sent alone, and the client's body is read only once the backend answered
 * `100 Continue` (send_continue_body), which goes on to an HTTP/1.1 client, with or without a
 * body. A final answer that comes first still gets the body, as the backend expects it, unless
 * the backend closes the connection (`do_send_body` in ap_proxy_http_process_response).
 * Measured against apache2 2.4.68 (proxy-backend-requests.test.ts).
 *
 * The handler is undici's (`Dispatcher.DispatchHandler`), as much of it as apache-proxy.ts uses:
 * interim answers (1xx) come to onResponseStart before the final one.
 *
 * node's parser (llhttp) refuses heads ap_proxy_read_headers reads: a control character, DEL or
 * a bare CR in a value, a name that is no token. The bytes of such a head come with the
 * parser's error (`keepHeadBytes`), read as httpd reads them (`readHeadAsHttpd`; both in
 * http/backend-head.ts), so apache-proxy.ts can answer as httpd's header filter then does. It
 * also refuses an answer whose first line is no status line, which httpd relays as HTTP/0.9
 * (proxy-simple-answer.ts), and takes status lines httpd does not (refusedStatusLine).
 */
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { Readable, pipeline } from 'node:stream'
import type { Dispatcher } from 'undici'
import { headersOf } from '../upstream/expect-continue'
import type { ProxiedBody } from './proxy-request-body'
import { textMemo } from '../text-memo'
import { keepHeadBytes, refusedStatusLine } from '../http/backend-head'
import { isParserError } from '../http/error-code'
import { simpleAnswerHeaders, simpleAnswerOf, streamSimpleAnswer } from './proxy-simple-answer'
import { InterimBytes } from './proxy-interim-bytes'

const agentOptions = { keepAlive: true, maxSockets: 64 }
const httpAgent = new http.Agent(agentOptions)
// mod_ssl's `SSLProxyVerify none` (its default): a backend's certificate is not checked.
const httpsAgent = new https.Agent({ ...agentOptions, rejectUnauthorized: false })

/** The error code of a backend that never sent the 100 Continue its request waited for. */
export const CONTINUE_TIMEOUT = 'DW_CONTINUE_TIMEOUT'

/** One request to a backend, as mod_proxy_http sends it. */
export interface ProxyRequest {
  /** `scheme://host[:port]`. */
  origin: string
  /** The request target, as it goes on the request line. */
  path: string
  method: string
  /** The header lines but Host, framing and Connection, as a flat list (name, value, …), spelled as they go out. */
  headers: readonly string[]
  body: ProxiedBody
  /** How long the backend may keep us waiting (its 100, its head, between its body's reads); 0 for ever. */
  timeoutMs: number
  /** `Connection: close`: the connection is not kept after this request. */
  close: boolean
  /** do_100_continue: the head goes alone and the body waits for the backend's 100 (or its answer). */
  expectContinue: boolean
}

/** Where a backend origin (`scheme://host[:port]`) is reached, read once per origin. */
interface BackendAddress {
  secure: boolean
  /** The Host line's value when the request names none: the host, and the port unless the scheme's. */
  host: string
  /** The host to connect to (an IPv6 literal without its brackets). */
  hostname: string
  port: number
}

const addressOf = textMemo((origin: string): BackendAddress => {
  const url = new URL(origin)
  const secure = url.protocol === 'https:'
  return {
    secure,
    host: url.host,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port)
  }
}, 1000)

/** A backend's `Connection` that says it closes after its answer. */
const CLOSES = /\bclose\b/i

/** An error with the code undici gives the same failure, which apache-proxy.ts maps to a status. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * The head's lines as mod_proxy_http writes them: the backend's Host first unless the lines
 * name one, a body streamed without a length chunked, and `Connection` last.
 */
function headerLines(flat: readonly string[], host: string, streamed: boolean, close: boolean): string[] {
  let namesHost = false
  let namesLength = false
  for (let i = 0; i < flat.length; i += 2) {
    const key = flat[i].toLowerCase()
    if (key === 'host') namesHost = true
    else if (key === 'content-length') namesLength = true
  }
  const lines = namesHost ? [...flat] : ['Host', host, ...flat]
  if (streamed && !namesLength) lines.push('Transfer-Encoding', 'chunked')
  lines.push('Connection', close ? 'close' : 'Keep-Alive')
  return lines
}

/** The request line and `lines`, each as it is, latin1 (one character per byte, as httpd's strings are). */
function headText(method: string, path: string, lines: readonly string[]): string {
  let head = `${method} ${path} HTTP/1.1\r\n`
  for (let i = 0; i < lines.length; i += 2) head += `${lines[i]}: ${lines[i + 1]}\r\n`
  return `${head}\r\n`
}

/** The error of a node:http whose request holds no composed head to replace (see `withHead`). */
export const NO_HEAD_TO_REPLACE = 'DW_NO_HEAD_TO_REPLACE'

/** The part of OutgoingMessage that holds the head until it is written (node's `_storeHeader` sets it). */
interface HeldHead {
  _header: string | null
}

/**
 * node:http made to write `head` in place of the head it composes. It is given only the lines
 * that set its framing and keep-alive state (a Content-Length, a chunked Transfer-Encoding, the
 * Connection), whose values it checks, and composes its head from them at once (an array of
 * headers is stored when the request is made); that head is then replaced, before anything was
 * written, by httpd's, which node would refuse to write for a control character in a value.
 * Its body writes then frame as that head says, and the head goes out with them, latin1 (the
 * head is a string of one character per byte, as httpd's strings are).
 */
function withHead(
  creqOptions: http.RequestOptions,
  secure: boolean,
  head: string,
  framing: 'length' | 'chunked' | null,
  close: boolean
): http.ClientRequest {
  const state: string[] = []
  if (framing === 'length') state.push('Content-Length', '0')
  else if (framing === 'chunked') state.push('Transfer-Encoding', 'chunked')
  state.push('Connection', close ? 'close' : 'keep-alive')
  const creq = (secure ? https : http).request({ ...creqOptions, headers: state })
  const held = creq as unknown as HeldHead
  // A node:http that composes its head later (or keeps it elsewhere) would write its own head
  // over httpd's, or frame the body without the state set above: refused here, loudly, instead.
  if (typeof held._header !== 'string') {
    creq.on('error', () => {}).destroy()
    throw Object.assign(new Error(`node:http ${process.version} composed no head when the request was made`), {
      code: NO_HEAD_TO_REPLACE
    })
  }
  held._header = head
  // node reads `Connection: close` as its last request, yet gives a keep-alive agent the socket
  // back unless the backend closes it: mod_proxy closes it itself (backend->close).
  if (close) creq.shouldKeepAlive = false
  return creq
}

/** The controller of a request that was never made: there is nothing to pause or abort. */
function refusedController(reason: Error): Dispatcher.DispatchController {
  return { aborted: true, paused: false, reason, abort: () => {}, pause: () => {}, resume: () => {} }
}

/**
 * node:http's request for `opts`, its head httpd's. Throws what node or the URL parser refuses
 * to make (a path with a character node refuses, an origin that is no URL).
 */
function backendRequest(opts: ProxyRequest): http.ClientRequest {
  const { secure, host, hostname, port } = addressOf(opts.origin)
  const lines = headerLines(opts.headers, host, opts.body instanceof Readable, opts.close)
  let framing: 'length' | 'chunked' | null = null
  for (let i = 0; i < lines.length; i += 2) {
    const key = lines[i].toLowerCase()
    if (key === 'content-length') framing = 'length'
    else if (key === 'transfer-encoding') framing = 'chunked'
  }
  const options = { host: hostname, port, method: opts.method, path: opts.path, agent: secure ? httpsAgent : httpAgent }
  return withHead(options, secure, headText(opts.method, opts.path, lines), framing, opts.close)
}

/**
 * ap_proxy_connect_backend bounds the connect by the same timeout as the reads (the worker's,
 * else ProxyTimeout, else Timeout), and a backend not connected to in time is proxy_http_handler's
 * 503 (AH00957), as a refused one is. node's request timeout starts only once the socket is
 * connected (setSocketTimeout waits for 'connect'), so a new socket's connect is timed here.
 */
function boundConnect(creq: http.ClientRequest, timeoutMs: number): void {
  creq.once('socket', (socket) => {
    if (!socket.connecting) return
    const timer = setTimeout(() => creq.destroy(coded('Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT')), timeoutMs)
    const stop = (): void => clearTimeout(timer)
    socket.once('connect', stop)
    creq.once('close', stop)
  })
}

export function dispatchProxied(opts: ProxyRequest, handler: Dispatcher.DispatchHandler): void {
  const body = opts.body
  let aborted = false
  let paused = false
  let reason: Error | null = null
  /** What the answer's body is read from: node's answer, or an HTTP/0.9 answer's connection. */
  let res: { pause(): unknown; resume(): unknown } | null = null
  /** node's answer, once its head came. */
  let answered: IncomingMessage | null = null
  let over = false
  let creq: http.ClientRequest
  try {
    creq = backendRequest(opts)
  } catch (err) {
    // undici's dispatch hands a request it will not make to the handler instead of throwing,
    // and so does this one.
    handler.onResponseError?.(refusedController(err as Error), err as Error)
    return
  }
  // rawHeaders: the answer's names and values as node read them (latin1 strings, as httpd's bytes);
  // http09: the answer is an HTTP/0.9 one (proxy-simple-answer.ts).
  const controller: Dispatcher.DispatchController & { rawHeaders?: readonly string[] | null; http09?: boolean } = {
    get aborted() {
      return aborted
    },
    get paused() {
      return paused
    },
    get reason() {
      return reason
    },
    rawHeaders: null,
    abort(err: Error) {
      if (aborted) return
      aborted = true
      reason = err
      // The connection closed after a whole answer still held back for the client: nothing more
      // comes from the request, so the answer is let go and the handler told here.
      if (creq.destroyed && answered?.complete) {
        answered.destroy()
        return fail(err)
      }
      creq.destroy(err)
    },
    // While the client is slow to take the answer httpd is blocked writing to it and reads
    // nothing from the backend: only the client's Timeout bounds that wait, not ProxyTimeout,
    // so the backend's socket is not timed while its answer is held back for the client.
    pause() {
      paused = true
      res?.pause()
      if (!over) creq.socket?.setTimeout(0)
    },
    resume() {
      const wasPaused = paused
      paused = false
      res?.resume()
      if (wasPaused && !over && opts.timeoutMs > 0) creq.socket?.setTimeout(opts.timeoutMs)
    }
  }
  const fail = (err: Error): void => {
    if (over) return
    over = true
    handler.onResponseError?.(controller, err)
  }

  let bodySent = false
  const sendBody = (): void => {
    if (bodySent) return
    bodySent = true
    if (body instanceof Readable) {
      // httpd passes a streamed body on as it reads it from the client, blocked on the client
      // (its Timeout) between pieces, not on the backend: the backend is timed again once the
      // body is all written and its answer is awaited.
      if (opts.timeoutMs > 0) {
        creq.setTimeout(0)
        creq.once('finish', () => creq.setTimeout(opts.timeoutMs))
      }
      pipeline(body, creq, (err) => err && creq.destroy(err))
    } else creq.end(Buffer.isBuffer(body) ? body : undefined)
  }

  // Waiting for the backend (its 100 Continue, then its answer) and between its body's chunks.
  const timeoutMs = opts.timeoutMs
  if (timeoutMs > 0)
    creq.setTimeout(timeoutMs, () =>
      creq.destroy(
        res
          ? coded('Body Timeout Error', 'UND_ERR_BODY_TIMEOUT')
          : bodySent
            ? coded('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT')
            : // mod_proxy_http gave up waiting for the backend's 100 (AH00898): a 503.
              coded('Timeout on 100-Continue', CONTINUE_TIMEOUT)
      )
    )
  if (timeoutMs > 0) boundConnect(creq, timeoutMs)
  // The answer's reads before node's parser takes them, until its final head's status line has
  // ended: the bytes up to there (`lead`: the status lines httpd reads, refusedStatusLine; an
  // interim head's read apart from the final one, a status line split over reads) and its interim
  // heads (what llhttp refuses in them httpd relays, proxy-interim-bytes.ts).
  let lead: Buffer | null = null
  const interim = new InterimBytes()
  creq.once('socket', (socket) => {
    const read = (chunk: Buffer): void => {
      const taken = interim.take(chunk)
      const part = taken === chunk.length ? chunk : chunk.subarray(0, taken)
      lead = lead === null ? part : Buffer.concat([lead, part])
      if (interim.done) socket.off('data', read)
    }
    socket.prependListener('data', read)
    creq.once('close', () => socket.off('data', read))
  })
  // An interim answer, asked for or not (ap_proxy_http_process_response reads on to the final one).
  creq.on('information', (info: http.InformationEvent) => {
    controller.rawHeaders = interim.heads.shift() ?? info.rawHeaders
    handler.onResponseStart?.(controller, info.statusCode, info.headers, info.statusMessage)
    if (info.statusCode === 100) sendBody()
  })
  creq.on('response', (answer: IncomingMessage) => {
    res = answered = answer
    const refused = lead && refusedStatusLine(lead)
    if (refused) {
      // ap_proxyerror's 502 (AH01102, AH00898); the connection is out of step and not kept.
      fail(Object.assign(coded(refused, 'DW_STATUS_LINE'), { backendHead: lead }))
      creq.destroy()
      return
    }
    if (!bodySent) {
      const closes = answer.httpVersion === '1.0' || CLOSES.test(answer.headers.connection ?? '')
      if (!closes) sendBody()
    }
    controller.rawHeaders = answer.rawHeaders
    handler.onResponseStart?.(controller, answer.statusCode ?? 502, headersOf(answer), answer.statusMessage)
    if (aborted) return
    if (paused) answer.pause()
    answer.on('data', (chunk: Buffer) => {
      if (!over) handler.onResponseData?.(controller, chunk)
    })
    answer.on('end', () => {
      if (over) return
      over = true
      // The body never went: the connection is out of step and cannot carry another request.
      if (!bodySent) creq.destroy()
      handler.onResponseEnd?.(controller, {})
    })
    answer.on('error', fail)
    answer.on('close', () => {
      if (!answer.complete) fail(coded('the backend closed the connection', 'ECONNRESET'))
    })
  })
  // An HTTP/0.9 answer: no body goes to the backend, whose connection is not kept (backend->close).
  const relaySimple = (err: Error): void => {
    const answer = simpleAnswerOf(err)
    if (answer === null) return fail(err)
    if (over) return void answer.socket.destroy()
    const headOnly = opts.method === 'HEAD'
    res = answer.socket
    controller.rawHeaders = []
    controller.http09 = true
    handler.onResponseStart?.(controller, 200, simpleAnswerHeaders(answer, headOnly), 'OK')
    if (aborted) return void answer.socket.destroy()
    streamSimpleAnswer(answer, headOnly, {
      data: (chunk) => {
        if (!over) handler.onResponseData?.(controller, chunk)
      },
      end: () => {
        if (over) return
        over = true
        handler.onResponseEnd?.(controller, {})
      }
    })
  }
  const withHeadBytes = keepHeadBytes(creq, true)
  creq.on('error', (err: Error) => {
    // Bytes after a whole answer, in the read that ended it (garbage, a body to a HEAD): node's
    // parser refuses them and destroys the connection, which is then not kept; the answer itself
    // goes on to its end, as httpd relays the answer it read.
    if (answered?.complete && isParserError(err)) return
    withHeadBytes(err, relaySimple)
  })
  // A whole answer still held back for a slow client (paused) when the backend closes the
  // connection goes on to its end all the same.
  creq.on('close', () => {
    if (!answered?.complete || aborted) fail(coded('the backend closed the connection', 'ECONNRESET'))
  })
  handler.onRequestStart?.(controller, {})
  // The head goes out at once, alone when the body waits for the backend's 100 (an empty write
  // sends just the head, latin1, and no chunk: flushHeaders would write it as UTF-8).
  if (!opts.expectContinue || body === undefined) sendBody()
  else creq.write('', 'latin1')
}
