/**
 * Sticky connections (dispatcher-behavior.md §6.2): requests under `/stickyConnectionsFor`
 * or a `/stickyConnections/paths` entry go to the render named by the `renderid` cookie, and
 * the module sets that cookie on their answers.
 *
 * Choices where the documentation is silent (UNCERTAIN, §13):
 * - a path is sticky when it starts with a configured entry as a plain string prefix, the
 *   way a C `strncmp` would compare (`/products` covers `/products/a.html` and also
 *   `/products.html`, the page of that folder);
 * - the value is the render's name (its label in `/renders`, "render name" in DC);
 * - `Path=/` because one cookie steers every request of the farm (§6.1 reads it for any
 *   URI), and no `Expires`/`Max-Age`: a session cookie, so a browser restart rebalances;
 * - `Domain=` carries `/stickyConnections/domain` when it is set;
 * - the cookie is sent only when the request did not already name the render that answered
 *   (first visit, or the named render failed and another one took over).
 * `HttpOnly` follows `/httpOnly "1"`; `Secure` follows `/secure "1"` or, with the default
 * `"0"`, an incoming HTTPS request (DC, 4.3.1 DISP-715).
 */
import type { StickyConnections } from '../../../shared/config-model'

export const RENDERID_COOKIE = 'renderid'

export interface StickyPolicy {
  readonly paths: readonly string[]
  isSticky(path: string): boolean
  /** The `Set-Cookie` header value naming `renderName`. */
  cookie(renderName: string, secureRequest: boolean): string
  /**
   * The `Set-Cookie` value for an answer to `path` from `renderName`, or `null` when the path
   * is not sticky or the request's `renderid` already names that render.
   */
  setCookieFor(
    path: string,
    cookieHeader: string | undefined,
    renderName: string,
    secureRequest: boolean
  ): string | null
}

/** `null` when the farm has no sticky paths. */
export function compileSticky(config: StickyConnections | undefined): StickyPolicy | null {
  if (!config || config.paths.length === 0) return null
  const paths = config.paths.map((p) => p.value).filter((p) => p.length > 0)
  if (paths.length === 0) return null
  const domain = config.domain?.value
  const httpOnly = config.httpOnly.value
  const alwaysSecure = config.secure.value
  const isSticky = (path: string): boolean => paths.some((p) => path.startsWith(p))
  const cookie = (renderName: string, secureRequest: boolean): string => {
    let c = `${RENDERID_COOKIE}=${renderName}; Path=/`
    if (domain) c += `; Domain=${domain}`
    if (alwaysSecure || secureRequest) c += '; Secure'
    if (httpOnly) c += '; HttpOnly'
    return c
  }
  return {
    paths,
    isSticky,
    cookie,
    setCookieFor(path, cookieHeader, renderName, secureRequest) {
      if (!isSticky(path)) return null
      if (readRenderId(cookieHeader) === renderName) return null
      return cookie(renderName, secureRequest)
    }
  }
}

/** The value of the first `renderid` cookie in a `Cookie` header, or `null`. */
export function readRenderId(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== RENDERID_COOKIE) continue
    const value = part.slice(eq + 1).trim()
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
  }
  return null
}
