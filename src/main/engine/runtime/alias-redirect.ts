/**
 * mod_alias's redirects (translate_alias_redir, fixup_redir): what a request is redirected to,
 * if anything. Two sources, as in httpd:
 * - the server's lists (`Redirect /old /new` at server or vhost level; the vhost's first), tried
 *   when the URI is translated;
 * - the per-directory part: the target form of `<Location>` (`Redirect [status] URL`, the
 *   innermost wins) and the lists of sections (inner sections' first), tried at translation
 *   with what `<Location>`/`<If>` merged, and again in the fixups with every section merged.
 * A prefix matches on a segment boundary (any run of slashes matches any run); the rest of the
 * URI is escaped and appended. A relative target becomes absolute, the query string is appended
 * unless the target has its own, and a target that is no URL is a 500.
 */
import type { AliasRedirect, VhostSettings } from '../../../shared/config-model'
import { shortPos, type Diagnostic, type SourcePos } from '../../../shared/diagnostics'
import {
  captureList,
  compilePcre,
  escapeUri,
  evalExprString,
  exprDiagnostic,
  ExprError,
  parseStringExpr,
  pregsub,
  toByteString,
  type ExprAst,
  type ExprContext
} from '../apache-expr'
import { isUrl } from '../config/apache/alias-directives'

export interface CompiledRedirect {
  entry: AliasRedirect
  /** `RedirectMatch`'s pattern, null when it does not compile (it never matches; `check` says so). */
  regex: RegExp | null
  /** The target form's expression; null for `Redirect gone` or one that does not parse. */
  target: ExprAst | null
  /** The URL-path and the target as the bytes httpd compares and joins (`entry`'s are UTF-8 text). */
  fromBytes: string
  toBytes: string
  label: string
}

/** The per-directory part after the sections' merge. */
export interface DirRedirects {
  target: CompiledRedirect | null
  list: CompiledRedirect[]
}

export interface RedirectInput {
  /** `r->uri`, decoded. */
  uri: string
  /** `r->args`, or null. */
  query: string | null
  /** What a relative target is made absolute with (`ap_construct_url`). */
  absolute: (path: string) => string
  exprContext: () => ExprContext
}

export interface RedirectOutcome {
  status: number
  location?: string
  /** Why, for the trace. */
  summary: string
  source: SourcePos
}

export function compileRedirect(entry: AliasRedirect): CompiledRedirect {
  const regex = entry.regex && entry.kind === 'list' ? compiledRegex(entry.from ?? '') : null
  let target: ExprAst | null = null
  if (entry.kind === 'expr' && entry.to !== undefined) {
    try {
      target = parseStringExpr(entry.to)
    } catch {
      target = null
    }
  }
  const words = [entry.directive, String(entry.status), entry.from, entry.to].filter((w) => w !== undefined)
  return {
    entry,
    regex,
    target,
    fromBytes: toByteString(entry.from ?? ''),
    toBytes: toByteString(entry.to ?? ''),
    label: `${words.join(' ')} (${shortPos(entry.pos)})`
  }
}

function compiledRegex(pattern: string): RegExp | null {
  const r = compilePcre(toByteString(pattern))
  return r.ok ? r.regex : null
}

/** The server's lists, vhost first (merge_alias_config). */
export function serverRedirects(layers: VhostSettings[]): CompiledRedirect[] {
  const out: CompiledRedirect[] = []
  for (let i = layers.length - 1; i >= 0; i--) {
    for (const r of layers[i].redirects ?? []) if (r.kind === 'list') out.push(compileRedirect(r))
  }
  return out
}

/**
 * merge_alias_dir_config over the server's and vhost's defaults, then the sections in merge
 * order: the last target form wins, and a section's lists go before the outer ones. Null when
 * nothing applies.
 */
export function dirRedirects(layers: VhostSettings[], sections: VhostSettings[]): DirRedirects | null {
  let target: CompiledRedirect | null = null
  let list: CompiledRedirect[] = []
  for (const l of layers) for (const r of l.redirects ?? []) if (r.kind === 'expr') target = compileRedirect(r)
  for (const s of sections) {
    const own = (s.redirects ?? []).filter((r) => r.kind === 'list').map(compileRedirect)
    for (const r of s.redirects ?? []) if (r.kind === 'expr') target = compileRedirect(r)
    if (own.length > 0) list = [...own, ...list]
  }
  return target || list.length > 0 ? { target, list } : null
}

/** try_redirect, then try_alias_list over `lists` in order; null when nothing redirects. */
export function findRedirect(
  target: CompiledRedirect | null,
  lists: readonly CompiledRedirect[],
  input: RedirectInput
): RedirectOutcome | null {
  if (target) {
    if (!target.target) return outcome(target, target.entry.kind === 'expr' && !target.entry.to ? '' : null, input)
    const r = evalExprString(target.target, input.exprContext(), false)
    return outcome(target, r.error !== undefined ? null : escapeTarget(r.value), input)
  }
  for (const c of lists) {
    if (c.entry.regex) {
      const m = c.regex?.exec(input.uri)
      if (!m) continue
      const found = c.entry.to === undefined ? '' : escapeTarget(pregsub(c.toBytes, captureList(m)))
      return outcome(c, found, input)
    }
    const l = aliasMatches(input.uri, c.fromBytes)
    if (l > 0) return outcome(c, c.toBytes + escapeUri(input.uri.slice(l)), input)
  }
  return null
}

/** What translate_alias_redir / fixup_redir make of a match (`found` null: the substitution failed, 500). */
function outcome(c: CompiledRedirect, found: string | null, input: RedirectInput): RedirectOutcome {
  const source = c.entry.pos
  if (found === null) return { status: 500, summary: `mod_alias: ${c.label} could not be evaluated: 500`, source }
  const status = c.entry.status
  if (status < 300 || status >= 400) return { status, summary: `mod_alias: ${c.label}: ${status}`, source }
  let location = found.startsWith('/') ? input.absolute(found) : found
  if (!isUrl(location)) {
    return {
      status: 500,
      summary: `mod_alias: ${c.label}: cannot redirect '${input.uri}' to '${found}'; target is not a valid absoluteURI or abs_path: 500`,
      source
    }
  }
  if (input.query !== null && !location.includes('?')) location += `?${input.query}`
  return { status, location, summary: `mod_alias: ${c.label}: ${status} to ${location}`, source }
}

/** apr_uri_port_of_scheme's table, for the schemes a redirect names. */
const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  ftp: 21,
  ws: 80,
  wss: 443,
  ldap: 389,
  ldaps: 636,
  nntp: 119,
  gopher: 70,
  ssh: 22,
  telnet: 23
}

/**
 * A computed target (a `RedirectMatch` substitution, the target form): its path escaped as
 * `ap_escape_uri` does, its query string and fragment kept as they are, a default port dropped
 * (apr_uri_parse, then apr_uri_unparse).
 */
function escapeTarget(found: string): string {
  const hash = found.indexOf('#')
  const beforeHash = hash < 0 ? found : found.slice(0, hash)
  const q = beforeHash.indexOf('?')
  let main = q < 0 ? beforeHash : beforeHash.slice(0, q)
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/:?#]*):(\d+)(.*)$/i.exec(main)
  if (m && Number(m[3]) === DEFAULT_PORTS[m[1].toLowerCase()]) main = `${m[1]}://${m[2]}${m[4]}`
  let out = escapeUri(main)
  if (q >= 0) out += '?' + beforeHash.slice(q + 1)
  if (hash >= 0) out += '#' + found.slice(hash + 1)
  return out
}

/**
 * alias_matches: the length of the URI the URL-path covers (0: no match). Any run of slashes
 * in either matches any run in the other, and the match must end on a segment boundary.
 */
export function aliasMatches(uri: string, fake: string): number {
  let a = 0
  let u = 0
  while (a < fake.length) {
    if (fake[a] === '/') {
      if (uri[u] !== '/') return 0
      while (fake[a] === '/') a++
      while (uri[u] === '/') u++
    } else if (uri[u++] !== fake[a++]) return 0
  }
  if (fake[a - 1] !== '/' && u < uri.length && uri[u] !== '/') return 0
  return u
}

/** Patterns and target expressions httpd refuses to start with. */
export function redirectProblems(settings: VhostSettings): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const r of settings.redirects ?? []) {
    const compiled = r.kind === 'list' && r.regex && r.from !== undefined ? compilePcre(toByteString(r.from)) : null
    // A pattern PCRE2 compiles but JavaScript cannot express (a++) starts httpd; here it never matches.
    if (compiled && !compiled.ok && compiled.unsupported) {
      out.push({
        severity: 'warning',
        code: 'APACHE_REDIRECT_UNSUPPORTED',
        category: 'syntax',
        message: `${r.directive} '${r.from}' uses ${compiled.error} (it never applies here)`,
        pos: r.pos
      })
    } else if (compiled && !compiled.ok) {
      out.push({
        severity: 'error',
        code: 'APACHE_REDIRECT_SYNTAX',
        category: 'syntax',
        message: 'Regular expression could not be compiled.',
        pos: r.pos
      })
    }
    if (r.kind === 'expr' && r.to !== undefined) {
      try {
        parseStringExpr(r.to)
      } catch (e) {
        if (!(e instanceof ExprError)) throw e
        const d = exprDiagnostic(e, r.pos, r.directive)
        out.push({ ...d, message: `Cannot parse redirect expression '${r.to}': ${d.message}` })
      }
    }
  }
  return out
}
