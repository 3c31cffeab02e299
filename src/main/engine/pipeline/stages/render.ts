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
import { responseCacheability, storedHeaders, ttlFromHeaders, notCacheable, CACHE_INFO } from '../../cache'
import { CacheTee } from '../cache-tee'
import { serveCached, xCacheInfo } from '../serve-cached'
import { answer } from './answer'
import { markRefetch } from './cache'

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

  const plan = ctx.cachePlan
  const store = ctx.farm!.cache?.store ?? null
  const refetchKey = plan && store ? `${store.docroot.root}\n${plan.relPath}` : null
  if (refetchKey && plan?.stale) markRefetch(refetchKey, true)

  return new Promise<boolean>((resolve) => {
    const started = performance.now()
    let bytes = 0
    let finished = false
    let tee: CacheTee | undefined
    let storedFrom: IncomingHttpHeaders | undefined
    const finish = (after?: boolean | Promise<boolean>): void => {
      if (finished) return
      finished = true
      if (refetchKey) markRefetch(refetchKey, false)
      if (after instanceof Promise) {
        void after.then(() => resolve(true))
        return
      }
      if (!after) ctx.trace.response.bytes = bytes
      resolve(true)
    }

    /** §5.4: decide at the headers whether the answer may be stored; X-Cache-Info says why not. */
    const startTee = (status: number, headers: IncomingHttpHeaders): CacheTee | undefined => {
      if (!plan || !store || ctx.req.method === 'HEAD') return undefined
      const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined
      const verdict = responseCacheability(status, headers as Record<string, string | string[]>, length)
      for (const w of verdict.warnings) ctx.trace.warnings.push(w)
      if (!verdict.store) {
        ctx.cacheInfo = notCacheable(verdict.reason)
        ctx.trace.cacheInfo = ctx.cacheInfo
        ctx.record('cache', 'pass', `${ctx.cacheInfo}: ${plan.relPath} is not stored`)
        return undefined
      }
      storedFrom = headers
      return new CacheTee(store, plan.relPath)
    }

    const commitTee = async (t: CacheTee, headers: IncomingHttpHeaders): Promise<void> => {
      const policy = ctx.farm!.cache!.policy
      const bag = headers as Record<string, string | string[]>
      const ttl = policy.enableTTL ? ttlFromHeaders(bag, Date.now()) : null
      const result = await t.commit(storedHeaders(policy, bag), ttl)
      if (result.stored) {
        ctx.setOutcome('miss-stored')
        ctx.record('cache', 'changed', `stored ${result.relPath} (${result.bytes} bytes${result.ttlExpiresAt ? `, expires ${new Date(result.ttlExpiresAt).toISOString()}` : ''})`, {
          log: result.log
        })
      } else {
        ctx.cacheInfo = notCacheable(result.reason)
        ctx.trace.cacheInfo = ctx.cacheInfo
        ctx.record('cache', 'pass', `not stored: ${result.reason}`, { log: result.log })
      }
    }

    /** /serveStaleOnError: 502/503/504/429 or a failed connection deliver the stale copy (§5.7). */
    const staleOnError = (status: number): boolean =>
      !!plan?.stale && !!ctx.farm!.cache?.policy.serveStaleOnError && (status === 0 || status === 429 || status === 502 || status === 503 || status === 504)
    const serveStale = (why: string): boolean | Promise<boolean> => {
      const stale = plan!.stale!
      ctx.cacheInfo = CACHE_INFO.delivered
      ctx.record('cache', 'stop', `${why}; /serveStaleOnError delivers the stale ${stale.relPath}`)
      ctx.setOutcome('stale')
      return serveCached(ctx, stale.file, stale.relPath, { warning: `111 ${ctx.headers.host ?? 'dispatcher'} "Revalidation failed"` })
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
          if (staleOnError(status)) {
            abort()
            finish(serveStale(`render answered ${status}`))
            return
          }
          ctx.status = status
          ctx.record('render', 'pass', `render /${chosen.render.label} (${origin}) answered ${status} in ${detail.timeToHeadersMs.toFixed(1)} ms`, { detail })
          ctx.setOutcome(status >= 500 ? 'error' : 'miss-uncacheable')
          tee = startTee(status, resHeaders)
          ctx.reply.head(status, finalHeaders(ctx, status, { ...responseHeaders(resHeaders), ...xCacheInfo(ctx) }, false))
          ctx.reply.onDrain(resume)
        },
        onData(chunk: Buffer) {
          bytes += chunk.length
          tee?.write(chunk)
          return ctx.reply.write(chunk)
        },
        onEnd() {
          ctx.reply.end()
          if (tee) void commitTee(tee, storedFrom!).then(() => finish())
          else finish()
        },
        onError(err: RenderError) {
          detail.attempts.push({ render: chosen.render.label, origin, result: err.message, durationMs: performance.now() - started })
          if (tee) void tee.abort()
          tee = undefined
          if (!ctx.reply.headersSent && (err.kind === 'connect' || err.kind === 'timeout') && staleOnError(0)) {
            finish(serveStale(`render failed: ${err.message}`))
            return
          }
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
      if (tee) void tee.abort()
      tee = undefined
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
