/**
 * mod_rewrite's fixup hook: the RewriteRules of the `<Directory>`/`<Location>`/`<Files>`/`<If>`
 * sections that apply (runtime/dir-rewrite.ts merges them), run after httpd's section walk
 * and before `RequestHeader` (mod_rewrite's fixup runs first, mod_headers' last).
 *
 * The rules match `r->filename` (the document root joined with the URI) with the section's
 * path stripped when it is a prefix. Their outcome: a redirect or a status is answered at
 * once; `[P]` goes to mod_proxy; a local result is an internal redirect — httpd runs the
 * whole request again for the new URL (server rules, sections, the Dispatcher…), with the
 * environment renamed to `REDIRECT_*`, at most `LimitInternalRecursion` (10) times.
 */
import type { ActiveVhost } from '../runtime/active-config'
import { sectionLabel } from '../runtime/scoped-apache'
import { apacheSections, sectionWalkInput } from './apache-sections'
import { RequestContext } from './context'
import { applyRewrites, type RewriteContext } from './rewrite'
import { runPipeline } from './run'
import { answer } from './stages/answer'
import { OPT } from '../config/apache/index-directives'
import { modEnvFixup, requestHeaderFixup, rewriteAnswer } from './stages/rewrite'
import { proxyTargetOf } from './apache-proxy'
import { directoryWalk } from '../runtime/sections'

const NO_MAPS: RewriteContext['maps'] = new Map()

/** httpd's `LimitInternalRecursion` default. */
export const INTERNAL_REDIRECT_LIMIT = 10

/** httpd's log line when a request goes over the limit (AH00124). */
export function recursionLimitMessage(): string {
  return `Request exceeded the limit of ${INTERNAL_REDIRECT_LIMIT} internal redirects due to probable configuration error. Use 'LimitInternalRecursion' to increase the limit if necessary.`
}

/** Runs the per-directory rules; false when the request goes on as it is. */
/**
 * `rename_original_env`: an internal redirect's request starts with the first request's
 * variables renamed `REDIRECT_*`, and `REDIRECT_STATUS` the status it had then.
 */
export function redirectedEnv(env: Record<string, string>, status: number): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(env)) out[`REDIRECT_${k}`] = val
  out.REDIRECT_STATUS = String(status)
  return out
}

export function directoryRewrite(ctx: RequestContext, v: ActiveVhost): boolean | Promise<boolean> {
  const dir = apacheSections(ctx)?.dirRewrite
  if (!dir) return false
  // hook_fixup: rewriting in a directory could reach what symbolic links are kept from, so it
  // is refused where Options allow neither FollowSymLinks nor SymLinksIfOwnerMatch (AH00670).
  if (!(v.apache.scoped.indexAt(sectionWalkInput(ctx, v)).options.opts & (OPT.SYM_LINKS | OPT.SYM_OWNER))) {
    ctx.record(
      'rewrite',
      'stop',
      `RewriteEngine On in ${sectionLabel(dir.scope)}, where Options allow neither FollowSymLinks nor SymLinksIfOwnerMatch: mod_rewrite refuses the request (AH00670), 403`
    )
    ctx.setOutcome('blocked')
    return answer(ctx, 403)
  }
  if (dir.compiled.rules.length === 0) return false
  const req = ctx.apacheRequest()
  // r->filename as the directory walk left it, with the rest as path info: mod_rewrite matches
  // the two joined, and %{REQUEST_FILENAME} and %{PATH_INFO} read them apart.
  const walked = directoryWalk(sectionWalkInput(ctx, v), v.docroot)
  const env = ctx.env
  const now = ctx.requestDate()
  const rewriteCtx: RewriteContext = {
    scope: 'directory',
    perdir: dir.directory,
    baseUrl: dir.baseUrl,
    filename: walked.filename,
    pathInfo: walked.pathInfo,
    maps: v.apache.rewriteMaps ?? NO_MAPS,
    env,
    fs: v.probe,
    osEnv: ctx.config.loaded.environment,
    isThisServer: v.isThisServer,
    now,
    endFlagSet: ctx.rewriteEnded
  }
  // Sections with RewriteRules are rare: the rules run with their full trace at once.
  const out = applyRewrites(dir.compiled, req, rewriteCtx)
  const extra = { detail: out.trace, log: out.trace.log }
  ctx.env = out.env
  for (const c of out.cookies) ctx.cookies.push(c)
  for (const h of out.vary) ctx.vary.push(h)
  if (out.end) ctx.rewriteEnded = true
  if (out.forcedType !== undefined) ctx.forcedType = out.forcedType
  const summary = `${sectionLabel(dir.scope)}: ${out.trace.summary}`
  const source = out.action === 'none' ? dir.scope.pos : out.lastTouched
  switch (out.action) {
    case 'status':
    case 'redirect':
      ctx.record('rewrite', 'stop', summary, { ...extra, source })
      // Answered from a fixup hook, before the handler: the sections are all merged by now.
      return rewriteAnswer(ctx, out)
    case 'proxy':
      ctx.record('rewrite', 'changed', summary, { ...extra, source })
      ctx.proxyTo = proxyTargetOf(out)
      return false
    case 'internal-redirect': {
      const target = out.query !== '' ? `${out.uri}?${out.query}` : out.uri
      if (out.forcedHandler !== undefined && out.forcedHandler !== 'redirect-handler') {
        // [H=…] takes the place of mod_rewrite's redirect handler, which never runs: the handler
        // it names is handed r->filename `redirect:…`, which names no file.
        ctx.record(
          'rewrite',
          'stop',
          `${summary}; [H=${out.forcedHandler}] replaces the redirect handler, which would have made the internal redirect to ${target}: the handler finds no file for 'redirect:${out.uri}', 404`,
          { ...extra, source }
        )
        return answer(ctx, 404)
      }
      ctx.record('rewrite', 'changed', summary, { ...extra, source })
      // The other fixups (SetEnv, RequestHeader) still run; the redirect handler comes after them.
      if (v.apache.scoped.hasModEnv) modEnvFixup(ctx, v)
      requestHeaderFixup(ctx, v, now)
      return internalRedirect(ctx, target)
    }
    default:
      ctx.record('rewrite', 'pass', summary, { ...extra, source })
      return false
  }
}

/**
 * `ap_internal_redirect`: the same request (method, headers, body) for another URL, answered
 * through the same connection; its stages go on in this request's trace.
 */
function internalRedirect(ctx: RequestContext, target: string): true | Promise<true> {
  if (ctx.redirects >= INTERNAL_REDIRECT_LIMIT) {
    ctx.record('rewrite', 'error', recursionLimitMessage())
    ctx.setOutcome('error')
    return answer(ctx, 500)
  }
  const next = new RequestContext(
    { ...ctx.req, target, headers: ctx.headers, theRequest: ctx.theRequest() },
    ctx.reply,
    ctx.config,
    ctx.mode,
    ctx.trace.id,
    ctx.trace.seq,
    ctx
  )
  // rename_original_env: the first request's variables come along as REDIRECT_*. The request
  // headers (RequestHeader has changed them) and err_headers_out ([CO] cookies) are shared, and
  // mod_rewrite's "redirect-keeps-vary" note carries the Vary over.
  // REDIRECT_STATUS is r->status: 200, or the error an ErrorDocument's request serves.
  next.env = redirectedEnv(ctx.env, ctx.errorDocumentStatus ?? 200)
  next.cookies = ctx.cookies
  next.vary = [...ctx.vary]
  next.addedHeaderNames = [...ctx.addedHeaderNames]
  next.headerLines = ctx.headerLines
  next.rewriteEnded = ctx.rewriteEnded
  next.errorDocumentStatus = ctx.errorDocumentStatus
  // Synchronous when the new request is (explain never waits for a render).
  const done = runPipeline(next)
  return done ? done.then(() => true as const) : true
}
