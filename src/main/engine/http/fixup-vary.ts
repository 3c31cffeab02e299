/**
 * httpd's header filter (`fixup_vary`): every Vary line of the answer — the handler's, mod_deflate's,
 * `Header always …` ones from err_headers_out — becomes one Vary header listing each field once
 * (compared without regard to case), joined with bare commas.
 */
import type { OutgoingHttpHeaders } from 'node:http'

/** Frozen header objects (a cached file's, shared by its hits) and what they become, made once. */
const fixed = new WeakMap<OutgoingHttpHeaders, OutgoingHttpHeaders>()

/** `headers` is changed in place unless frozen (the callers own it, as `withServerHeader` assumes). */
export function fixupVary(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (!Object.isFrozen(headers)) return merged(headers, true)
  let out = fixed.get(headers)
  if (out === undefined) {
    out = merged(headers, false)
    if (out !== headers) Object.freeze(out)
    fixed.set(headers, out)
  }
  return out
}

function merged(headers: OutgoingHttpHeaders, inPlace: boolean): OutgoingHttpHeaders {
  let keys: string[] | null = null
  for (const k in headers) if (k.length === 4 && k.toLowerCase() === 'vary') (keys ??= []).push(k)
  if (keys === null) return headers
  const fields: string[] = []
  const seen = new Set<string>()
  for (const k of keys) {
    const v = headers[k]
    for (const line of Array.isArray(v) ? v : [String(v)])
      for (const raw of line.split(',')) {
        const field = raw.trim()
        if (field === '' || seen.has(field.toLowerCase())) continue
        seen.add(field.toLowerCase())
        fields.push(field)
      }
  }
  const value = fields.join(',')
  if (keys.length === 1 && headers[keys[0]] === value) return headers
  // Like apr_table_setn, the one line takes the first one's place. Storing into a property the
  // object has is cheap; building a copy key by key cost more than the rest of the filter.
  if (inPlace && keys.length === 1 && keys[0] === 'vary' && fields.length > 0) {
    headers[keys[0]] = value
    return headers
  }
  const out: OutgoingHttpHeaders = {}
  for (const k in headers) {
    if (!keys.includes(k)) out[k] = headers[k]
    else if (k === keys[0] && fields.length > 0) out.vary = value
  }
  return out
}
