/**
 * APR's `apr_fnmatch`, behind ap_expr `-strmatch` (flags 0: `*` also crosses `/`),
 * `-strcmatch` (case-blind) and `-fnmatch` (`APR_FNM_PATHNAME`: wildcards stop at `/`).
 * The whole string must match; `\` escapes the next character; `[!…]` and `[^…]` negate.
 */

export interface FnmatchOptions {
  pathname?: boolean
  caseBlind?: boolean
}

/** One memo per flag combination: [plain, pathname, caseBlind, both]. */
const caches = [
  new Map<string, RegExp>(),
  new Map<string, RegExp>(),
  new Map<string, RegExp>(),
  new Map<string, RegExp>()
]

function toRegex(pattern: string, opts: FnmatchOptions): RegExp {
  const cache = caches[(opts.pathname ? 1 : 0) + (opts.caseBlind ? 2 : 0)]
  const hit = cache.get(pattern)
  if (hit) return hit
  const any = opts.pathname ? '[^/]' : '[\\s\\S]'
  let out = ''
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]
    if (c === '*') {
      out += `${any}*`
      i++
    } else if (c === '?') {
      out += any
      i++
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += escapeChar(pattern[i + 1])
      i += 2
    } else if (c === '[') {
      const cls = bracket(pattern, i, opts.pathname === true)
      if (cls) {
        out += cls.js
        i = cls.next
      } else {
        out += '\\['
        i++
      }
    } else {
      out += escapeChar(c)
      i++
    }
  }
  const re = new RegExp(`^${out}$`, opts.caseBlind ? 'i' : '')
  if (cache.size > 500) cache.clear()
  cache.set(pattern, re)
  return re
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c
}

function bracket(p: string, start: number, pathname: boolean): { js: string; next: number } | null {
  let i = start + 1
  let negate = false
  if (p[i] === '!' || p[i] === '^') {
    negate = true
    i++
  }
  let body = ''
  let first = true
  while (i < p.length && (p[i] !== ']' || first)) {
    first = false
    let c = p[i]
    if (c === '\\' && i + 1 < p.length) {
      i++
      c = p[i]
    }
    body += c === ']' || c === '\\' || c === '^' || c === '-' ? `\\${c}` : c
    i++
    if (p[i] === '-' && p[i + 1] !== undefined && p[i + 1] !== ']') {
      let to = p[i + 1]
      i += 2
      if (to === '\\' && i < p.length) {
        to = p[i]
        i++
      }
      // apr_fnmatch tests `from <= ch <= to`: a reversed range matches nothing (a JS class refuses it).
      if (to < c) {
        body = body.slice(0, body.length - (c === ']' || c === '\\' || c === '^' || c === '-' ? 2 : 1))
        continue
      }
      body += `-${to === ']' || to === '\\' || to === '^' || to === '-' ? `\\${to}` : to}`
    }
  }
  if (i >= p.length) return null
  if (negate) return { js: `[^${body}${pathname ? '/' : ''}]`, next: i + 1 }
  return { js: pathname ? `(?!/)[${body}]` : `[${body}]`, next: i + 1 }
}

export function fnmatch(pattern: string, subject: string, opts: FnmatchOptions = {}): boolean {
  return toRegex(pattern, opts).test(subject)
}
