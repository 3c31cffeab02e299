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

type HeaderRecord = Record<string, string | number | string[] | undefined>

/** A header's value whatever the spelling of its name (repeated values joined with `, `), or undefined. */
export function getHeader(headers: HeaderRecord, name: string): string | undefined {
  const k = headerKey(headers, name.toLowerCase())
  const v = k === undefined ? undefined : headers[k]
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v)
}

/**
 * Sets a header as `apr_table_setn` does: a header already there, in whatever spelling, gets the
 * value where it stands (httpd writes the lines in table order); a new one goes last, as `name`.
 */
export function setHeader(headers: HeaderRecord, name: string, value: string | string[]): void {
  headers[headerKey(headers, name.toLowerCase()) ?? name] = value
}

/** Removes a header in whatever spelling it has. */
export function deleteHeader(headers: HeaderRecord, name: string): void {
  const k = headerKey(headers, name.toLowerCase())
  if (k !== undefined) delete headers[k]
}
