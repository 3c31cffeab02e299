/**
 * What a POSIX ERE (a single-quoted dispatcher.any value) says about the strings it can match,
 * read off its source without compiling it: its top-level alternatives, and whether each one
 * needs a given character. The filter pitfalls use it to tell a `/path` regex that can never
 * match (every alternative needs a dot, and a Sling path has none) from one where only some
 * alternatives are dead; and which characters its matches can begin with, and whether it puts
 * an anchor where nothing can stand, for the rules that can never match at all.
 *
 * Syntax as the translator (posix-regex.ts) reads it: `\x` is the character x, bracket
 * expressions may hold `]` first and `[:class:]`-style elements, a `)` that closes no group is
 * an ordinary character (glibc). The answer errs towards "not needed": a pattern the
 * translator would refuse is reported as an error elsewhere.
 */
import { ANY_FIRST, firstChar, rangeChars, unionChars, type FirstChars } from './first-chars'

/** The alternatives of `source` at the top level (outside groups and bracket expressions). */
export function ereAlternatives(source: string): string[] {
  const out: string[] = []
  let start = 0
  for (let i = 0; i < source.length; i = atomEnd(source, i)) {
    if (source[i] === '|') {
      out.push(source.slice(start, i))
      start = i + 1
    }
  }
  out.push(source.slice(start))
  return out
}

/** Whether every string the ERE matches holds the character `char` (in every alternative). */
export function ereNeedsChar(source: string, char: string): boolean {
  return ereAlternatives(source).every((alt) => alternativeNeedsChar(alt, char))
}

/**
 * The characters a match of the ERE can begin with (first-chars.ts). `^` is skipped (it holds
 * at the start); an atom that may match nothing (`x?`, `(a|)`) lets the next one begin the match
 * too. Escapes that are classes or assertions in glibc (`\w`, `\b`, `\<`), back-references,
 * bracket expressions negated or with a `[:class:]`, and `$` are taken to begin with anything.
 */
export function ereFirstChars(source: string): FirstChars {
  const alternatives = ereAlternatives(source).map(sequenceFirstChars)
  return {
    chars: alternatives.reduce<FirstChars['chars']>((all, alt) => unionChars(all, alt.chars), new Set()),
    empty: alternatives.some((alt) => alt.empty)
  }
}

function sequenceFirstChars(alt: string): FirstChars {
  let chars: FirstChars['chars'] = new Set()
  for (const { atom, optional } of atoms(alt)) {
    if (atom === '^') continue
    const first = atomFirstChars(atom)
    chars = unionChars(chars, first.chars)
    if (chars === 'any') return ANY_FIRST
    if (!first.empty && !optional) return { chars, empty: false }
  }
  return { chars, empty: true }
}

function atomFirstChars(atom: string): FirstChars {
  const c = atom[0]
  if (c === '(') return atom.endsWith(')') ? ereFirstChars(atom.slice(1, -1)) : ANY_FIRST
  if (c === '[') return bracketFirstChars(atom)
  if (c === '\\') return atom.length === 2 && !/[0-9A-Za-z<>`']/.test(atom[1]) ? firstChar(atom[1]) : ANY_FIRST
  // `.` is any character, `$` an anchor; a quantifier or `|` here is an error reported elsewhere.
  if ('.$*+?{|'.includes(c)) return ANY_FIRST
  return firstChar(c)
}

/** The members of a bracket expression, when it lists them (no `^`, no `[:class:]`). */
function bracketFirstChars(atom: string): FirstChars {
  const body = atom.endsWith(']') ? atom.slice(1, -1) : ''
  if (body === '' || body.startsWith('^') || /\[[:.=]/.test(body)) return ANY_FIRST
  const ranges: { from: string; to: string }[] = []
  for (let i = 0; i < body.length;) {
    const isRange = body[i + 1] === '-' && i + 2 < body.length
    ranges.push({ from: body[i], to: isRange ? body[i + 2] : body[i] })
    i += isRange ? 3 : 1
  }
  return { chars: rangeChars(ranges), empty: false }
}

/**
 * Whether every alternative has a `^` after a character it must match, or a `$` before one:
 * `^` holds only at the start of the subject and `$` only at its end (glibc's regexec without
 * REG_NEWLINE), so such an ERE matches nothing. Groups are not looked into.
 */
export function ereAnchorsMisplaced(source: string): boolean {
  return ereAlternatives(source).every(alternativeAnchorsMisplaced)
}

function alternativeAnchorsMisplaced(alt: string): boolean {
  let consumed = false
  let ended = false
  for (const { atom, optional } of atoms(alt)) {
    if (atom === '^' && consumed) return true
    if (atom === '$') ended = true
    else if (matchesOneChar(atom) && !optional) {
      if (ended) return true
      consumed = true
    }
  }
  return false
}

/** An atom that always matches exactly one character: a literal, `.`, an escape, a bracket expression. */
function matchesOneChar(atom: string): boolean {
  const c = atom[0]
  if (c === '\\') return atom.length === 2 && !/[bB<>`']/.test(atom[1])
  if (c === '[') return atom.endsWith(']') && atom.length > 2
  return !'()^$*+?{|'.includes(c)
}

function alternativeNeedsChar(alt: string, char: string): boolean {
  for (const { atom, optional } of atoms(alt)) if (!optional && atomNeedsChar(atom, char)) return true
  return false
}

/** The atoms of an alternative in order, each with whether its quantifiers let it occur zero times. */
function* atoms(alt: string): Generator<{ atom: string; optional: boolean }> {
  for (let i = 0; i < alt.length;) {
    const end = atomEnd(alt, i)
    const after = quantifierEnd(alt, end)
    yield { atom: alt.slice(i, end), optional: optionalQuantifier(alt.slice(end, after)) }
    i = after
  }
}

function atomNeedsChar(atom: string, char: string): boolean {
  const c = atom[0]
  if (c === '\\') return atom[1] === char
  if (c === '[') {
    const body = atom.endsWith(']') ? atom.slice(1, -1) : ''
    return body.length > 0 && !body.startsWith('^') && [...body].every((x) => x === char)
  }
  if (c === '(') return atom.endsWith(')') && ereNeedsChar(atom.slice(1, -1), char)
  // `.`, `^` and `$` outside brackets are operators, not the characters themselves.
  return atom === char && !'.^$'.includes(char)
}

/** Whether a run of quantifiers (`+?`, `{2}*`, …) lets the atom occur zero times. */
function optionalQuantifier(run: string): boolean {
  for (let i = 0; i < run.length;) {
    if (run[i] === '*' || run[i] === '?') return true
    if (run[i] === '+') {
      i++
      continue
    }
    const close = run.indexOf('}', i)
    if (/^\{0*(,|\})/.test(run.slice(i))) return true
    i = close + 1
  }
  return false
}

/** Index after the quantifiers (`*`, `+`, `?`, `{m,n}`) that follow an atom ending at `i`. */
function quantifierEnd(s: string, i: number): number {
  while (i < s.length) {
    const c = s[i]
    if (c === '*' || c === '+' || c === '?') i++
    else if (c === '{') {
      const close = s.indexOf('}', i)
      if (close < 0 || !/^\{\d*(,\d*)?\}$/.test(s.slice(i, close + 1))) return i
      i = close + 1
    } else return i
  }
  return i
}

/** Index after the atom starting at `i`: an escape, a bracket expression, a group, or one character. */
function atomEnd(s: string, i: number): number {
  const c = s[i]
  if (c === '\\') return Math.min(i + 2, s.length)
  if (c === '[') return bracketEnd(s, i)
  if (c === '(') {
    let depth = 0
    for (let j = i; j < s.length;) {
      const d = s[j]
      if (d === '\\') j += 2
      else if (d === '[') j = bracketEnd(s, j)
      else {
        if (d === '(') depth++
        else if (d === ')' && --depth === 0) return j + 1
        j++
      }
    }
    return s.length
  }
  return i + 1
}

/** Index after the bracket expression opening at `open` (the end of `s` when it is unclosed). */
function bracketEnd(s: string, open: number): number {
  let i = open + 1
  if (s[i] === '^') i++
  if (s[i] === ']') i++
  while (i < s.length) {
    if (s[i] === '[' && (s[i + 1] === ':' || s[i + 1] === '.' || s[i + 1] === '=')) {
      const close = s.indexOf(s[i + 1] + ']', i + 2)
      i = close < 0 ? s.length : close + 2
    } else if (s[i] === ']') return i + 1
    else i++
  }
  return s.length
}
