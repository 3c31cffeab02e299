/**
 * One render (AEM instance) behind an undici Pool: keep-alive connections reused like the
 * module's own socket pool (DispatcherKeepAliveTimeout, dispatcher-behavior.md §6.1), the
 * connect timeout `/timeout` and the response timeout `/receiveTimeout` (§6.4), TLS when
 * `/secure "1"`. Responses are streamed through a sink with backpressure, never buffered.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { LookupFunction } from 'node:net'
import type { Readable } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import type { Render } from '../../../shared/config-model'
import { isBodilessAnswerEnd } from './bodiless-answer'
import { renderLookup } from './render-lookup'
import { sharedHeaderValue } from '../text-memo'
import { backendSpelling, type ConfiguredSpelling } from '../http/header-spelling'
import { ExpectContinueClient } from './expect-continue'
import { classifyRenderError, RenderError } from './render-error'

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
    this.pool = new Pool(this.origin, {
      connections: 256,
      pipelining: 1,
      // 0 means "wait forever" in the module as in undici.
      connectTimeout: render.timeout.value,
      headersTimeout: render.receiveTimeout.value,
      bodyTimeout: render.receiveTimeout.value,
      keepAliveTimeout: keepAlive > 0 ? keepAlive : 1,
      keepAliveMaxTimeout: Math.max(keepAlive, 1),
      connect: {
        ...(render.secure.value ? { rejectUnauthorized: !opts.allowSelfSigned } : {}),
        ...(lookup ? { lookup } : {})
      }
    })
  }

  forward(req: ForwardRequest, sink: ResponseSink): () => void {
    // A body that must wait for `100 Continue` (forward-headers.ts adds the header under /failover).
    if (req.body && req.headers.expect !== undefined) return this.expecting().forward(req, sink)
    let controllerRef: Dispatcher.DispatchController | undefined
    let headersSeen = false
    let status = 0
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        controllerRef = controller
      },
      onResponseStart(controller, statusCode, headers) {
        if (statusCode < 200) return
        headersSeen = true
        status = statusCode
        // undici's parse lower-cases the names; the raw ones say how the render spelled them.
        const spelling = backendSpelling((controller as { rawHeaders?: Buffer[] | null }).rawHeaders)
        sink.onHead(statusCode, sharedValues(headers), () => controller.resume(), spelling)
      },
      onResponseData(controller, chunk) {
        if (!sink.onData(chunk)) controller.pause()
      },
      onResponseEnd() {
        sink.onEnd()
      },
      onResponseError(_controller, error) {
        if (isBodilessAnswerEnd(status, error)) sink.onEnd()
        else sink.onError(classifyRenderError(error, headersSeen))
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
