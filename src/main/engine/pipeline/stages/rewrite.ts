/**
 * rewrite: what Apache does before the Dispatcher handler runs (dispatcher-behavior.md §3.2):
 * SetEnvIf (post-read-request), mod_rewrite in the vhost (translate-name), RequestHeader
 * (fixups). The Dispatcher sees a rewritten URL only with `DispatcherUseProcessedURL On`
 * and a `[PT]` rule (only `[PT]` changes `r->uri`, §2, §3.1).
 */
import { applyRequestHeaders, applySetEnv, type CompiledHeaders, type CompiledSetEnv } from '../headers'
import { applyRewrites, type RewriteContext, type RewriteOutcome } from '../rewrite'
import { constructUrl } from '../rewrite/uri'
import { envGet } from '../../apache-expr'
import { proxyTargetOf } from '../apache-proxy'
import type { LazyParts, RequestContext } from '../context'
import { canonicalRewrittenPath, splitTarget } from '../normalise-url'
import { answer, redirect } from './answer'
import { apacheSections, sectionWalkInput } from '../apache-sections'
import type { ActiveVhost } from '../../runtime/active-config'
import { sectionLabel } from '../../runtime/scoped-apache'
import { modEnvVars } from '../../runtime/mod-env'
import { directoryRewrite } from '../dir-rewrite'
import { proxiedByApache } from './handler'
import { aliasFixup } from './alias'

export function rewrite(ctx: RequestContext): boolean | Promise<boolean> {
  const v = ctx.vhost
  if (!v) return false
  const a = v.apache
  // mod_headers' post_read_request (APR_HOOK_FIRST): `RequestHeader … early`, before the rest.
  if (a.scoped.earlyRequestHeaders) runRequestHeaders(ctx, v, a.scoped.earlyRequestHeaders, ctx.requestDate(), 'early')
  if (!a.setEnv && !a.rewrite) return false
  if (ctx.inputWatch) ctx.inputWatch.probeCalls = v.probe.calls
  // The request's start time: no second clock reading (Apache's time variables are per request too).
  const now = ctx.requestDate()
  // SetEnvIf and RequestHeader leave no trace entry of their own: only their effect is kept.
  // mod_setenvif's post_read_request: r->uri is still the path as sent, before httpd decodes it.
  if (a.setEnv) runSetEnv(ctx, v, a.setEnv, now, splitTarget(ctx.req.target)?.path)
  const rw = a.rewrite && rewriteEngineOn(ctx, v, a.rewrite.engine, a.rewrite.compiled.rules.length) ? a.rewrite : null
  if (rw) {
    const req = ctx.apacheRequest()
    // hook_uri2file sets SCRIPT_URL (r->uri; an internal redirect keeps the first request's) and
    // SCRIPT_URI before the rules run.
    const scriptUrl = envGet(ctx.env, 'REDIRECT_SCRIPT_URL') ?? req.uri
    ctx.env = { ...ctx.env, SCRIPT_URL: scriptUrl, SCRIPT_URI: constructUrl(scriptUrl, req) }
    const env = ctx.env
    const isThisServer = v.isThisServer
    // Read here: the trace keeps `rewriteCtx` (it is rebuilt when read), and a closure that named
    // `ctx` would keep the whole request alive with it.
    const osEnv = ctx.config.loaded.environment
    const endFlagSet = ctx.rewriteEnded
    const rewriteCtx = (quiet: boolean): RewriteContext => ({
      scope: 'vhost',
      maps: rw.maps,
      env,
      fs: v.probe,
      osEnv,
      isThisServer,
      now,
      quiet,
      endFlagSet
    })
    // The rules run once to decide; their full trace (every rule, condition and log line) is
    // rebuilt from the same inputs when someone reads it. When the decision read the docroot
    // or a `rnd:` map, a later run could differ, so the trace is taken now instead.
    const probeCalls = v.probe.calls
    let quiet = rw.replayable
    let out = applyRewrites(rw.compiled, req, rewriteCtx(quiet))
    if (quiet && v.probe.calls !== probeCalls) {
      out = applyRewrites(rw.compiled, req, rewriteCtx(false))
      quiet = false
    }
    const explained = quiet ? null : out.trace
    const complete = (): LazyParts => {
      const t = explained ?? applyRewrites(rw.compiled, req, rewriteCtx(false)).trace
      return { detail: t, log: t.log }
    }
    ctx.env = out.env
    if (out.end) ctx.rewriteEnded = true
    if (out.forcedType !== undefined) ctx.forcedType = out.forcedType
    for (const c of out.cookies) ctx.cookies.push(c)
    for (const h of out.vary) ctx.vary.push(h)
    const summary = out.trace.summary
    const source = out.action === 'none' ? undefined : out.lastTouched
    if (out.action === 'status' || out.action === 'redirect') {
      ctx.recordLazy('rewrite', 'stop', summary, complete, { lazyLog: true, source })
      // Answered from the translate hook: no <Directory>/<Files> section was merged yet.
      ctx.sectionsPhase = 'translate'
      return rewriteAnswer(ctx, out)
    }
    // [P] hands the request to mod_proxy: it goes straight to that URL, bypassing the Dispatcher.
    if (out.action === 'proxy') ctx.proxyTo = proxyTargetOf(out)
    const processed = ctx.vhost?.dispatcher.useProcessedURL ?? false
    const changed = out.passThrough && out.uri !== ctx.decodedPath
    const queryChanged = (out.query || null) !== ctx.query
    const canonical = changed ? canonicalRewrittenPath(out.uri, v.encodedSlashes) : null
    // httpd itself goes on with the new r->uri (or r->filename) whatever the Dispatcher is told:
    // the sections that apply to the answer are walked with them.
    if (changed) ctx.arrivedUri = ctx.decodedPath
    if (changed && !processed) {
      ctx.apacheUri = canonical?.decodedPath ?? out.uri
      ctx.invalidateApacheRequest()
    }
    if (out.action === 'rewrite' && out.filename !== undefined) ctx.apacheFilename = out.filename
    // (An empty query, `?` alone, is kept as it arrived.)
    if ((out.query || null) !== (ctx.query || null)) {
      ctx.apacheArgs = out.query === '' ? null : out.query
      ctx.invalidateApacheRequest()
    }
    if (processed && (changed || queryChanged)) {
      let note = summary
      if (changed) {
        ctx.path = canonical?.path ?? out.uri
        ctx.decodedPath = canonical?.decodedPath ?? out.uri
        if (ctx.path !== out.uri) note = `${summary} (the Dispatcher goes on with the canonical '${ctx.path}')`
      }
      ctx.query = out.query === '' ? null : out.query
      ctx.invalidateApacheRequest()
      ctx.recordLazy('rewrite', 'changed', note, complete, { lazyLog: true, source })
    } else {
      const note =
        (changed || queryChanged) && !processed
          ? `${summary} (the Dispatcher keeps the original URL: DispatcherUseProcessedURL is off)`
          : out.action !== 'none' && !out.passThrough && out.action !== 'proxy'
            ? `${summary} (without [PT] only r->filename changes; the Dispatcher keeps the URL)`
            : summary
      ctx.recordLazy('rewrite', out.action === 'none' ? 'pass' : 'changed', note, complete, { lazyLog: true, source })
    }
  }
  return false
}

/** mod_setenvif's directives on the request as it stands: the environment they set, the headers they read (Vary). */
/** `uri`: `Request_URI` when it is not the decoded `r->uri` (the server's and vhost's own SetEnvIf). */
export function runSetEnv(
  ctx: RequestContext,
  v: ActiveVhost,
  directives: CompiledSetEnv,
  now: Date,
  uri?: string
): void {
  const req = ctx.apacheRequest()
  const r = applySetEnv(directives, uri === undefined || uri === req.uri ? req : { ...req, uri }, ctx.env, {
    fs: v.probe,
    quiet: true,
    now,
    osEnv: ctx.config.loaded.environment
  })
  ctx.env = r.env
  for (const h of r.vary) ctx.vary.push(h)
}

/**
 * fixups, after the access checks: the sections' own RewriteRules (mod_rewrite's fixup hook
 * runs first of the fixups; not for a request mod_proxy takes), mod_alias's redirects, then
 * `RequestHeader` (last).
 */
export function fixups(ctx: RequestContext): boolean | Promise<boolean> {
  const v = ctx.vhost
  if (!v) return false
  const scoped = v.apache.scoped
  if (!scoped.hasRequestHeaders && !scoped.hasDirRewrite && !scoped.hasRedirects && !scoped.hasModEnv) return false
  if (scoped.hasDirRewrite && !proxiedByApache(ctx, v)) {
    const r = directoryRewrite(ctx, v)
    if (r !== false) return r
  }
  // mod_alias's and mod_env's fixups (after mod_rewrite's, before mod_headers').
  if (scoped.hasRedirects) {
    const r = aliasFixup(ctx, v)
    if (r !== false) return r
  }
  if (scoped.hasModEnv) modEnvFixup(ctx, v)
  requestHeaderFixup(ctx, v, ctx.requestDate())
  return false
}

/**
 * mod_env's variables per combination of sections (the vhost's resolved configuration is
 * remembered per combination, runtime/scoped-apache.ts): worked out once, not per request.
 */
const modEnvByScopes = new WeakMap<object, Map<string, string> | null>()

/** mod_env's fixup: SetEnv/PassEnv/UnsetEnv of the contexts that apply join the request's environment. */
export function modEnvFixup(ctx: RequestContext, v: ActiveVhost): void {
  const resolved = apacheSections(ctx)
  const key = resolved ?? v
  let vars = modEnvByScopes.get(key)
  if (vars === undefined) {
    const scopes = resolved?.scopes ?? []
    vars = modEnvVars([...v.layers, ...scopes.map((s) => s.settings)], ctx.config.loaded.environment)
    modEnvByScopes.set(key, vars)
  }
  if (!vars || vars.size === 0) return
  // apr_table_overlay(subprocess_env, vars): the variables come after the request's own, and a
  // lookup finds the first entry, so one SetEnvIf or a rule's [E=] already set keeps its value.
  const env = { ...ctx.env }
  for (const [name, value] of vars) if (envGet(env, name) === undefined) env[name] = value
  ctx.env = env
}

/** RequestHeader runs in the fixups (last of them), after the sections were walked with the rewritten URI. */
export function requestHeaderFixup(ctx: RequestContext, v: ActiveVhost, now: Date): void {
  const requestHeaders = v.apache.scoped.hasRequestHeaders ? apacheSections(ctx)?.requestHeaders : null
  if (requestHeaders) runRequestHeaders(ctx, v, requestHeaders, now, 'request')
}

/** `RequestHeader` directives of one phase (the others are skipped), applied to the request. */
function runRequestHeaders(
  ctx: RequestContext,
  v: ActiveVhost,
  requestHeaders: CompiledHeaders,
  now: Date,
  phase: 'early' | 'request'
): void {
  const req = ctx.apacheRequest()
  const r = applyRequestHeaders(requestHeaders, req, ctx.env, {
    fs: v.probe,
    quiet: true,
    now,
    osEnv: ctx.config.loaded.environment,
    phase
  })
  // httpd keeps the directive's spelling of a header it adds (`Header echo` regexes see it). A
  // header added before is in `req.headers` already, so only new names are looked for.
  for (const key in r.headers) {
    if (req.headers[key] !== undefined) continue
    const added = r.entries.find((e) => e.name.toLowerCase() === key)
    if (added) ctx.addedHeaderNames.push(added.name)
  }
  ctx.headers = r.headers
  // A name `RequestHeader add` put on a second line stays two lines in r->headers_in.
  ctx.headerLines = r.entries.length > Object.keys(r.headers).length ? r.entries : undefined
  for (const h of r.vary) ctx.vary.push(h)
  ctx.invalidateApacheRequest()
}

/**
 * A rewrite `[R]`, `[F]`, `[G]` or status, answered by Apache itself: made before any handler
 * ran, so no output filter (mod_deflate) is on its way.
 */
export function rewriteAnswer(ctx: RequestContext, out: RewriteOutcome): true | Promise<true> {
  ctx.outputFiltered = false
  if (out.action === 'redirect') {
    ctx.setOutcome('redirect')
    ctx.rewriteRedirect = true
    // hook_uri2file leaves the new URL in r->filename (what `%{REQUEST_FILENAME}` reads from then on).
    if (out.location !== undefined) ctx.apacheFilename = out.location
    return redirect(ctx, out.status ?? 302, out.location ?? '/')
  }
  const status = out.status ?? 403
  // A 500 (a loop past the [N] limit, a URL grown past the length limit, [R=500]) is Apache
  // failing the request, as elsewhere; a 4xx ([F], [G]) is the configuration refusing it.
  ctx.setOutcome(status >= 500 ? 'error' : 'blocked')
  ctx.rewriteStatus = true
  return answer(ctx, status)
}

/**
 * Whether the vhost's rules run: a `RewriteEngine` in a matching `<Location>`/`<If>` overrides
 * the vhost's own state (runtime/rewrite-switch.ts). When the rules do not run, the trace says
 * which directive stopped them.
 */
function rewriteEngineOn(ctx: RequestContext, v: ActiveVhost, own: boolean, rules: number): boolean {
  const decided = v.apache.rewriteSwitch?.resolve(sectionWalkInput(ctx, v), ctx.vary) ?? null
  const on = decided ? decided.on : own
  if (!on) {
    const where = decided
      ? `RewriteEngine Off in ${sectionLabel(decided.scope)}`
      : 'RewriteEngine is off for this virtual host'
    ctx.record('rewrite', 'pass', `${where}: the vhost's ${rules} rewrite rule(s) do not run for this URL`, {
      source: decided?.scope.pos
    })
  }
  return on
}
