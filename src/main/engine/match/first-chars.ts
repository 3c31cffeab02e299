/**
 * The characters a pattern's matches can begin with, read off its source (glob.ts, ere-shape.ts).
 * The filter pitfalls use it to tell a `/url` pattern that can never match (the URL always
 * begins with "/") from one that can. Answers err towards `'any'`: a pattern too involved to
 * read is taken to begin with anything.
 */
export interface FirstChars {
  /** Every character a non-empty match can begin with, or `'any'` when not worked out. */
  chars: ReadonlySet<string> | 'any'
  /** Whether the pattern may match the empty string (true whenever unsure). */
  empty: boolean
}

export const ANY_FIRST: FirstChars = { chars: 'any', empty: true }

/** Ranges wider than this (`[!-~]`) are taken as any character rather than listed. */
const RANGE_LIMIT = 256

export function firstChar(char: string): FirstChars {
  return { chars: new Set([char]), empty: false }
}

/** The characters of the ranges `from`–`to`, or `'any'` for wide ones. */
export function rangeChars(ranges: { from: string; to: string }[]): ReadonlySet<string> | 'any' {
  const chars = new Set<string>()
  for (const { from, to } of ranges) {
    const [low, high] = [from.codePointAt(0)!, to.codePointAt(0)!]
    if (high - low > RANGE_LIMIT) return 'any'
    for (let c = low; c <= high; c++) chars.add(String.fromCodePoint(c))
  }
  return chars
}

export function unionChars(
  a: ReadonlySet<string> | 'any',
  b: ReadonlySet<string> | 'any'
): ReadonlySet<string> | 'any' {
  return a === 'any' || b === 'any' ? 'any' : new Set([...a, ...b])
}

/** Whether no match of the pattern can begin with `char` (an empty match aside). */
export function neverBeginsWith(first: FirstChars, char: string): boolean {
  return first.chars !== 'any' && !first.chars.has(char)
}
