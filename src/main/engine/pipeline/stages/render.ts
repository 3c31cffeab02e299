/**
 * render: forward to the farm's render and stream the answer back (dispatcher-behavior.md §6).
 * Headers sent: the farm's `/clientheaders` (all end-to-end headers for `"*"`), hop-by-hop
 * headers removed, plus what the module always adds (`X-Forwarded-For`, `Via`,
 * `Server-Agent`, and the `X-Forwarded-SSL*` family for HTTPS).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import type { RenderDetail } from '../../../../shared/trace'
import type { ActiveFarm, ActiveRender } from '../../runtime/active-config'
import type { RequestContext } from '../context'
import { RenderError } from '../../upstream/render-client'
import { finalHeaders } from '../response-headers'
import { answer } from './answer'

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings'
])

export function forwardHeaders(ctx: RequestContext, active: ActiveFarm, render: ActiveRender): Record<string, string> {
  const out: Record<string, string> = {}
  const headers = ctx.headers
  const connectionTokens = (headers.connection ?? '').toLowerCase().split(/\s*,\s*/)
  const all = active.clientHeaders === 'all'
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || connectionTokens.includes(name)) continue
    if (!all && !(active.clientHeaders as Set<string>).has(name)) continue
    out[name] = headers[name]
  }
  if (!out.host) out.host = `${render.render.hostname.value}:${render.render.port.value}`
  const client = ctx.req.client.address
  out['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client
  const via = `1.1 ${headers.host ?? ctx.req.local.address + ':' + ctx.req.local.port} (dispatcher)`
  out.via = headers.via ? `${headers.via}, ${via}` : via
  out['server-agent'] = 'Communique-Dispatcher'
  if (ctx.req.secure) {
    out['x-forwarded-ssl'] = 'on'
    out['x-forwarded-port'] = String(ctx.req.local.port)
  }
  return out
}

function pickRender(active: ActiveFarm): ActiveRender | undefined {
  return active.renders[0]
}

export function render(ctx: RequestContext): boolean | Promise<boolean> {
  const active = ctx.farm!
  const chosen = pickRender(active)
  if (!chosen) {
    ctx.record('render', 'stop', `farm /${active.farm.name} has no /renders: Unable to connect to any backend in farm ${active.farm.name}`)
    ctx.setOutcome('error')
    return answer(ctx, 503)
  }
  const dispatcher = ctx.vhost?.dispatcher ?? ctx.config.defaults
  const path = dispatcher.noCanonURL ? ctx.req.target : ctx.query !== null ? `${ctx.path}?${ctx.query}` : ctx.path
  const headers = forwardHeaders(ctx, active, chosen)
  const origin = chosen.client.origin.replace(/^https?:\/\//, '')
  ctx.trace.forwarded = { render: chosen.render.label, origin, method: ctx.req.method, url: path, headers }
  const detail: RenderDetail = { render: chosen.render.label, origin, attempts: [], reason: 'first render of the farm' }

  if (ctx.mode === 'explain') {
    ctx.record('render', 'stop', `would forward ${ctx.req.method} ${path} to render /${chosen.render.label} (${origin})`, { detail })
    ctx.setOutcome('miss-uncacheable')
    return true
  }

  return new Promise<boolean>((resolve) => {
    const started = performance.now()
    let bytes = 0
    let finished = false
    const finish = (): void => {
      if (finished) return
      finished = true
      ctx.trace.response.bytes = bytes
      resolve(true)
    }
    const abort = chosen.client.forward(
      { method: ctx.req.method, path, headers, body: ctx.req.body },
      {
        onHead(status: number, resHeaders: IncomingHttpHeaders, resume: () => void) {
          detail.status = status
          detail.timeToHeadersMs = performance.now() - started
          detail.attempts.push({ render: chosen.render.label, origin, result: `HTTP ${status}`, durationMs: detail.timeToHeadersMs })
          if (passesError(dispatcher.passError, status)) {
            abort()
            ctx.record('render', 'stop', `render answered ${status}; DispatcherPassError hands it to Apache's error document`, { detail })
            ctx.setOutcome('error')
            answer(ctx, status)
            finish()
            return
          }
          ctx.status = status
          ctx.record('render', 'pass', `render /${chosen.render.label} (${origin}) answered ${status} in ${detail.timeToHeadersMs.toFixed(1)} ms`, { detail })
          ctx.setOutcome(status >= 500 ? 'error' : 'miss-uncacheable')
          ctx.reply.head(status, finalHeaders(ctx, status, responseHeaders(resHeaders), false))
          ctx.reply.onDrain(resume)
        },
        onData(chunk: Buffer) {
          bytes += chunk.length
          return ctx.reply.write(chunk)
        },
        onEnd() {
          ctx.reply.end()
          finish()
        },
        onError(err: RenderError) {
          detail.attempts.push({ render: chosen.render.label, origin, result: err.message, durationMs: performance.now() - started })
          if (ctx.reply.headersSent) {
            // Headers are out: the module can only cut the answer short (§6.4).
            ctx.record('render', 'error', `render /${chosen.render.label} failed while sending the body: ${err.message}`, { detail })
            ctx.setOutcome('error')
            ctx.reply.end()
            finish()
            return
          }
          if (err.kind === 'timeout') {
            ctx.record('render', 'stop', `render /${chosen.render.label} (${origin}) did not answer within /receiveTimeout (${chosen.render.receiveTimeout.value} ms): 504`, {
              detail,
              log: [`Unable to receive response from ${origin}: timed out`]
            })
            ctx.setOutcome('error')
            answer(ctx, 504)
          } else if (err.kind === 'aborted') {
            ctx.record('render', 'error', 'the client went away before the render answered', { detail })
            ctx.setOutcome('error')
          } else {
            const line = `Unable to connect to any backend in farm ${active.farm.name}`
            ctx.record('render', 'stop', `Unable to connect socket to ${origin}: ${err.code ?? err.message}. ${line}: 503`, {
              detail,
              log: [`Unable to connect socket to ${origin}: ${err.message}`, line]
            })
            ctx.setOutcome('error')
            answer(ctx, 503)
          }
          finish()
        }
      }
    )
    ctx.reply.onAbort(() => {
      abort()
      finish()
    })
  })
}

function passesError(passError: boolean | Set<number>, status: number): boolean {
  if (status < 400 || passError === false) return false
  return passError === true || passError.has(status)
}

const RESPONSE_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection'])

function responseHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const name in h) {
    if (RESPONSE_HOP.has(name)) continue
    const v = h[name]
    if (v !== undefined) out[name] = v
  }
  return out
}
