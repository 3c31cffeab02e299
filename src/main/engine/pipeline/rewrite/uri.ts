/**
 * URL helpers of mod_rewrite: which substitutions are absolute URLs (`is_absolute_uri`, with
 * whether the scheme takes a query string), making a redirect target absolute
 * (`fully_qualify_uri`), dropping `http://ourselves` (`reduce_uri`), escaping a redirect
 * target (`escape_absolute_uri`) and splitting the query off (`splitout_queryargs`).
 */
import type { ApacheRequest } from '../../apache-expr'
import { escapeUri, httpScheme } from '../../apache-expr'
import { atoi } from '../../c-numbers'

const SCHEMES: [string, boolean][] = [
  ['ajp://', true],
  ['balancer://', true],
  ['ftp://', false],
  ['fcgi://', true],
  ['gopher://', false],
  ['http://', true],
  ['https://', true],
  ['h2://', true],
  ['h2c://', true],
  ['ldap://', false],
  ['mailto:', true],
  ['news:', false],
  ['nntp://', false],
  ['scgi://', true],
  ['ws://', true],
  ['wss://', true]
]

const SCHEME_INITIALS = [...new Set(SCHEMES.map(([scheme]) => scheme[0]))].join('')

/** Length of the scheme prefix (`https://` → 8) and whether it takes a query string; 0 when relative. */
export function absoluteUriScheme(uri: string): { length: number; queryAllowed: boolean } {
  if (uri.startsWith('/') || uri.length <= 5) return { length: 0, queryAllowed: false }
  // Most substitutions (`passthrough:…`, a path) start with no scheme's first letter.
  if (!SCHEME_INITIALS.includes(uri[0].toLowerCase())) return { length: 0, queryAllowed: false }
  const lower = uri.slice(0, 12).toLowerCase()
  for (const [scheme, queryAllowed] of SCHEMES) {
    if (lower.startsWith(scheme)) return { length: scheme.length, queryAllowed }
  }
  return { length: 0, queryAllowed: false }
}

/** `ap_default_port`: the scheme's. */
export function defaultPort(req: ApacheRequest): number {
  return httpScheme(req) === 'https' ? 443 : 80
}

/** `ap_get_server_name_for_url`: an IPv6 literal gets its brackets. */
function serverNameForUrl(req: ApacheRequest): string {
  return req.serverName.includes(':') && !req.serverName.startsWith('[') ? `[${req.serverName}]` : req.serverName
}

/** `fully_qualify_uri`: a relative redirect target becomes `scheme://ServerName[:port]/path`. */
export function fullyQualify(filename: string, req: ApacheRequest): string {
  if (absoluteUriScheme(filename).length > 0) return filename
  return constructUrl(filename.startsWith('/') ? filename : `/${filename}`, req)
}

/** `ap_construct_url`: `scheme://ServerName[:port]` (the port left out when it is the scheme's) before `uri`, as it is. */
export function constructUrl(uri: string, req: ApacheRequest): string {
  const port = req.serverPort === defaultPort(req) ? '' : `:${req.serverPort}`
  return `${httpScheme(req)}://${serverNameForUrl(req)}${port}${uri}`
}

/**
 * `reduce_uri`: `http[s]://host[:port]/path` naming this very server (same scheme as the request)
 * becomes `/path`. Returns `null` when the URL is not ours.
 */
export function reduceUri(
  filename: string,
  req: ApacheRequest,
  isThisServer: (host: string, port: number) => boolean
): string | null {
  const scheme = httpScheme(req)
  const prefix = `${scheme}://`
  if (filename.length <= prefix.length || filename.slice(0, prefix.length).toLowerCase() !== prefix) return null
  const rest = filename.slice(prefix.length)
  const m = /^([^/:]*)(?::([^/]*))?(\/.*)?$/s.exec(rest)
  if (!m) return null
  const host = m[1]
  // `unsigned short port = atoi(…)`: :65616 is port 80.
  const port = m[2] !== undefined ? atoi(m[2]) & 0xffff : defaultPort(req)
  const path = m[3] ?? '/'
  return isThisServer(host, port) ? path : null
}

/** `escape_absolute_uri`: keep `scheme://host/` as is, `ap_escape_uri` the rest (ldap's `?` parts apart). */
export function escapeAbsoluteUri(uri: string, schemeLength: number): string {
  let cp = schemeLength
  if (uri[cp - 1] === '/') {
    while (cp < uri.length && uri[cp] !== '/') cp++
    if (cp >= uri.length || cp + 1 >= uri.length) return uri
    cp++
    if (uri.slice(0, 4).toLowerCase() === 'ldap') {
      // An ldap URL is dn?attributes?scope?filter?extensions: each part escaped on its own.
      const parts = uri.slice(cp).split('?')
      const tokens = parts.length > 5 ? [...parts.slice(0, 4), parts.slice(4).join('?')] : parts
      return uri.slice(0, cp) + tokens.map((t) => escapeUri(t)).join('?')
    }
  }
  return uri.slice(0, cp) + escapeUri(uri.slice(cp))
}

export interface QuerySplit {
  filename: string
  /** `r->args` afterwards; `null` = no query string. */
  args: string | null
  /** Index of the `?` that split the substitution, in the original filename; -1 when none. */
  at: number
}

/**
 * `splitout_queryargs`: a `?` in the substitution starts a new query string, which replaces the
 * old one unless `[QSA]` appends the old one to it; `[QSD]` drops the old one; `[QSL]` splits
 * at the last `?` instead of the first. A trailing `&` is removed and an empty query is none.
 * Schemes without query strings (ftp://, ldap://, …) lose the query entirely.
 */
export function splitQuery(
  filename: string,
  args: string | null,
  opts: { qsappend: boolean; qsdiscard: boolean; qslast: boolean }
): QuerySplit {
  const abs = absoluteUriScheme(filename)
  if (abs.length > 0 && !abs.queryAllowed) return { filename, args: null, at: -1 }
  let nextArgs = opts.qsdiscard ? null : args
  const at = opts.qslast ? filename.lastIndexOf('?') : filename.indexOf('?')
  if (at < 0) return { filename, args: nextArgs, at: -1 }
  const q = filename.slice(at + 1)
  if (opts.qsappend) {
    if (q) nextArgs = `${q}&${nextArgs ?? ''}`
  } else {
    nextArgs = q
  }
  if (nextArgs !== null) {
    if (nextArgs === '') nextArgs = null
    else if (nextArgs.endsWith('&')) nextArgs = nextArgs.slice(0, -1)
  }
  return { filename: filename.slice(0, at), args: nextArgs, at }
}
