/**
 * Sling URL decomposition as the Dispatcher does it (dispatcher-behavior.md §4.1): lexically, since
 * the Dispatcher cannot know which resources exist. The path segment holding the first `.` is split
 * at that dot: before it is the resource path; the rest of that segment, split on `.`, gives the
 * selectors and (last token) the extension; the following segments form the suffix.
 *
 * Consequences the spec lists as deliberate: `/etc.clientlibs/site/x.css` has path `/etc`,
 * extension `clientlibs` and suffix `/site/x.css` (pitfall §10.7); a dot in a directory name ends
 * the path there; `/crx/de/index.jsp;%0aa.css` has extension `css` (pitfall §10.2).
 *
 * UNCERTAIN, chosen here: empty selector tokens (`a..html`, `a.b..c.html`) are dropped, as Sling
 * drops them, so `a..html` has no selectors; a trailing dot (`page.`) gives an empty extension.
 */

export interface SlingParts {
  /** Everything before the first dot (the whole URL when there is none). */
  path: string
  /** Tokens between the path and the extension, in order; empty when there are none. */
  selectors: string[]
  /** `''` when the URL has no dot. */
  extension: string
  /** From the `/` after the extension to the end; `''` when there is none. */
  suffix: string
}

export function decompose(urlPathWithoutQuery: string): SlingParts {
  const url = urlPathWithoutQuery
  const dot = url.indexOf('.')
  if (dot < 0) return { path: url, selectors: [], extension: '', suffix: '' }
  const slash = url.indexOf('/', dot)
  const rest = slash < 0 ? url.slice(dot + 1) : url.slice(dot + 1, slash)
  const tokens = rest.split('.')
  const extension = tokens.pop() ?? ''
  return {
    path: url.slice(0, dot),
    selectors: tokens.filter((t) => t !== ''),
    extension,
    suffix: slash < 0 ? '' : url.slice(slash)
  }
}
