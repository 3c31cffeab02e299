/**
 * Request-target intake exactly as Apache + mod_dispatcher see it (dispatcher-behavior.md §3.1).
 *
 * Apache rejects a malformed escape (`%zz`) with 400 and a decoded NUL or (with the default
 * `AllowEncodedSlashes Off`) an encoded slash with 404, and refuses paths that climb above
 * the root with 400. The Dispatcher then matches filters against a canonical URL: escapes
 * of unreserved characters decoded (so `qu%65ry` is `query`), other escapes kept exactly as
 * sent (its trace shows `%0a`; DISP-704 fixed `%2b` reaching the render altered), dot
 * segments resolved and slashes collapsed (4.3.1, DISP-732). Apache's own fully decoded path
 * is kept apart: it is what the web server looks up in the docroot.
 */

import { escapeUri } from '../apache-expr/uri-escape'

export type EncodedSlashes = 'off' | 'on' | 'nodecode'

export type NormaliseResult =
  | {
      ok: true
      /** Path as received (no query). */
      rawPath: string
      /** Canonical path the Dispatcher matches and forwards. */
      path: string
      /** Fully percent-decoded canonical path (Apache's r->uri): for docroot look-ups. */
      decodedPath: string
      /** Query string without `?`, `null` when the target had no `?`. */
      query: string | null
      /** What was changed, in words, for the trace. */
      steps: string[]
    }
  | {
      ok: false
      status: 400 | 404
      reason: string
      /** httpd refuses it with the request line, before it reads the Host header: a fragment, an unreadable target. */
      requestLine?: true
      /** `r->uri` as httpd left it when it gave up (%{REQUEST_URI} of the error's answer). */
      uri: string
      /** `r->args`: the query, `null` when the target had no `?`. */
      query: string | null
    }

const HEX = /^[0-9A-Fa-f]{2}$/

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x7e
  )
}

/**
 * An absolute-form target (`http://host:port/path?query`) as apr_uri_parse reads it and httpd's
 * strict request-line check (ap_parse_request_line) then judges it: null when httpd refuses it
 * with 400 — a scheme other than http or https, user information before the host, a port that
 * is not a number. `authority` (lower-cased) is set for the `http` scheme only: httpd takes the
 * virtual host from the URL when the scheme is the listener's own (ap_parse_uri), even an empty
 * host name (`http:///x`, `http://:80/x`), and from the Host header otherwise.
 */
export function absoluteTarget(target: string): {
  rest: string
  /** For an `http://` URL with an authority: its host name (may be empty) and port text (null: no colon). */
  authority?: { name: string; port: string | null }
} | null {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(target)
  if (!m) return null
  const scheme = m[1].toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return null
  let rest = m[2]
  let authority: { name: string; port: string | null } | undefined
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/)
    const text = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end)
    rest = end < 0 ? '' : rest.slice(2 + end)
    if (text.includes('@')) return null
    const port = /:([^:\]]*)$/.exec(text)
    if (port && !/^\d*$/.test(port[1])) return null
    // apr_uri_parse's hostname (brackets kept here) and port_str ('' after a bare colon).
    if (scheme === 'http')
      authority = { name: (port ? text.slice(0, -port[0].length) : text).toLowerCase(), port: port ? port[1] : null }
  }
  return authority ? { rest, authority } : { rest }
}

/**
 * r->hostname and the port text as ap_parse_uri leaves them for an `http://` target (the scheme
 * in any case) of a head httpd refuses before it reads the Host header (ap_parse_request_line
 * parses the target before it reports what is wrong with the line): the host as written, its
 * case and a trailing dot kept (fix_hostname never runs), user information dropped; `port` null
 * without a colon. Null when the target names no host or apr_uri_parse fails on it (a port that
 * is not a number).
 */
export function refusedTargetHost(target: string): { name: string; port: string | null } | null {
  const m = /^http:\/\/([^/?#]*)/i.exec(target)
  if (!m) return null
  const hostinfo = m[1].slice(m[1].lastIndexOf('@') + 1)
  // An IPv6 literal's colons are not the port's (brackets kept, as absoluteTarget keeps them).
  const close = hostinfo.startsWith('[') ? hostinfo.indexOf(']') : -1
  const colon = hostinfo.indexOf(':', close + 1)
  if (colon < 0) return { name: hostinfo, port: null }
  const port = hostinfo.slice(colon + 1)
  return /^\d*$/.test(port) ? { name: hostinfo.slice(0, colon), port } : null
}

/**
 * A CONNECT request's authority-form target (`host:port`) as apr_uri_parse_hostinfo reads it:
 * a host (an IPv6 literal in brackets; it may be empty) and a port made of digits; null when httpd
 * refuses the request line with 400. httpd takes the virtual host from `hostname` (an empty one,
 * like an empty Host header, names none), maps the request to `/` (ap_parse_uri), and replaces a
 * Host header with `host` (construct_host_header), both lower-cased as fix_hostname leaves them.
 */
export function connectTarget(target: string): { host: string; hostname: string } | null {
  let colon: number
  if (target.startsWith('[')) {
    const close = target.indexOf(']')
    if (close < 0 || target[close + 1] !== ':') return null
    colon = close + 1
  } else colon = target.indexOf(':')
  // apr_uri_parse_hostinfo's strtol reads a sign too (`:+80`).
  if (colon < 0 || !/^[+-]?\d+$/.test(target.slice(colon + 1))) return null
  const host = target.toLowerCase()
  return { host, hostname: host.slice(0, colon) }
}

/**
 * A target with no path (`?a=b`, `http://host`, `http://host?x`): ap_parse_uri makes an OPTIONS
 * for it a request for `*`, about the server itself.
 */
export function hasNoPath(target: string): boolean {
  if (target.startsWith('?')) return true
  const rest = absoluteTarget(target)?.rest
  return rest !== undefined && (rest === '' || rest.startsWith('?'))
}

/** Splits an origin-form or absolute-form target into path and query. */
export function splitTarget(target: string): { path: string; query: string | null } | null {
  let t = target
  const hash = t.indexOf('#')
  if (hash >= 0) t = t.slice(0, hash)
  // An empty path before a query (`?a=b`) is `/` to apr_uri_parse (it leaves the path unset).
  if (t.startsWith('?')) t = '/' + t
  else if (!t.startsWith('/')) {
    const abs = absoluteTarget(t)
    if (!abs) return null
    t = abs.rest === '' || abs.rest.startsWith('?') ? '/' + abs.rest : abs.rest
    if (!t.startsWith('/')) return null
  }
  const q = t.indexOf('?')
  return q < 0 ? { path: t, query: null } : { path: t.slice(0, q), query: t.slice(q + 1) }
}

/** A URL with a scheme and an authority. */
const OTHER_SCHEME_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//
/** User information before the host, which the request line is refused for, whatever the scheme. */
const USER_INFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/

/**
 * r->uri and r->args as ap_parse_uri leaves them for a target splitTarget does not take (one httpd
 * refuses): apr_uri_parse's path and query, a scheme and an authority dropped, the fragment
 * apart; no path is `/`. `mailto:x` gives `x`, `foo?a#b` gives `foo` and `a`. Where apr_uri_parse
 * fails (a port that is not a number), r->uri is the whole target.
 */
export function aprPathQuery(target: string): { path: string; query: string | null } {
  let rest = target
  const scheme = /^[A-Za-z0-9+.-]+:/.exec(rest)
  if (scheme) {
    rest = rest.slice(scheme[0].length)
    if (rest.startsWith('//')) {
      const end = rest.slice(2).search(/[/?#]/)
      const hostinfo = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end)
      if (!/^(?:[^@]*@)?(?:\[[^\]]*\]|[^:[]*)(?::\d*)?$/.test(hostinfo)) return { path: target, query: null }
      rest = end < 0 ? '' : rest.slice(2 + end)
    }
  }
  const hash = rest.indexOf('#')
  if (hash >= 0) rest = rest.slice(0, hash)
  const q = rest.indexOf('?')
  const path = q < 0 ? rest : rest.slice(0, q)
  return { path: path === '' ? '/' : path, query: q < 0 ? null : rest.slice(q + 1) }
}

/**
 * `mergeSlashes` false (`MergeSlashes Off`): httpd's r->uri keeps runs of slashes, and a `..`
 * removes the empty segment before it; the Dispatcher's own path still has them collapsed
 * (DISP-732), after the dot segments were resolved the same way.
 */
export function normaliseTarget(
  target: string,
  encodedSlashes: EncodedSlashes = 'off',
  mergeSlashes = true
): NormaliseResult {
  // What httpd refuses while it reads the request line (ap_parse_request_line), before it knows
  // the virtual host: a fragment (a browser never sends one), or a target that is neither a path
  // nor an absolute URL (`OPTIONS *` is answered before normalisation, stages/accept.ts).
  const split = splitTarget(target)
  if (target.includes('#')) {
    // apr_uri_parse has read the target (its path and query, the fragment apart) when the
    // fragment is refused.
    const parsed = split ?? { path: target.slice(0, target.indexOf('#')), query: null }
    const reason = `a fragment ('#') in the request target '${target}'`
    return { ok: false, status: 400, reason, requestLine: true, uri: parsed.path, query: parsed.query }
  }
  if (!split) {
    const parsed = aprPathQuery(target)
    // Another scheme's URL (`ftp://h/x`) that apr_uri_parse reads, without user information,
    // passes the request line: httpd refuses it later, once the Host header chose the vhost,
    // whose ErrorDocument answers (apache2 2.4.68).
    if (
      OTHER_SCHEME_URL.test(target) &&
      !/^https?:/i.test(target) &&
      parsed.path !== target &&
      !USER_INFO.test(target)
    ) {
      const reason = `a request for another scheme's URL '${target}'`
      return { ok: false, status: 400, reason, uri: parsed.path, query: parsed.query }
    }
    const reason = `invalid request target '${target}'`
    return { ok: false, status: 400, reason, requestLine: true, uri: parsed.path, query: parsed.query }
  }
  const rawPath = split.path
  const steps: string[] = []

  // Pass 1: validate escapes like ap_unescape_url, decode unreserved ones. httpd normalises the
  // path before it unescapes it, so what unescaping refuses is refused after a climb above the
  // root is; and ap_unescape_url reads the whole path first: a malformed escape anywhere (400)
  // wins over a NUL or an encoded slash (404).
  let canonical = rawPath
  let decoded = rawPath
  let badEscape: string | undefined
  let badPath: string | undefined
  if (rawPath.includes('%')) {
    canonical = ''
    decoded = ''
    for (let i = 0; i < rawPath.length; i++) {
      const ch = rawPath[i]
      if (ch !== '%') {
        canonical += ch
        decoded += ch
        continue
      }
      const hex = rawPath.slice(i + 1, i + 3)
      if (!HEX.test(hex)) {
        badEscape ??= `malformed percent-escape '%${hex}' in '${rawPath}'`
        canonical += ch
        decoded += ch
        continue
      }
      const code = parseInt(hex, 16)
      if (code === 0 || (code === 0x2f && encodedSlashes === 'off')) {
        badPath ??=
          code === 0
            ? `encoded NUL byte (%00) in '${rawPath}'`
            : `encoded slash (%2F) in '${rawPath}' with AllowEncodedSlashes Off`
        canonical += '%' + hex
        decoded += String.fromCharCode(code)
      } else if (code === 0x2f) {
        // Decoded (On) only after the path was normalised with it still encoded (below).
        canonical += encodedSlashes === 'on' ? ENCODED_SLASH : '%' + hex
        decoded += encodedSlashes === 'on' ? ENCODED_SLASH : '%' + hex
      } else if (isUnreserved(code)) {
        canonical += String.fromCharCode(code)
        decoded += String.fromCharCode(code)
      } else {
        canonical += '%' + hex
        decoded += String.fromCharCode(code)
      }
      i += 2
    }
  }
  // The trace shows `%2F` where the placeholder stands while it waits to be decoded.
  const shown = (p: string): string => (encodedSlashes === 'on' ? p.replaceAll(ENCODED_SLASH, '%2F') : p)
  if (canonical !== rawPath) steps.push(`decoded unreserved escapes: '${rawPath}' → '${shown(canonical)}'`)

  const merged = mergeSlashes && canonical.includes('//') ? collapseSlashes(canonical) : canonical
  if (merged !== canonical) steps.push(`collapsed double slashes: '${shown(canonical)}' → '${shown(merged)}'`)

  const walked = removeDotSegments(merged)
  const refused = (status: 400 | 404, reason: string, uri: string): NormaliseResult => ({
    ok: false,
    status,
    reason,
    uri: shown(uri),
    query: split.query
  })
  // r->uri as normalised so far: ap_normalize_path goes on past a `..` above the root.
  if (walked === null)
    return refused(400, `path '${rawPath}' climbs above the root`, removeDotSegments(merged, 'drop') as string)
  // A malformed escape leaves r->uri as it was; a NUL or a slash only is decoded, up to the NUL.
  if (badEscape !== undefined) return refused(400, badEscape, walked)
  if (badPath !== undefined)
    return refused(404, badPath, unescapeAll(walked.replaceAll(ENCODED_SLASH, '/'), encodedSlashes).split('\0')[0])
  if (walked !== merged) steps.push(`resolved dot segments: '${shown(merged)}' → '${shown(walked)}'`)
  // With MergeSlashes Off only r->uri keeps its slashes; the Dispatcher collapses them still.
  const resolved = mergeSlashes || !walked.includes('//') ? walked : collapseSlashes(walked)
  if (resolved !== walked)
    steps.push(
      `collapsed double slashes for the Dispatcher (MergeSlashes Off keeps them for httpd): '${shown(walked)}' → '${shown(resolved)}'`
    )

  let decodedPath =
    decoded === canonical ? walked : (removeDotSegments(mergeSlashes ? collapseSlashes(decoded) : decoded) ?? walked)
  if (decodedPath !== walked && decodedPath.includes('\0')) decodedPath = walked
  if (encodedSlashes === 'on' && resolved.includes(ENCODED_SLASH)) {
    // ap_process_request_internal: decoding `%2F` may make new `//`, `..` or `.` segments, so the
    // path is normalised again (runs of slashes merged unless MergeSlashes Off); a `..` above the
    // root is dropped, not refused.
    const again = (p: string, merge: boolean): string => {
      const decodedSlashes = p.replaceAll(ENCODED_SLASH, '/')
      return removeDotSegments(merge ? collapseSlashes(decodedSlashes) : decodedSlashes, 'drop') as string
    }
    // The Dispatcher's path has its slashes collapsed whatever MergeSlashes says (DISP-732).
    const path = again(resolved, true)
    steps.push(`decoded encoded slashes (AllowEncodedSlashes On): '${shown(resolved)}' → '${path}'`)
    return { ok: true, rawPath, path, decodedPath: again(decodedPath, mergeSlashes), query: split.query, steps }
  }
  return { ok: true, rawPath, path: resolved, decodedPath, query: split.query, steps }
}

/**
 * Every escape of a path whose escapes are all well-formed, decoded (one byte a character) as
 * ap_unescape_url does: `%2F` is kept with AllowEncodedSlashes NoDecode.
 */
function unescapeAll(p: string, encodedSlashes: EncodedSlashes): string {
  return p.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) =>
    encodedSlashes === 'nodecode' && hex.toUpperCase() === '2F' ? escape : String.fromCharCode(parseInt(hex, 16))
  )
}

function collapseSlashes(p: string): string {
  return p.replace(/\/{2,}/g, '/')
}

/** Where `%2F` stood while the path is normalised with it encoded (no byte of a path is above 0xFF). */
const ENCODED_SLASH = '\u0100'

/**
 * The Dispatcher's view of a path mod_rewrite produced (`[PT]` with `DispatcherUseProcessedURL
 * On`): mod_rewrite works on Apache's decoded `r->uri`, so the result is escaped again where a
 * path cannot hold a character raw (space, `%`, `?`, `#`, controls, non-ASCII…), then
 * canonicalised like a received target — slashes collapsed, dot segments resolved — so filters,
 * cache paths and the render see the same canonical form as for a URL sent that way.
 * Null when the result climbs above the root.
 */
export function canonicalRewrittenPath(
  uri: string,
  encodedSlashes: EncodedSlashes
): { path: string; decodedPath: string } | null {
  // Apache's own ap_escape_uri: what a path may hold raw stays, `?`, `#` and non-ASCII are escaped.
  // Its hex is lower case; the canonical form is the one browsers send (upper case), so a path
  // rewritten to is the same to the filters and the cache as that path requested directly.
  let escaped = escapeUri(uri).replace(/%[0-9a-f]{2}/g, (e) => e.toUpperCase())
  // With AllowEncodedSlashes NoDecode, r->uri keeps `%2F` as received: it is not escaped again.
  if (encodedSlashes === 'nodecode') escaped = escaped.replace(/%252F/gi, '%2F')
  const n = normaliseTarget(escaped, encodedSlashes)
  return n.ok ? { path: n.path, decodedPath: n.decodedPath } : null
}

/**
 * RFC 3986 §5.2.4 on an absolute path; `null` when `..` would leave the root (Apache 400), or
 * with `aboveRoot` `drop`, that `..` is left out (ap_normalize_path's failure ignored).
 * `..;` is an ordinary segment here — the servlet container disagrees (pitfall §10.3).
 */
export function removeDotSegments(p: string, aboveRoot: 'refuse' | 'drop' = 'refuse'): string | null {
  // A dot segment starts right after a slash.
  if (!p.includes('/.') && (p.startsWith('/') || !p.includes('.'))) return p
  const segments = p.split('/')
  const out: string[] = []
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]
    if (s === '.') {
      if (i === segments.length - 1) out.push('')
      continue
    }
    if (s === '..') {
      if (out.length === 0 && aboveRoot === 'refuse') return null
      out.pop()
      if (i === segments.length - 1) out.push('')
      continue
    }
    out.push(s)
  }
  return '/' + out.join('/')
}
