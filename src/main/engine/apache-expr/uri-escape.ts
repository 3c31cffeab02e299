/**
 * Apache's URL escaping helpers, byte for byte: `ap_escape_uri` (used by mod_rewrite redirects,
 * `int:escape` and ap_expr `escape()`), mod_rewrite's back-reference escaping (`[B]`) and
 * `ap_unescape_url`. Apache works on bytes; strings here are byte strings (see `bytesOf`), and
 * the hex digits are lower case as Apache writes them (`%3f`, not `%3F`).
 */

import { isUtf8 } from 'node:buffer'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8')

const hex = (b: number): string => `%${b.toString(16).padStart(2, '0')}`
const isAlnum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)

/** Characters `ap_os_escape_path` leaves alone besides letters and digits (T_OS_ESCAPE_PATH). */
const PATH_SAFE = new Set([..."$-_.+!*'(),:;@&=/~"].map((c) => c.charCodeAt(0)))

function mapBytes(s: string, f: (b: number) => string): string {
  let out = ''
  for (const b of bytesOf(s)) out += f(b)
  return out
}

/**
 * The bytes a string stands for. Request data (the decoded path, header values) are byte
 * strings here, one character per byte, as httpd holds them; configuration text is converted
 * to that form where it joins them (`toByteString`). A character above U+00FF can only be
 * text that was not converted: it counts as its UTF-8 bytes.
 */
function bytesOf(s: string): Iterable<number> {
  let wide = false
  for (let i = 0; i < s.length && !wide; i++) wide = s.charCodeAt(i) > 0xff
  if (!wide) return Buffer.from(s, 'latin1')
  const out: number[] = []
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c <= 0xff) out.push(c)
    else out.push(...encoder.encode(ch))
  }
  return out
}

/** A space or an ASCII control character: what httpd refuses in a target, a rewritten query, a nocanon URL. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
export const CONTROL_OR_SPACE = /[\x00-\x20\x7f]/

/** Configuration text (UTF-8) as the byte string httpd sees: `é` becomes the two characters of its bytes. */
export function toByteString(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1')
}

/**
 * A decoded request path (a byte string, as httpd's `r->uri`) as the file name it names on
 * disk: its bytes read as UTF-8, the encoding Linux file names and AEM's paths use, so
 * `/caf%C3%A9.html` is the file `café.html`. A byte that is not valid UTF-8 (`%E9` alone)
 * becomes U+FFFD: such a name never aliases a UTF-8 one (httpd would look for the raw byte,
 * which a JavaScript file name cannot express), and the cache stores and finds it consistently.
 */
export function fileNameOf(byteString: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(byteString)) return byteString
  return Buffer.from(byteString, 'latin1').toString('utf8')
}

/**
 * A byte string (a decoded request path, a CQ-Handle as received) as the cache's file name:
 * its bytes read as UTF-8, or null when they are not valid UTF-8. The module names such a file
 * by its raw bytes (`%E9` and `%E8` are two files); a JavaScript string cannot, and the lossy
 * reading of `fileNameOf` would give both U+FFFD, one file for different URLs. The cache keeps
 * string paths throughout (Buffer paths end to end would touch every store, listing and flush
 * module for a case AEM's UTF-8 paths never produce), so callers leave such a path uncached.
 */
export function cacheFileNameOf(byteString: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(byteString)) return byteString
  const bytes = Buffer.from(byteString, 'latin1')
  return isUtf8(bytes) ? bytes.toString('utf8') : null
}

/** `ap_escape_uri`: percent-encode every byte that may not appear in a URL path. */
export function escapeUri(s: string): string {
  return mapBytes(s, (b) => (isAlnum(b) || PATH_SAFE.has(b) ? String.fromCharCode(b) : hex(b)))
}

export interface BackrefEscapeOptions {
  /** `[B=chars]`: escape only these characters. */
  only?: string
  /** `[BNE=chars]`: escape everything `[B]` would, except these characters. */
  except?: string
  /** `[BCTLS]`: escape only control characters and the space. */
  controlsOnly?: boolean
  /** `[BNP]`: a space becomes `%20`, not `+`. */
  noPlus?: boolean
}

/** mod_rewrite `escape_backref`: what `[B]` does to each `$N`/`%N` before it is substituted. */
export function escapeBackref(s: string, opts: BackrefEscapeOptions = {}): string {
  const only = opts.only ? new Set(encoder.encode(opts.only)) : null
  const except = opts.except ? new Set(encoder.encode(opts.except)) : null
  return mapBytes(s, (b) => {
    let escape: boolean
    if (opts.controlsOnly) escape = b < 0x20 || b === 0x7f || b === 0x20
    else if (only) escape = only.has(b)
    else escape = !(isAlnum(b) || b === 0x5f) && !(except?.has(b) ?? false)
    if (!escape) return String.fromCharCode(b)
    return b === 0x20 && !opts.noPlus ? '+' : hex(b)
  })
}

export interface UnescapeResult {
  value: string
  /** A `%` not followed by two hex digits (Apache: 400 Bad Request). */
  badEscape: boolean
  /** `%00`, or `%2F` where slashes are forbidden (Apache: 404). */
  forbidden: boolean
}

/**
 * `ap_unescape_url`: decode every `%XX`. With `keepSlashes` (`ap_unescape_url_keep2f`) an
 * encoded slash stays `%2F`; otherwise it is decoded but reported as forbidden.
 */
export function unescapeUrl(s: string, opts: { keepSlashes?: boolean } = {}): UnescapeResult {
  const r = unescapeOctets(encoder.encode(s), opts.keepSlashes === true)
  return { value: decoder.decode(new Uint8Array(r.bytes)), badEscape: r.badEscape, forbidden: r.forbidden }
}

/** `unescapeUrl` on a byte string (one character per byte), as httpd's own buffers hold it. */
export function unescapeBytes(s: string, opts: { keepSlashes?: boolean } = {}): UnescapeResult {
  const src = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) src[i] = s.charCodeAt(i) & 0xff
  const r = unescapeOctets(src, opts.keepSlashes === true)
  return { value: String.fromCharCode(...r.bytes), badEscape: r.badEscape, forbidden: r.forbidden }
}

function unescapeOctets(
  src: Uint8Array,
  keepSlashes: boolean
): { bytes: number[]; badEscape: boolean; forbidden: boolean } {
  const bytes: number[] = []
  let badEscape = false
  let forbidden = false
  for (let i = 0; i < src.length; i++) {
    const b = src[i]
    if (b !== 0x25) {
      bytes.push(b)
      continue
    }
    const h = String.fromCharCode(src[i + 1] ?? 0, src[i + 2] ?? 0)
    if (!/^[0-9A-Fa-f]{2}$/.test(h)) {
      badEscape = true
      bytes.push(b)
      continue
    }
    const decoded = parseInt(h, 16)
    if (decoded === 0x2f && keepSlashes) {
      bytes.push(src[i], src[i + 1], src[i + 2])
    } else {
      if (decoded === 0 || decoded === 0x2f) forbidden = true
      bytes.push(decoded)
    }
    i += 2
  }
  return { bytes, badEscape, forbidden }
}
