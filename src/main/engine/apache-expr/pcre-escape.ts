/**
 * PCRE2 backslash escapes (pcre2_compile's check_escape, 8-bit, no UTF, C locale), as JavaScript
 * pattern text, with the escapes PCRE2 refuses refused the same way: a letter with no meaning
 * (`\i`, `\y`: "unrecognized character follows \"), Perl's case escapes `\U \L \u \l \F`, an
 * escape that is not a character inside a class (`[\A]`, `[\k]`), a malformed `\x{}`, `\o{}`,
 * `\c`, `\g` or `\k`. Measured against libpcre2-8 10.42, the one Debian's apache2 uses.
 */

import type { Progress, Scope } from './pcre-progress'
import { isKnownProperty } from './pcre-properties'
import { codeJs, foldLetter, isLetter, setJs, type CodeRange } from './pcre-text'

export interface EscapeResult {
  js: string
  next: number
  /** The atoms the escape stands for, by length (for lookbehinds): 0 for an assertion, null when it varies. */
  lengths: (number | null)[]
  /** A reference or call, which may match the empty string whatever its length. */
  mayBeEmpty?: boolean
}

const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, f: 0x0c, r: 0x0d, e: 0x1b, a: 0x07 }

/** The byte sets of `\s \h \v` (the C locale's: \s is the six ASCII spaces, VT included, never 0xA0). */
const SPACE: CodeRange[] = [
  [0x09, 0x0d],
  [0x20, 0x20]
]
const HORIZONTAL: CodeRange[] = [
  [0x09, 0x09],
  [0x20, 0x20],
  [0xa0, 0xa0]
]
const VERTICAL: CodeRange[] = [
  [0x0a, 0x0d],
  [0x85, 0x85]
]
const SETS: Record<string, { ranges: CodeRange[]; negated: boolean }> = {
  s: { ranges: SPACE, negated: false },
  S: { ranges: SPACE, negated: true },
  h: { ranges: HORIZONTAL, negated: false },
  H: { ranges: HORIZONTAL, negated: true },
  v: { ranges: VERTICAL, negated: false },
  V: { ranges: VERTICAL, negated: true }
}

/** Perl's case-changing escapes, which PCRE2 refuses. */
const CASE_ESCAPES = 'FLlUu'
/** Escapes that mean something outside a class and are refused inside one. */
const NOT_IN_CLASS = 'ABCGKRXZzk'

const CASELESS_BACKREFERENCE = 'a back-reference in this caseless pattern cannot be expressed in JavaScript'

/** `\d`, `\s`, `\p{..}` and the like: class members that are sets, so neither end of a range. */
export function isSetEscape(p: string, pos: number): boolean {
  return p[pos] === '\\' && /[dDsSwWhHvVpP]/.test(p[pos + 1] ?? '')
}

export function translateEscape(
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
  if (character) return { js: characterJs(character.code, fold, inClass, progress), next: character.next, lengths: [1] }
  if (CASE_ESCAPES.includes(n)) throw new Error('PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u')
  if (inClass && NOT_IN_CLASS.includes(n)) throw new Error('escape sequence is invalid in character class')
  if (inClass && n === 'N') throw new Error('\\N is not supported in a class')
  const at = (js: string, length: number | null, width = 2): EscapeResult => ({
    js,
    next: pos + width,
    lengths: [length]
  })
  const set = SETS[n]
  if (set) return at(setJs(set.ranges, set.negated, inClass), 1)
  switch (n) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
      return at(`\\${n}`, 1)
    // Assertions are emitted in forms JavaScript refuses to repeat, as PCRE2 does (`\z+`).
    case 'b':
    case 'B':
      return at(`\\${n}`, 0)
    case 'A':
      return at('(?<![\\s\\S])', 0)
    case 'z':
      return at('$', 0)
    case 'Z':
      return at('(?<=(?=\\n?$))', 0)
    case 'G':
      progress.cannot('\\G is not supported')
      return at('(?<=)', 0)
    case 'K':
      if (progress.inLookaround) {
        throw new Error('\\K is not allowed in lookarounds (but see PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK)')
      }
      progress.cannot('\\K is not supported')
      return at('(?<=)', 0)
    case 'X':
      progress.cannot('\\X is not supported')
      return at('[\\s\\S]', null)
    // Without UTF, \C is one code unit: any byte.
    case 'C':
      return at('[\\s\\S]', 1)
    case 'N':
      if (p[pos + 2] === '{' && !/^\{\d+(,\d*)?\}/.test(p.slice(pos + 2))) {
        throw new Error(
          p.startsWith('{U+', pos + 2)
            ? '\\N{U+dddd} is supported only in Unicode (UTF) mode'
            : 'PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u'
        )
      }
      return at('[^\\n]', 1)
    case 'p':
    case 'P':
      return propertyEscape(p, pos, inClass, progress)
    // \R is atomic in PCRE: a CR before an LF is never a line break of its own.
    case 'R':
      return at('(?:\\r\\n|\\r(?!\\n)|[\\n\\x0b\\f\\x85])', null)
    case 'g':
      return gReference(p, pos, fold, progress)
    case 'k': {
      const m = /^\\k(?:<([^>]*)>|'([^']*)'|\{([^}]*)\})/.exec(p.slice(pos))
      if (!m) {
        throw new Error(
          /^\\k[<'{]/.test(p.slice(pos))
            ? 'syntax error in subpattern name (missing terminator?)'
            : '\\k is not followed by a braced, angle-bracketed, or quoted name'
        )
      }
      return namedReference(m[1] ?? m[2] ?? m[3], pos + m[0].length, fold, progress)
    }
    default:
      break
  }
  if (/[1-9]/.test(n)) {
    const digits = (/^\\(\d+)/.exec(p.slice(pos)) as RegExpExecArray)[1]
    return numberedReference(parseInt(digits, 10), pos + 1 + digits.length, fold, progress)
  }
  throw new Error('unrecognized character follows \\')
}

/** `\p{..}`, `\pL`: Unicode properties, which httpd's PCRE has and JavaScript (without `u`) has not. */
function propertyEscape(p: string, pos: number, inClass: boolean, progress: Progress): EscapeResult {
  const m = /^\\[pP](?:\{([^}]*)\}|([^{]))/.exec(p.slice(pos))
  if (!m) throw new Error('malformed \\P or \\p sequence')
  if (!isKnownProperty(m[1] ?? m[2])) throw new Error('unknown property after \\P or \\p')
  progress.cannot(`\\${p[pos + 1]} is not supported`)
  return { js: inClass ? '\\s\\S' : '[\\s\\S]', next: pos + m[0].length, lengths: [1] }
}

/** `\g`: a back-reference (`\g1`, `\g{1}`, `\g{-1}`, `\g{name}`) or a subroutine call (`\g<1>`, `\g'name'`). */
function gReference(p: string, pos: number, fold: boolean, progress: Progress): EscapeResult {
  const rest = p.slice(pos)
  const number = /^\\g(?:\{([+-]?)(\d+)\}|([+-]?)(\d+))/.exec(rest)
  if (number) {
    const sign = number[1] ?? number[3]
    const value = parseInt(number[2] ?? number[4], 10)
    if (sign === '-' && value > progress.groups) throw new Error('reference to non-existent subpattern')
    const group = sign === '-' ? progress.groups - value + 1 : sign === '+' ? progress.groups + value : value
    return numberedReference(group, pos + number[0].length, fold, progress)
  }
  const named = /^\\g\{([^}]*)\}/.exec(rest)
  if (named) return namedReference(named[1], pos + named[0].length, fold, progress)
  const call = /^\\g(?:<([^>]*)>|'([^']*)')/.exec(rest)
  if (call) {
    const target = call[1] ?? call[2]
    referToGroup(target, progress)
    progress.cannot('subroutine calls \\g<…> are not supported')
    return { js: '(?:)', next: pos + call[0].length, lengths: [null], mayBeEmpty: true }
  }
  if (rest.startsWith('\\g{')) {
    throw new Error(
      rest.length === 3 ? 'subpattern name expected' : 'syntax error in subpattern name (missing terminator?)'
    )
  }
  throw new Error('\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number')
}

/** A group named by number (`1`, `-1`, `+1`) or name, for a call or condition: recorded for the final check. */
export function referToGroup(target: string, progress: Progress): void {
  const signed = /^([+-]?)(\d+)$/.exec(target)
  if (!signed) {
    checkName(target)
    progress.referToName(target)
    return
  }
  const value = parseInt(signed[2], 10)
  if (signed[1] === '-' && value > progress.groups) throw new Error('reference to non-existent subpattern')
  if (signed[1] === '') progress.referTo(value)
  else progress.referTo(signed[1] === '-' ? progress.groups - value + 1 : progress.groups + value)
}

/** pcre2_compile's rule for a group name: a word character first that is not a digit, at most 32. */
export function checkName(name: string): void {
  if (name === '') throw new Error('subpattern name expected')
  if (/^\d/.test(name)) throw new Error('subpattern name must start with a non-digit')
  if (!/^\w+$/.test(name)) throw new Error('syntax error in subpattern name (missing terminator?)')
  if (name.length > 32) throw new Error('subpattern name is too long (maximum 32 code units)')
}

function numberedReference(group: number, next: number, fold: boolean, progress: Progress): EscapeResult {
  progress.referTo(group)
  progress.backReference(group)
  // PCRE compares a back-reference caselessly under (?i); only JavaScript's `i` flag can.
  if (fold) progress.cannot(CASELESS_BACKREFERENCE)
  return { js: `(?:\\${group})`, next, lengths: [progress.captureLength(group)], mayBeEmpty: true }
}

function namedReference(name: string, next: number, fold: boolean, progress: Progress): EscapeResult {
  checkName(name)
  progress.referToName(name)
  progress.backReference(progress.names.get(name))
  if (fold) progress.cannot(CASELESS_BACKREFERENCE)
  return { js: `\\k<${name}>`, next, lengths: [null], mayBeEmpty: true }
}

/**
 * An escape that stands for one character, with its code: `\x41`, `\x{e9}`, `\o{351}`, octal
 * `\0`, `\351` (pcre2_compile's rule: `\1`…`\9`, a number starting 8 or 9, or one no larger than
 * the groups opened so far, is a back-reference outside a class; otherwise up to three octal
 * digits), `\t` and the like, `\cX`, an escaped non-alphanumeric, and inside a class `\b`
 * (backspace), `\g`, `\8`, `\9` (themselves). Null for everything else (`\d`, `\1`…).
 */
export function characterEscape(
  p: string,
  pos: number,
  inClass: boolean,
  groups: number
): { code: number; next: number } | null {
  const n = p[pos + 1]
  const rest = p.slice(pos)
  if (n === 'x') {
    if (p[pos + 2] === '{') return oneByte(bracedNumber(rest, 16), pos + rest.indexOf('}') + 1)
    const m = /^\\x([0-9A-Fa-f]{0,2})/.exec(rest) as RegExpExecArray
    return oneByte(parseInt(m[1] || '0', 16), pos + m[0].length)
  }
  if (n === 'o') {
    if (p[pos + 2] !== '{') throw new Error('missing opening brace after \\o')
    return oneByte(bracedNumber(rest, 8), pos + rest.indexOf('}') + 1)
  }
  if (n === 'c') {
    const x = p[pos + 2]
    if (x === undefined) throw new Error('\\c at end of pattern')
    if (x < ' ' || x > '~') throw new Error('\\c must be followed by a printable ASCII character')
    return { code: x.toUpperCase().charCodeAt(0) ^ 0x40, next: pos + 3 }
  }
  if (inClass && n === 'b') return { code: 0x08, next: pos + 2 }
  if (inClass && (n === 'g' || n === '8' || n === '9')) return { code: n.charCodeAt(0), next: pos + 2 }
  if (/[0-9]/.test(n)) {
    if (!inClass && n !== '0') {
      const number = parseInt((/^\\(\d+)/.exec(rest) as RegExpExecArray)[1], 10)
      if (number < 10 || n === '8' || n === '9' || number <= groups) return null
    }
    const m = /^\\([0-7]{1,3})/.exec(rest) as RegExpExecArray
    return oneByte(parseInt(m[1], 8), pos + m[0].length)
  }
  if (CONTROL_ESCAPES[n] !== undefined) return { code: CONTROL_ESCAPES[n], next: pos + 2 }
  if (n !== undefined && !/[A-Za-z0-9]/.test(n)) return { code: n.charCodeAt(0), next: pos + 2 }
  return null
}

/** The number in `\x{..}` or `\o{..}` (`rest` starts at the backslash). */
function bracedNumber(rest: string, radix: 16 | 8): number {
  const digits = radix === 16 ? /^\\x\{([0-9A-Fa-f]*)(\}?)/ : /^\\o\{([0-7]*)(\}?)/
  const m = digits.exec(rest) as RegExpExecArray
  if (m[1] === '' && m[2]) throw new Error('digits missing in \\x{} or \\o{} or \\N{U+}')
  if (!m[2]) {
    throw new Error(
      radix === 16
        ? 'non-hex character in \\x{} (closing brace missing?)'
        : 'non-octal character in \\o{} (closing brace missing?)'
    )
  }
  return parseInt(m[1], radix)
}

/** httpd's PCRE runs without UTF, in 8-bit code units: a character code past 0xFF does not compile. */
function oneByte(code: number, next: number): { code: number; next: number } {
  if (code > 0xff) throw new Error('character code point value in \\x{} or \\o{} is too large')
  return { code, next }
}

/** One character as JavaScript pattern text; a letter gets its other case when folding. */
export function characterJs(code: number, fold: boolean, inClass: boolean, progress: Progress): string {
  if (code > 0x7f) progress.pastAscii = true
  const c = String.fromCharCode(code)
  if (fold && isLetter(c)) return inClass ? c.toLowerCase() + c.toUpperCase() : foldLetter(c)
  return codeJs(code)
}
