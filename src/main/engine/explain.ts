/**
 * `explain`: the full trace of one request without sending it anywhere. The same stages run
 * in `explain` mode: Apache's own answers (errors, redirects, filter denials) are recorded,
 * and the render stage stops at "would forward to …".
 */
import type { RequestTrace } from '../../shared/trace'
import { RequestContext, type IncomingRequest } from './pipeline/context'
import { RecordingReply } from './pipeline/recording-reply'
import { runPipeline } from './pipeline/run'
import type { ActiveConfig } from './runtime/active-config'
import { toByteString } from './apache-expr/uri-escape'

export interface ExplainInput {
  method: string
  /** Path with query (`/content/x.html?a=1`) or an absolute URL (its host becomes the Host header). */
  url: string
  host?: string
  /** Header values as text; they go on the wire as UTF-8. */
  headers?: Record<string, string>
  client?: string
  secure?: boolean
}

export function explainRequest(active: ActiveConfig, input: ExplainInput, seq: number): RequestTrace {
  let target = input.url
  let host = input.host
  let secure = input.secure ?? false
  const abs = /^(https?):\/\/([^/?#]+)(.*)$/i.exec(input.url)
  if (abs) {
    secure = abs[1].toLowerCase() === 'https'
    host ??= abs[2]
    target = abs[3] || '/'
  }
  const headers: Record<string, string> = {}
  // Text from argv or a test file, sent as curl sends it (UTF-8): the byte string the wire gives.
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = toByteString(v)
  headers.host ??= host ?? 'localhost'
  const rawHeaders = Object.entries(headers).flat()
  const req: IncomingRequest = {
    method: input.method.toUpperCase(),
    target,
    protocol: 'HTTP/1.1',
    headers,
    rawHeaders,
    client: { address: input.client ?? '127.0.0.1', port: 50000 },
    local: { address: '127.0.0.1', port: 8080 },
    secure,
    body: null
  }
  const reply = new RecordingReply(active.serverBanner)
  const ctx = new RequestContext(req, reply, active, 'explain', `explain-${seq}`, seq)
  reply.trace = ctx.trace
  const started = performance.now()
  const r = runPipeline(ctx)
  if (r) throw new Error('explain mode must not wait for a render')
  // The filter stage sets it for a request the Dispatcher takes; else where the request ended up.
  ctx.trace.effectiveUrl ??= ctx.query !== null ? `${ctx.path}?${ctx.query}` : ctx.path
  ctx.trace.durationMs = performance.now() - started
  return ctx.trace
}
