/**
 * How the demo render reads a request path, the way Sling would for content that has no
 * dots in its names: the first dot starts the selectors and extension, and whatever follows
 * that segment is the suffix. (The Dispatcher's own decomposition lives in `match/`; this
 * one only serves the fictional publish instance.)
 */
export interface SlingPath {
  resourcePath: string
  selectors: string[]
  extension: string
  suffix: string
}

export function parseSlingPath(pathname: string): SlingPath {
  const dot = pathname.indexOf('.')
  if (dot < 0) return { resourcePath: pathname, selectors: [], extension: '', suffix: '' }
  const segmentEnd = pathname.indexOf('/', dot)
  const tail = segmentEnd < 0 ? pathname.slice(dot + 1) : pathname.slice(dot + 1, segmentEnd)
  const parts = tail.split('.')
  return {
    resourcePath: pathname.slice(0, dot),
    selectors: parts.slice(0, -1),
    extension: parts[parts.length - 1],
    suffix: segmentEnd < 0 ? '' : pathname.slice(segmentEnd)
  }
}
