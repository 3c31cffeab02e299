/**
 * Apache compiles every regular expression (RewriteRule, RewriteCond, SetEnvIf, Header edit,
 * `<LocationMatch>`, ap_expr `=~`) with PCRE, and since 2.4.30 with the default options
 * `DOTALL DOLLAR_ENDONLY` (`RegexDefaultOptions`): `.` matches a newline and `$` matches only at
 * the very end (not before a trailing newline, which matters for decoded `%0a` in a URI).
 *
 * JavaScript's RegExp is close but not equal, so patterns are translated rather than passed
 * through: inline modifiers such as `(?i:json|png)` (not available in Node 20), POSIX classes,
 * `\A \z \Z \h \v \Q..\E`, `(?P<name>)`, a leading `]` in a class. What cannot be expressed
 * (atomic groups, possessive quantifiers, recursion, conditionals, `\K`, `\p{..}`) is refused
 * as unsupported with the reason, never approximated silently.
 *
 * Hand-written because no library translates PCRE to JS with these Apache defaults.
 */

import { textMemo } from '../text-memo'

export interface PcreOptions {
  /** `[NC]`, `SetEnvIfNoCase`, ap_expr `/i`. */
  caseless?: boolean
  /** ap_expr `/m`: `^` and `$` also match at line breaks. */
  multiline?: boolean
}

export type PcreCompileResult =
  { ok: true; regex: RegExp; groups: number; jsSource: string } | { ok: false; error: string; unsupported: boolean }

interface Scope {
  caseless: boolean
  dotall: boolean
  multiline: boolean
  extended: boolean
}

class Unsupported extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
  ascii: '\\x00-\\x7f'
}

const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c)

function foldLetter(c: string): string {
  return `[${c.toLowerCase()}${c.toUpperCase()}]`
}

function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c
}

/** One memo per option set (text-memo.ts): a result depends on the pattern and the options only. */
const compiled = [0, 1, 2, 3].map((bits) =>
  textMemo((pattern) => compileUncached(pattern, { caseless: (bits & 1) !== 0, multiline: (bits & 2) !== 0 }))
)

/**
 * Translate and compile one PCRE pattern the way Apache's ap_regcomp would see it. The result
 * is shared with every caller that compiles the same text: read-only (the RegExp has no `g`/`y`
 * flag, so it keeps no state between matches).
 */
export function compilePcre(pattern: string, options: PcreOptions = {}): PcreCompileResult {
  return compiled[(options.caseless ? 1 : 0) | (options.multiline ? 2 : 0)](pattern)
}

/** For a section or ProxyPassMatch: the regex, or null when it does not compile (never matches; `check` reports it). */
export function pcreOrNull(pattern: string, options: PcreOptions = {}): RegExp | null {
  const r = compilePcre(pattern, options)
  return r.ok ? r.regex : null
}

function compileUncached(pattern: string, options: PcreOptions): PcreCompileResult {
  let translated: { source: string; groups: number; caseless: boolean }
  try {
    translated = translate(pattern, options, true)
    // JavaScript's `i` also folds Latin-1 letters (é matches É, the bytes 0xE9 and 0xC9); PCRE
    // without UTF, in the C locale's tables, folds ASCII letters only. A caseless pattern that
    // names a character past ASCII folds its ASCII letters itself instead.
    if (translated.caseless && pastAscii(pattern.replace(HEX_ESCAPE, hexChar)))
      translated = translate(pattern, options, false)
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, error: e.message, unsupported: true }
    return { ok: false, error: (e as Error).message, unsupported: false }
  }
  try {
    const flags = 's' + (translated.caseless ? 'i' : '')
    return {
      ok: true,
      regex: new RegExp(translated.source, flags),
      groups: translated.groups,
      jsSource: translated.source
    }
  } catch (e) {
    return { ok: false, error: (e as Error).message.replace(/^Invalid regular expression: /, ''), unsupported: false }
  }
}

/** `\xHH` and `\x{HHHH}` (for telling whether a pattern names a character past ASCII). */
const HEX_ESCAPE = /\\x(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{1,2}))/g

function pastAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true
  return false
}

function hexChar(_: string, braced: string | undefined, short: string | undefined): string {
  return String.fromCharCode(Math.min(parseInt(braced ?? short ?? '0', 16), 0xffff))
}

/** `jsCaseless`: a caseless pattern may use JavaScript's `i` flag; else its letters are folded one by one. */
function translate(
  pattern: string,
  options: PcreOptions,
  jsCaseless: boolean
): { source: string; groups: number; caseless: boolean } {
  let pos = 0
  // A leading (?i) is the common way to say "whole pattern caseless"; use the JS flag for it.
  let globalCaseless = !!options.caseless
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(pattern)
  if (leading && /^[ismx]+$/.test(leading[1]) && leading[1].includes('i')) {
    globalCaseless = true
  }
  const stack: Scope[] = []
  let scope: Scope = { caseless: globalCaseless, dotall: true, multiline: !!options.multiline, extended: false }
  if (!jsCaseless) globalCaseless = false
  let out = ''
  let groups = 0

  const literal = (c: string): string => {
    if (scope.caseless && !globalCaseless && isLetter(c)) return foldLetter(c)
    return escapeLiteral(c)
  }

  while (pos < pattern.length) {
    const c = pattern[pos]
    if (scope.extended) {
      if (/\s/.test(c)) {
        pos++
        continue
      }
      if (c === '#') {
        while (pos < pattern.length && pattern[pos] !== '\n') pos++
        continue
      }
    }
    if (c === '\\') {
      const r = translateEscape(pattern, pos, scope, globalCaseless, false)
      out += r.js
      pos = r.next
      continue
    }
    if (c === '[') {
      const r = translateClass(pattern, pos, scope.caseless && !globalCaseless)
      out += r.js
      pos = r.next
      continue
    }
    if (c === '(') {
      const r = translateGroupOpen(pattern, pos, scope)
      pos = r.next
      if (r.kind === 'comment') continue
      if (r.kind === 'flags-only') {
        if (scope.caseless !== r.scope.caseless && globalCaseless && !r.scope.caseless) {
          throw new Unsupported('(?-i) inside a caseless pattern cannot be expressed in JavaScript')
        }
        scope = r.scope
        continue
      }
      if (r.kind === 'capture') groups++
      if (r.scope.caseless !== scope.caseless && globalCaseless && !r.scope.caseless) {
        throw new Unsupported('(?-i:…) inside a caseless pattern cannot be expressed in JavaScript')
      }
      stack.push(scope)
      scope = r.scope
      out += r.js
      continue
    }
    if (c === ')') {
      if (stack.length === 0) throw new Error('unmatched closing parenthesis')
      scope = stack.pop() as Scope
      out += ')'
      pos++
      continue
    }
    if (c === '.') {
      out += scope.dotall ? '.' : '[^\\n]'
      pos++
      continue
    }
    if (c === '^') {
      out += scope.multiline ? '(?<![^\\n])' : '^'
      pos++
      continue
    }
    if (c === '$') {
      // DOLLAR_ENDONLY: without /m, `$` is the end of the subject, which is JS's own `$`.
      out += scope.multiline ? '(?=\\n|(?![\\s\\S]))' : '$'
      pos++
      continue
    }
    if (c === '*' || c === '+' || c === '?') {
      out += c
      pos++
      if (pattern[pos] === '+') throw new Unsupported(`possessive quantifier "${c}+" has no JavaScript equivalent`)
      continue
    }
    if (c === '{') {
      const q = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(pos))
      if (q) {
        out += q[0]
        pos += q[0].length
        if (pattern[pos] === '+') throw new Unsupported('possessive quantifier "{n,m}+" has no JavaScript equivalent')
        continue
      }
      out += '\\{'
      pos++
      continue
    }
    if (c === '|') {
      out += '|'
      pos++
      continue
    }
    out += literal(c)
    pos++
  }
  if (stack.length > 0) throw new Error('missing closing parenthesis')
  return { source: out, groups, caseless: globalCaseless }
}

type GroupOpen =
  | { kind: 'comment'; next: number }
  | { kind: 'flags-only'; next: number; scope: Scope }
  | { kind: 'capture' | 'group'; next: number; scope: Scope; js: string }

function applyFlags(scope: Scope, spec: string): Scope {
  const next = { ...scope }
  let on = true
  for (const f of spec) {
    if (f === '-') {
      on = false
      continue
    }
    if (f === 'i') next.caseless = on
    else if (f === 's') next.dotall = on
    else if (f === 'm') next.multiline = on
    else if (f === 'x') next.extended = on
    else throw new Unsupported(`inline option "${f}" is not supported`)
  }
  return next
}

function translateGroupOpen(p: string, pos: number, scope: Scope): GroupOpen {
  const rest = p.slice(pos)
  if (!rest.startsWith('(?')) return { kind: 'capture', next: pos + 1, scope, js: '(' }
  if (rest.startsWith('(?#')) {
    const end = p.indexOf(')', pos)
    if (end < 0) throw new Error('missing ) after comment')
    return { kind: 'comment', next: end + 1 }
  }
  for (const prefix of ['(?:', '(?=', '(?!', '(?<=', '(?<!']) {
    if (rest.startsWith(prefix)) return { kind: 'group', next: pos + prefix.length, scope, js: prefix }
  }
  const named = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest)
  if (named) {
    return { kind: 'capture', next: pos + named[0].length, scope, js: `(?<${named[1] ?? named[2]}>` }
  }
  const flags = /^\(\?([imsx-]*)(\)|:)/.exec(rest)
  if (flags) {
    const next = applyFlags(scope, flags[1])
    if (flags[2] === ')') return { kind: 'flags-only', next: pos + flags[0].length, scope: next }
    return { kind: 'group', next: pos + flags[0].length, scope: next, js: '(?:' }
  }
  if (rest.startsWith('(?>')) throw new Unsupported('atomic groups (?>…) have no JavaScript equivalent')
  if (rest.startsWith('(?|')) throw new Unsupported('branch reset groups (?|…) are not supported')
  if (rest.startsWith('(?(')) throw new Unsupported('conditional groups (?(…)…) are not supported')
  if (/^\(\?(R|[+-]?\d+|&|P>)/.test(rest)) throw new Unsupported('recursive patterns are not supported')
  if (rest.startsWith('(?P=')) {
    const m = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest)
    if (!m) throw new Error('malformed (?P=name)')
    // A named back-reference is a whole atom: emit it as a non-capturing group.
    return { kind: 'group', next: pos + m[0].length - 1, scope, js: `(?:\\k<${m[1]}>` }
  }
  throw new Error(`unrecognized character after (? at offset ${pos + 2}`)
}

const CASELESS_BACKREFERENCE = 'a back-reference in this caseless pattern cannot be expressed in JavaScript'

interface EscapeResult {
  js: string
  next: number
}

function translateEscape(
  p: string,
  pos: number,
  scope: Scope,
  globalCaseless: boolean,
  inClass: boolean
): EscapeResult {
  const n = p[pos + 1]
  if (n === undefined) throw new Error('\\ at end of pattern')
  const fold = scope.caseless && !globalCaseless
  switch (n) {
    case 'A':
      if (inClass) break
      return { js: '(?<![\\s\\S])', next: pos + 2 }
    case 'z':
      if (inClass) break
      return { js: '(?![\\s\\S])', next: pos + 2 }
    case 'Z':
      if (inClass) break
      return { js: '(?=\\n?(?![\\s\\S]))', next: pos + 2 }
    case 'G':
    case 'K':
    case 'X':
    case 'C':
    case 'N':
    case 'p':
    case 'P':
      if (!inClass || n === 'p' || n === 'P') throw new Unsupported(`\\${n} is not supported`)
      break
    // httpd's PCRE works on bytes in the C locale: \s is the six ASCII spaces (VT included),
    // never the byte 0xA0 that JavaScript's \s takes for a no-break space (it is half of à, Р…).
    case 's':
      return { js: inClass ? '\\t\\n\\x0b\\f\\r ' : '[\\t\\n\\x0b\\f\\r ]', next: pos + 2 }
    case 'S':
      if (inClass) break
      return { js: '[^\\t\\n\\x0b\\f\\r ]', next: pos + 2 }
    case 'h':
      return { js: inClass ? '\\t \\xa0' : '[\\t \\xa0]', next: pos + 2 }
    case 'H':
      if (inClass) throw new Unsupported('\\H inside a character class is not supported')
      return { js: '[^\\t \\xa0]', next: pos + 2 }
    case 'v':
      return { js: inClass ? '\\n\\x0b\\f\\r\\x85' : '[\\n\\x0b\\f\\r\\x85]', next: pos + 2 }
    case 'V':
      if (inClass) throw new Unsupported('\\V inside a character class is not supported')
      return { js: '[^\\n\\x0b\\f\\r\\x85]', next: pos + 2 }
    case 'R':
      if (inClass) break
      return { js: '(?:\\r\\n|[\\n\\x0b\\f\\r\\x85])', next: pos + 2 }
    case 'e':
      return { js: '\\x1b', next: pos + 2 }
    case 'a':
      return { js: '\\x07', next: pos + 2 }
    case 'E':
      return { js: '', next: pos + 2 }
    case 'Q': {
      const end = p.indexOf('\\E', pos + 2)
      const text = end < 0 ? p.slice(pos + 2) : p.slice(pos + 2, end)
      const js = [...text].map((ch) => (fold && !inClass && isLetter(ch) ? foldLetter(ch) : escapeLiteral(ch))).join('')
      return { js, next: end < 0 ? p.length : end + 2 }
    }
    case 'x': {
      const braced = /^\\x\{([0-9A-Fa-f]+)\}/.exec(p.slice(pos))
      if (braced) {
        const code = parseInt(braced[1], 16)
        if (code > 0xffff)
          throw new Unsupported(`\\x{${braced[1]}} is outside the range JavaScript patterns accept here`)
        return { js: `\\u${code.toString(16).padStart(4, '0')}`, next: pos + braced[0].length }
      }
      const short = /^\\x([0-9A-Fa-f]{0,2})/.exec(p.slice(pos)) as RegExpExecArray
      const letter = String.fromCharCode(parseInt(short[1] || '0', 16))
      if (fold && isLetter(letter)) {
        const both = letter.toLowerCase() + letter.toUpperCase()
        return { js: inClass ? both : `[${both}]`, next: pos + short[0].length }
      }
      return { js: `\\x${short[1].padStart(2, '0')}`, next: pos + short[0].length }
    }
    case 'g': {
      const m = /^\\g(?:\{(\d+)\}|(\d+))/.exec(p.slice(pos))
      if (!m) throw new Unsupported('relative or named \\g references are not supported')
      if (fold) throw new Unsupported(CASELESS_BACKREFERENCE)
      return { js: `\\${m[1] ?? m[2]}`, next: pos + m[0].length }
    }
    case 'k': {
      const m = /^\\k(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/.exec(p.slice(pos))
      if (!m) throw new Error('malformed \\k reference')
      if (fold) throw new Unsupported(CASELESS_BACKREFERENCE)
      return { js: `\\k<${m[1] ?? m[2] ?? m[3]}>`, next: pos + m[0].length }
    }
    case 'o':
      throw new Unsupported('\\o{…} octal escapes are not supported')
    default:
      break
  }
  // PCRE compares a back-reference caselessly under (?i); only JavaScript's `i` flag can.
  if (fold && !inClass && /[1-9]/.test(n)) throw new Unsupported(CASELESS_BACKREFERENCE)
  if (isLetter(n) || /\d/.test(n)) return { js: `\\${n}`, next: pos + 2 }
  // Any other escaped character stands for itself.
  return { js: inClass ? `\\${n}` : escapeLiteral(n) === n ? n : `\\${n}`, next: pos + 2 }
}

/**
 * A PCRE character class: `]` right after `[` or `[^` is a literal, POSIX `[:name:]` classes
 * are expanded, and under an inline `(?i)` letters and letter ranges get their other case.
 */
function translateClass(p: string, pos: number, fold: boolean): { js: string; next: number } {
  let i = pos + 1
  let js = '['
  if (p[i] === '^') {
    js += '^'
    i++
  }
  const items: string[] = []
  if (p[i] === ']') {
    items.push('\\]')
    i++
  }
  const scope: Scope = { caseless: fold, dotall: true, multiline: false, extended: false }
  while (i < p.length && p[i] !== ']') {
    const c = p[i]
    if (c === '[' && p[i + 1] === ':') {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(i))
      if (m && POSIX_CLASSES[m[2]] !== undefined) {
        if (m[1]) throw new Unsupported(`negated POSIX class [:^${m[2]}:] is not supported`)
        items.push(POSIX_CLASSES[m[2]])
        i += m[0].length
        continue
      }
    }
    if (c === '\\') {
      const r = translateEscape(p, i, scope, false, true)
      items.push(r.js)
      i = r.next
      continue
    }
    if (c === '[') {
      items.push('\\[')
      i++
      continue
    }
    // A range a-z: fold both ends when they are letters of the same case.
    if (p[i + 1] === '-' && p[i + 2] !== undefined && p[i + 2] !== ']' && p[i + 2] !== '\\' && p[i + 2] !== '[') {
      const from = c
      const to = p[i + 2]
      items.push(`${escapeClassChar(from)}-${escapeClassChar(to)}`)
      if (fold && /[a-z]/.test(from) && /[a-z]/.test(to)) items.push(`${from.toUpperCase()}-${to.toUpperCase()}`)
      if (fold && /[A-Z]/.test(from) && /[A-Z]/.test(to)) items.push(`${from.toLowerCase()}-${to.toLowerCase()}`)
      i += 3
      continue
    }
    items.push(escapeClassChar(c))
    if (fold && isLetter(c)) items.push(c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())
    i++
  }
  if (i >= p.length) throw new Error('missing terminating ] for character class')
  return { js: js + items.join('') + ']', next: i + 1 }
}

function escapeClassChar(c: string): string {
  return c === ']' || c === '\\' || c === '^' ? `\\${c}` : c
}
