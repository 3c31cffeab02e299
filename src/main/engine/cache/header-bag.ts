/** Response headers as the render client hands them over: lower-case names, repeated ones as arrays. */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>

/** Every value of a header, in order (a repeated header gives several). */
export function headerValues(headers: HeaderBag, name: string): string[] {
  const v = headers[name.toLowerCase()]
  if (v === undefined) return []
  return Array.isArray(v) ? v : [v]
}

/** The comma-separated tokens of a list header (`Cache-Control: private, max-age=60`), lower-cased. */
export function headerTokens(headers: HeaderBag, name: string): string[] {
  const out: string[] = []
  for (const value of headerValues(headers, name)) {
    for (const part of value.split(',')) {
      const t = part.trim().toLowerCase()
      if (t) out.push(t)
    }
  }
  return out
}

/**
 * The key a header has in a record whatever its spelling (`Cache-Control` as the cache serves
 * it, `cache-control` as the render client does), or undefined.
 */
export function headerKey(headers: object, lowerName: string): string | undefined {
  if (lowerName in headers) return lowerName
  for (const k in headers) if (k.toLowerCase() === lowerName) return k
  return undefined
}
