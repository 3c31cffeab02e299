/**
 * Request-side cacheability (dispatcher-behavior.md §5.3), in the module's own reason words
 * (§8.3, without the `not cacheable: ` prefix) and its debug log lines (§9).
 *
 * Order: the documented list, except that the trailing-slash test runs before the extension
 * test: `/content/site/en/` must report "request URL has a trailing slash" (worked example
 * C8), while its last segment is empty and would otherwise fail the extension test first.
 * Session management (§5.3 step 7) is decided by the farm's SessionManager (session-manager.ts),
 * which the caller hands in; "target is a directory" and the path-length reasons (step 9) need the disk and come from
 * the store's lookup.
 */
import { isIgnoredParam, type CachePolicy } from './policy'
import { cacheFileNameOf } from '../apache-expr/uri-escape'
import type { SessionState } from './session-manager'

export interface CacheRequest {
  method: string
  /** Canonical path (no query): what `/rules` sees. */
  path: string
  /** Fully decoded path: where the file lives below the docroot (§5.2). */
  decodedPath: string
  query: string | null
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>
}

export type RequestCacheability =
  | { cacheable: true; relPath: string; ignoredParams: string[]; log: string[]; session?: SessionState }
  | { cacheable: false; reason: string; log: string[]; session?: SessionState }

export interface CacheabilityEnv {
  /** The docroot folder exists on disk (the store knows); default true. */
  docrootExists?: boolean
  /** With `/sessionmanagement`: where the request's session stands (asked only at step 7). */
  session?: () => SessionState
}

export function requestCacheability(
  policy: CachePolicy,
  req: CacheRequest,
  env: CacheabilityEnv = {}
): RequestCacheability {
  const log: string[] = []
  if (policy.docroot === null || env.docrootExists === false) return no('document root non-existent', log)
  if (req.method !== 'GET' && req.method !== 'HEAD') return no('request needed to be a GET or HEAD', log)

  const ignoredParams: string[] = []
  // An empty query (`/en.html?`) carries no parameter; treated as no query string (UNCERTAIN).
  if (req.query !== null && req.query !== '') {
    if (policy.ignoreUrlParams === null) {
      log.push(`request contains a query string: ${req.query}`)
      return no('request contained a query string', log)
    }
    for (const pair of req.query.split('&')) {
      if (pair === '') continue
      const eq = pair.indexOf('=')
      const name = eq < 0 ? pair : pair.slice(0, eq)
      if (!isIgnoredParam(policy, name)) {
        log.push(`Name not in ignored URL parameters ACL: ${name}`)
        log.push(`request contains a query string: ${req.query}`)
        return no('request contained a query string', log)
      }
      ignoredParams.push(name)
    }
    log.push(`Query string ignored: ${req.query}`)
  }

  if (req.path.endsWith('/')) return no('request URL has a trailing slash', log)
  // The last segment has an extension: a dot after the last slash.
  if (req.path.indexOf('.', req.path.lastIndexOf('/') + 1) < 0) return no('request URL is missing extension', log)
  let session: SessionState | undefined
  if (env.session) {
    // Step 7 instead of step 6. UNCERTAIN: the module's order is not documented; but a session's
    // credential is by default the Authorization header, and /allowAuthorized must be "0" with
    // session management (§5.3), so step 6 first would refuse every session request and the
    // session manager could never let one reach the cache. The session manager decides instead.
    session = env.session()
    if (session.kind === 'none') return no('session manager needs to authenticate', log, session)
    if (session.kind === 'invalid') return no('session is invalid', log, session)
  } else if (!policy.allowAuthorized && carriesAuthorization(req.headers))
    return no('request contains authorization', log)
  if (policy.rules(req.path)?.type !== 'allow') {
    // No matching rule caches nothing, like a deny (UNCERTAIN: the docs only show allow-all first).
    log.push(`request URL not in cache rules: ${req.path}`)
    return no('request URL is missing in cache rules', log, session)
  }
  const relPath = cacheFileNameOf(req.decodedPath)
  // The module would cache it under its raw bytes; the workbench cannot name that file (see cacheFileNameOf).
  if (relPath === null) return no(NOT_UTF8, log, session)
  return { cacheable: true, relPath, ignoredParams, log, session }
}

/** Said in X-Cache-Info as the workbench's own reason: the module itself would cache the URL. */
const NOT_UTF8 =
  'x-workbench: the decoded path is not valid UTF-8; the module stores it under those raw bytes, a file name the workbench cannot write'

function no(reason: string, log: string[], session?: SessionState): RequestCacheability {
  return session ? { cacheable: false, reason, log, session } : { cacheable: false, reason, log }
}

/** An `Authorization` header, or a cookie named `authorization` or `login-token` (§5.3 step 6). */
export function carriesAuthorization(headers: Readonly<Record<string, string>>): boolean {
  if (headers.authorization !== undefined) return true
  const cookie = headers.cookie
  if (!cookie) return false
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=')
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase()
    if (name === 'authorization' || name === 'login-token') return true
  }
  return false
}
