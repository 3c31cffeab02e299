/**
 * Dispatcher glob patterns: the double-quoted values of dispatcher.any (dispatcher-behavior.md §1.5).
 *
 * Hand-written because no glob library has these semantics. minimatch and picomatch treat `/` as a
 * path separator that `*` cannot cross, honour `\` escapes, braces and globstars, and match partial
 * paths in some modes. The Dispatcher matches globs against whole request lines and host names:
 * `*` runs over `/` and spaces, the match is anchored at both ends, `[!…]` and `[^…]` both negate,
 * an unclosed `[` makes the whole pattern match nothing, and there is no escape character (a
 * backslash is an ordinary character).
 *
 * Not documented, chosen after fnmatch(3): a `]` right after `[` (or `[!`, `[^`) is a member of the
 * class, `-` first or last in a class is literal, and a reversed range such as `[z-a]` has no members.
 */

import { ANY_FIRST, firstChar, rangeChars, type FirstChars } from './first-chars'

type ClassItem = { from: string; to: string }

type Token =
  | { kind: 'literal'; char: string }
  | { kind: 'any-one' }
  | { kind: 'star' }
  | { kind: 'class'; negated: boolean; items: ClassItem[] }

export interface GlobOptions {
  /** Host names in `/virtualhosts` are compared without regard to case (§1.5 recommendation). */
  caseInsensitive?: boolean
}

const NEVER = (): boolean => false
const ALWAYS = (): boolean => true

export function compileGlob(source: string, opts: GlobOptions = {}): (subject: string) => boolean {
  const tokens = tokenize(source)
  if (tokens === null) return NEVER
  const ci = opts.caseInsensitive === true
  if (tokens.length === 1 && tokens[0].kind === 'star') return ALWAYS
  if (tokens.every((t) => t.kind === 'literal')) {
    const literal = ci ? source.toLowerCase() : source
    return ci ? (s) => s.toLowerCase() === literal : (s) => s === literal
  }
  const fixed = prefixOrSuffix(tokens, ci)
  if (fixed) return fixed
  const pattern = ci ? tokens.map(lowerToken) : tokens
  return (subject) => matchTokens(pattern, ci ? subject.toLowerCase() : subject, ci)
}

/**
 * Whether every string the glob matches holds `char` (a literal, or a class with no other
 * member). False for a pattern with an unclosed `[`, which matches nothing at all.
 */
export function globNeedsChar(source: string, char: string): boolean {
  const tokens = tokenize(source)
  if (tokens === null) return false
  return tokens.some(
    (t) =>
      (t.kind === 'literal' && t.char === char) ||
      (t.kind === 'class' &&
        !t.negated &&
        t.items.length > 0 &&
        t.items.every((it) => it.from === char && it.to === char))
  )
}

/**
 * The characters a match of the glob can begin with (first-chars.ts): its first token read
 * alone, since a glob has no alternation. Any character after `*` or `?`, and after a pattern
 * with an unclosed `[` (which matches nothing, said nowhere here).
 */
export function globFirstChars(source: string): FirstChars {
  const tokens = tokenize(source)
  if (tokens === null) return ANY_FIRST
  const first = tokens[0]
  if (first === undefined) return { chars: new Set(), empty: true }
  if (first.kind === 'literal') return firstChar(first.char)
  if (first.kind === 'class' && !first.negated) return { chars: rangeChars(first.items), empty: false }
  return ANY_FIRST
}

/** `"/content/*"` and `"*.html"`, the usual filter and cache globs, need no scan. */
function prefixOrSuffix(tokens: Token[], ci: boolean): ((s: string) => boolean) | null {
  const starAt = tokens.findIndex((t) => t.kind === 'star')
  const literals = tokens.filter((t): t is Extract<Token, { kind: 'literal' }> => t.kind === 'literal')
  if (literals.length !== tokens.length - 1) return null
  const text = literals.map((t) => t.char).join('')
  const fixed = ci ? text.toLowerCase() : text
  const fold = (s: string): string => (ci ? s.toLowerCase() : s)
  if (starAt === tokens.length - 1) return (s) => fold(s).startsWith(fixed)
  if (starAt === 0) return (s) => fold(s).endsWith(fixed)
  return null
}

/** `null` when the pattern has an unclosed `[`: such a pattern matches nothing (§1.5). */
function tokenize(source: string): Token[] | null {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' })
      i++
    } else if (c === '?') {
      tokens.push({ kind: 'any-one' })
      i++
    } else if (c === '[') {
      const parsed = parseClass(source, i)
      if (parsed === null) return null
      tokens.push(parsed.token)
      i = parsed.next
    } else {
      tokens.push({ kind: 'literal', char: c })
      i++
    }
  }
  return tokens
}

function parseClass(source: string, open: number): { token: Token; next: number } | null {
  let i = open + 1
  let negated = false
  if (source[i] === '!' || source[i] === '^') {
    negated = true
    i++
  }
  const items: ClassItem[] = []
  let first = true
  while (i < source.length) {
    const c = source[i]
    if (c === ']' && !first) return { token: { kind: 'class', negated, items }, next: i + 1 }
    first = false
    if (source[i + 1] === '-' && i + 2 < source.length && source[i + 2] !== ']') {
      items.push({ from: c, to: source[i + 2] })
      i += 3
    } else {
      items.push({ from: c, to: c })
      i++
    }
  }
  return null
}

function lowerToken(t: Token): Token {
  return t.kind === 'literal' ? { kind: 'literal', char: t.char.toLowerCase() } : t
}

function classHas(t: Extract<Token, { kind: 'class' }>, c: string, ci: boolean): boolean {
  const candidates = ci ? [c, c.toUpperCase()] : [c]
  const hit = t.items.some((it) => candidates.some((x) => x >= it.from && x <= it.to))
  return hit !== t.negated
}

function matchesOne(t: Token, c: string, ci: boolean): boolean {
  switch (t.kind) {
    case 'literal':
      return t.char === c
    case 'any-one':
      return true
    case 'class':
      return classHas(t, c, ci)
    case 'star':
      return false
  }
}

/** Greedy scan that backtracks only to the last `*`: linear in practice, O(n·m) at worst. */
function matchTokens(tokens: Token[], s: string, ci: boolean): boolean {
  let p = 0
  let i = 0
  let starP = -1
  let starI = 0
  while (i < s.length) {
    if (p < tokens.length && tokens[p].kind === 'star') {
      starP = p++
      starI = i
    } else if (p < tokens.length && matchesOne(tokens[p], s[i], ci)) {
      p++
      i++
    } else if (starP >= 0) {
      p = starP + 1
      i = ++starI
    } else {
      return false
    }
  }
  while (p < tokens.length && tokens[p].kind === 'star') p++
  return p === tokens.length
}
