/**
 * handler: which Apache handler answers — mod_proxy (a rewrite `[P]`, a `ProxyPass`
 * location), Apache's static file handler (no `dispatcher-handler` here, or
 * `DispatcherDeclineRoot` for `/`), or the Dispatcher (the stages that follow).
 */
import { proxyPassTarget, proxyTo } from '../apache-proxy'
import { serveStatic } from '../apache-static'
import type { ActiveVhost } from '../../runtime/active-config'
import type { RequestContext } from '../context'
import { textMemo } from '../../text-memo'

export function handler(ctx: RequestContext): boolean | Promise<boolean> {
  if (ctx.proxyTo) return proxyTo(ctx, ctx.proxyTo, 'a RewriteRule with [P]')
  const v = ctx.vhost
  if (!v) return false
  const proxied = proxyPassFor(v, ctx.path)
  // mod_proxy_http's canonicalisation carries the query string over to the backend.
  if (proxied) return proxyTo(ctx, ctx.query === null ? proxied.url : `${proxied.url}?${ctx.query}`, proxied.via)
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

/**
 * `proxyPassTarget` depends on the vhost's directives and the path only: worked out once per
 * path (per vhost of a configuration snapshot, text-memo.ts). Shared results: read only.
 */
const proxyPasses = new WeakMap<ActiveVhost, (path: string) => { url: string; via: string } | null>()

function proxyPassFor(v: ActiveVhost, path: string): { url: string; via: string } | undefined {
  let memo = proxyPasses.get(v)
  if (!memo) proxyPasses.set(v, (memo = textMemo((p) => proxyPassTarget(v.layers, p) ?? null)))
  return memo(path) ?? undefined
}
