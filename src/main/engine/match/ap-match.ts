/**
 * httpd's and APR's small string matchers and comparators, on byte strings (one character per
 * byte, as the request's paths are held here): `ap_strcmp_match` (`*` and `?` only, no classes,
 * no escapes), its case-blind twin, `ap_is_matchexp`, and APR's natural order (`apr_strnatcmp`,
 * Martin Pool's strnatcmp) with C's `strcmp`/`strcasecmp` beside it. mod_autoindex sorts and
 * picks icons with them. Hand-written: the exact orders (signed `char` in strnatcmp, unsigned
 * bytes in strcmp) are what makes a listing come out as httpd's does.
 */

/**
 * `apr_fnmatch_test`: whether the text is a wildcard pattern: a `*` or `?`, or a `]` closing a
 * `[`; a backslash makes the next character plain.
 */
export function fnmatchTest(p: string): boolean {
  let open = false
  for (let i = 0; i < p.length; i++) {
    const c = p[i]
    if (c === '?' || c === '*') return true
    if (c === '\\') {
      if (++i >= p.length) return false
    } else if (c === '[') open = true
    else if (c === ']' && open) return true
  }
  return false
}

/** `ap_is_matchexp`: the text has a `*` or `?`. */
export function isMatchExp(s: string): boolean {
  return s.includes('*') || s.includes('?')
}

/** `ap_strcmp_match`: whether `str` matches `expected` (`*` any run, `?` any one character). */
export function strcmpMatch(str: string, expected: string): boolean {
  return wildMatch(str, 0, expected, 0, false) === 0
}

/** `ap_strcasecmp_match`: the same, ASCII letters compared without case. */
export function strcasecmpMatch(str: string, expected: string): boolean {
  return wildMatch(str, 0, expected, 0, true) === 0
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c
}

/** 0: match, 1: no match here, -1: no match anywhere (the recursion's early end). */
function wildMatch(str: string, x: number, expected: string, y: number, fold: boolean): number {
  for (; y < expected.length; ++y, ++x) {
    const e = expected.charCodeAt(y)
    if (e === 0x2a) {
      while (expected.charCodeAt(++y) === 0x2a);
      if (y >= expected.length) return 0
      while (x < str.length) {
        const ret = wildMatch(str, x++, expected, y, fold)
        if (ret !== 1) return ret
      }
      return -1
    }
    if (x >= str.length) return -1
    const s = str.charCodeAt(x)
    if (e !== 0x3f && (fold ? lower(s) !== lower(e) : s !== e)) return 1
  }
  return x < str.length ? 1 : 0
}

/** C's `strcmp` on byte strings: unsigned bytes, the shorter first on a common prefix. */
export function strcmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** C's `strcasecmp` in the C locale. */
export function strcasecmpBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = lower(a.charCodeAt(i)) - lower(b.charCodeAt(i))
    if (d !== 0) return d
  }
  return a.length - b.length
}

/** A byte as C's signed `char` holds it (x86-64: 0x80–0xff are negative). */
function signed(c: number): number {
  return c >= 0x80 ? c - 256 : c
}

const at = (s: string, i: number): number => (i < s.length ? s.charCodeAt(i) : 0)
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d)

function compareRight(a: string, ai: number, b: string, bi: number): number {
  let bias = 0
  for (; ; ai++, bi++) {
    const ca = at(a, ai)
    const cb = at(b, bi)
    if (!isDigit(ca) && !isDigit(cb)) return bias
    if (!isDigit(ca)) return -1
    if (!isDigit(cb)) return 1
    if (ca < cb) {
      if (!bias) bias = -1
    } else if (ca > cb) {
      if (!bias) bias = 1
    }
  }
}

function compareLeft(a: string, ai: number, b: string, bi: number): number {
  for (; ; ai++, bi++) {
    const ca = at(a, ai)
    const cb = at(b, bi)
    if (!isDigit(ca) && !isDigit(cb)) return 0
    if (!isDigit(ca)) return -1
    if (!isDigit(cb)) return 1
    if (ca < cb) return -1
    if (ca > cb) return 1
  }
}

/** `apr_strnatcmp` (`foldCase`: `apr_strnatcasecmp`): digit runs compare by value, 0 when equal so. */
export function strnatcmp(a: string, b: string, foldCase = false): number {
  let ai = 0
  let bi = 0
  for (;;) {
    let ca = at(a, ai)
    let cb = at(b, bi)
    while (isSpace(ca)) ca = at(a, ++ai)
    while (isSpace(cb)) cb = at(b, ++bi)
    if (isDigit(ca) && isDigit(cb)) {
      const fractional = ca === 0x30 || cb === 0x30
      const result = fractional ? compareLeft(a, ai, b, bi) : compareRight(a, ai, b, bi)
      if (result !== 0) return result
    }
    if (!ca && !cb) return 0
    if (foldCase) {
      ca = ca >= 0x61 && ca <= 0x7a ? ca - 32 : ca
      cb = cb >= 0x61 && cb <= 0x7a ? cb - 32 : cb
    }
    const sa = signed(ca)
    const sb = signed(cb)
    if (sa < sb) return -1
    if (sa > sb) return 1
    ++ai
    ++bi
  }
}
