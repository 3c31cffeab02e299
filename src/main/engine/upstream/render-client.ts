/**
 * One render (AEM instance) behind an undici Pool: keep-alive connections reused like the
 * module's own socket pool (DispatcherKeepAliveTimeout, dispatcher-behavior.md §6.1), the
 * connect timeout `/timeout` and the response timeout `/receiveTimeout` (§6.4), TLS when
 * `/secure "1"`. Responses are streamed through a sink with backpressure, never buffered.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { LookupFunction, Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { buildConnector, errors, Pool, type Dispatcher } from 'undici'
import type { Render } from '../../../shared/config-model'
import { isBodilessAnswerEnd } from './bodiless-answer'
import { renderLookup } from './render-lookup'
import { sharedHeaderValue } from '../text-memo'
import { backendSpelling, type ConfiguredSpelling } from '../http/header-spelling'
import { ExpectContinueClient } from './expect-continue'
import { RenderError } from './render-error'
import { tapHeadBytes } from './head-tap'
import { reportRenderFailure, type RefusedHead } from './refused-head'

export { RenderError } from './render-error'

export interface ForwardRequest {
  method: string
  /** Path and query as sent to the render. */
  path: string
  headers: Record<string, string | string[]>
  body: Readable | null
}

/** Receives the render's answer; `onData` returning false pauses the render until `resume()`. */
export interface ResponseSink {
  /** `spelling`: the render's own spelling of the names it sent, where it is not the usual one. */
  onHead(status: number, headers: IncomingHttpHeaders, resume: () => void, spelling?: ConfiguredSpelling): void
  onData(chunk: Buffer): boolean
  onEnd(): void
  onError(error: RenderError): void
  /**
   * The render answered with a head undici's parser refused and httpd's header filter refuses
   * (refused-head.ts): an answer, not a failure; its body is not read.
   */
  onRefusedHead?(head: RefusedHead): void
}

export interface RenderClientOptions {
  /** Seconds an idle connection is kept (DispatcherKeepAliveTimeout, default 60; 0 disables reuse). */
  keepAliveSeconds?: number
  /** Accept self-signed certificates from a `/secure` render (only when configured). */
  allowSelfSigned?: boolean
  /** Host name resolution; by default the render's `/ipv4` and `/always-resolve` (see render-lookup.ts). */
  lookup?: LookupFunction
}

export class RenderClient {
  readonly origin: string
  readonly label: string
  private readonly pool: Pool
  private readonly lookup: LookupFunction | undefined
  private expectClient: ExpectContinueClient | null = null
  private readonly receiveTimeout: number

  constructor(
    private readonly render: Render,
    private readonly opts: RenderClientOptions = {}
  ) {
    const scheme = render.secure.value ? 'https' : 'http'
    const host = render.hostname.value.includes(':') ? `[${render.hostname.value}]` : render.hostname.value
    this.origin = `${scheme}://${host}:${render.port.value}`
    this.label = render.label
    const keepAlive = (opts.keepAliveSeconds ?? 60) * 1000
    const lookup = (this.lookup = opts.lookup ?? renderLookup(render))
    this.receiveTimeout = render.receiveTimeout.value
    this.pool = new Pool(this.origin, {
      connections: 256,
      pipelining: 1,
      // undici's own connect, headers and body timeouts run on its "fast timers", whose
      // resolution is a second (undici/lib/util/timers.js): a 200 ms /receiveTimeout would
      // fire after ~1 s. They are off here; this client keeps the milliseconds itself.
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: keepAlive > 0 ? keepAlive : 1,
      keepAliveMaxTimeout: Math.max(keepAlive, 1),
      // 0 means "wait forever" in the module.
      connect: tappedConnector(renderConnector(render, lookup, opts.allowSelfSigned, render.timeout.value))
    })
  }

  forward(req: ForwardRequest, sink: ResponseSink): () => void {
    // A body that must wait for `100 Continue` (forward-headers.ts adds the header under /failover).
    if (req.body && req.headers.expect !== undefined) return this.expecting().forward(req, sink)
    let controllerRef: Dispatcher.DispatchController | undefined
    let headersSeen = false
    let paused = false
    let status = 0
    // /receiveTimeout (§6.4): one native timer per request, armed once the request is on a
    // connection (after the connect), for the response head; then re-armed by each body chunk,
    // idle while the client's backpressure holds the render (as undici's bodyTimeout is).
    const receive = this.receiveTimeout
    let timer: NodeJS.Timeout | undefined
    const onTimer = (): void => {
      const controller = controllerRef
      if (!controller) return
      if (!headersSeen) {
        // The render reads the whole request before it answers: the wait starts once it is sent.
        const body = req.body
        if (body && !body.readableEnded && !body.destroyed) timer?.refresh()
        else
          controller.abort(
            new RenderError('timeout', 'render did not answer within /receiveTimeout', 'UND_ERR_HEADERS_TIMEOUT')
          )
      } else if (!paused)
        controller.abort(
          new RenderError('body', 'render stopped sending within /receiveTimeout', 'UND_ERR_BODY_TIMEOUT')
        )
    }
    const stop = (): void => {
      if (timer) clearTimeout(timer)
      timer = undefined
    }
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        controllerRef = controller
        if (receive > 0) (timer = setTimeout(onTimer, receive)).unref()
      },
      onResponseStart(controller, statusCode, headers) {
        if (statusCode < 200) return
        headersSeen = true
        status = statusCode
        timer?.refresh()
        // undici's parse lower-cases the names; the raw ones say how the render spelled them.
        const spelling = backendSpelling((controller as { rawHeaders?: Buffer[] | null }).rawHeaders)
        const resume = (): void => {
          paused = false
          timer?.refresh()
          controller.resume()
        }
        sink.onHead(statusCode, sharedValues(headers), resume, spelling)
      },
      onResponseData(controller, chunk) {
        timer?.refresh()
        if (!sink.onData(chunk)) {
          paused = true
          controller.pause()
        }
      },
      onResponseEnd() {
        stop()
        sink.onEnd()
      },
      onResponseError(_controller, error) {
        stop()
        if (isBodilessAnswerEnd(status, error)) sink.onEnd()
        else reportRenderFailure(sink, error, headersSeen)
      }
    }
    this.pool.dispatch(
      {
        origin: this.origin,
        path: req.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body ?? undefined
      },
      handler
    )
    return () => controllerRef?.abort(new RenderError('aborted', 'client went away'))
  }

  /** The node:http client for `Expect: 100-continue` requests, made on first need. */
  private expecting(): ExpectContinueClient {
    this.expectClient ??= new ExpectContinueClient(this.render, {
      keepAliveMs: (this.opts.keepAliveSeconds ?? 60) * 1000,
      allowSelfSigned: this.opts.allowSelfSigned,
      lookup: this.lookup
    })
    return this.expectClient
  }

  close(): Promise<void> {
    this.expectClient?.destroy()
    return this.pool.close()
  }

  destroy(): Promise<void> {
    this.expectClient?.destroy()
    return this.pool.destroy()
  }
}

/**
 * The connector to a render: TLS as `/secure` says (self-signed certificates when allowed), its
 * own name lookup, and `/timeout` held by a native timer (timedConnector).
 */
export function renderConnector(
  render: Render,
  lookup: LookupFunction | undefined,
  allowSelfSigned: boolean | undefined,
  timeoutMs: number
): buildConnector.connector {
  const connect = buildConnector({
    ...(render.secure.value ? { rejectUnauthorized: !allowSelfSigned } : {}),
    ...(lookup ? { lookup } : {}),
    timeout: 0
  })
  return timedConnector(connect, timeoutMs)
}

/** A connector whose connections keep each answer's head bytes for a head undici refuses (head-tap.ts). */
function tappedConnector(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) =>
    connect(options, (...args) => {
      if (args[1]) tapHeadBytes(args[1])
      callback(...args)
    })
}

/**
 * `/timeout` (connect, ms) around undici's connector with a native timer: the socket is
 * destroyed with undici's ConnectTimeoutError (UND_ERR_CONNECT_TIMEOUT, a connect failure in
 * render-error.ts) when neither the connection nor an error came within `ms`. Runs once per
 * new connection, not per request.
 */
function timedConnector(connect: buildConnector.connector, ms: number): buildConnector.connector {
  if (!(ms > 0)) return connect
  return (options, callback) => {
    const timer = setTimeout(() => {
      socket?.destroy(
        new errors.ConnectTimeoutError(
          `Connect Timeout Error (attempted address: ${options.hostname}:${options.port}, timeout: ${ms}ms)`
        )
      )
    }, ms)
    timer.unref()
    // undici's connector returns the socket it made (its type says void).
    const socket = connect(options, (...args) => {
      clearTimeout(timer)
      callback(...args)
    }) as unknown as Socket | undefined
    return socket
  }
}

/**
 * The render's header values as shared strings (text-memo.ts): a render answers with the same
 * few values request after request, and the traces the ring keeps hold them (the answer's
 * headers, and what `Header` directives are explained from later).
 */
function sharedValues(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  for (const k in headers) {
    const v = headers[k]
    if (typeof v === 'string') headers[k] = sharedHeaderValue(k, v)
  }
  return headers
}
