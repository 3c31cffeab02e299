/**
 * JavaScript pattern text for characters, ranges and byte sets, written as escapes so that each
 * piece means the same wherever it lands (after a back-reference, inside a class, …).
 */

/** An inclusive range of character codes. */
export type CodeRange = [number, number]

export const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c)

export function foldLetter(c: string): string {
  return `[${c.toLowerCase()}${c.toUpperCase()}]`
}

export function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c
}

/** A code as an escape, which means the same character anywhere. */
export function codeJs(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** A class range; when folding, the ASCII letters it covers bring their other case (PCRE folds each character). */
export function rangeJs(from: number, to: number, fold: boolean): string {
  let js = from === to ? codeJs(from) : `${codeJs(from)}-${codeJs(to)}`
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

/**
 * The codes not in `ranges` (sorted, disjoint), up to 0xFFFF: a negated set such as `\S` or
 * `[:^alpha:]` inside a class, where JavaScript has no way to say "not these" for a member.
 */
function complement(ranges: CodeRange[]): CodeRange[] {
  const out: CodeRange[] = []
  let next = 0
  for (const [from, to] of ranges) {
    if (from > next) out.push([next, from - 1])
    next = to + 1
  }
  if (next <= 0xffff) out.push([next, 0xffff])
  return out
}

/** A byte set as class members (inside a class) or as a class of its own. */
export function setJs(ranges: CodeRange[], negated: boolean, inClass: boolean, fold = false): string {
  const members = (negated ? complement(ranges) : ranges).map(([a, b]) => rangeJs(a, b, fold && !negated)).join('')
  return inClass ? members : `[${members}]`
}
