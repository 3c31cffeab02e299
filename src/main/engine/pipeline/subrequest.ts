/**
 * httpd's subrequest look-ups as mod_dir and mod_autoindex make them (`ap_sub_req_lookup_uri`
 * for an index, a fallback, a header or readme file; `ap_sub_req_lookup_dirent` for each entry
 * of a listing): the subrequest gets its own `r->uri` and `r->filename`, its own sections
 * (directory walk, `<Files>`, `<Location>`, `<If>`), its own access checks and its own type
 * (mod_mime). It is only looked up, never run: its status is what the checks said.
 *
 * A URI's look-up also runs mod_alias's redirects (at translation and in the fixups) and
 * mod_dir's slash redirect for a folder named without its slash: a redirect is its status and
 * Location, which mod_dir passes on to the client.
 *
 * Before mod_alias, mod_rewrite's translate hook runs the vhost's RewriteRules on the
 * subrequest (without its `[NS]` and `[R]` rules): a rule can refuse the name (`[F]`, `[G]`),
 * redirect it to another server, map it to another file (with or without `[PT]`) or hand it to
 * mod_proxy (`[P]`). Its `[E=]` variables and `[CO=]` cookies reach the request when mod_dir
 * takes the subrequest's place; its Vary does not.
 *
 * Not emulated in a subrequest: `Alias` (translation: the file is the docroot joined with the
 * URI), and the sections' own RewriteRules (fixups).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { ActiveVhost } from '../runtime/active-config'
import type { AccessDecision } from '../runtime/access'
import type { ResolvedApache } from '../runtime/scoped-apache'
import { fileNameOf, toByteString, unescapeBytes } from '../apache-expr/uri-escape'
import { isWithin, realNearest } from '../cache/safe-path'
import { contentTypeFor } from '../cache/mime-types'
import { addedTypeFor } from './mime-settings'
import { subrequestWalkInput } from './apache-sections'
import type { RequestContext } from './context'
import { accessDecision } from './stages/access'
import { findRedirect, type RedirectInput, type RedirectOutcome } from '../runtime/alias-redirect'
import { constructUrl, fullyQualify } from './rewrite/uri'
import { escapeUri } from '../apache-expr'
import { STATUS_LINES } from './rewrite/flags'
import type { SectionWalkInput } from '../runtime/sections'
import type { SourcePos } from '../../../shared/diagnostics'
import type { ApacheRequest } from '../apache-expr'
import { applyRewrites, type CompiledRewrite, type RewriteOutcome } from './rewrite'
import { proxyTargetOf, type ProxyTarget } from './apache-proxy'

export interface SubLookup {
  /** `rr->uri` (decoded). */
  uri: string
  /** `rr->args`. */
  args: string | null
  /** `rr->filename`, a byte string as httpd holds it. */
  filename: string
  /** The file on disk (its bytes read as UTF-8). */
  file: string
  /** Its stat, links followed; undefined when absent (or outside the docroot, which the workbench never reads). */
  stat: fs.BigIntStats | undefined
  /** `rr->status`: 200, or what the access checks answered. */
  status: number
  /** The access checks' decision, when they refused. */
  decision?: AccessDecision
  /** A redirect's target (`rr->headers_out`'s Location), and what made it, for the trace. */
  location?: string
  redirectedBy?: string
  /** The sections that apply to the subrequest. */
  sections: ResolvedApache
  /** What the vhost's RewriteRules did to the subrequest, when they did something. */
  rewrite?: SubRewrite
}

/** A subrequest's rewrite, for the request that takes its place (ap_internal_fast_redirect). */
export interface SubRewrite {
  /** The rule's summary, for the trace. */
  summary: string
  /** `rr->subprocess_env` afterwards (`[E=]`), and the `[CO=]` cookies of `rr->err_headers_out`. */
  env: Record<string, string>
  cookies: string[]
  /** `[P]`: mod_proxy's handler answers the subrequest. */
  proxy?: ProxyTarget
  /** A rule without `[PT]` chose the file: `r->filename` is no longer the docroot joined with the URI. */
  mapped?: boolean
}

/** The subrequest for `uri` (decoded) naming `filename` (a byte string): its sections, access and file. */
export function lookupSub(
  ctx: RequestContext,
  v: ActiveVhost,
  root: string,
  uri: string,
  filename: string,
  args: string | null,
  walk: SectionWalkInput = subrequestWalkInput(ctx, v, uri, filename, args)
): SubLookup {
  const sections = v.apache.scoped.resolve(walk, 'full')
  const file = path.resolve(fileNameOf(filename))
  const inside = (file === root || file.startsWith(root + path.sep)) && !leavesDocroot(root, file)
  const stat = inside ? statOf(file) : undefined
  const out: SubLookup = { uri, args, filename, file, stat, status: 200, sections }
  const control = sections.access
  if (control) {
    const d = accessDecision(ctx, control, () => walk)
    if (d.status !== null) {
      out.status = d.status
      out.decision = d
    }
  }
  return out
}

/**
 * `ap_sub_req_lookup_uri(name, r)`: `name` (configuration text) relative to the folder of the request's URI (or
 * absolute), `?query` allowed; `r->args` go along. A name whose escapes httpd refuses gives the
 * status its subrequest fails with (400, or 404 for `%00` and `%2F`) instead.
 */
export function lookupUri(
  ctx: RequestContext,
  v: ActiveVhost,
  root: string,
  name: string,
  args: string | null,
  /** The URI of the request the name is relative to: this one's, or a subrequest's. */
  base: string = ctx.apacheUri ?? ctx.decodedPath
): { sub: SubLookup } | { status: number } {
  // The name is configuration text (UTF-8); httpd's subrequest holds its bytes.
  name = toByteString(name)
  const q = name.indexOf('?')
  const namePath = q < 0 ? name : name.slice(0, q)
  let subArgs = q < 0 ? args : args !== null ? `${name.slice(q + 1)}?${args}` : name.slice(q + 1)
  // ap_unescape_url's verdict: a bad escape is a 400 before a `%00` or `%2F` is a 404.
  const unescaped = unescapeBytes(namePath)
  if (unescaped.badEscape) return { status: 400 }
  if (unescaped.forbidden) return { status: 404 }
  const decoded = unescaped.value
  const relative = !decoded.startsWith('/')
  let uri = getParents(relative ? base.slice(0, base.lastIndexOf('/') + 1) + decoded : decoded)
  let filename = (v.docroot ?? '').replace(/\/+$/, '') + uri
  let walk = subrequestWalkInput(ctx, v, uri, filename, subArgs)
  // mod_rewrite's translate hook comes first (APR_HOOK_FIRST).
  const rw = rewriteSubrequest(ctx, v, uri, subArgs, walk)
  let translated = false
  if (rw) {
    const out = rw.out
    const done: SubRewrite = { summary: out.trace.summary, env: out.env, cookies: out.cookies }
    if (out.action === 'status' || out.action === 'redirect') {
      const sub = lookupSub(ctx, v, root, uri, filename, subArgs, walk)
      const r = { status: out.status ?? 500, location: out.location, summary: done.summary, source: rw.source }
      return { sub: Object.assign(redirected(sub, r), { rewrite: done }) }
    }
    if (out.action === 'proxy') {
      done.proxy = proxyTargetOf(out)
      return { sub: Object.assign(lookupSub(ctx, v, root, uri, filename, subArgs, walk), { rewrite: done }) }
    }
    const before = filename
    const argsBefore = subArgs
    if ((out.query || null) !== subArgs) subArgs = out.query || null
    if (out.action === 'passthrough') {
      uri = out.uri
      filename = (v.docroot ?? '').replace(/\/+$/, '') + uri
    } else if (out.filename !== undefined) {
      filename = out.filename
      translated = done.mapped = true
    }
    if (filename !== before || subArgs !== argsBefore) walk = subrequestWalkInput(ctx, v, uri, filename, subArgs)
    const sub = lookupUriTranslated(ctx, v, root, uri, filename, subArgs, walk, translated)
    sub.rewrite = done
    return { sub }
  }
  return { sub: lookupUriTranslated(ctx, v, root, uri, filename, subArgs, walk, translated) }
}

/**
 * The vhost's RewriteRules on a subrequest (`hook_uri2file` with `r->main` set), when the engine
 * is on for it and a rule did something.
 */
function rewriteSubrequest(
  ctx: RequestContext,
  v: ActiveVhost,
  uri: string,
  args: string | null,
  walk: SectionWalkInput
): { out: RewriteOutcome; source: SourcePos } | null {
  const rw = v.apache.rewrite
  if (!rw || !appliesToSubrequests(rw.compiled)) return null
  const decided = v.apache.rewriteSwitch?.resolve(walk, []) ?? null
  if (!(decided ? decided.on : rw.engine)) return null
  const req: ApacheRequest = { ...ctx.apacheRequest(), uri, query: args ?? '', emptyArgs: false, subrequest: true }
  const out = applyRewrites(rw.compiled, req, {
    scope: 'vhost',
    maps: rw.maps,
    env: ctx.env,
    fs: v.probe,
    osEnv: ctx.config.loaded.environment,
    isThisServer: v.isThisServer,
    now: ctx.requestDate(),
    quiet: true
  })
  const nothing = out.action === 'none' && (out.query || null) === args && out.cookies.length === 0
  if (nothing && sameEnv(out.env, ctx.env)) return null
  return { out, source: out.lastTouched ?? { file: '', line: 0, column: 0 } }
}

/** Whether a rule list has a rule a subrequest runs (not `[NS]`, not `[R]`): worked out once per list. */
function appliesToSubrequests(compiled: CompiledRewrite): boolean {
  let known = subrequestRules.get(compiled)
  if (known === undefined) {
    known = compiled.rules.some((r) => !r.flags.nosubreq && !r.flags.redirect)
    subrequestRules.set(compiled, known)
  }
  return known
}

const subrequestRules = new WeakMap<CompiledRewrite, boolean>()

/** Whether the rules left the environment as it was (the engine always hands back a copy). */
function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

/** The rest of a URI's look-up once mod_rewrite had its say: mod_alias, the sections, the fixups. */
function lookupUriTranslated(
  ctx: RequestContext,
  v: ActiveVhost,
  root: string,
  uri: string,
  filename: string,
  subArgs: string | null,
  walk: SectionWalkInput,
  translated: boolean
): SubLookup {
  const input: RedirectInput = {
    uri,
    query: subArgs,
    absolute: (p) => fullyQualify(p, ctx.apacheRequest()),
    exprContext: walk.exprContext
  }
  // mod_alias's translate hook: the server's lists, the target form <Location> gives.
  const scoped = v.apache.scoped
  if (scoped.hasRedirects && !translated) {
    const translate = scoped.resolve(walk, 'translate')
    const early = findRedirect(translate.redirects?.target ?? null, scoped.serverRedirects, input)
    if (early) return redirected(lookupSub(ctx, v, root, uri, filename, subArgs, walk), early)
  }
  const sub = lookupSub(ctx, v, root, uri, filename, subArgs, walk)
  if (sub.status !== 200) return sub
  // The fixups: mod_alias's per-directory lists, then mod_dir's own slash redirect.
  const dir = sub.sections.redirects
  const late = dir ? findRedirect(dir.target, dir.list, input) : null
  if (late) return redirected(sub, late)
  if (sub.stat?.isDirectory() && !uri.endsWith('/')) {
    const settings = scoped.indexAt(walk)
    if (settings.dir.slash !== 'off') {
      sub.status = 301
      sub.location = constructUrl(`${escapeUri(uri)}/${subArgs !== null ? `?${subArgs}` : ''}`, ctx.apacheRequest())
      sub.redirectedBy = `DirectorySlash in the subrequest for ${uri}`
    }
  }
  return sub
}

/**
 * The rest of ap_internal_fast_redirect, once `r->uri` is the subrequest's: `r->args` and
 * `r->filename` become its own, and what its rewrite changed (`[E=]`, `[CO=]`) joins the request.
 * Returns where mod_proxy sends it when a `[P]` rule took the subrequest.
 */
export function takeSubrequest(ctx: RequestContext, sub: SubLookup): ProxyTarget | undefined {
  if (sub.args !== ctx.args()) ctx.apacheArgs = sub.args
  const rw = sub.rewrite
  if (ctx.apacheFilename !== undefined || rw?.mapped) ctx.apacheFilename = sub.filename
  if (rw) {
    ctx.env = rw.env
    for (const c of rw.cookies) ctx.cookies.push(c)
  }
  ctx.invalidateApacheRequest()
  return rw?.proxy
}

/** A look-up mod_alias answered: its status, and a 3xx's Location. */
function redirected(sub: SubLookup, r: RedirectOutcome): SubLookup {
  sub.status = STATUS_LINES.has(r.status) ? r.status : 500
  if (r.location !== undefined) sub.location = r.location
  sub.redirectedBy = r.summary
  return sub
}

/** mod_mime's type for a subrequest's file: its sections' ForceType, else AddType, else mime.types. */
export function subrequestType(sub: SubLookup): string | null {
  if (sub.stat?.isDirectory()) return 'httpd/unix-directory'
  const mime = sub.sections.mime
  const name = sub.filename
  return mime.forceType ?? addedTypeFor(mime.addTypes, name) ?? contentTypeFor(name) ?? null
}

/** `ap_getparents`: `./` and `seg/../` segments removed. */
export function getParents(p: string): string {
  const parts = p.split('/')
  const out: string[] = []
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i]
    const last = i === parts.length - 1
    if (i > 0 && seg === '.') {
      if (last) out.push('')
      continue
    }
    if (i > 0 && seg === '..') {
      if (out.length > 1) out.pop()
      if (last) out.push('')
      continue
    }
    out.push(seg)
  }
  return out.join('/') || '/'
}

/**
 * httpd follows a symbolic link (FollowSymLinks), but the workbench never reads outside the
 * docroot: a path whose real location (or its nearest existing folder's) lies elsewhere is refused.
 */
export function leavesDocroot(root: string, file: string): boolean {
  const real = realNearest(file)
  const realRoot = realNearest(root)
  return real !== null && realRoot !== null && !isWithin(realRoot, real)
}

/** A stat that says "absent" for ENOENT, ENOTDIR (a file in the middle of the path), ELOOP, EACCES. */
export function statOf(file: string): fs.BigIntStats | undefined {
  try {
    return fs.statSync(file, { bigint: true, throwIfNoEntry: false })
  } catch {
    return undefined
  }
}
