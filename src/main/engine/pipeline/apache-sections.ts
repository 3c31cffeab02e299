/**
 * The vhost's per-request Apache configuration for this request (runtime/scoped-apache.ts):
 * the sections walked with `r->uri` after mod_rewrite and `r->filename` under the docroot,
 * once per request and path.
 */
import type { ResolvedApache } from '../runtime/scoped-apache'
import type { RequestContext } from './context'

export function apacheSections(ctx: RequestContext): ResolvedApache | null {
  const v = ctx.vhost
  if (!v) return null
  const scoped = v.apache.scoped
  if (scoped.constant) return scoped.constant
  const path = ctx.decodedPath
  const known = ctx.resolvedApache
  if (known && known.path === path) return known.value
  const filename = (v.docroot ?? '').replace(/\/+$/, '') + path
  const value = scoped.resolve({
    uri: path,
    filename,
    probe: v.probe,
    exprContext: () => ({ req: ctx.apacheRequest(), env: ctx.env, fs: v.probe, now: ctx.requestDate(), filename })
  })
  ctx.resolvedApache = { path, value }
  return value
}
