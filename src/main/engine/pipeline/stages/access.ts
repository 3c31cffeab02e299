/**
 * access: the sections' SetEnvIf (mod_setenvif's header_parser), then Apache's access checks
 * (runtime/access.ts: `Require`, `Order`/`Allow`/`Deny`, `Satisfy`, Basic authentication),
 * made after the vhost's rewrite rules (translate) and the section walk (map_to_storage),
 * before the fixups and the handler. A request httpd refuses here never reaches the
 * Dispatcher: the answer is Apache's own 401, 403 or 500, with `ErrorDocument`.
 */
import type { RequestContext } from '../context'
import type { ActiveVhost } from '../../runtime/active-config'
import { apacheSections, requestFilename, sectionWalkInput } from '../apache-sections'
import { answer } from './answer'
import { proxiedByApache } from './handler'
import { runSetEnv } from './rewrite'
import type { AccessControl, AccessDecision } from '../../runtime/access'
import { directoryWalkFailure, hasLongName, type SectionWalkInput } from '../../runtime/sections'
import type { ApacheScope } from '../../../../shared/config-model'

export function access(ctx: RequestContext): boolean | Promise<boolean> {
  const v = ctx.vhost
  if (!v) return false
  const failure = walkFailure(ctx, v)
  if (failure !== undefined) return failure
  const scoped = v.apache.scoped
  if (!scoped.hasAccess && !scoped.hasSectionSetEnv) return false
  // mod_proxy's map_to_storage skips the directory walk: only <Location> and <If> sections apply.
  const proxied = proxiedByApache(ctx, v)
  if (proxied) ctx.sectionsPhase = 'translate'
  const setEnv = apacheSections(ctx)?.setEnv
  if (setEnv) runSetEnv(ctx, v, setEnv, ctx.requestDate())
  return checkAccess(ctx, v, proxied)
}

/**
 * core's map_to_storage: the directory walk refuses a path the file system cannot stat for a
 * reason other than absence (a name too long) with 403, before any access check. mod_proxy's
 * own map_to_storage skips the walk.
 */
function walkFailure(ctx: RequestContext, v: ActiveVhost): boolean | Promise<boolean> | undefined {
  // The long name can only be in the URI (or a rewritten file name): nearly every request stops here.
  if (!hasLongName(ctx.apacheFilename ?? ctx.apacheUri ?? ctx.decodedPath)) return undefined
  const failed = directoryWalkFailure({ filename: requestFilename(ctx, v), probe: v.probe }, v.docroot)
  if (failed === undefined || proxiedByApache(ctx, v)) return undefined
  ctx.record('access', 'stop', 'the directory walk failed: a file name longer than the file system allows', {
    log: [`AH00036: access to ${sectionWalkInput(ctx, v).uri} failed (filesystem path '${failed}')`]
  })
  // httpd resets the request to the server's defaults before map_to_storage: no section applies.
  ctx.sectionsPhase = 'server'
  ctx.setOutcome('blocked')
  ctx.outputFiltered = false
  return answer(ctx, 403)
}

/**
 * The access checks alone, on the request as it stands: the access stage's, and those of a
 * subrequest (mod_dir's index), which runs no header_parser of its own.
 */
export function checkAccess(ctx: RequestContext, v: ActiveVhost, proxied = false): boolean | Promise<boolean> {
  const resolved = apacheSections(ctx)
  const control = resolved?.access
  if (!control) return false
  if (ctx.previousSections !== undefined && sameSections(ctx.previousSections, resolved.scopes)) {
    ctx.record(
      'access',
      'pass',
      'not checked: the same sections apply as to the request this ErrorDocument answers for (httpd checks access again only when they differ)'
    )
    return false
  }
  const d = accessDecision(ctx, control, () => sectionWalkInput(ctx, v))
  let log = d.log
  if (d.status === 403) {
    const walk = sectionWalkInput(ctx, v)
    log = [...log, `AH01630: client denied by server configuration: ${proxied ? `uri ${walk.uri}` : walk.filename}`]
  }
  ctx.record('access', d.status === null ? 'pass' : 'stop', d.summary, { log, source: d.source })
  if (d.status === null) return false
  ctx.setOutcome(d.status === 500 ? 'error' : 'blocked')
  ctx.outputFiltered = false
  return answer(ctx, d.status, d.challenge !== undefined ? { 'www-authenticate': d.challenge } : {})
}

function sameSections(a: readonly ApacheScope[], b: readonly ApacheScope[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i])
}

/**
 * What `control` decides for this request, or for one of its subrequests (`walk` gives the
 * subrequest's own `r->uri` and `r->filename`, which `Require expr` reads).
 */
export function accessDecision(
  ctx: RequestContext,
  control: AccessControl,
  walk: () => SectionWalkInput
): AccessDecision {
  const req = ctx.apacheRequest()
  return control.check({
    method: req.method,
    clientIp: req.remoteAddr,
    serverIp: req.serverAddr,
    env: ctx.env,
    // Only `Require expr` reads it.
    exprContext: () => walk().exprContext(),
    vary: ctx.vary,
    authorization: ctx.headers.authorization
  })
}
