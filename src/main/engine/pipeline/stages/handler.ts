/**
 * handler: which Apache handler answers — mod_proxy (a rewrite `[P]`, a `ProxyPass`
 * location), Apache's static file handler (no `dispatcher-handler` here, or
 * `DispatcherDeclineRoot` for `/`), or the Dispatcher (the stages that follow).
 */
import { proxyPassTarget, proxyTo } from '../apache-proxy'
import { serveStatic } from '../apache-static'
import type { RequestContext } from '../context'

export function handler(ctx: RequestContext): boolean | Promise<boolean> {
  if (ctx.proxyTo) return proxyTo(ctx, ctx.proxyTo, 'a RewriteRule with [P]')
  const v = ctx.vhost
  if (!v) return false
  const proxied = proxyPassTarget(v.layers, ctx.path)
  if (proxied) return proxyTo(ctx, proxied.url, proxied.via)
  if (v.dispatcher.declineRoot && ctx.path === '/')
    return serveStatic(ctx, v.docroot, 'DispatcherDeclineRoot is on and the request is for /')
  if (!v.dispatcherHandled)
    return serveStatic(
      ctx,
      v.docroot,
      `virtual host ${v.label} does not hand requests to the Dispatcher (no SetHandler dispatcher-handler)`
    )
  return false
}
