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
  /** `.` matches a newline (httpd's default, `RegexDefaultOptions`); mod_substitute passes false. */
  dotall?: boolean
}

export type PcreCompileResult =
  { ok: true; regex: RegExp; groups: number; jsSource: string } | { ok: false; error: string; unsupported: boolean }

interface Scope {
  caseless: boolean
  dotall: boolean
  multiline: boolean
  extended: boolean
}

/** What one translation has seen so far, shared by the group, escape and class readers. */
interface Progress {
  /** Capturing groups opened so far: PCRE reads `\12` as a back-reference only when there are that many. */
  groups: number
  /** The pattern names a character past ASCII (raw, or by a hex or octal escape). */
  pastAscii: boolean
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
const compiled = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) =>
  textMemo((pattern) =>
    compileUncached(pattern, { caseless: (bits & 1) !== 0, multiline: (bits & 2) !== 0, dotall: (bits & 4) === 0 })
  )
)

/**
 * Translate and compile one PCRE pattern the way Apache's ap_regcomp would see it. The result
 * is shared with every caller that compiles the same text: read-only (the RegExp has no `g`/`y`
 * flag, so it keeps no state between matches).
 */
export function compilePcre(pattern: string, options: PcreOptions = {}): PcreCompileResult {
  return compiled[(options.caseless ? 1 : 0) | (options.multiline ? 2 : 0) | (options.dotall === false ? 4 : 0)](
    pattern
  )
}

/** For a section or ProxyPassMatch: the regex, or null when it does not compile (never matches; `check` reports it). */
export function pcreOrNull(pattern: string, options: PcreOptions = {}): RegExp | null {
  const r = compilePcre(pattern, options)
  return r.ok ? r.regex : null
}

function compileUncached(pattern: string, options: PcreOptions): PcreCompileResult {
  let translated: Translation
  try {
    translated = translate(pattern, options, true)
    // JavaScript's `i` also folds Latin-1 letters (é matches É, the bytes 0xE9 and 0xC9); PCRE
    // without UTF, in the C locale's tables, folds ASCII letters only. A caseless pattern that
    // names a character past ASCII (raw, `\xe9`, `\x{e9}`, `\351`, `\o{351}`) folds its ASCII
    // letters itself instead.
    if (translated.caseless && translated.pastAscii) translated = translate(pattern, options, false)
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

interface Translation {
  source: string
  groups: number
  caseless: boolean
  pastAscii: boolean
}

/** `jsCaseless`: a caseless pattern may use JavaScript's `i` flag; else its letters are folded one by one. */
function translate(pattern: string, options: PcreOptions, jsCaseless: boolean): Translation {
  let pos = 0
  // A leading (?i) is the common way to say "whole pattern caseless"; use the JS flag for it.
  let globalCaseless = !!options.caseless
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(pattern)
  if (leading && /^[ismx]+$/.test(leading[1]) && leading[1].includes('i')) {
    globalCaseless = true
  }
  const stack: Scope[] = []
  let scope: Scope = {
    caseless: globalCaseless,
    dotall: options.dotall ?? true,
    multiline: !!options.multiline,
    extended: false
  }
  if (!jsCaseless) globalCaseless = false
  let out = ''
  const progress: Progress = { groups: 0, pastAscii: false }

  const literal = (c: string): string => {
    if (c.charCodeAt(0) > 0x7f) progress.pastAscii = true
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
      const r = translateEscape(pattern, pos, scope, globalCaseless, false, progress)
      out += r.js
      pos = r.next
      continue
    }
    if (c === '[') {
      const r = translateClass(pattern, pos, scope.caseless && !globalCaseless, progress)
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
      if (r.kind === 'capture') progress.groups++
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
  return { source: out, groups: progress.groups, caseless: globalCaseless, pastAscii: progress.pastAscii }
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
  inClass: boolean,
  progress: Progress
): EscapeResult {
  const n = p[pos + 1]
  if (n === undefined) throw new Error('\\ at end of pattern')
  const fold = scope.caseless && !globalCaseless
  const character = characterEscape(p, pos, inClass, progress.groups)
  if (character) return { js: characterJs(character.code, fold, inClass, progress), next: character.next }
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
    case 'E':
      return { js: '', next: pos + 2 }
    case 'Q': {
      const end = p.indexOf('\\E', pos + 2)
      const text = end < 0 ? p.slice(pos + 2) : p.slice(pos + 2, end)
      const js = [...text].map((ch) => characterJs(ch.charCodeAt(0), fold, inClass, progress)).join('')
      return { js, next: end < 0 ? p.length : end + 2 }
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
    default:
      break
  }
  if (!inClass && /[1-9]/.test(n)) {
    // PCRE compares a back-reference caselessly under (?i); only JavaScript's `i` flag can.
    if (fold) throw new Unsupported(CASELESS_BACKREFERENCE)
    const digits = (/^\\(\d+)/.exec(p.slice(pos)) as RegExpExecArray)[1]
    return { js: `\\${digits}`, next: pos + 1 + digits.length }
  }
  return { js: `\\${n}`, next: pos + 2 }
}

const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, f: 0x0c, r: 0x0d, e: 0x1b, a: 0x07 }

/**
 * An escape that stands for one character, with its code: `\x41`, `\x{e9}`, `\o{351}`, octal
 * `\0`, `\351` (pcre2_compile's rule: `\1`…`\9`, a number starting 8 or 9, or one no larger than
 * the groups opened so far, is a back-reference outside a class; otherwise up to three octal
 * digits), `\t` and the like, an escaped non-alphanumeric. Null for everything else (`\d`, `\1`…).
 */
function characterEscape(
  p: string,
  pos: number,
  inClass: boolean,
  groups: number
): { code: number; next: number } | null {
  const n = p[pos + 1]
  const rest = p.slice(pos)
  if (n === 'x') {
    const m = /^\\x(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{0,2}))/.exec(rest) as RegExpExecArray
    return oneByte(parseInt(m[1] ?? (m[2] || '0'), 16), pos + m[0].length)
  }
  if (n === 'o') {
    const m = /^\\o\{([0-7]+)\}/.exec(rest)
    if (!m) throw new Error('missing opening brace after \\o')
    return oneByte(parseInt(m[1], 8), pos + m[0].length)
  }
  if (/[0-9]/.test(n)) {
    if (!inClass && n !== '0') {
      const number = parseInt((/^\\(\d+)/.exec(rest) as RegExpExecArray)[1], 10)
      if (number < 10 || n === '8' || n === '9' || number <= groups) return null
    }
    const m = /^\\([0-7]{1,3})/.exec(rest)
    return m ? oneByte(parseInt(m[1], 8), pos + m[0].length) : null
  }
  if (CONTROL_ESCAPES[n] !== undefined) return { code: CONTROL_ESCAPES[n], next: pos + 2 }
  if (n !== undefined && !/[A-Za-z0-9]/.test(n)) return { code: n.charCodeAt(0), next: pos + 2 }
  return null
}

/** httpd's PCRE runs without UTF, in 8-bit code units: a character code past 0xFF does not compile. */
function oneByte(code: number, next: number): { code: number; next: number } {
  if (code > 0xff) throw new Error('character code point value in \\x{} or \\o{} or octal is too large')
  return { code, next }
}

/** One character as JavaScript pattern text; a letter gets its other case when folding. */
function characterJs(code: number, fold: boolean, inClass: boolean, progress: Progress): string {
  if (code > 0x7f) progress.pastAscii = true
  const c = String.fromCharCode(code)
  if (fold && isLetter(c)) return inClass ? c.toLowerCase() + c.toUpperCase() : foldLetter(c)
  return codeJs(code)
}

/** A code as an escape, which means the same character anywhere (after `\1`, inside a class, …). */
function codeJs(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** A class range; when folding, the ASCII letters it covers bring their other case (PCRE folds each character). */
function rangeJs(from: number, to: number, fold: boolean, progress: Progress): string {
  if (to > 0x7f) progress.pastAscii = true
  let js = `${codeJs(from)}-${codeJs(to)}`
  if (!fold) return js
  for (const [first, last, shift] of [
    [0x61, 0x7a, -0x20],
    [0x41, 0x5a, 0x20]
  ]) {
    const lo = Math.max(from, first)
    const hi = Math.min(to, last)
    if (lo <= hi) js += `${codeJs(lo + shift)}-${codeJs(hi + shift)}`
  }
  return js
}

/** A class member that is one character (raw or escaped), or null for a set escape such as `\d`. */
function classCharacter(p: string, i: number): { code: number; next: number } | null {
  if (p[i] === undefined) return null
  if (p[i] === '\\') return characterEscape(p, i, true, 0)
  return { code: p.charCodeAt(i), next: i + 1 }
}

/**
 * A PCRE character class: `]` right after `[` or `[^` is a literal, POSIX `[:name:]` classes
 * are expanded, and under an inline `(?i)` letters and the letters in ranges get their other case.
 * Range ends are read as characters first (`[\x41-\x43]` is A to C), then folded.
 */
function translateClass(p: string, pos: number, fold: boolean, progress: Progress): { js: string; next: number } {
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
    if (p[i] === '[' && p[i + 1] === ':') {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(i))
      if (m && POSIX_CLASSES[m[2]] !== undefined) {
        if (m[1]) throw new Unsupported(`negated POSIX class [:^${m[2]}:] is not supported`)
        items.push(POSIX_CLASSES[m[2]])
        i += m[0].length
        continue
      }
    }
    const from = classCharacter(p, i)
    if (!from) {
      const r = translateEscape(p, i, scope, false, true, progress)
      items.push(r.js)
      i = r.next
      continue
    }
    const toAt = from.next + 1
    const to =
      p[from.next] === '-' && p[toAt] !== ']' && !(p[toAt] === '[' && p[toAt + 1] === ':')
        ? classCharacter(p, toAt)
        : null
    if (to) {
      if (to.code < from.code) throw new Error('range out of order in character class')
      items.push(rangeJs(from.code, to.code, fold, progress))
      i = to.next
      continue
    }
    items.push(characterJs(from.code, fold, true, progress))
    i = from.next
  }
  if (i >= p.length) throw new Error('missing terminating ] for character class')
  return { js: js + items.join('') + ']', next: i + 1 }
}
