/**
 * handler: which Apache handler answers — mod_proxy (a rewrite `[P]`, a `ProxyPass`
 * location), Apache's static file handler (no `dispatcher-handler` here, or
 * `DispatcherDeclineRoot` for `/`), or the Dispatcher (the stages that follow) once mod_dir's
 * fixup had its say about a folder (dispatcher-folder.ts).
 */
import { proxyTo } from '../apache-proxy'
import { serveStatic } from '../apache-static'
import { folderFixup } from '../dispatcher-folder'
import { sectionWalkInput } from '../apache-sections'
import type { RequestContext } from '../context'
import type { ProxyPassDecision } from '../proxy-pass'
import type { ActiveVhost } from '../../runtime/active-config'

export function handler(ctx: RequestContext): boolean | Promise<boolean> {
  if (ctx.proxyTo) return proxyTo(ctx, ctx.proxyTo, 'a RewriteRule with [P]')
  const v = ctx.vhost
  if (!v) return false
  const d = proxyPassFor(ctx, v)
  if (d)
    return proxyTo(
      ctx,
      {
        url: d.url,
        query: d.noCanon ? null : ctx.args(),
        noCanon: d.noCanon,
        timeoutSeconds: d.timeoutSeconds
      },
      d.via
    )
  if (v.dispatcher.declineRoot && ctx.path === '/')
    return serveStatic(ctx, v, 'DispatcherDeclineRoot is on and the request is for /')
  if (!v.dispatcherHandled)
    return serveStatic(
      ctx,
      v,
      `virtual host ${v.label} does not hand requests to the Dispatcher (no SetHandler dispatcher-handler)`
    )
  return folderFixup(ctx, v)
}

/**
 * mod_proxy takes the request (a rewrite `[P]` or a `ProxyPass`): its translate hook ended the
 * translation, and its map_to_storage skips the directory walk.
 */
export function proxiedByApache(ctx: RequestContext, v: ActiveVhost): boolean {
  return ctx.proxyTo !== undefined || proxyPassFor(ctx, v) !== null
}

/**
 * The `ProxyPass` that takes this request, if one does: decided once (mod_proxy's translate
 * hook), whether the per-directory rewrite step asks first or the handler does.
 */
export function proxyPassFor(
  ctx: RequestContext,
  v: ActiveVhost
): Extract<ProxyPassDecision, { kind: 'proxy' }> | null {
  if (ctx.proxyPass !== undefined) return ctx.proxyPass
  const passes = v.apache.proxyPasses
  // A rewrite to a file path without [PT] ends the translation: mod_proxy's hook never runs;
  // nor does it for a request whose environment has `no-proxy` (SetEnvIf … no-proxy).
  if (passes.empty || ctx.apacheFilename !== undefined || ctx.env['no-proxy'] !== undefined) return null
  const walk = sectionWalkInput(ctx, v)
  const d = passes.decide({ arrivedUri: ctx.arrivedUri ?? walk.uri, uri: walk.uri, rawTarget: ctx.req.target, walk })
  return (ctx.proxyPass = d?.kind === 'proxy' ? d : null)
}
