/**
 * access: the sections' SetEnvIf (mod_setenvif's header_parser), then Apache's access checks
 * (runtime/access.ts: `Require`, `Order`/`Allow`/`Deny`, `Satisfy`), made after the vhost's
 * rewrite rules (translate) and the section walk (map_to_storage), before the fixups and the
 * handler. A request httpd refuses here never reaches the Dispatcher: the answer is Apache's
 * own 403 (or 500), with `ErrorDocument`.
 */
import type { RequestContext } from '../context'
import { apacheSections, sectionWalkInput } from '../apache-sections'
import { applySetEnv } from '../headers'
import { answer } from './answer'
import { proxyPassFor } from './handler'

export function access(ctx: RequestContext): boolean | Promise<boolean> {
  const v = ctx.vhost
  if (!v) return false
  const scoped = v.apache.scoped
  if (!scoped.hasAccess && !scoped.hasSectionSetEnv) return false
  // mod_proxy's map_to_storage skips the directory walk: only <Location> and <If> sections apply.
  const proxied = ctx.proxyTo !== undefined || proxyPassFor(ctx, v) !== null
  if (proxied) ctx.sectionsPhase = 'translate'
  const sections = apacheSections(ctx)
  // mod_setenvif's header_parser: the sections' SetEnvIf, before the access checks read the environment.
  if (sections?.setEnv) {
    const r = applySetEnv(sections.setEnv, ctx.apacheRequest(), ctx.env, {
      fs: v.probe,
      quiet: true,
      now: ctx.requestDate()
    })
    ctx.env = r.env
    for (const h of r.vary) ctx.vary.push(h)
  }
  const control = sections?.access
  if (!control) return false
  const req = ctx.apacheRequest()
  const walk = sectionWalkInput(ctx, v)
  const d = control.check({
    method: req.method,
    clientIp: req.remoteAddr,
    serverIp: req.serverAddr,
    env: ctx.env,
    exprContext: walk.exprContext,
    vary: ctx.vary,
    authorization: ctx.headers.authorization
  })
  const log =
    d.status === 403
      ? [...d.log, `AH01630: client denied by server configuration: ${proxied ? `uri ${walk.uri}` : walk.filename}`]
      : d.log
  ctx.record('access', d.status === null ? 'pass' : 'stop', d.summary, { log, source: d.source })
  if (d.status === null) return false
  ctx.setOutcome(d.status === 500 ? 'error' : 'blocked')
  ctx.outputFiltered = false
  return answer(ctx, d.status, d.challenge !== undefined ? { 'www-authenticate': d.challenge } : {})
}
