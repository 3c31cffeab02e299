/**
 * mod_alias's redirects (runtime/alias-redirect.ts), where httpd tries them: when the URI is
 * translated (after mod_rewrite's and mod_proxy's translate hooks, which go first: a rewrite to
 * a file path, a `[P]` or a `ProxyPass` ends the translation before mod_alias), and again in
 * the fixups with every section merged. The answer is Apache's own redirect or error page.
 */
import type { ActiveVhost } from '../../runtime/active-config'
import { findRedirect, type RedirectOutcome } from '../../runtime/alias-redirect'
import { apacheSections, sectionWalkInput } from '../apache-sections'
import type { RequestContext } from '../context'
import { fullyQualify } from '../rewrite/uri'
import { answer, redirect } from './answer'
import { proxiedByApache } from './handler'
import { STATUS_LINES } from '../rewrite/flags'

/** The translate-time redirects: the server's lists and the target form `<Location>`/`<If>` merged. */
export function aliasTranslate(ctx: RequestContext): boolean | Promise<boolean> {
  const v = ctx.vhost
  if (!v || !v.apache.scoped.hasRedirects) return false
  if (ctx.apacheFilename !== undefined || proxiedByApache(ctx, v)) return false
  const target = apacheSections(ctx, 'translate')?.redirects?.target ?? null
  const found = findRedirect(target, v.apache.scoped.serverRedirects, redirectInput(ctx, v))
  if (!found) return false
  // Answered from the translate hook: only <Location>/<If> were merged.
  ctx.sectionsPhase = 'translate'
  return answerRedirect(ctx, found)
}

/** fixup_redir: the target form and the sections' lists, with every section merged. */
export function aliasFixup(ctx: RequestContext, v: ActiveVhost): boolean | Promise<boolean> {
  const dir = apacheSections(ctx)?.redirects
  if (!dir) return false
  const found = findRedirect(dir.target, dir.list, redirectInput(ctx, v))
  return found ? answerRedirect(ctx, found) : false
}

function redirectInput(ctx: RequestContext, v: ActiveVhost): Parameters<typeof findRedirect>[2] {
  const walk = sectionWalkInput(ctx, v)
  return {
    uri: walk.uri,
    query: ctx.args(),
    absolute: (path) => fullyQualify(path, ctx.apacheRequest()),
    exprContext: walk.exprContext
  }
}

function answerRedirect(ctx: RequestContext, found: RedirectOutcome): true | Promise<true> {
  ctx.record('rewrite', 'stop', found.summary, { source: found.source })
  // Made by Apache before any handler: no output filter is on its way.
  ctx.outputFiltered = false
  if (found.location !== undefined) {
    ctx.setOutcome('redirect')
    return redirect(ctx, found.status, found.location)
  }
  // ap_die with a status httpd has no status line for (`Redirect 418 …`): its index is the
  // 500's, so the answer is the 500 (line, page and ErrorDocument).
  const status = STATUS_LINES.has(found.status) ? found.status : 500
  ctx.setOutcome(status >= 500 ? 'error' : 'blocked')
  return answer(ctx, status)
}
