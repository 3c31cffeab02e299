/**
 * What pcre2_compile refuses, `check` refuses; what it compiles, `check` accepts. Every pattern
 * here was measured with Debian's libpcre2-8 10.42 (the one apache2 2.4 links) under httpd's
 * options (DOTALL DOLLAR_ENDONLY), and the refusals with `apache2 -t` on a RewriteRule
 * (test/httpd/check-parity.test.ts runs a selection against apache2 itself). PCRE2's own words
 * are given where the workbench says the same.
 */
import { describe, expect, it } from 'vitest'
import { compilePcre } from '../../../src/main/engine/apache-expr'

function refused(pattern: string): string {
  const r = compilePcre(pattern)
  if (r.ok || r.unsupported) throw new Error(`${pattern} was accepted${r.ok ? '' : ` (unsupported: ${r.error})`}`)
  return r.error
}

/** Compiles, or is an unsupported construct (kept as a warning: httpd accepts it). */
function accepted(pattern: string): void {
  const r = compilePcre(pattern)
  if (!r.ok && !r.unsupported) throw new Error(`${pattern} was refused: ${r.error}`)
}

describe('patterns pcre2_compile refuses are errors', () => {
  it('a class range with a set at either end: "invalid range in character class"', () => {
    for (const p of ['[a-\\d]', '[\\d-a]', '[a-\\w]', '[a-\\s]', '[\\x41-\\d]', '[\\w-z]', '[\\d-\\d]', '[\\pL-z]'])
      expect(refused(p), p).toBe('invalid range in character class')
    for (const p of ['[a-[:digit:]]', '[[:digit:]-a]', '[[:alpha:]-z]', '[\\d-\\]]'])
      expect(refused(p), p).toBe('invalid range in character class')
    // A hyphen that ends the class is a literal.
    for (const p of ['[\\d-]', '[-\\d]', '[[:digit:]-]', '[a-]', '[%-\\-]']) accepted(p)
  })

  it('a letter escape with no meaning: "unrecognized character follows \\", outside a class and in one', () => {
    for (const letter of 'ijmqyIJMOTY') {
      expect(refused(`x\\${letter}`), letter).toBe('unrecognized character follows \\')
      expect(refused(`[\\${letter}]`), letter).toBe('unrecognized character follows \\')
    }
    for (const p of ['\\U', '\\u', '\\L', '\\l', '\\F', '[\\u]', '\\N{name}']) {
      expect(refused(p), p).toBe('PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u')
    }
  })

  it('the letters PCRE2 accepts outside a class', () => {
    for (const letter of 'abdDefhHnrstvVwWxzABCEGKNQRSXZ') accepted(`x\\${letter}`)
    for (const p of ['\\cA', '\\c1', '\\c\\', '\\o{101}', '\\g{1}(a)', '(?<n>a)\\k<n>', '\\pL', '\\p{Lu}']) accepted(p)
  })

  it('inside a class: \\b is a backspace and \\g a g; the assertions and \\k, \\N, \\R, \\X are refused', () => {
    for (const letter of 'abdDefhHnrsStvVwWxg') accepted(`[\\${letter}]`)
    for (const letter of 'ABCGKRXZzk') {
      expect(refused(`[\\${letter}]`), letter).toBe('escape sequence is invalid in character class')
    }
    expect(refused('[\\N]')).toBe('\\N is not supported in a class')
    // \b in a class is 0x08, so a range from a to it is out of order.
    expect(refused('[a-\\b]')).toBe('range out of order in character class')
  })

  it('a back-reference to a group the pattern does not have: "reference to non-existent subpattern"', () => {
    for (const p of ['(a)\\2', '\\1', '\\8', '(a)\\8', '\\g1', '\\g{1}', '\\g{-1}', '(a)\\g{-2}', '\\g0']) {
      expect(refused(p), p).toBe('reference to non-existent subpattern')
    }
    for (const p of ['\\k<n>', "\\k'n'", '\\k{n}', '(?P=n)', '(?<n>a)\\k<m>', '(?2)(a)', '(?&a)', '(?(1)a|b)']) {
      expect(refused(p), p).toBe('reference to non-existent subpattern')
    }
    // A group after the reference counts (PCRE2 checks once the whole pattern is read).
    for (const p of ['(a)\\1', '\\1(a)', '(a)\\g{1}', '(?1)(a)', '(?&a)(?<a>x)', '(a)(?(1)a|b)']) accepted(p)
    // Branch reset: both branches are group 1.
    expect(refused('(?|(a)|(b))\\2')).toBe('reference to non-existent subpattern')
  })

  it('malformed \\x{}, \\o{}, \\c, \\g and \\k', () => {
    expect(refused('\\x{}')).toBe('digits missing in \\x{} or \\o{} or \\N{U+}')
    expect(refused('\\x{g}')).toBe('non-hex character in \\x{} (closing brace missing?)')
    expect(refused('\\x{41')).toBe('non-hex character in \\x{} (closing brace missing?)')
    expect(refused('\\o{}')).toBe('digits missing in \\x{} or \\o{} or \\N{U+}')
    expect(refused('\\o{8}')).toBe('non-octal character in \\o{} (closing brace missing?)')
    expect(refused('x\\c')).toBe('\\c at end of pattern')
    expect(refused('\\c\xe9')).toBe('\\c must be followed by a printable ASCII character')
    expect(refused('\\g')).toContain('\\g is not followed by')
    expect(refused('\\k')).toContain('\\k is not followed by')
    expect(refused('\\N{U+41}')).toBe('\\N{U+dddd} is supported only in Unicode (UTF) mode')
    for (const p of ['\\p', '\\p{', '\\p{L', '\\p{Lu']) expect(refused(p), p).toBe('malformed \\P or \\p sequence')
  })

  it('\\p and \\P: the property names PCRE2 10.42 knows, loosely matched; any other is refused', () => {
    for (const p of [
      '\\p{Lu}',
      '\\p{L&}',
      '\\p{ l-U }',
      '\\P{^Lu}',
      '\\pL',
      '[\\pN]',
      '\\p{Xan}',
      '\\p{Greek}',
      '\\p{Alphabetic}'
    ])
      accepted(p)
    for (const p of [
      '\\p{Script=Greek}',
      '\\p{sc:grek}',
      '\\p{scx:Latin}',
      '\\p{bc:AL}',
      '\\p{bidi_class=l}',
      '\\p{Zzzz}'
    ])
      accepted(p)
    for (const p of [
      '\\p{Foo}',
      '\\pX',
      '\\pF',
      '\\p{}',
      '\\p{^}',
      '\\p{ ^lu}',
      '\\p{sc:Lu}',
      '\\p{sc:any}',
      '\\p{bc:greek}'
    ]) {
      expect(refused(p), p).toBe('unknown property after \\P or \\p')
    }
    for (const p of ['\\p{gc:Lu}', '\\p{Greek:x}', '\\p{L&x}'])
      expect(refused(p), p).toBe('unknown property after \\P or \\p')
  })

  it('POSIX classes: an unknown name, collating elements, one outside a class', () => {
    expect(refused('[[:foo:]]')).toBe('unknown POSIX class name')
    expect(refused('[[.a.]]')).toBe('POSIX collating elements are not supported')
    expect(refused('[[=a=]]')).toBe('POSIX collating elements are not supported')
    expect(refused('[:alpha:]')).toBe('POSIX named classes are supported only within a class')
    for (const p of ['[[:alpha]', '[a[:digit:]b]', '[[:^alpha:]]', '[[:<:]]a']) accepted(p)
  })

  it('a lookbehind whose branches vary in length: "lookbehind assertion is not fixed length"', () => {
    for (const p of ['(?<=a+)b', '(?<=a*)b', '(?<=a?)b', '(?<=\\d{3,})a', '(?<=a{0,1})b', '(?<=(a|bc))d']) {
      expect(refused(p), p).toBe('lookbehind assertion is not fixed length')
    }
    for (const p of ['(?<=\\R)b', '(?<=\\X)b', '(?<=a(?<=b+)c)d', '(?U)(?<=a??)']) {
      expect(refused(p), p).toBe('lookbehind assertion is not fixed length')
    }
    // Each top-level branch may have its own length; nested lookarounds and \Q..\E count as PCRE counts them.
    for (const p of ['(?<=a|bc)d', '(?<=(a|b))d', '(?<=(?:ab|cd)e)f', '(?<=a(?=b*)c)d', '(?<=\\d{3})a']) accepted(p)
    for (const p of ['(?<=\\d{2,2})a', '(?<=\\C)b', '(?<=\\N)b', '(?<=\\Qab\\E)b', '(a)(?<=\\1)', '(?<=)b']) accepted(p)
    expect(refused('(?<=\\K)b')).toContain('\\K is not allowed in lookarounds')
    // A repeated assertion counts as no character; a repeated empty group varies.
    for (const p of ['(?<!(?=a)*)b', '(?<=(?=a){2,})b']) accepted(p)
    for (const p of ['(?<=()+)b', '(?<=(?:)*x)b'])
      expect(refused(p), p).toBe('lookbehind assertion is not fixed length')
  })

  it('a quantifier after a quantifier, an option setting or an assertion', () => {
    for (const p of ['a*?+', 'a{1,2}?+', 'a{2}+?', '\\z+', '\\Z*', '\\b+', '\\G+', '\\K+', '(?m)$+', '(?m)^+']) {
      expect(refused(p), p).toContain('')
    }
    for (const p of ['a(?i)+', '(?i)+', 'a(?x) +', '(?(?=a)+b)']) {
      expect(refused(p), p).toBe('quantifier does not follow a repeatable item')
    }
    for (const p of ['a++', 'a?+', 'a{2,}+', '(?=a)*', '(?<!\\D)*', 'a(?#x)+', 'a\\Q\\E+', '\\R{2,}']) accepted(p)
  })

  it('the inline options PCRE2 has: (?^), (?n), (?U), (?J), (?xx); others refused', () => {
    for (const p of ['(?^)', '(?^i)a', '(?n)', '(?U)a*', '(?J)(?<a>x)(?<a>y)', '(?xx)[a b]', '(?-)', '(?i-i)'])
      accepted(p)
    expect(refused('(?z)')).toBe('unrecognized character after (? or (?-')
    expect(refused('(?^-i)a')).toBe('invalid hyphen in option setting')
    expect(refused('(?<a>x)(?<a>y)')).toBe('two named subpatterns have the same name (PCRE2_DUPNAMES not set)')
    expect(refused('(?<1a>x)')).toBe('subpattern name must start with a non-digit')
    expect(refused('(?<a')).toBe('syntax error in subpattern name (missing terminator?)')
    expect(refused('(?n)(a)\\1')).toBe('reference to non-existent subpattern')
    expect(refused('(?(1)a|b|c)()')).toBe('conditional subpattern contains more than two branches')
  })

  it('\\E and \\Q\\E at the start of a class are skipped, so a "]" after them is a member', () => {
    expect(refused('[\\E]')).toBe('missing terminating ] for character class')
    expect(refused('[\\Q\\E]')).toBe('missing terminating ] for character class')
    for (const p of ['[\\E]]', '[^\\Q\\E]x]', '[\\Q]\\E]']) accepted(p)
    expect(refused('[]-\\b]')).toBe('range out of order in character class')
  })

  it('verbs, start options and alphabetic assertions: (*…) as PCRE2 reads it', () => {
    for (const p of ['(*NO_JIT)a', '(*LIMIT_MATCH=10)a', '(*UTF)(*UCP)a', '(*FAIL)', '(*F:x)', '(*MARK:x)a', '(*:x)a'])
      accepted(p)
    for (const p of ['(*COMMIT)', '(*ACCEPT)+', '(*pla:a)+', '(*nlb:a)b', '(*atomic:a)', '(*MARK:x\\Q)a']) accepted(p)
    expect(refused('a(*UTF)')).toBe('(*VERB) not recognized or malformed')
    expect(refused('(*BOGUS)a')).toBe('(*VERB) not recognized or malformed')
    expect(refused('(*LIMIT_MATCH=x)a')).toBe('(*VERB) not recognized or malformed')
    expect(refused('(*MARK:x')).toBe('(*VERB) not recognized or malformed')
    expect(refused('(*MARK)')).toBe('(*MARK) must have an argument')
    expect(refused('(*:)')).toBe('(*MARK) must have an argument')
    expect(refused('(*mark:x)')).toBe('(*alpha_assertion) not recognized')
    expect(refused('(*pla)')).toBe('(*alpha_assertion) not recognized')
    expect(refused('(*plb:a+)')).toBe('lookbehind assertion is not fixed length')
    for (const p of ['(*FAIL)+', '(*F)?', '(*THEN)*', 'a(*:x)+', '(*MARK:x\\Q)+?']) {
      expect(refused(p), p).toBe('quantifier does not follow a repeatable item')
    }
  })

  it('an unsupported construct does not hide a later error', () => {
    expect(refused('a++\\y')).toBe('unrecognized character follows \\')
    expect(refused('(?>a)(b')).toBe('missing closing parenthesis')
    expect(compilePcre('a++b')).toMatchObject({ ok: false, unsupported: true })
  })
})
