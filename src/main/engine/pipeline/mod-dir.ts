/**
 * mod_dir's fixups (`dir_fixups` in mod_dir.c, httpd 2.4), for a request Apache answers itself:
 * - a folder without its trailing slash is redirected (301) to the URL with it, the query kept
 *   (`DirectorySlash`, on unless a context says Off; not for a non-GET `redirect-carefully` one);
 * - a folder with it: each `DirectoryIndex` name (default `index.html`; `disabled`: none) is
 *   looked up by a subrequest; the first regular file the access checks let through answers
 *   instead (an internal redirect that keeps the query), or a redirect to it with
 *   `DirectoryIndexRedirect`. A candidate the checks refuse is remembered: when no name answers,
 *   that refusal is the answer (a 401 at once when it is the only name);
 * - a missing file: `FallbackResource` answers, looked up the same way.
 * Otherwise the handler gets the folder (mod_autoindex, autoindex.ts).
 */
import type { SourcePos } from '../../../shared/diagnostics'
import type { StageName } from '../../../shared/trace'
import { shortPos } from '../../../shared/diagnostics'
import type { ActiveVhost } from '../runtime/active-config'
import type { IndexSettings } from '../runtime/index-config'
import { escapeUri } from '../apache-expr/uri-escape'
import { subrequestWalkInput } from './apache-sections'
import type { RequestContext } from './context'
import { constructUrl } from './rewrite/uri'
import { lookupUri, type SubLookup } from './subrequest'
import { answer, redirect } from './stages/answer'

export type DirFixup =
  /** DirectorySlash: the answer is this redirect. */
  | { kind: 'slash'; location: string }
  /** An index (or the fallback) answers: the request becomes its subrequest. */
  | { kind: 'index'; sub: SubLookup; name: string }
  /**
   * DirectoryIndexRedirect: the answer is a redirect to the index; or (`by`) a candidate's
   * subrequest was redirected (mod_alias, its own DirectorySlash), which mod_dir passes on.
   */
  | { kind: 'redirect'; status: number; location: string; name: string; by?: string; cookies?: string[] }
  /**
   * A candidate's subrequest was refused: its status is the answer (with the subrequest's
   * `WWW-Authenticate` when it was the one name and asked for credentials).
   */
  | { kind: 'error'; status: number; sub?: SubLookup; refused: string[]; challenge?: string }
  /** Nothing for mod_dir to do: the handler gets the request (`names`: what was tried, for mod_autoindex's log). */
  | { kind: 'declined'; names: string | null }

/** ` (file:line)` for a directive's position, empty for none. */
function at(pos: SourcePos | undefined): string {
  return pos ? ` (${shortPos(pos)})` : ''
}

/** dir_fixups for a request whose file is a folder (`fixup_dir`), recorded in the trace. */
export function dirFixup(
  ctx: RequestContext,
  v: ActiveVhost,
  settings: IndexSettings,
  root: string,
  folder: string,
  /** Where the trace shows it: the handler's entry, or before the Dispatcher's stages. */
  stage: StageName = 'render'
): DirFixup {
  const uri = ctx.apacheUri ?? ctx.decodedPath
  const args = ctx.args()
  const slashAt = settings.where.directorySlash
  if (!uri.endsWith('/')) {
    if (settings.dir.slash === 'off') {
      ctx.record(
        stage,
        'pass',
        `mod_dir: ${folder} is a folder and the URL has no trailing slash; DirectorySlash Off${at(slashAt)}: no redirect, the handler gets the folder`,
        { source: slashAt }
      )
      return { kind: 'declined', names: null }
    }
    if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD' && ctx.env['redirect-carefully'] !== undefined) {
      ctx.record(
        stage,
        'pass',
        `mod_dir: ${folder} is a folder; redirect-carefully is set and the method is ${ctx.req.method}: no redirect`
      )
      return { kind: 'declined', names: null }
    }
    const location = constructUrl(`${escapeUri(uri)}/${args !== null ? `?${args}` : ''}`, ctx.apacheRequest())
    ctx.record(
      stage,
      'stop',
      `mod_dir: ${folder} is a folder and the URL has no trailing slash: DirectorySlash On${slashAt ? at(slashAt) : ' (the default)'} redirects (301) to ${location}`,
      { source: slashAt }
    )
    return { kind: 'slash', location }
  }
  const found = indexFor(ctx, v, root, settings, uri, args)
  const indexAt = settings.where.directoryIndex
  const listed = indexList(settings)
  switch (found.kind) {
    case 'index':
      ctx.record(
        stage,
        'changed',
        `mod_dir: DirectoryIndex ${listed}${at(indexAt)}: ${found.name} answers for the folder (internal redirect to ${found.sub.uri})${rewrittenBy(found.sub)}`,
        { source: indexAt }
      )
      break
    case 'redirect':
      ctx.record(
        stage,
        'stop',
        found.by !== undefined
          ? `mod_dir: DirectoryIndex ${listed}${at(indexAt)}: the subrequest for ${found.name} is redirected (${found.by}), and mod_dir passes the redirect on (${found.status}): ${found.location}`
          : `mod_dir: DirectoryIndex ${listed}${at(indexAt)}: ${found.name} answers, and DirectoryIndexRedirect sends the client there (${found.status}): ${found.location}`,
        { source: indexAt }
      )
      break
    case 'error':
      ctx.record(
        stage,
        'stop',
        `mod_dir: no DirectoryIndex file (${listed}${at(indexAt)}) answers in ${folder}, and a subrequest was refused (${found.refused.join(', ')}): ${found.status}, no listing`,
        { source: found.sub?.decision?.source ?? indexAt }
      )
      break
    case 'declined':
      ctx.record(
        stage,
        'pass',
        `mod_dir: no DirectoryIndex file (${listed}${at(indexAt)}) in ${folder}: the handler gets the folder`,
        { source: indexAt }
      )
  }
  return found
}

/** The answer a fixup gives by itself (a redirect, a refused index), or null when the request goes on. */
export function fixupAnswer(ctx: RequestContext, fixup: DirFixup): boolean | Promise<boolean> | null {
  switch (fixup.kind) {
    case 'slash':
      ctx.setOutcome('redirect')
      return redirect(ctx, 301, fixup.location)
    case 'redirect':
      ctx.setOutcome('redirect')
      // The subrequest's headers (a rewrite's [CO=] cookies) go out with the redirect mod_dir passes on.
      if (fixup.cookies) for (const c of fixup.cookies) ctx.cookies.push(c)
      return redirect(ctx, fixup.status, fixup.location)
    case 'error': {
      ctx.setOutcome(fixup.status >= 500 ? 'error' : 'blocked')
      const challenge = fixup.challenge
      return answer(ctx, fixup.status, challenge !== undefined ? { 'www-authenticate': challenge } : {})
    }
    default:
      return null
  }
}

/** What the vhost's RewriteRules did to a subrequest, for the trace. */
function rewrittenBy(sub: SubLookup): string {
  const rw = sub.rewrite
  if (!rw) return ''
  const where = rw.proxy ? ', which mod_proxy answers' : rw.mapped ? ` (file ${sub.filename})` : ''
  return `; in the subrequest the vhost's RewriteRules: ${rw.summary}${where}`
}

/** A candidate's redirected subrequest, which mod_dir passes on with its headers. */
function subRedirect(sub: SubLookup, name: string): Extract<DirFixup, { kind: 'redirect' }> {
  return {
    kind: 'redirect',
    status: sub.status,
    location: sub.location ?? '',
    name,
    by: sub.redirectedBy,
    cookies: sub.rewrite?.cookies
  }
}

/** The index names as the trace shows them. */
function indexList(settings: IndexSettings): string {
  const names = settings.dir.indexNames
  return names === null ? 'index.html, the default' : names.length === 0 ? 'disabled' : names.join(' ')
}

/** `fixup_dir`'s search for an index in the folder of the URI `base` (a request's, or a listing's subrequest's). */
function indexFor(
  ctx: RequestContext,
  v: ActiveVhost,
  root: string,
  settings: IndexSettings,
  base: string,
  args: string | null
): Exclude<DirFixup, { kind: 'slash' }> {
  const dir = settings.dir
  const names = dir.indexNames ?? ['index.html']
  let error: { status: number; sub?: SubLookup } | null = null
  const refused: string[] = []
  for (const name of names) {
    const found = lookupUri(ctx, v, root, name, args, base)
    if ('status' in found) {
      error = { status: found.status }
      refused.push(`${name}: ${found.status}`)
      continue
    }
    const sub = found.sub
    // A file, or mod_proxy's handler (a [P] rule): either answers for the folder.
    if (sub.status === 200 && (sub.stat?.isFile() || sub.rewrite?.proxy)) {
      if (dir.redirectIndex) {
        // ap_construct_url with rr->uri as it is (decoded), without the query.
        return {
          kind: 'redirect',
          status: dir.redirectIndex,
          location: constructUrl(sub.uri, ctx.apacheRequest()),
          name
        }
      }
      return { kind: 'index', sub, name }
    }
    // A redirected subrequest is passed on at once, Location and all.
    if (sub.status >= 300 && sub.status < 400) return subRedirect(sub, name)
    if (sub.status === 401 && names.length === 1)
      return { kind: 'error', status: 401, sub, refused: [`${name}: 401`], challenge: sub.decision?.challenge }
    if (sub.status !== 200 && sub.status !== 404) {
      error = { status: sub.status, sub }
      refused.push(`${name}: ${sub.status}`)
    }
  }
  if (error) return { kind: 'error', ...error, refused }
  return { kind: 'declined', names: dir.indexNames === null ? 'index.html' : names.join(',') }
}

/** mod_dir's fixup in the subrequest of a listing's sub-folder: its own settings, its own index. */
export function dirIndexOf(ctx: RequestContext, v: ActiveVhost, root: string, sub: SubLookup): DirFixup {
  const settings = v.apache.scoped.indexAt(subrequestWalkInput(ctx, v, sub.uri, sub.filename))
  return indexFor(ctx, v, root, settings, sub.uri, null)
}

/** fixup_dflt: `FallbackResource` for a request whose file does not exist, recorded in the trace. */
export function fallbackFixup(ctx: RequestContext, v: ActiveVhost, settings: IndexSettings, root: string): DirFixup {
  const name = settings.dir.fallback
  if (name === null || name.toLowerCase() === 'disabled') return { kind: 'declined', names: null }
  const found = lookupUri(ctx, v, root, name, ctx.args())
  if ('status' in found) {
    ctx.record('render', 'stop', `mod_dir: FallbackResource ${name}: its subrequest fails (${found.status})`)
    return { kind: 'error', status: found.status, refused: [`${name}: ${found.status}`] }
  }
  const sub = found.sub
  if (sub.status === 200 && (sub.stat?.isFile() || sub.rewrite?.proxy)) {
    ctx.record(
      'render',
      'changed',
      `mod_dir: the file does not exist; FallbackResource ${name} answers (internal redirect to ${sub.uri})${rewrittenBy(sub)}`
    )
    return { kind: 'index', sub, name }
  }
  // fixup_dflt passes a redirect of the subrequest on with its Location, as fixup_dir does.
  if (sub.status >= 300 && sub.status < 400) {
    ctx.record(
      'render',
      'stop',
      `mod_dir: FallbackResource ${name}: its subrequest is redirected (${sub.redirectedBy ?? sub.status}): ${sub.location ?? ''}`
    )
    return subRedirect(sub, name)
  }
  if (sub.status !== 200 && sub.status !== 404) {
    ctx.record('render', 'stop', `mod_dir: FallbackResource ${name}: its subrequest answered ${sub.status}`, {
      source: sub.decision?.source
    })
    return { kind: 'error', status: sub.status, sub, refused: [`${name}: ${sub.status}`] }
  }
  ctx.record('render', 'pass', `mod_dir: FallbackResource ${name} is not a file either: nothing to fall back on`)
  return { kind: 'declined', names: null }
}
