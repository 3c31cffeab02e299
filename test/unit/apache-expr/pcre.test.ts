import { describe, expect, it } from 'vitest'
import { compilePcre } from '../../../src/main/engine/apache-expr'

function re(pattern: string, caseless = false): RegExp {
  const r = compilePcre(pattern, { caseless })
  if (!r.ok) throw new Error(r.error)
  return r.regex
}

describe('PCRE on bytes in the C locale', () => {
  it('\\s is the ASCII spaces only: the byte 0xA0 (half of à in UTF-8) is not one', () => {
    const s = compilePcre('\\s')
    const S = compilePcre('^\\S+$')
    if (!s.ok || !S.ok) throw new Error('did not compile')
    expect(s.regex.test('\xc3\xa0')).toBe(false)
    expect(S.regex.test('\xc3\xa0-propos')).toBe(true)
    for (const space of ['\t', '\n', '\x0b', '\f', '\r', ' ']) expect(s.regex.test(space)).toBe(true)
  })

  it('caseless folds ASCII letters only: the bytes of é and É (0xE9, 0xC9; or C3 A9 and C3 89) stay apart', () => {
    // Measured on apache2 2.4.68: Substitute "s/\xe9/X/i" leaves 0xC9 alone, and RewriteRule
    // "^/r/caf\xe9$" [NC] takes /r/CAF%E9 but not /r/caf%C9.
    expect(re('\\xe9', true).test('\xc9')).toBe(false)
    expect(re('^caf\xe9$', true).test('CAF\xe9')).toBe(true)
    expect(re('^caf\xe9$', true).test('caf\xc9')).toBe(false)
    expect(re('(?i)^[\xe0-\xef]x$').test('\xc9X')).toBe(false)
    expect(re('^\\x41[\\x62]\xc3\xa9$', true).test('aB\xc3\xa9')).toBe(true)
    expect(re('^\xc3\xa9$', true).test('\xc3\x89')).toBe(false)
    // An ASCII pattern keeps JavaScript's flag (and its caseless back-references).
    expect(re('^(ab)\\1$', true).test('abAB')).toBe(true)
    expect(compilePcre('^(\xe9a)\\1$', { caseless: true })).toMatchObject({ ok: false, unsupported: true })
  })
})

describe('PCRE with Apache defaults (DOTALL DOLLAR_ENDONLY)', () => {
  it('"$" matches only at the very end, not before a trailing newline (a decoded %0a)', () => {
    expect(re('^/xmlrpc\\.php$').test('/xmlrpc.php')).toBe(true)
    expect(re('^/xmlrpc\\.php$').test('/xmlrpc.php\n')).toBe(false)
  })

  it('"." matches a newline', () => {
    expect(re('^/a.b$').test('/a\nb')).toBe(true)
  })

  it('an inline (?i:…) group is caseless only inside the group', () => {
    const r = re('^/etc\\.clientlibs/.*\\.(?i:json|png|gif|webp|jpe?g|svg)$')
    expect(r.test('/etc.clientlibs/site/a.PNG')).toBe(true)
    expect(r.test('/etc.clientlibs/site/a.JpG')).toBe(true)
    expect(r.test('/ETC.clientlibs/site/a.png')).toBe(false)
  })

  it('a leading (?i) makes the whole pattern caseless', () => {
    expect(re('(?i)^/content/dam').test('/CONTENT/DAM/x.jpg')).toBe(true)
  })

  it('[NC] compiles the pattern caseless', () => {
    expect(re('^.*wordpress', true).test('Mozilla WordPress/6.0')).toBe(true)
  })

  it('\\d, \\w and counted repetition behave as in PCRE', () => {
    expect(re('^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}').test('10.0.0.1')).toBe(true)
    expect(re('^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}').test('unknown')).toBe(false)
  })

  it('POSIX classes inside brackets are expanded', () => {
    expect(re('^[[:alpha:]]+[[:digit:]]$').test('abc1')).toBe(true)
    expect(re('^[[:alpha:]]+[[:digit:]]$').test('ab-1')).toBe(false)
  })

  it('"]" right after "[" is a literal member of the class', () => {
    expect(re('^[]a]+$').test(']a]')).toBe(true)
  })

  it('\\A, \\z and \\Z anchor at the subject ends', () => {
    expect(re('\\A/x\\z').test('/x')).toBe(true)
    expect(re('\\A/x\\z').test('/x\n')).toBe(false)
    expect(re('\\A/x\\Z').test('/x\n')).toBe(true)
  })

  it('Python-style named groups (?P<name>…) count as capturing groups', () => {
    const r = compilePcre('^/(?P<site>[^/]+)/(.*)$')
    expect(r.ok && r.groups).toBe(2)
    expect(r.ok && r.regex.exec('/wknd/us/en')?.[2]).toBe('us/en')
  })

  it('possessive quantifiers and atomic groups are refused as unsupported, with the reason', () => {
    expect(compilePcre('a++b')).toMatchObject({
      ok: false,
      unsupported: true,
      error: expect.stringContaining('possessive')
    })
    expect(compilePcre('(?>ab)c')).toMatchObject({
      ok: false,
      unsupported: true,
      error: expect.stringContaining('atomic')
    })
  })

  it('a pattern PCRE would refuse is an error, not unsupported', () => {
    expect(compilePcre('(abc')).toMatchObject({ ok: false, unsupported: false })
    expect(compilePcre('*abc')).toMatchObject({ ok: false, unsupported: false })
  })
})

describe('caseless patterns folded letter by letter (a character past ASCII)', () => {
  it('a class range between \\x escapes stays a range of those characters, each end folded', () => {
    const r = re('(?i)^[\\x41-\\x43]\xe9$')
    for (const s of ['a\xe9', 'C\xe9', 'b\xe9']) expect(r.test(s)).toBe(true)
    for (const s of ['_\xe9', '[\xe9', '`\xe9', 'd\xe9']) expect(r.test(s)).toBe(false)
    expect(re('^[\\x{61}-\\x{63}]\xe9$', true).test('B\xe9')).toBe(true)
    expect(re('^[\\101-\\103]\xe9$', true).test('b\xe9')).toBe(true)
  })

  it('a braced \\x{41} is a letter and folds like one', () => {
    expect(re('(?i)\\x{41}\\xe9').test('a\xe9')).toBe(true)
    expect(re('\\x{41}\\xe9', true).test('a\xc9')).toBe(false)
  })

  it('octal escapes name characters past ASCII too: \\351 and \\o{351} are é, and É stays apart', () => {
    expect(re('^\\351$', true).test('\xe9')).toBe(true)
    expect(re('^\\351$', true).test('\xc9')).toBe(false)
    expect(re('^\\o{351}$', true).test('\xc9')).toBe(false)
    expect(re('^\\o{351}a$', true).test('\xe9A')).toBe(true)
    expect(re('^[\\351]$', true).test('\xc9')).toBe(false)
    expect(re('^\\101\\0$', true).test('a\x00')).toBe(true)
  })

  it('a back-reference after enough groups is still one, not an octal escape', () => {
    expect(re('^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)\\11$').test('abcdefghijkk')).toBe(true)
    expect(re('^(a)\\1$').test('aa')).toBe(true)
  })

  it('a character code past a byte is refused, as PCRE without UTF', () => {
    expect(compilePcre('\\x{100}')).toMatchObject({ ok: false, unsupported: false })
    expect(compilePcre('\\777')).toMatchObject({ ok: false, unsupported: false })
  })
})

describe('dotall: false (mod_substitute)', () => {
  it('"." stops at a newline while a leading (?i) keeps the JavaScript flag and its back-references', () => {
    const r = compilePcre('(?i)(a)\\1.', { dotall: false })
    if (!r.ok) throw new Error(r.error)
    expect(r.regex.test('aA.')).toBe(true)
    expect(r.regex.test('aA\n')).toBe(false)
    // The same text with DOTALL is a separate memo entry.
    expect(re('(?i)(a)\\1.').test('aA\n')).toBe(true)
  })
})
