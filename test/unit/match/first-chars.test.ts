/**
 * What a glob's or an ERE's source says about how its matches begin, and where an ERE puts an
 * anchor nothing can stand at (glob.ts, ere-shape.ts; used by filter-never-matches.ts). Checked
 * against the matchers themselves: a pattern said never to begin with "/" matches no subject
 * that does, and one with misplaced anchors matches nothing.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ereAnchorsMisplaced, ereFirstChars } from '../../../src/main/engine/match/ere-shape'
import { neverBeginsWith } from '../../../src/main/engine/match/first-chars'
import { globFirstChars } from '../../../src/main/engine/match/glob'
import { compilePattern } from '../../../src/main/engine/match/pattern'
import { PatternError } from '../../../src/main/engine/match/posix-regex'

const chars = (f: { chars: ReadonlySet<string> | 'any' }): string[] | 'any' =>
  f.chars === 'any' ? 'any' : [...f.chars].sort()

describe('globFirstChars', () => {
  it('is the first token: a literal, the members of a class, anything after "*" or "?"', () => {
    expect(chars(globFirstChars('content/*'))).toEqual(['c'])
    expect(chars(globFirstChars('[a-c]x'))).toEqual(['a', 'b', 'c'])
    expect(chars(globFirstChars('[!/]x'))).toBe('any')
    expect(chars(globFirstChars('*x'))).toBe('any')
    expect(chars(globFirstChars('?x'))).toBe('any')
    expect(globFirstChars('')).toEqual({ chars: new Set(), empty: true })
    // An unclosed "[" matches nothing; that is no question of first characters.
    expect(chars(globFirstChars('[abc'))).toBe('any')
  })
})

describe('ereFirstChars', () => {
  it('reads every alternative, skips "^", and looks past atoms that may match nothing', () => {
    expect(chars(ereFirstChars('content/.*'))).toEqual(['c'])
    expect(chars(ereFirstChars('^content/.*'))).toEqual(['c'])
    expect(chars(ereFirstChars('(GET|HEAD) /.*'))).toEqual(['G', 'H'])
    expect(chars(ereFirstChars('a|b'))).toEqual(['a', 'b'])
    expect(chars(ereFirstChars('x?y'))).toEqual(['x', 'y'])
    expect(chars(ereFirstChars('(a|)b'))).toEqual(['a', 'b'])
    expect(chars(ereFirstChars('\\.json'))).toEqual(['.'])
    expect(chars(ereFirstChars('[]a-c]'))).toEqual([']', 'a', 'b', 'c'])
    expect(ereFirstChars('x?').empty).toBe(true)
    expect(ereFirstChars('x+').empty).toBe(false)
  })

  it('takes classes, assertions, back-references, negated or named brackets and "." to begin with anything', () => {
    for (const p of ['.x', '\\wx', '\\bx', '\\1', '[^a]', '[[:alpha:]]', '$x', 'x?.', '(a|.)']) {
      expect(chars(ereFirstChars(p)), p).toBe('any')
    }
  })
})

describe('ereAnchorsMisplaced', () => {
  it('is "^" after a character the alternative must match, or "$" before one, in every alternative', () => {
    expect(ereAnchorsMisplaced('/content/^.*')).toBe(true)
    expect(ereAnchorsMisplaced('/a$/b')).toBe(true)
    expect(ereAnchorsMisplaced('/a$/b|x^')).toBe(true)
    expect(ereAnchorsMisplaced('^/a.*$')).toBe(false)
    expect(ereAnchorsMisplaced('/a$|/b')).toBe(false)
    expect(ereAnchorsMisplaced('x?^a')).toBe(false)
    expect(ereAnchorsMisplaced('a$x?')).toBe(false)
    expect(ereAnchorsMisplaced('/a(^|/)b')).toBe(false)
  })
})

/** Random patterns from the pieces that decide how a match begins, with the subjects to try. */
const atoms = {
  glob: ['/', 'a', '.', '*', '?', '[/a]', '[!a]', '[a-c]', ' '],
  regex: [
    '/',
    'a',
    '.',
    '\\.',
    '\\/',
    '[/a]',
    '[^a]',
    '[a-c]',
    '(a|/)',
    '(|a)',
    '()',
    '^',
    '$',
    '\\w',
    'a?',
    '/*',
    '.+'
  ]
}
const subject = fc.array(fc.constantFrom('/', 'a', 'b', '.', ' '), { maxLength: 8 }).map((a) => a.join(''))

function compiles(kind: 'glob' | 'regex', source: string): ((s: string) => boolean) | null {
  try {
    return compilePattern({ kind, source, pos: { file: 'x', line: 1, column: 1 } }).test
  } catch (e) {
    if (e instanceof PatternError) return null
    throw e
  }
}

describe('agrees with the matchers', () => {
  for (const kind of ['glob', 'regex'] as const) {
    it(`a ${kind} said never to begin with "/" matches no subject that does`, () => {
      const pattern = fc.array(fc.constantFrom(...atoms[kind]), { minLength: 1, maxLength: 5 }).map((a) => a.join(''))
      fc.assert(
        fc.property(pattern, subject, (p, s) => {
          const test = compiles(kind, p)
          const first = kind === 'glob' ? globFirstChars(p) : ereFirstChars(p)
          if (test === null || !neverBeginsWith(first, '/')) return true
          return !test('/' + s)
        }),
        { numRuns: 3000 }
      )
    })
  }

  it('an ERE with misplaced anchors matches nothing', () => {
    const pattern = fc.array(fc.constantFrom(...atoms.regex), { minLength: 1, maxLength: 5 }).map((a) => a.join(''))
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        const test = compiles('regex', p)
        return test === null || !ereAnchorsMisplaced(p) || !test(s)
      }),
      { numRuns: 3000 }
    )
  })
})
