/**
 * Patterns that compile match as PCRE2 matches them. Each expectation was measured with
 * pcre2_match (libpcre2-8 10.42, DOTALL DOLLAR_ENDONLY) on the same subject.
 */
import { describe, expect, it } from 'vitest'
import { compilePcre } from '../../../src/main/engine/apache-expr'

/** The span pcre2_match reports, `start-end`, or '-' for no match. */
function span(pattern: string, subject: string): string {
  const r = compilePcre(pattern)
  if (!r.ok) throw new Error(`${pattern}: ${r.error}`)
  const m = r.regex.exec(subject)
  return m ? `${m.index}-${m.index + m[0].length}` : '-'
}

describe('PCRE2 matching, construct by construct', () => {
  it('\\Q…\\E inside a class: a quoted first character ends a range, a quoted hyphen is a member', () => {
    expect(span('[a-\\Qz\\E]', '/x/y.z')).toBe('1-2')
    expect(span('[a\\Q-\\Ez]', '/x/y.z')).toBe('5-6')
    expect(span('[a\\Q-\\Ez]', '--')).toBe('0-1')
    expect(span('[\\Qa\\E-z]', '/x')).toBe('1-2')
  })

  it('\\R takes CR LF as one line break, never CR alone before LF', () => {
    expect(span('\\R{2,}', 'a\r\nb')).toBe('-')
    expect(span('^a\\Rb$', 'a\r\nb')).toBe('0-4')
  })

  it('a "]" first in a class may start a range', () => {
    expect(span('^[]-a]+$', ']^_`a')).toBe('0-5')
  })

  it('(?^) unsets the options, DOTALL included', () => {
    expect(span('(?^).', '\n')).toBe('-')
    expect(span('(?i:(?^)A)', 'a')).toBe('-')
    expect(span('(?i:(?^)A)', 'A')).toBe('0-1')
  })

  it('(?n) makes plain groups non-capturing and (?U) swaps greediness', () => {
    expect(compilePcre('(?n)(a)(?<x>b)')).toMatchObject({ ok: true, groups: 1 })
    expect(span('(?U)a+', 'aaa')).toBe('0-1')
    expect(span('(?U)a+?', 'aaa')).toBe('0-3')
  })

  it('(?xx) skips spaces and tabs inside a class too', () => {
    expect(span('(?xx)[a b]', ' ')).toBe('-')
    expect(span('(?xx)[a- z]', 'q')).toBe('0-1')
  })

  it('\\N is any character but a newline, \\C any byte, \\cX a control character', () => {
    expect(span('\\N', '\n')).toBe('-')
    expect(span('\\C', '\n')).toBe('0-1')
    expect(span('\\c\\', '\x1c')).toBe('0-1')
    expect(span('\\c1', 'q')).toBe('0-1')
  })

  it('negated sets inside a class: \\S, \\H, \\V, [:^alpha:] are the bytes outside the set', () => {
    expect(span('^[\\S]$', '\xa0')).toBe('0-1')
    expect(span('^[\\S]$', ' ')).toBe('-')
    expect(span('^[\\H]$', '\xa0')).toBe('-')
    expect(span('^[\\V]$', '\x85')).toBe('-')
    expect(span('^[[:^alpha:]]+$', '1-_')).toBe('0-3')
    expect(span('^[[:^alpha:]]$', 'q')).toBe('-')
  })

  it('a repeated lookbehind, and \\g{-1} relative to the groups so far', () => {
    expect(span('(?<!\\D)*x', 'x')).toBe('0-1')
    expect(span('(a)(b)\\g{-1}', 'abb')).toBe('0-3')
  })

  it('(*FAIL) never matches, a mark changes nothing, (*pla:…) and (*nlb:…) are lookarounds', () => {
    expect(span('a|(*FAIL)b', 'b')).toBe('-')
    expect(span('(*MARK:x)b', 'ab')).toBe('1-2')
    expect(span('(*pla:a)\\w', 'ba')).toBe('1-2')
    expect(span('(*nlb:a)b', 'abcb')).toBe('3-4')
    expect(span('(*NO_JIT)(*LIMIT_MATCH=99)a', 'a')).toBe('0-1')
  })

  it('a comment, and white space under (?x), stand between a quantifier and its ? or +', () => {
    expect(span('a+(?#x)?', 'aaa')).toBe('0-1')
    expect(span('(?x)a+ ?', 'aaa')).toBe('0-1')
    expect(compilePcre('a{2}(?#x)+')).toMatchObject({ ok: false, unsupported: true })
    expect(compilePcre('a+(?#x)*')).toMatchObject({ ok: false, unsupported: false })
  })

  it('under (?m) "^" follows a newline, but not one that ends the subject', () => {
    expect(span('.(?m:^)', 'a\n')).toBe('-')
    expect(span('.(?m:^)', 'a\nb')).toBe('1-2')
    expect(span('(?m)^$', '')).toBe('0-0')
  })

  it('\\g+1 is a reference to the next group', () => {
    expect(compilePcre('\\g+1()')).toMatchObject({ ok: false, unsupported: true })
    expect(compilePcre('(a)\\g+1')).toMatchObject({
      ok: false,
      unsupported: false,
      error: 'reference to non-existent subpattern'
    })
  })

  it('a repeated group that may match the empty string is unsupported (PCRE2 stops at an empty iteration, JavaScript backtracks)', () => {
    for (const p of ['(?:|a)*', '(?:a*?)+', '(\\w*?)*x', '(a?)+', '(?:a??){2,}'])
      expect(compilePcre(p), p).toMatchObject({ ok: false, unsupported: true })
    // A group that always matches something, or never anything, or is repeated at most once, is read as before.
    expect(span('^(?:/[^/]+)*$', '/a/b')).toBe('0-4')
    expect(span('^/x(/.*)?$', '/x')).toBe('0-2')
    expect(span('(?:)*a', 'a')).toBe('0-1')
    expect(span('(?=a)*a', 'a')).toBe('0-1')
  })

  it('a back-reference to a group not yet matched is unsupported (PCRE2 fails it, JavaScript matches it empty)', () => {
    expect(compilePcre('\\1(a)')).toMatchObject({ ok: false, unsupported: true })
    expect(compilePcre('(a\\1)')).toMatchObject({ ok: false, unsupported: true })
    expect(compilePcre('(?<n>a)\\k<n>')).toMatchObject({ ok: true })
  })

  it('so is one to a group that is optional, in another branch or in a negative lookaround', () => {
    for (const p of [
      '(a)?\\1',
      '(a)*\\1',
      '(a){0,2}\\1',
      '(a)|\\1',
      '(?:(a)|b)\\1',
      '((a)|b)\\2',
      '(?!(a))\\1',
      '(?<n>a)?\\k<n>'
    ])
      expect(compilePcre(p), p).toMatchObject({ ok: false, unsupported: true })
    // Set on every way to the reference: PCRE2 and JavaScript agree.
    expect(span('(a)+\\1', 'aa')).toBe('0-2')
    expect(span('(?=(a))\\1', 'a')).toBe('0-1')
    expect(span('((a)b)\\2', 'aba')).toBe('0-3')
    expect(span('(a)(?:x|y)\\1', 'aya')).toBe('0-3')
    expect(span('(?:(a)\\1)?', 'aa')).toBe('0-2')
  })
})
