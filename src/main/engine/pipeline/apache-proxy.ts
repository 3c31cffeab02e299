/**
 * mod_proxy: `ProxyPass`/`ProxyPassMatch` locations and rewrite `[P]` rules send a request
 * straight to a backend, bypassing the Dispatcher's filters and cache — the AEMaaCS baseline
 * does this for health probes, `/systemready` and, in dev, CRXDE (dispatcher-behavior.md §3.2).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import { Agent, type Dispatcher } from 'undici'
import type { ApacheScope, VhostSettings } from '../../../shared/config-model'
import { compilePcre } from '../apache-expr'
import type { RequestContext } from './context'
import { finalHeaders } from './response-headers'
import { PROXY_REQUEST_HOP } from './hop-headers'
import { answer } from './stages/answer'

const agent = new Agent({ keepAliveTimeout: 60_000, connections: 64 })

const regexCache = new Map<string, RegExp | null>()

/** Apache regexes are PCRE; a pattern that does not translate never matches (and says so nowhere else). */
function pcre(source: string): RegExp | null {
  let r = regexCache.get(source)
  if (r === undefined) {
    const c = compilePcre(source)
    r = c.ok ? c.regex : null
    regexCache.set(source, r)
  }
  return r
}

function where(directive: string, file: string, line: number): string {
  return `${directive} (${file.split('/').pop()}:${line})`
}

/**
 * The backend URL for this path, if a `ProxyPass`/`ProxyPassMatch` applies: the two-argument
 * forms at server or vhost level (`ProxyPass /prefix url`, `ProxyPassMatch regex url-with-$N`),
 * or the one-argument forms inside `<Location>` (the rest of the path after the location is
 * appended) and `<LocationMatch>` (the whole path is appended). The last match wins, as later
 * sections override earlier ones.
 */
export function proxyPassTarget(layers: VhostSettings[], path: string): { url: string; via: string } | undefined {
  let found: { url: string; via: string } | undefined
  for (const layer of layers) {
    for (const p of layer.proxyPass) {
      if (p.args.length < 2 || p.args[1] === '!') continue
      const [pattern, target] = p.args
      if (
        p.directive === 'ProxyPass' &&
        (path === pattern || path.startsWith(pattern.endsWith('/') ? pattern : pattern + '/'))
      ) {
        found = {
          url: target.replace(/\/$/, '') + '/' + path.slice(pattern.length).replace(/^\//, ''),
          via: where(`ProxyPass ${pattern}`, p.pos.file, p.pos.line)
        }
      } else if (p.directive === 'ProxyPassMatch') {
        const m = pcre(pattern)?.exec(path)
        if (m)
          found = {
            url: target.replace(/\$(\d)/g, (_x, n: string) => m[Number(n)] ?? ''),
            via: where(`ProxyPassMatch ${pattern}`, p.pos.file, p.pos.line)
          }
      }
    }
    for (const scope of layer.scopes) {
      // A section without ProxyPass cannot apply: its location need not be matched at all.
      if (scope.settings.proxyPass.length === 0) continue
      if ((scope.kind !== 'Location' && scope.kind !== 'LocationMatch') || !locationMatches(scope, path)) continue
      for (const p of scope.settings.proxyPass) {
        const target = p.args[0]
        if (
          p.args.length !== 1 ||
          !target ||
          target === '!' ||
          (p.directive !== 'ProxyPass' && p.directive !== 'ProxyPassMatch')
        )
          continue
        const rest = scope.kind === 'Location' ? path.slice(scope.arg.replace(/\/$/, '').length) : path
        found = {
          url: target.replace(/\/$/, '') + rest,
          via: where(`${p.directive} in <${scope.kind} ${scope.arg}>`, p.pos.file, p.pos.line)
        }
      }
    }
  }
  return found
}

function locationMatches(scope: ApacheScope, path: string): boolean {
  if (scope.kind === 'LocationMatch') return pcre(scope.arg)?.test(path) ?? false
  const prefix = scope.arg.replace(/\/$/, '')
  return prefix === '' || path === prefix || path.startsWith(prefix + '/')
}

export function proxyTo(ctx: RequestContext, url: string, why: string): boolean | Promise<boolean> {
  ctx.setOutcome('static')
  // mod_proxy's map_to_storage skips httpd's directory walk: only <Location> and <If> sections apply.
  ctx.sectionsPhase = 'translate'
  if (ctx.mode === 'explain') {
    ctx.record('render', 'stop', `${why}: mod_proxy would forward to ${url}, bypassing the Dispatcher`)
    return true
  }
  const headers: Record<string, string> = {}
  for (const k in ctx.headers) if (!PROXY_REQUEST_HOP.has(k)) headers[k] = ctx.headers[k]
  // mod_proxy_http's defaults (ProxyAddHeaders On, ProxyPreserveHost Off): each X-Forwarded-*
  // value is appended to what the client sent, and Host becomes the backend's.
  const append = (name: string, value: string): void => {
    headers[name] = headers[name] ? `${headers[name]}, ${value}` : value
  }
  append('x-forwarded-for', ctx.req.client.address)
  if (ctx.headers.host) append('x-forwarded-host', ctx.headers.host)
  append('x-forwarded-server', ctx.vhost?.serverHostname ?? 'localhost')
  let target: URL
  try {
    target = new URL(url)
  } catch {
    ctx.record('render', 'stop', `${why}: invalid proxy URL '${url}': 500`)
    return answer(ctx, 500)
  }
  delete headers.host
  return new Promise<boolean>((resolve) => {
    const started = performance.now()
    agent.dispatch(
      {
        origin: target.origin,
        path: target.pathname + target.search,
        method: ctx.req.method as Dispatcher.HttpMethod,
        headers,
        body: ctx.req.body ?? undefined
      },
      {
        // undici tells its handler APIs apart by this method: without it the handler is
        // taken for an old-style one and refused ("invalid onConnect method").
        onRequestStart(controller) {
          ctx.reply.onAbort(() => controller.abort(new Error('the client went away')))
        },
        onResponseStart(controller, status, resHeaders: IncomingHttpHeaders) {
          if (status < 200) return // an interim answer (100 Continue): the real one follows
          ctx.status = status
          ctx.record(
            'render',
            'stop',
            `${why}: mod_proxy forwarded to ${url}, answered ${status} in ${(performance.now() - started).toFixed(1)} ms`
          )
          const out: OutgoingHttpHeaders = {}
          for (const k in resHeaders)
            if (!PROXY_REQUEST_HOP.has(k) && resHeaders[k] !== undefined) out[k] = resHeaders[k]
          ctx.reply.head(status, finalHeaders(ctx, status, out, false))
          ctx.reply.onDrain(() => controller.resume())
        },
        onResponseData(controller, chunk) {
          ctx.trace.response.bytes += chunk.length
          if (!ctx.reply.write(chunk)) controller.pause()
        },
        onResponseEnd() {
          ctx.reply.end()
          resolve(true)
        },
        onResponseError(_c, err) {
          if (!ctx.reply.headersSent) {
            ctx.record('render', 'stop', `${why}: mod_proxy could not reach ${url} (${err.message}): 503`)
            ctx.setOutcome('error')
            answer(ctx, 503)
          } else ctx.reply.end()
          resolve(true)
        }
      }
    )
  })
}
