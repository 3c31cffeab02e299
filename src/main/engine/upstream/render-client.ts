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

/**
 * Why a forward failed: `connect` (refused, unreachable, connect timeout) happens before the
 * render saw anything, so retrying elsewhere is safe; `timeout` is /receiveTimeout while
 * waiting for headers (the module answers 504); `body` is a failure after headers were sent.
 */
export class RenderError extends Error {
  constructor(
    readonly kind: 'connect' | 'timeout' | 'body' | 'aborted',
    message: string,
    readonly code?: string
  ) {
    super(message)
  }
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET'
])

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

  constructor(render: Render, opts: RenderClientOptions = {}) {
    const scheme = render.secure.value ? 'https' : 'http'
    const host = render.hostname.value.includes(':') ? `[${render.hostname.value}]` : render.hostname.value
    this.origin = `${scheme}://${host}:${render.port.value}`
    this.label = render.label
    const keepAlive = (opts.keepAliveSeconds ?? 60) * 1000
    const lookup = opts.lookup ?? renderLookup(render)
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
        else sink.onError(classify(error, headersSeen))
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

  close(): Promise<void> {
    return this.pool.close()
  }

  destroy(): Promise<void> {
    return this.pool.destroy()
  }
}

function classify(error: Error, headersSeen: boolean): RenderError {
  if (error instanceof RenderError) return error
  const code = (error as { code?: string }).code ?? ''
  if (headersSeen) return new RenderError('body', error.message, code)
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return new RenderError('timeout', 'render did not answer within /receiveTimeout', code)
  if (CONNECT_CODES.has(code) || /ECONNREFUSED|connect/i.test(error.message)) {
    return new RenderError('connect', error.message || code, code)
  }
  return new RenderError('connect', error.message || code, code)
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
