/**
 * mod_proxy_http's end-to-end `100-continue` (Proxy100Continue, on by default since httpd
 * 2.4.41): a client's `Expect: 100-continue` goes on to the backend (an HTTP/1.0 client's too),
 * the request head is sent alone, and the client's body is read only once the backend answered
 * `100 Continue` (send_continue_body), which goes on to an HTTP/1.1 client (the handler hears of
 * it as an interim answer; server.ts expectContinue), with or without a body. A final answer
 * that comes first still gets the body, as the backend expects it, unless the backend closes the
 * connection (`do_send_body` in ap_proxy_http_process_response). Measured against apache2
 * 2.4.68: the backend gets `Expect: 100-continue`, and the client's `100 Continue` follows the
 * backend's, for a GET or a `Content-Length: 0` too.
 *
 * undici refuses an `Expect` header on HTTP/1.1 (NotSupportedError; its `expectContinue` is
 * for HTTP/2 only), so these requests go through node:http, which reports the backend's interim
 * answer (`continue`). This is a drop-in for `Agent.dispatch` with undici's handler API, as
 * much of it as apache-proxy.ts uses: the same handler serves both.
 */
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { Readable, pipeline } from 'node:stream'
import type { Dispatcher } from 'undici'
import { headersOf } from '../upstream/expect-continue'

const agentOptions = { keepAlive: true, maxSockets: 64 }
const httpAgent = new http.Agent(agentOptions)
// mod_ssl's `SSLProxyVerify none` (its default), as the undici Agent in apache-proxy.ts.
/** The error code of a backend that never sent the 100 Continue its request waited for. */
export const CONTINUE_TIMEOUT = 'DW_CONTINUE_TIMEOUT'

const httpsAgent = new https.Agent({ ...agentOptions, rejectUnauthorized: false })

/** An error with the code undici gives the same failure, which apache-proxy.ts maps to a status. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * The flat list (name, value, …) apache-proxy.ts gives undici, as node:http writes it, in that
 * order: the backend's Host first unless the list names one, a body streamed without a length
 * chunked, and `Connection` last, as mod_proxy_http writes them.
 */
function headerList(flat: readonly string[], host: string, streamed: boolean, close: boolean): string[] {
  const named = (key: string): boolean => flat.some((n, i) => i % 2 === 0 && n.toLowerCase() === key)
  return [
    ...(named('host') ? [] : ['Host', host]),
    ...flat,
    ...(streamed && !named('content-length') ? ['Transfer-Encoding', 'chunked'] : []),
    'Connection',
    close ? 'close' : 'Keep-Alive'
  ]
}

/** The controller of a request that was never made: there is nothing to pause or abort. */
function refusedController(reason: Error): Dispatcher.DispatchController {
  return { aborted: true, paused: false, reason, abort: () => {}, pause: () => {}, resume: () => {} }
}

export function dispatchExpecting(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
  const origin = new URL(String(opts.origin))
  const secure = origin.protocol === 'https:'
  const body = opts.body
  const headers = headerList(opts.headers as string[], origin.host, body instanceof Readable, opts.reset === true)

  let aborted = false
  let paused = false
  let reason: Error | null = null
  let res: IncomingMessage | null = null
  let over = false
  let creq: http.ClientRequest
  try {
    creq = (secure ? https : http).request({
      host: origin.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: origin.port || (secure ? 443 : 80),
      method: opts.method,
      path: opts.path,
      headers,
      agent: secure ? httpsAgent : httpAgent
    })
  } catch (err) {
    // node:http throws on a request it will not write (a header value with a control character
    // that `RequestHeader` made of the URL: ERR_INVALID_CHAR); undici's dispatch hands the same
    // refusal to the handler instead (InvalidArgumentError), and so does this drop-in.
    handler.onResponseError?.(refusedController(err as Error), err as Error)
    return
  }
  const controller: Dispatcher.DispatchController & { rawHeaders?: Buffer[] | null } = {
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
      creq.destroy(err)
    },
    pause() {
      paused = true
      res?.pause()
    },
    resume() {
      paused = false
      res?.resume()
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
    if (body instanceof Readable) pipeline(body, creq, (err) => err && creq.destroy(err))
    else creq.end(Buffer.isBuffer(body) ? body : undefined)
  }

  // Waiting for the backend (its 100 Continue, then its answer) and between its body's chunks.
  const timeoutMs = opts.headersTimeout ?? 0
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
  creq.on('continue', () => {
    handler.onResponseStart?.(controller, 100, {}, 'Continue')
    sendBody()
  })
  creq.on('response', (answer: IncomingMessage) => {
    res = answer
    if (!bodySent) {
      const closes = answer.httpVersion === '1.0' || /\bclose\b/i.test(answer.headers.connection ?? '')
      if (!closes) sendBody()
    }
    controller.rawHeaders = answer.rawHeaders.map((h) => Buffer.from(h, 'latin1'))
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
  creq.on('error', fail)
  creq.on('close', () => fail(coded('the backend closed the connection', 'ECONNRESET')))
  handler.onRequestStart?.(controller, {})
  // A request without a body is complete once its head is out; one with a body waits for the 100.
  if (body === undefined || body === null) sendBody()
  else creq.flushHeaders()
}
