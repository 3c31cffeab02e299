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
import { answeringTap, tapHeadBytes, type HeadTap, type IdleDropSink } from './head-tap'
import { connectionUse, type ConnectionUse } from './keep-alive-log'
import { reportRenderFailure, type RefusedHead } from './refused-head'

export { RenderError } from './render-error'

export interface ForwardRequest {
  method: string
  /** Path and query as sent to the render. */
  path: string
  headers: Record<string, string | string[]>
  body: Readable | null
}

/**
 * Receives the render's answer; `onData` returning false pauses the render until `resume()`.
 * `use` says what the connection did for the attempt (a new one, a kept one), and `onEnd`'s
 * `kept` whether the connection was kept for later requests, for the module's keep-alive lines
 * (keep-alive-log.ts); undefined where the client does not know (expect-continue.ts).
 */
export interface ResponseSink {
  /** `spelling`: the render's own spelling of the names it sent, where it is not the usual one. */
  onHead(
    status: number,
    headers: IncomingHttpHeaders,
    resume: () => void,
    spelling?: ConfiguredSpelling,
    use?: ConnectionUse
  ): void
  onData(chunk: Buffer): boolean
  onEnd(kept?: boolean): void
  onError(error: RenderError, use?: ConnectionUse): void
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

export class RenderClient implements IdleDropSink {
  readonly origin: string
  readonly label: string
  private readonly pool: Pool
  private readonly lookup: LookupFunction | undefined
  private expectClient: ExpectContinueClient | null = null
  private readonly receiveTimeout: number
  /**
   * DispatcherKeepAliveTimeout 0: no connection is kept. undici's `reset` closes it after the
   * answer (and says `connection: close`); its keep-alive timer, which cannot be 0, would keep it
   * for a millisecond, enough for a request under load to be sent on it.
   */
  private readonly reset: true | undefined
  /** Idle seconds of the kept connections undici dropped since the last request (droppedIdle). */
  private dropped: number[] | null = null

  constructor(
    private readonly render: Render,
    private readonly opts: RenderClientOptions = {}
  ) {
    const scheme = render.secure.value ? 'https' : 'http'
    const host = render.hostname.value.includes(':') ? `[${render.hostname.value}]` : render.hostname.value
    this.origin = `${scheme}://${host}:${render.port.value}`
    this.label = render.label
    const keepAlive = (opts.keepAliveSeconds ?? 60) * 1000
    this.reset = keepAlive > 0 ? undefined : true
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
      connect: tappedConnector(renderConnector(render, lookup, opts.allowSelfSigned, render.timeout.value), this)
    })
  }

  forward(req: ForwardRequest, sink: ResponseSink): () => void {
    // WHY the drops go with the next request: the module finds a kept socket too old when it
    // takes it for a request, and logs 'Dropping socket after N seconds of inactivity' there,
    // before 'Creating new connection' (EXP: 1215 seconds, found by the next request). undici
    // closes an idle connection on its own timer, with no request to log it; so the render's
    // next request tells the drops since, N being how long the connection had idled when undici
    // closed it (its keep-alive timeout, or less when the render's Keep-Alive said so).
    const dropped = this.dropped
    if (dropped !== null) this.dropped = null
    // A body that must wait for `100 Continue` (forward-headers.ts adds the header under /failover).
    if (req.body && req.headers.expect !== undefined) return this.expecting().forward(req, sink, dropped)
    let controllerRef: Dispatcher.DispatchController | undefined
    let tap: HeadTap | null = null
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
        tap = answeringTap()
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
        sink.onHead(statusCode, sharedValues(headers), resume, spelling, connectionUse(tap?.opened ?? null, dropped))
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
        if (tap) process.nextTick(endAnswer, sink, tap)
        else sink.onEnd()
      },
      onResponseError(_controller, error) {
        if (!headersSeen) tap = answeringTap()
        stop()
        if (isBodilessAnswerEnd(status, error)) sink.onEnd()
        else reportRenderFailure(sink, error, headersSeen, connectionUse(tap?.opened ?? null, dropped))
      }
    }
    this.pool.dispatch(
      {
        origin: this.origin,
        path: req.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body ?? undefined,
        reset: this.reset
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
      lookup: this.lookup,
      owner: this
    })
    return this.expectClient
  }

  /** A kept connection undici closed after `seconds` idle: told with the next request (forward). */
  droppedIdle(seconds: number): void {
    ;(this.dropped ??= []).push(seconds)
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

/**
 * A connector whose connections keep each answer's head bytes for a head undici refuses, and
 * tell `owner` of their closing for inactivity (head-tap.ts).
 */
function tappedConnector(connect: buildConnector.connector, owner: IdleDropSink): buildConnector.connector {
  return (options, callback) =>
    connect(options, (...args) => {
      if (args[1]) tapHeadBytes(args[1], owner)
      callback(...args)
    })
}

/**
 * The answer was read: called on the tick after undici's onResponseEnd, once undici kept the
 * connection or destroyed it (a shared function: no closure per request).
 */
function endAnswer(sink: ResponseSink, tap: HeadTap): void {
  sink.onEnd(tap.keptAfterAnswer())
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
