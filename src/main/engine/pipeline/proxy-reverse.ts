/**
 * mod_proxy's `ProxyPassReverse` (`ap_proxy_location_reverse_map`): in an answer mod_proxy
 * relays — from a `ProxyPass` or a rewrite `[P]` alike — the `Location`, `Content-Location` and
 * `URI` headers that start with a mapping's backend URL get the mapping's local path instead,
 * made absolute with this server's scheme, name and port; `ProxyPassReverseCookiePath` and
 * `ProxyPassReverseCookieDomain` rewrite the `path=` and `domain=` of its `Set-Cookie` headers
 * (`ap_proxy_cookie_reverse_map`).
 *
 * The mappings in effect are the server's and the vhost's, then those of the `<Location>`
 * sections the request is in (the one-argument form, whose path is the section's argument, a
 * `<LocationMatch>` regex included), in that order: the first that matches decides, whichever
 * ProxyPass forwarded the request. A backend URL that is a path (`/`) matches the path of any
 * URL. Hand-written: these are mod_proxy's own rules (checked against apache2 2.4.71).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { isUrl } from '../config/apache/alias-directives'

/** One mapping (`struct proxy_alias` in `raliases`): a URL starting with `real` becomes `fake` + the rest. */
export interface ReverseAlias {
  fake: string
  real: string
}

/** What mod_proxy maps in a relayed answer, in the order httpd merges the contexts. */
export interface ReverseMaps {
  locations: ReverseAlias[]
  /** `ProxyPassReverseCookiePath internal public`: `fake` the backend's path, `real` the public one. */
  cookiePaths: ReverseAlias[]
  /** `ProxyPassReverseCookieDomain internal public`, the same way round. */
  cookieDomains: ReverseAlias[]
}

/** The headers mod_proxy_http maps with `ap_proxy_location_reverse_map`. */
const MAPPED = ['location', 'content-location', 'uri']

/** `url` as the mappings leave it; `construct`: ap_construct_url for a local path. */
export function reverseMapped(
  url: string,
  aliases: readonly ReverseAlias[],
  construct: (uri: string) => string
): string {
  // httpd keeps the length of the part compared from one mapping to the next (its l1 is only
  // reset for a backend that is a path): a later full-URL mapping can then fail to match.
  let compared = url.length
  for (const { fake, real } of aliases) {
    let part = url
    if (real.startsWith('/')) {
      const scheme = url.indexOf('://')
      const slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3)
      if (slash >= 0) {
        part = url.slice(slash)
        compared = part.length
      }
    }
    if (real.length > 0 && compared >= real.length && part.slice(0, real.length).toLowerCase() === real.toLowerCase()) {
      const mapped = fake + part.slice(real.length)
      return isUrl(mapped) ? mapped : construct(mapped)
    }
  }
  return url
}

/**
 * A Set-Cookie value with its `path=` and `domain=` values replaced whole by the first mapping
 * whose backend value starts them (the path compared case-sensitively, the domain not).
 * ap_proxy_cookie_reverse_map splits the value at each `;` (apr_strtok) and reads the
 * attributes that begin a piece (leading spaces skipped, the name in any case), so the last
 * `path=` and the last `domain=` are the ones mapped, and an `xpath=` is none (measured against
 * apache2 2.4.68: `path=/b/x; path=/b/y` maps `/b/y` only, `path=/b/x; path=/o` nothing).
 */
export function cookieMapped(cookie: string, maps: ReverseMaps): string {
  const found: Record<string, { at: number; end: number }> = {}
  for (let start = 0; start <= cookie.length;) {
    const semi = cookie.indexOf(';', start)
    const end = semi < 0 ? cookie.length : semi
    const lead = /^\s*(path=|domain=)?/i.exec(cookie.slice(start, end))
    const name = lead?.[1]?.toLowerCase()
    if (lead && name) found[name] = { at: start + lead[0].length, end }
    start = end + 1
  }
  const edits: { at: number; end: number; value: string }[] = []
  const attribute = (name: string, entries: ReverseAlias[], caseless: boolean): void => {
    const where = found[name]
    if (where === undefined) return
    const value = cookie.slice(where.at, where.end)
    const hit = entries.find((e) =>
      caseless ? value.toLowerCase().startsWith(e.fake.toLowerCase()) : value.startsWith(e.fake)
    )
    if (hit) edits.push({ ...where, value: hit.real })
  }
  attribute('path=', maps.cookiePaths, false)
  attribute('domain=', maps.cookieDomains, true)
  let out = cookie
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.value + out.slice(e.end)
  return out
}

/** The relayed headers with the mapped ones changed in place (they belong to this one answer). */
export function reverseMapHeaders(
  headers: OutgoingHttpHeaders,
  maps: () => ReverseMaps,
  construct: (uri: string) => string
): OutgoingHttpHeaders {
  let known: ReverseMaps | undefined
  for (const name of MAPPED) {
    const value = headers[name]
    if (typeof value !== 'string') continue
    known ??= maps()
    if (known.locations.length > 0) headers[name] = reverseMapped(value, known.locations, construct)
  }
  const cookies = headers['set-cookie']
  if (cookies !== undefined) {
    known ??= maps()
    if (known.cookiePaths.length > 0 || known.cookieDomains.length > 0) {
      const m = known
      headers['set-cookie'] = Array.isArray(cookies)
        ? cookies.map((c) => cookieMapped(c, m))
        : cookieMapped(String(cookies), m)
    }
  }
  return headers
}
