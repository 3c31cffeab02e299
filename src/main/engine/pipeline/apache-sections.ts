/**
 * The vhost's per-request Apache configuration for this request (runtime/scoped-apache.ts):
 * the sections walked with `r->uri` after mod_rewrite and `r->filename` under the docroot,
 * once per request and path.
 */
import type { ActiveVhost } from '../runtime/active-config'
import type { ResolvedApache } from '../runtime/scoped-apache'
import type { SectionWalkInput } from '../runtime/sections'
import type { RequestContext } from './context'

export function apacheSections(ctx: RequestContext): ResolvedApache | null {
  const v = ctx.vhost
  if (!v) return null
  const scoped = v.apache.scoped
  if (scoped.constant) return scoped.constant
  const path = ctx.decodedPath
  const known = ctx.resolvedApache
  if (known && known.path === path) return known.value
  const value = scoped.resolve(sectionWalkInput(ctx, v))
  ctx.resolvedApache = { path, value }
  return value
}

/** What a section walk reads of the request as it stands: `r->uri` is the decoded path. */
export function sectionWalkInput(ctx: RequestContext, v: ActiveVhost): SectionWalkInput {
  const filename = (v.docroot ?? '').replace(/\/+$/, '') + ctx.decodedPath
  return {
    uri: ctx.decodedPath,
    filename,
    probe: v.probe,
    exprContext: () => ({ req: ctx.apacheRequest(), env: ctx.env, fs: v.probe, now: ctx.requestDate(), filename })
  }
}
