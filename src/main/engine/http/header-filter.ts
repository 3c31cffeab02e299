/**
 * httpd's header filter: ap_http_header_filter's check_headers (http_filters.c, httpd 2.4.24
 * and later, HttpProtocolOptions Strict, the default) looks at every field of r->headers_out
 * and r->err_headers_out before the head goes out, and refuses the answer (ap_die with 500) for
 * an empty name (AH02428), a name that is no token (AH02429) or a value with a control
 * character, a bare CR or DEL (AH02430). Two kinds of field meet it: a backend's, which both
 * mod_proxy (apache-proxy.ts) and mod_dispatcher (the render stage) put there, all but the
 * hop-by-hop ones each drops (measured against apache2 2.4.68 through mod_proxy); and the
 * server's own, which `Header` directives or an r->uri decoded into one can make refusable.
 */
import { asLogged } from './backend-head'
import { withoutHopHeaders } from '../pipeline/hop-headers'
import { FIELD_VALUE_CONTROL, HTTP_TOKEN } from './token'

/**
 * The first of `fields` (as the backend sent them, in order) check_headers refuses, in words
 * for the trace ('whose X-Bad header value …, which httpd's header filter refuses (AH02430)'),
 * or null when it passes them all. `hop`: the fields the module drops before they reach
 * r->headers_out, and so are never checked.
 */
export function headerFilterRefusal(fields: readonly [string, string][], hop: ReadonlySet<string>): string | null {
  const byName: Record<string, string[]> = {}
  for (const [name, value] of fields) (byName[name.toLowerCase()] ??= []).push(value)
  const kept = withoutHopHeaders(byName, hop)
  for (const [name, value] of fields) {
    if (!(name.toLowerCase() in kept)) continue
    if (name === '') return 'which has a header line without a name (AH02428)'
    if (!HTTP_TOKEN.test(name))
      return `whose header name '${asLogged(name)}' is no token, which httpd's header filter refuses (AH02429)`
    if (FIELD_VALUE_CONTROL.test(value))
      return `whose ${name} header value '${asLogged(value)}' holds a control character, which httpd's header filter refuses (AH02430)`
  }
  return null
}

/**
 * check_headers on the head the workbench is about to send (the `Header` directives' values, an
 * r->uri decoded into one): the first name or value it refuses, in words for the trace, or null.
 * A value with a control character (AH02430) is what a configuration most often makes; a name
 * is tested too, as httpd refuses `Header set "X Y" z` here (AH02429).
 */
export function ownHeaderRefusal(headers: Readonly<Record<string, unknown>>): string | null {
  // Run on every head that goes out: a string value is tested as it is (no array around it),
  // a number (Content-Length) holds digits only, and a name seen before is not tested again.
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined || typeof value === 'number') continue
    if (name === '') return "a header line without a name, which httpd's header filter refuses (AH02428)"
    if (!isTokenName(name))
      return `header name '${asLogged(name)}' is no token, which httpd's header filter refuses (AH02429)`
    if (typeof value === 'string') {
      if (FIELD_VALUE_CONTROL.test(value)) return controlInValue(name, value)
    } else if (Array.isArray(value)) {
      for (const one of value) {
        const text = String(one)
        if (FIELD_VALUE_CONTROL.test(text)) return controlInValue(name, text)
      }
    } else if (FIELD_VALUE_CONTROL.test(String(value))) return controlInValue(name, String(value))
  }
  return null
}

function controlInValue(name: string, value: string): string {
  return `${name} header value '${asLogged(value)}' holds a control character, which httpd's header filter refuses (AH02430)`
}

/**
 * Header names that passed the token test: a site sends a few dozen, again and again. Bounded,
 * as names can come from a render (a cached file's stored headers).
 */
const TOKEN_NAMES = new Set<string>()

function isTokenName(name: string): boolean {
  if (TOKEN_NAMES.has(name)) return true
  if (!HTTP_TOKEN.test(name)) return false
  if (TOKEN_NAMES.size < 1024) TOKEN_NAMES.add(name)
  return true
}
