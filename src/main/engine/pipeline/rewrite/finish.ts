/**
 * What Apache does with the result of the rule list: `hook_uri2file` for server/vhost rules
 * (proxy, redirect, `[PT]` pass-through, or a local file path — under the document root unless
 * its first segment exists on disk) and `hook_fixup` for directory rules (proxy, redirect, or an
 * internal redirect to the new URL).
 */
import { escapeUri, type ApacheRequest } from '../../apache-expr'
import type { RewriteState } from './state'
import type { RewriteContext, RewriteOutcome } from './types'
import { absoluteUriScheme, escapeAbsoluteUri } from './uri'

/** `changed` values of `apply_rewrite_list`: a rewrite happened, with or without `[NE]`. */
export const ACTION_NONE = 0
export const ACTION_NORMAL = 1
export const ACTION_NOESCAPE = 2

export function docroot(req: ApacheRequest): string {
  return req.documentRoot.replace(/\/+$/, '')
}

export function finishStatus(state: RewriteState): Partial<RewriteOutcome> {
  return { action: 'status', status: state.status }
}

function redirect(state: RewriteState, req: ApacheRequest, changed: number): Partial<RewriteOutcome> {
  const scheme = absoluteUriScheme(state.filename)
  let location = state.filename
  if (changed !== ACTION_NOESCAPE) {
    if (state.tracing) state.log.push(`escaping ${location} for redirect`)
    location = escapeAbsoluteUri(location, scheme.length)
  }
  if (state.args !== null) {
    const unchanged = req.query !== '' && state.args === req.query
    location += `?${changed === ACTION_NOESCAPE || unchanged ? state.args : escapeUri(state.args)}`
  }
  const status = state.status >= 300 && state.status <= 399 ? state.status : 302
  if (state.tracing) state.log.push(`redirect to ${location} [REDIRECT/${status}]`)
  return { action: 'redirect', status, location }
}

/**
 * Either mod_rewrite ([NE]: "proxy-nocanon") or mod_proxy's canonicalisation appends the query
 * string, so the target always carries it.
 */
function proxy(state: RewriteState, noCanon: boolean): Partial<RewriteOutcome> {
  const url = state.filename.slice('proxy:'.length) + (state.args !== null ? `?${state.args}` : '')
  if (state.tracing) state.log.push(`go-ahead with proxy request ${url} [OK]`)
  return { action: 'proxy', proxyTo: url, proxyBase: state.filename.slice('proxy:'.length), proxyNoCanon: noCanon }
}

/** hook_uri2file: what the server/vhost-context result means. */
export function finishServer(
  state: RewriteState,
  req: ApacheRequest,
  changed: number,
  ctx: RewriteContext
): Partial<RewriteOutcome> {
  if (state.filename.startsWith('proxy:')) return proxy(state, changed === ACTION_NOESCAPE)
  if (absoluteUriScheme(state.filename).length > 0) return redirect(state, req, changed)
  if (state.filename.startsWith('passthrough:')) {
    const uri = state.filename.slice('passthrough:'.length)
    // The next translator (core) refuses a URL-path that does not start with "/".
    if (!uri.startsWith('/')) {
      if (state.tracing) state.log.push(`Invalid URI in request: ${uri}`)
      return { action: 'status', status: 400, passThrough: true }
    }
    return { action: 'passthrough', uri, passThrough: true }
  }
  if (state.tracing) state.log.push(`local path result: ${state.filename}`)
  if (!state.filename.startsWith('/')) {
    return { action: 'status', status: 400, filename: state.filename }
  }
  let filename = state.filename
  if (!prefixStat(state, req, ctx) || state.uriReduced) {
    filename = docroot(req) + state.filename
    if (state.tracing) state.log.push(`prefixed with document_root to ${filename}`)
  }
  if (state.tracing) state.log.push(`go-ahead with ${filename} [OK]`)
  return { action: 'rewrite', filename }
}

/**
 * prefix_stat: whether a local path result is taken as a file system path as it is (else the
 * document root is prefixed). Its first segment must exist, and since 2.4.60 (CVE-2024-38475)
 * the path must also be one the configuration wrote: the last substitution begins with that
 * segment literally, or the path lies under the document root, or the rule says
 * `[UnsafePrefixStat]`. So `%{DOCUMENT_ROOT}/x` stays as it is, `/$1` giving `/etc/…` does
 * not (checked with apache2 2.4.71).
 */
function prefixStat(state: RewriteState, req: ApacheRequest, ctx: RewriteContext): boolean {
  // apr_filepath_root skips every leading slash; the segment up to the next one is merged onto
  // "/" (NOTABOVEROOT: "." is the root itself, ".." fails) and stat'ed.
  const rest = state.filename.replace(/^\/+/, '')
  const slash = rest.indexOf('/')
  const segment = slash < 0 ? rest : rest.slice(0, slash)
  if (segment === '..') return false
  const first = '/' + segment
  if (ctx.fs.stat(segment === '.' ? '/' : first) === null) return false
  const last = state.lastSub
  if (!last || last.unsafePrefixStat || last.output.startsWith(first)) return true
  const root = docroot(req)
  return root !== '' && state.filename.startsWith(root)
}

/**
 * hook_fixup: what a directory-context result means. A local result becomes a URL again:
 * with `RewriteBase`, the directory prefix is replaced by it (`subst_prefix_path`); without,
 * the document root is stripped when it is a prefix. Then httpd redirects internally to it.
 */
export function finishDirectory(
  state: RewriteState,
  req: ApacheRequest,
  changed: number,
  initialFilename: string,
  perdir: string,
  baseUrl: string | null
): Partial<RewriteOutcome> | null {
  if (state.filename.startsWith('proxy:')) return proxy(state, false)
  const scheme = absoluteUriScheme(state.filename)
  if (scheme.length > 0) {
    // The path of a redirect inside the section's directory is put under RewriteBase too.
    if (baseUrl !== null) state.filename = rebaseUrl(state.filename, scheme.length, perdir, baseUrl)
    return redirect(state, req, changed)
  }
  let filename = state.filename.startsWith('passthrough:') ? state.filename.slice(12) : state.filename
  if (state.tracing) state.log.push(`local path result: ${filename}`)
  if (!filename.startsWith('/')) return { action: 'status', status: 400, filename }
  if (filename === initialFilename) {
    if (state.tracing) state.log.push(`initial URL equal rewritten URL: ${filename} [IGNORING REWRITE]`)
    return null
  }
  if (baseUrl !== null) {
    if (state.tracing) state.log.push(`trying to replace prefix ${perdir} with ${baseUrl}`)
    filename = substPrefixPath(filename, perdir, baseUrl)
  } else {
    const root = docroot(req)
    if (filename.startsWith(root) && filename[root.length] === '/') {
      if (state.tracing) state.log.push(`strip document_root prefix: ${filename} -> ${filename.slice(root.length)}`)
      filename = filename.slice(root.length)
    }
  }
  const uri = state.args !== null ? `${filename}?${state.args}` : filename
  if (state.tracing) state.log.push(`internal redirect with ${uri} [INTERNAL REDIRECT]`)
  return { action: 'internal-redirect', uri: filename }
}

/** `subst_prefix_path`: `match` (without its trailing slash) then a slash starts `input`: put `subst` there instead. */
function substPrefixPath(input: string, match: string, subst: string): string {
  const m = match.endsWith('/') ? match.slice(0, -1) : match
  if (!input.startsWith(m) || input[m.length] !== '/') return input
  const prefix = subst === '' || subst.endsWith('/') ? subst : `${subst}/`
  return prefix + input.slice(m.length + 1)
}

/** hook_fixup on an absolute URL: its path (after `scheme://host/`) with the directory replaced by the base. */
function rebaseUrl(url: string, schemeLength: number, perdir: string, baseUrl: string): string {
  const slash = url.indexOf('/', schemeLength)
  if (slash < 0 || slash === url.length - 1) return url
  const path = url.slice(slash + 1)
  const strip = (p: string): string => (p.startsWith('/') ? p.slice(1) : p)
  return url.slice(0, slash + 1) + substPrefixPath(path, strip(perdir), strip(baseUrl))
}
