import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compilePosixEre, PatternError, translatePosixEre } from '../../../src/main/engine/match/posix-regex'

const full = (re: string, s: string): boolean => compilePosixEre(re).test(s)

function errorOf(re: string): PatternError {
  try {
    compilePosixEre(re)
  } catch (e) {
    if (e instanceof PatternError) return e
    throw e
  }
  throw new Error(`'${re}' compiled`)
}

describe('POSIX ERE anchoring (§1.5)', () => {
  it("matches the whole subject only: 'html' does not match 'xhtml' or 'html5'", () => {
    expect(full('html', 'html')).toBe(true)
    expect(full('html', 'xhtml')).toBe(false)
    expect(full('html', 'html5')).toBe(false)
  })

  it("an alternation is anchored as a whole: '(a|ab)' matches 'ab' (leftmost-longest and backtracking agree when anchored)", () => {
    expect(full('(a|ab)', 'ab')).toBe(true)
    expect(full('a|ab', 'ab')).toBe(true)
  })

  it("'()' and '' match only the empty string (the sample config's \"no extension\" rule)", () => {
    expect(full('()', '')).toBe(true)
    expect(full('()', 'html')).toBe(false)
    expect(full('', '')).toBe(true)
    expect(full('', 'x')).toBe(false)
  })

  it("'^' and '$' are anchors anywhere, so 'x$y' never matches", () => {
    expect(full('x$y', 'x$y')).toBe(false)
    expect(full('.*\\.(css|js)$', 'a.css')).toBe(true)
    expect(full('(^a)', 'a')).toBe(true)
    expect(full('b(^a)', 'ba')).toBe(false)
  })
})

describe('POSIX ERE syntax as glibc regcomp reads it', () => {
  it("an empty alternative matches the empty string: '(pagedata|commerce||cart)'", () => {
    expect(full('(pagedata|commerce||cart)', '')).toBe(true)
    expect(full('(pagedata|commerce||cart)', 'cart')).toBe(true)
    expect(full('(pagedata|commerce||cart)', 'x')).toBe(false)
    expect(full('a|', '')).toBe(true)
  })

  it("'[0-9-]+' takes a trailing '-' as a member: matches '2' and '1-2', not 'a'", () => {
    expect(full('[0-9-]+', '2')).toBe(true)
    expect(full('[0-9-]+', '1-2')).toBe(true)
    expect(full('[0-9-]+', '-')).toBe(true)
    expect(full('[0-9-]+', 'a')).toBe(false)
  })

  it("'\\d' is the letter d, not a digit, and a note says so", () => {
    const t = translatePosixEre('\\d+')
    expect(t.regex.test('ddd')).toBe(true)
    expect(t.regex.test('123')).toBe(false)
    expect(t.notes).toEqual([
      "'\\d' at character 1 is not special in POSIX regular expressions: it matches the character 'd'"
    ])
  })

  it('a backslash before a special character makes it ordinary', () => {
    expect(full('a\\.b', 'a.b')).toBe(true)
    expect(full('a\\.b', 'axb')).toBe(false)
    expect(full('\\(x\\)', '(x)')).toBe(true)
    expect(full('a\\{1\\}', 'a{1}')).toBe(true)
    expect(full('\\\\', '\\')).toBe(true)
  })

  it("a ')' that closes no group is an ordinary character: '(json|xml|html|feed))' only matches 'json)'", () => {
    const t = translatePosixEre('(json|xml|html|feed))')
    expect(t.regex.test('json')).toBe(false)
    expect(t.regex.test('json)')).toBe(true)
    expect(t.notes).toEqual([
      "the ')' at character 21 closes no group, so it is an ordinary character that the subject must contain"
    ])
  })

  it('"." matches any character, a newline too', () => {
    expect(full('a.c', 'a\nc')).toBe(true)
  })

  it('stacked quantifiers repeat what precedes them and are never lazy or an error', () => {
    expect(full('x**', 'xx')).toBe(true)
    expect(full('a?*', 'aa')).toBe(true)
    expect(full('a+?', '')).toBe(true)
    expect(full('a+?', 'aaa')).toBe(true)
    expect(full('a{1,2}{3}', 'aaa')).toBe(true)
  })

  it('intervals {m}, {m,}, {m,n}, {,n} and {,}', () => {
    expect(full('a{2}', 'aa')).toBe(true)
    expect(full('a{2}', 'aaa')).toBe(false)
    expect(full('a{2,}', 'aaaa')).toBe(true)
    expect(full('a{1,2}', 'aaa')).toBe(false)
    expect(full('a{,2}', '')).toBe(true)
    expect(full('a{,2}', 'aaa')).toBe(false)
    expect(full('a{,}', 'aaaa')).toBe(true)
    expect(full('a{0}', '')).toBe(true)
  })

  it('back-references \\1–\\9 repeat a finished group', () => {
    expect(full('(a)(b)\\2', 'abb')).toBe(true)
    expect(full('(a)(b)\\2', 'aba')).toBe(false)
    expect(full('(a)\\10', 'aa0')).toBe(true)
  })

  it('the GNU escapes \\w \\W \\s \\S \\< \\> \\b work', () => {
    expect(full('\\w+', 'ab_1')).toBe(true)
    expect(full('\\w+', 'a-b')).toBe(false)
    expect(full('\\W', '-')).toBe(true)
    expect(full('a\\sb', 'a b')).toBe(true)
    expect(full('\\S+', 'a b')).toBe(false)
    expect(full('.*\\<b.*', 'a b')).toBe(true)
    expect(full('.*\\<b.*', 'ab')).toBe(false)
    expect(full('a\\>.*', 'a b')).toBe(true)
    expect(full('a\\b.*', 'ab')).toBe(false)
  })

  it('Perl-only syntax is not available: "(?i)" is an error', () => {
    expect(errorOf('(?i)abc').code).toBe('PATTERN_INVALID_REGEX')
  })

  it('slashes need no escaping', () => {
    expect(full('/content/.*', '/content/a/b')).toBe(true)
    expect(full('.*/[.][.];/.*', '/content/..;/crx/packmgr/service.jsp')).toBe(true)
  })

  it('case-sensitive by default, case-insensitive on request', () => {
    expect(full('(json|xml|html)', 'JSON')).toBe(false)
    expect(compilePosixEre('(json|xml|html)', { caseInsensitive: true }).test('JSON')).toBe(true)
    expect(compilePosixEre('[a-c]x', { caseInsensitive: true }).test('BX')).toBe(true)
  })
})

describe('POSIX bracket expressions', () => {
  it("']' first in a bracket is a member: '[]a]' and '[^]a]'", () => {
    expect(full('[]a]', ']')).toBe(true)
    expect(full('[]a]', 'a')).toBe(true)
    expect(full('[^]a]', 'b')).toBe(true)
    expect(full('[^]a]', ']')).toBe(false)
    expect(full('[]-a]', '^')).toBe(true)
  })

  it('a backslash inside a bracket is an ordinary member', () => {
    expect(full('[\\w]', '\\')).toBe(true)
    expect(full('[\\w]', 'w')).toBe(true)
    expect(full('[\\w]', 'x')).toBe(false)
  })

  it("'[a\\-z]' is 'a' plus the range from '\\' to 'z', so it holds '_' and 'b' but not '-'", () => {
    expect(full('[a\\-z]', '_')).toBe(true)
    expect(full('[a\\-z]', 'b')).toBe(true)
    expect(full('[a\\-z]', '-')).toBe(false)
  })

  it('character classes [:alpha:] [:digit:] [:upper:] [:space:] [:punct:] [:xdigit:]', () => {
    expect(full('[[:alpha:]]+', 'abC')).toBe(true)
    expect(full('[[:alpha:]]+', 'ab1')).toBe(false)
    expect(full('[[:digit:][:upper:]]+', '1A2')).toBe(true)
    expect(full('[[:space:]]', '\t')).toBe(true)
    expect(full('[[:punct:]]+', '!/[`~')).toBe(true)
    expect(full('[[:xdigit:]]+', 'fF09')).toBe(true)
    expect(full('[^[:alnum:]]', '-')).toBe(true)
  })

  it("'[:alpha:]' outside a bracket is a bracket of the characters ':alph'", () => {
    expect(full('[:alpha:]', 'a')).toBe(true)
    expect(full('[:alpha:]', 'b')).toBe(false)
  })

  it('collating symbols and equivalence classes of one character', () => {
    expect(full('[[.-.]-/]', '.')).toBe(true)
    expect(full('[[=a=]b]', 'a')).toBe(true)
  })

  it("'-' first or last is a member, and '[%--]' is the range '%' to '-'", () => {
    expect(full('[-a]', '-')).toBe(true)
    expect(full('[a-]', '-')).toBe(true)
    expect(full('[%--]', '+')).toBe(true)
    expect(full('[^-a]', '-')).toBe(false)
  })

  it("'[' inside a bracket is an ordinary member when no ':', '.' or '=' follows", () => {
    expect(full('[[]', '[')).toBe(true)
    expect(full('[a[]+', 'a[a')).toBe(true)
  })

  it("read as raw POSIX, '.*(\\\\[|]).*' means a backslash followed by '|' (see pattern.ts for how dispatcher.any reads it)", () => {
    expect(full('.*(\\\\[|]).*', 'a\\|b')).toBe(true)
    expect(full('.*(\\\\[|]).*', 'a[b')).toBe(false)
    expect(full('.*(\\[|]).*', 'a[b')).toBe(true)
    expect(full('.*(\\[|]).*', 'a]b')).toBe(true)
  })
})

describe('invalid POSIX ERE → PatternError (PATTERN_INVALID_REGEX)', () => {
  const cases: [string, string][] = [
    ['(a', "unmatched '('"],
    ['[a', "unmatched '['"],
    ['[]', "unmatched '['"],
    ['[^]', "unmatched '['"],
    ['[[:alpha:]', "unmatched '['"],
    ['[[:alpha]', "unmatched '[:'"],
    ['a{1', "unmatched '{'"],
    ['a{', "unmatched '{'"],
    ['a{x}', 'invalid repetition count'],
    ['a{ 1}', 'invalid repetition count'],
    ['a{2,1}', 'invalid repetition count'],
    ['a{1,32768}', 'repetition count above 32767'],
    ['*a', 'nothing before it to repeat'],
    ['+a', 'nothing before it to repeat'],
    ['{', 'nothing before it to repeat'],
    ['a|*b', 'nothing before it to repeat'],
    ['(*a)', 'nothing before it to repeat'],
    ['^*', 'nothing before it to repeat'],
    ['a$*', 'nothing before it to repeat'],
    ['\\b*', 'nothing before it to repeat'],
    ['a\\', 'trailing backslash'],
    ['(a\\1)', 'back-reference \\1 names no finished group'],
    ['\\1(a)', 'back-reference \\1 names no finished group'],
    ['[z-a]', "range 'z-a' is reversed"],
    ['[a-c-e]', "a range cannot be followed by '-'"],
    ['[[:alpha:]-z]', 'a character class cannot start a range'],
    ['[a-[:alpha:]]', 'a character class cannot end a range'],
    ['[[:foo:]]', "unknown character class '[:foo:]'"],
    ['[[.hyphen.]]', "unknown collating element '[.hyphen.]'"]
  ]
  it.each(cases)("'%s' is rejected: %s", (re, message) => {
    const e = errorOf(re)
    expect(e.code).toBe('PATTERN_INVALID_REGEX')
    expect(e.message).toContain(message)
    expect(e.message).toContain(`'${re}'`)
  })

  it('the error names the character position of the problem', () => {
    const e = errorOf('/content/(a|b')
    expect(e.offset).toBe(9)
    expect(e.message).toBe("invalid regular expression '/content/(a|b': unmatched '(' (at character 10)")
  })
})

describe('translation robustness', () => {
  it('any string of ERE characters either compiles or is rejected by the translator itself, never by JavaScript', () => {
    const alphabet = fc.constantFrom(...'ab()[]{}|*+?^$.\\-,:=1 '.split(''), '[:alpha:]', '{1,2}', '(?')
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }), (chars) => {
        const source = chars.join('')
        try {
          compilePosixEre(source)
        } catch (e) {
          expect(e).toBeInstanceOf(PatternError)
          // The translator found the problem itself rather than passing JavaScript an invalid RegExp.
          expect((e as Error).message).not.toContain('Invalid regular expression: /')
        }
      }),
      { numRuns: 2000 }
    )
  })
})
