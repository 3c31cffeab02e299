/**
 * The pure string functions of ap_expr (also behind mod_rewrite's `int:` maps). Case
 * conversion is ASCII-only, as `ap_str_tolower` in the C locale; digests are lower-case hex.
 */
import { createHash } from 'node:crypto'
import { escapeUri, unescapeBytes } from './uri-escape'

export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase())
}

export function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase())
}

export type PureStringFunction =
  'tolower' | 'toupper' | 'escape' | 'unescape' | 'base64' | 'unbase64' | 'md5' | 'sha1' | 'ldap'

export function applyStringFunction(name: PureStringFunction, arg: string): string {
  switch (name) {
    case 'tolower':
      return asciiLower(arg)
    case 'toupper':
      return asciiUpper(arg)
    case 'escape':
      return escapeUri(arg)
    case 'unescape': {
      // ap_unescape_url_keep2f: %2F stays encoded; a bad escape or %00 yields "". The result is
      // bytes (a byte string, as the expression's strings are), not decoded UTF-8.
      const r = unescapeBytes(arg, { keepSlashes: true })
      return r.badEscape || r.forbidden ? '' : r.value
    }
    case 'base64':
      return Buffer.from(arg, 'latin1').toString('base64')
    case 'unbase64': {
      // apr_base64_decode: only the characters before the first one outside the alphabet, and the
      // bytes as bytes (the result is a C string: a NUL ends it).
      const valid = /^[A-Za-z0-9+/]*/.exec(arg)![0]
      const bytes = Buffer.from(valid, 'base64').toString('latin1')
      const nul = bytes.indexOf('\0')
      return nul < 0 ? bytes : bytes.slice(0, nul)
    }
    case 'md5':
      return createHash('md5').update(arg, 'latin1').digest('hex')
    case 'ldap':
      // The core's ldap() (apr_pescape_ldap, DN and filter escaping alike): `\xx`, lower-case hex.
      return arg.replace(/[\\,+<>;"*()\0]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0'))
    case 'sha1':
      return createHash('sha1').update(arg, 'latin1').digest('hex')
  }
}
