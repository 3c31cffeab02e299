/**
 * What a POSIX ERE (a single-quoted dispatcher.any value) says about the strings it can match,
 * read off its source without compiling it: its top-level alternatives, and whether each one
 * needs a given character. The filter pitfalls use it to tell a `/path` regex that can never
 * match (every alternative needs a dot, and a Sling path has none) from one where only some
 * alternatives are dead.
 *
 * Syntax as the translator (posix-regex.ts) reads it: `\x` is the character x, bracket
 * expressions may hold `]` first and `[:class:]`-style elements, a `)` that closes no group is
 * an ordinary character (glibc). The answer errs towards "not needed": a pattern the
 * translator would refuse is reported as an error elsewhere.
 */

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

function alternativeNeedsChar(alt: string, char: string): boolean {
  let i = 0
  while (i < alt.length) {
    const end = atomEnd(alt, i)
    const needed = atomNeedsChar(alt.slice(i, end), char)
    const after = quantifierEnd(alt, end)
    if (needed && !optionalQuantifier(alt.slice(end, after))) return true
    i = after
  }
  return false
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
