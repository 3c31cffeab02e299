/**
 * A PCRE2 character class as a JavaScript one, read the way pcre2_compile's parse_regex reads
 * it (after pcre-quote.ts, so `[\E]a]` is `[]a]`): a `]` first is a member; POSIX `[:name:]` classes (negated `[:^name:]` too) are byte sets in the C locale; a
 * range is between two characters, and one with a set at either end (`[a-\d]`, `[\w-z]`,
 * `[a-[:digit:]]`) is refused ("invalid range in character class"), as are an unknown POSIX
 * name and the collating forms `[.a.]` / `[=a=]`. Under an inline `(?i)` letters and the letters
 * in ranges get their other case.
 */

import { characterEscape, characterJs, isSetEscape, translateEscape } from './pcre-escape'
import type { Progress, Scope } from './pcre-progress'
import { rangeJs, setJs, type CodeRange } from './pcre-text'

/** The C locale's POSIX classes, as PCRE2's default tables have them. */
const POSIX_CLASSES: Record<string, CodeRange[]> = {
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a]
  ],
  digit: [[0x30, 0x39]],
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a]
  ],
  upper: [[0x41, 0x5a]],
  lower: [[0x61, 0x7a]],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20]
  ],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20]
  ],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e]
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66]
  ],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a]
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f]
  ],
  print: [[0x20, 0x7e]],
  graph: [[0x21, 0x7e]],
  ascii: [[0x00, 0x7f]]
}

/**
 * pcre2_compile's check_posix_syntax: at `p[at]` (`:`, `.` or `=` after a `[`), the index of
 * the closing `:]` (`.]`, `=]`), or -1 when this is not POSIX syntax (a `]` or another `[:`
 * comes first).
 */
function posixEnd(p: string, at: number): number {
  const terminator = p[at]
  for (let k = at + 1; p.length - k >= 2; k++) {
    if (p[k] === '\\' && (p[k + 1] === ']' || p[k + 1] === '\\')) k++
    else if ((p[k] === '[' && p[k + 1] === terminator) || p[k] === ']') return -1
    else if (p[k] === terminator && p[k + 1] === ']') return k
  }
  return -1
}

/** `p[i]` opens a POSIX class (`[:`, `[.`, `[=` with its terminator): the terminator's index, else -1. */
function posixAt(p: string, i: number): number {
  return p[i] === '[' && ':.='.includes(p[i + 1] ?? '') ? posixEnd(p, i + 1) : -1
}

function posixJs(p: string, i: number, end: number, fold: boolean): string {
  if (p[i + 1] !== ':') throw new Error('POSIX collating elements are not supported')
  const negated = p[i + 2] === '^'
  const ranges = POSIX_CLASSES[p.slice(i + (negated ? 3 : 2), end)]
  if (!ranges) throw new Error('unknown POSIX class name')
  return setJs(ranges, negated, true, fold)
}

/** A class member that is one character (raw or escaped), or null for an escape that is not. */
function classCharacter(p: string, i: number): { code: number; next: number } | null {
  if (p[i] === undefined) return null
  if (p[i] === '\\') return characterEscape(p, i, true, 0)
  return { code: p.charCodeAt(i), next: i + 1 }
}

export interface ClassResult {
  js: string
  next: number
  /** 1, or 0 for the word boundaries `[[:<:]]` and `[[:>:]]`. */
  length: number
}

/** `fold`: letters bring their other case (an inline `(?i)`); `skipBlanks`: `(?xx)` skips spaces and tabs. */
export function translateClass(
  p: string,
  pos: number,
  fold: boolean,
  skipBlanks: boolean,
  progress: Progress
): ClassResult {
  // Perl's word-boundary classes, which PCRE2 reads only as the whole class.
  if (p.startsWith('[[:<:]]', pos)) return { js: '\\b(?=\\w)', next: pos + 7, length: 0 }
  if (p.startsWith('[[:>:]]', pos)) return { js: '\\b(?<=\\w)', next: pos + 7, length: 0 }
  if (posixAt(p, pos) >= 0) {
    throw new Error(
      p[pos + 1] === ':'
        ? 'POSIX named classes are supported only within a class'
        : 'POSIX collating elements are not supported'
    )
  }
  // Under (?xx) spaces and tabs are not there at all (`[a- z]` is a to z).
  const skip = (at: number): number => {
    while (skipBlanks && (p[at] === ' ' || p[at] === '\t')) at++
    return at
  }
  let i = skip(pos + 1)
  const negated = p[i] === '^'
  if (negated) i = skip(i + 1)
  const items: string[] = []
  // A `]` first is a member (and may start a range: `[]-a]`).
  const start = i
  const scope: Scope = {
    caseless: fold,
    dotall: true,
    multiline: false,
    extended: false,
    extendedMore: false,
    noAutoCapture: false,
    ungreedy: false,
    duplicateNames: false
  }
  // After a set (`\d`, `[:alpha:]`) a hyphen is a literal only when it ends the class.
  let afterSet = false
  while (i < p.length && (p[i] !== ']' || i === start)) {
    if (skip(i) !== i) {
      i = skip(i)
      continue
    }
    if (afterSet && p[i] === '-' && skip(i + 1) < p.length && p[skip(i + 1)] !== ']') {
      throw new Error('invalid range in character class')
    }
    const posix = posixAt(p, i)
    if (posix >= 0) {
      items.push(posixJs(p, i, posix, fold))
      i = posix + 2
      afterSet = true
      continue
    }
    afterSet = isSetEscape(p, i)
    const from = afterSet ? null : classCharacter(p, i)
    if (!from) {
      const r = translateEscape(p, i, scope, false, true, progress)
      items.push(r.js)
      i = r.next
      continue
    }
    const hyphen = skip(from.next)
    const toAt = skip(hyphen + 1)
    if (p[hyphen] === '-' && toAt < p.length && p[toAt] !== ']') {
      if (isSetEscape(p, toAt) || posixAt(p, toAt) >= 0) throw new Error('invalid range in character class')
      const to = classCharacter(p, toAt)
      if (to) {
        if (to.code < from.code) throw new Error('range out of order in character class')
        if (to.code > 0x7f) progress.pastAscii = true
        items.push(rangeJs(from.code, to.code, fold))
        i = to.next
        continue
      }
    }
    items.push(characterJs(from.code, fold, true, progress))
    i = from.next
  }
  if (i >= p.length) throw new Error('missing terminating ] for character class')
  return { js: `[${negated ? '^' : ''}${items.join('')}]`, next: i + 1, length: 1 }
}
