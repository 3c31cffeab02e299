/**
 * mod_substitute's line rewriting (pipeline/substitute.ts). Each expectation was measured
 * against apache2 2.4.68 serving the same bytes with the same patterns.
 */
import { describe, expect, it } from 'vitest'
import {
  LineTooLong,
  parseMaxLineLength,
  parseSubstitute,
  ChildCrash,
  SubstitutingBody,
  type SubstituteRules
} from '../../../src/main/engine/pipeline/substitute'

const pos = { file: 'x.conf', line: 1, column: 1 }

function rules(patterns: string[], maxLineLength = 1024 * 1024): SubstituteRules {
  return {
    maxLineLength,
    patterns: patterns.map((p) => {
      const r = parseSubstitute(p, pos)
      if (!r.ok) throw new Error(r.message)
      return r.pattern
    })
  }
}

/** A whole body through the filter, as a file handed over in one piece goes. */
function run(patterns: string[], body: string, max?: number): string {
  const s = new SubstitutingBody(rules(patterns, max))
  return Buffer.concat([s.write(Buffer.from(body, 'latin1')), s.end()]).toString('latin1')
}

describe('Substitute patterns', () => {
  it('a literal (n) replaces every occurrence as written; a regex takes $N and backslashes, & is literal', () => {
    expect(
      run(
        ['s|/content/site/en|/en|n', 's/a+/<$0>/i', 's/(x+)/[$1&\\$1]/'],
        'Hello /content/site/en/page.html and /content/site/en/x\nSecond line aaa AAA\nno newline at end xx'
      )
    ).toBe('Hello /en/p<a>ge.html <a>nd /en/[x&$1]\nSecond line <aaa> <AAA>\nno newline <a>t end [xx&$1]')
  })

  it('^ matches again where the last match ended; $ only at the very end of the line (after its newline)', () => {
    expect(run(['s/^a/b/', 's/ $/!/', 's/ \\n/?/'], 'aaa end \nlast ')).toBe('bbb end?last!')
  })

  it('q keeps a replacement in its own piece: a later pattern cannot match across its edges', () => {
    expect(run(['s/X/Y/q', 's/bYc/Z/'], 'bXc\n')).toBe('bYc\n')
    expect(run(['s/X/Y/', 's/bYc/Z/'], 'bXc\n')).toBe('Z\n')
    // ...but can match inside it.
    expect(run(['s/X/Yc/q', 's/Yc/W/'], 'bX\n')).toBe('bW\n')
  })

  it('a pattern runs over the lines the patterns before it made, never across a newline', () => {
    expect(run(['s/e/E/', 's/E/3/'], 'e\ne')).toBe('3\n3')
    expect(run(['s/a\\nb/X/'], 'a\nb')).toBe('a\nb')
  })

  it('. never matches the newline (no DOTALL), while $ is still only the very end', () => {
    expect(run(['s/.+/X/'], 'abc\ndef')).toBe('X\nX')
    expect(run(['s/c.$/X/'], 'abc\n')).toBe('abc\n')
    expect(run(['s/(?s)c.+/X/'], 'abc\n')).toBe('abX')
  })

  it('i folds ASCII letters only, as PCRE without UTF', () => {
    expect(run(['s/\\xe9/X/i'], 'ab\xc9\xe9\n')).toBe('ab\xc9X\n')
  })

  it("a flattened regex adding nothing at a line's start before any byte was copied crashes httpd", () => {
    expect(() => run(['s/z/Z/', 's/^a//'], 'x\nab\n')).toThrow(ChildCrash)
    expect(() => run(['s/z/Z/', 's/(y)?a/$1/'], 'ab\n')).toThrow(ChildCrash)
    // The q bucket of the pattern before is no copy either.
    expect(() => run(['s/^a/Q/q', 's/^Q//'], 'ab\n')).toThrow(ChildCrash)
    // Once the line's buffer holds a byte (BB, or C's copy of ab), it is safe.
    expect(run(['s/b/BB/', 's/^a//'], 'x\nab\n')).toBe('x\nBB\n')
    expect(run(['s/c/C/n', 's/^a//'], 'abc\n')).toBe('bC\n')
    // Split into buckets (q), literal (n) or alone, an empty replacement is harmless.
    expect(run(['s/^a//q', 's/z//'], 'ab\n')).toBe('b\n')
    expect(run(['s/a//n', 's/z//'], 'ab\n')).toBe('b\n')
    expect(run(['s/^a//'], 'ab\n')).toBe('b\n')
  })

  it('a CR stays in its line', () => {
    expect(run(['s/e\\r/E/'], 'line\r\n')).toBe('linE\n')
  })

  it('is refused with httpd words when malformed', () => {
    expect(parseSubstitute('x/a/b/', pos)).toMatchObject({
      ok: false,
      message: 'Bad Substitute format, must be an s/// pattern'
    })
    for (const bad of ['s//b/', 's/a', 's'])
      expect(parseSubstitute(bad, pos)).toMatchObject({
        ok: false,
        message: 'Bad Substitute format, must be a complete s/// pattern'
      })
    expect(parseSubstitute('s/a/b/x', pos)).toMatchObject({
      ok: false,
      message: 'Bad Substitute flag, only s///[infq] are supported'
    })
    expect(parseSubstitute('s/(a/b/', pos)).toMatchObject({ ok: false, message: 'Substitute could not compile regex' })
    expect(parseSubstitute('S|a|b', pos)).toMatchObject({ ok: true })
    expect(parseSubstitute('s/a//INQF', pos)).toMatchObject({ ok: true, pattern: { caseless: true, flatten: true } })
  })
})

describe('SubstituteMaxLineLength', () => {
  it('reads b, k, m and g', () => {
    expect([
      parseMaxLineLength('20'),
      parseMaxLineLength('2k'),
      parseMaxLineLength('1M'),
      parseMaxLineLength('5b')
    ]).toEqual([20, 2048, 1048576, 5])
    expect(parseMaxLineLength('1x')).toBeNull()
  })

  it('an unfinished last line over the limit is too long; a finished one is not', () => {
    expect(run(['s/zzz/A/'], '1234567890123456789\n', 20)).toBe('1234567890123456789\n')
    expect(run(['s/zzz/A/'], '12345678901234567890', 20)).toBe('12345678901234567890')
    expect(() => run(['s/zzz/A/'], '123456789012345678901', 20)).toThrow(LineTooLong)
  })

  it('a line whose result reaches the limit is too long (a flattened literal may fill it exactly)', () => {
    const line = (k: number) => 'a'.repeat(k) + '\n'
    // One pattern (never flattened), regex or literal: 9 × "bb" fits in 20, 10 do not.
    for (const p of ['s/a/bb/', 's/a/bb/n']) {
      expect(() => run([p], line(9), 20)).not.toThrow()
      expect(() => run([p], line(10), 20)).toThrow(LineTooLong)
    }
    expect(() => run(['s/a/bb/', 's/zzz/A/'], line(10), 20)).toThrow(LineTooLong)
    expect(() => run(['s/a/bb/n', 's/zzz/A/'], line(10), 20)).not.toThrow()
    expect(() => run(['s/a/bb/n', 's/zzz/A/'], line(11), 20)).toThrow(LineTooLong)
    // Split into buckets, a literal's line is measured with its rest: 2 + 19 > 20.
    expect(() => run(['s/a/bb/n'], 'a' + 'c'.repeat(18) + '\n', 20)).toThrow(LineTooLong)
    expect(run(['s/a/bb/n'], 'a' + 'c'.repeat(17) + '\n', 20)).toBe('bb' + 'c'.repeat(17) + '\n')
  })

  it('a pattern that matches the empty string never ends the line', () => {
    expect(() => run(['s/x*/-/'], 'abc\n')).toThrow(LineTooLong)
  })
})

describe('a body as it arrives', () => {
  it('holds an unfinished line until the rest comes', () => {
    const s = new SubstitutingBody(rules(['s/abc/X/']))
    expect(s.write(Buffer.from('1 ab')).toString()).toBe('')
    expect(s.write(Buffer.from('c\n2 a')).toString()).toBe('1 X\n')
    expect(s.write(Buffer.from('bc')).toString()).toBe('')
    expect(s.end().toString()).toBe('2 X')
  })

  it('a line that came in pieces is measured once whole; one that came at once is not', () => {
    const s = new SubstitutingBody(rules(['s/zzz/A/'], 4))
    expect(s.write(Buffer.from('ab')).toString()).toBe('')
    expect(s.write(Buffer.from('c\nxa')).toString()).toBe('abc\n')
    expect(() => s.write(Buffer.from('bc\n'))).toThrow(LineTooLong)
    expect(new SubstitutingBody(rules(['s/zzz/A/'], 4)).write(Buffer.from('xabc\n')).toString()).toBe('xabc\n')
  })

  it('a held line past the limit fails when more of the body comes, after the lines before it', () => {
    const s = new SubstitutingBody(rules(['s/a/b/'], 10))
    expect(s.write(Buffer.from('a\n12345678901')).toString()).toBe('b\n')
    expect(() => s.end()).toThrow(LineTooLong)
    const t = new SubstitutingBody(rules(['s/a/b/'], 10))
    expect(t.write(Buffer.from('12345678901')).toString()).toBe('')
    expect(() => t.write(Buffer.from('2'))).toThrow(LineTooLong)
  })
})

describe('Substitute with a leading (?i)', () => {
  it('keeps its back-references (as at 5e8e2b1) and still stops "." at the newline', () => {
    expect(run(['s/(?i)(a)\\1/X/'], 'aA b\nAa\n')).toBe('X b\nX\n')
    expect(run(['s/(?i)a.+/X/'], 'xAbc\nabc\n')).toBe('xX\nX\n')
  })
})
