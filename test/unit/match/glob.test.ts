import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileGlob } from '../../../src/main/engine/match/glob'

const glob = (p: string, s: string, opts?: { caseInsensitive?: boolean }): boolean => compileGlob(p, opts)(s)

describe('Dispatcher glob (§1.5)', () => {
  it('"*" runs over slashes and spaces: "*/geo*" matches the request line GET /content/geometrixx/en.html', () => {
    expect(glob('*/geo*', 'GET /content/geometrixx/en.html')).toBe(true)
  })

  it('is anchored at both ends: "127.0.0.1" matches only that address', () => {
    expect(glob('127.0.0.1', '127.0.0.1')).toBe(true)
    expect(glob('127.0.0.1', '127.0.0.10')).toBe(false)
    expect(glob('127.0.0.1', '1127.0.0.1')).toBe(false)
    expect(glob('*.html', '/a.html.json')).toBe(false)
  })

  it('"?" is exactly one character, including "/"', () => {
    expect(glob('/a?c', '/abc')).toBe(true)
    expect(glob('/a?c', '/a/c')).toBe(true)
    expect(glob('/a?c', '/ac')).toBe(false)
    expect(glob('/a?c', '/abbc')).toBe(false)
  })

  it('"*" may match nothing, and "**" behaves like "*"', () => {
    expect(glob('/content*', '/content')).toBe(true)
    expect(glob('/content/**', '/content/a/b/c.html')).toBe(true)
    expect(glob('*', '')).toBe(true)
  })

  it('a class matches one character from a list or range', () => {
    expect(glob('/v[0-9].html', '/v7.html')).toBe(true)
    expect(glob('/v[0-9].html', '/vx.html')).toBe(false)
    expect(glob('[abc]', 'b')).toBe(true)
  })

  it('"!" or "^" right after "[" negates the class', () => {
    expect(glob('[!a]', 'a')).toBe(false)
    expect(glob('[!a]', 'b')).toBe(true)
    expect(glob('[^a]', 'a')).toBe(false)
    expect(glob('[^a]', 'b')).toBe(true)
  })

  it('"*" and "?" inside a class are ordinary characters', () => {
    expect(glob('a[*?]b', 'a*b')).toBe(true)
    expect(glob('a[*?]b', 'a?b')).toBe(true)
    expect(glob('a[*?]b', 'axb')).toBe(false)
  })

  it('an unclosed "[" makes the whole pattern match nothing, even its own text', () => {
    expect(glob('/content/[abc', '/content/[abc')).toBe(false)
    expect(glob('*[', 'x[')).toBe(false)
    expect(glob('[]', '[]')).toBe(false)
  })

  it('"-", "!" and "^" are ordinary outside a class', () => {
    expect(glob('/a-b!c^d', '/a-b!c^d')).toBe(true)
  })

  it('has no escape character: a backslash is an ordinary character', () => {
    expect(glob('a\\*', 'a\\xyz')).toBe(true)
    expect(glob('a\\*', 'a*')).toBe(false)
    expect(glob('sitemap\\.[^\\.\\/]+-sitemap', 'sitemap.en+-sitemap')).toBe(false)
    expect(glob('sitemap\\.[^\\.\\/]+-sitemap', 'sitemap\\.e+-sitemap')).toBe(true)
  })

  it('a "]" right after "[" belongs to the class, and "-" first or last is literal', () => {
    expect(glob('[]a]', ']')).toBe(true)
    expect(glob('[!]]', ']')).toBe(false)
    expect(glob('[-a]', '-')).toBe(true)
    expect(glob('[a-]', '-')).toBe(true)
  })

  it('a reversed range has no members', () => {
    expect(glob('[z-a]', 'm')).toBe(false)
  })

  it('"/content/[.]*.form.html" requires a dot right after /content/ (pitfall §10.6)', () => {
    expect(glob('/content/[.]*.form.html', '/content/site/contact.form.html')).toBe(false)
    expect(glob('/content/[.]*.form.html', '/content/.x.form.html')).toBe(true)
  })

  it('"GET *.css *" also matches a URL whose query contains ".css " (pitfall §10.1)', () => {
    expect(glob('GET *.css *', 'GET /bin/x.json?a=.css HTTP/1.1')).toBe(true)
    expect(glob('GET *.css *', 'GET /bin/x.json HTTP/1.1')).toBe(false)
  })

  it('the empty pattern matches only the empty string', () => {
    expect(glob('', '')).toBe(true)
    expect(glob('', 'a')).toBe(false)
  })

  it('is case-sensitive unless asked otherwise, classes included', () => {
    expect(glob('/Content/*', '/content/x')).toBe(false)
    expect(glob('WWW.A.COM', 'www.a.com', { caseInsensitive: true })).toBe(true)
    expect(glob('[A-Z]x', 'qX', { caseInsensitive: true })).toBe(true)
    expect(glob('[!a]', 'A', { caseInsensitive: true })).toBe(false)
  })

  it('a literal prefix or suffix with one star compares as expected, with and without case', () => {
    expect(glob('/content/*', '/content/')).toBe(true)
    expect(glob('/content/*', '/content')).toBe(false)
    expect(glob('*.html', '/a.html')).toBe(true)
    expect(glob('*.html', '/a.HTML')).toBe(false)
    expect(glob('*.A.COM', 'www.a.com', { caseInsensitive: true })).toBe(true)
    expect(glob('WWW.*', 'www.a.com:8080', { caseInsensitive: true })).toBe(true)
  })

  it('stays fast on many stars against a long subject that does not match', () => {
    const started = performance.now()
    expect(glob('*a*a*a*a*a*a*a*b', 'a'.repeat(20_000))).toBe(false)
    expect(performance.now() - started).toBeLessThan(1_000)
  })
})

describe('glob against a reference model', () => {
  /** Reference for class-free globs: "*" any run, "?" one character, everything else literal, anchored. */
  const reference = (p: string): RegExp =>
    new RegExp(
      `^${[...p].map((c) => (c === '*' ? '[^]*' : c === '?' ? '[^]' : c.replace(/[.+^${}()|\\/[\]\\]/g, '\\$&'))).join('')}$`
    )

  it('agrees with the reference on random patterns and subjects', () => {
    const pattern = fc
      .array(fc.constantFrom('a', 'b', '/', ' ', '*', '?', '.'), { maxLength: 8 })
      .map((a) => a.join(''))
    const subject = fc.array(fc.constantFrom('a', 'b', '/', ' ', '.'), { maxLength: 10 }).map((a) => a.join(''))
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        expect(compileGlob(p)(s)).toBe(reference(p).test(s))
      }),
      { numRuns: 3000 }
    )
  })
})
