import { describe, expect, it } from 'vitest'
import { extensionOf, parseFilter, tokenize } from '../../../src/renderer/src/store/filter-query'
import { row } from './fixtures'

const matches = (query: string, r = row(1)): boolean => parseFilter(query).test(r)

describe('the request log filter bar', () => {
  it('an empty query lets every request through', () => {
    expect(parseFilter('').terms).toEqual([])
    expect(matches('   ')).toBe(true)
  })

  it('status:404 keeps only requests answered 404', () => {
    expect(matches('status:404', row(1, { status: 404 }))).toBe(true)
    expect(matches('status:404', row(1, { status: 200 }))).toBe(false)
  })

  it('status accepts a class (4xx), comparisons (>=500, <300) and ranges (400-403)', () => {
    expect(matches('status:4xx', row(1, { status: 403 }))).toBe(true)
    expect(matches('status:4xx', row(1, { status: 503 }))).toBe(false)
    expect(matches('status:>=500', row(1, { status: 503 }))).toBe(true)
    expect(matches('status:<300', row(1, { status: 304 }))).toBe(false)
    expect(matches('status:400-403', row(1, { status: 401 }))).toBe(true)
  })

  it('comma-separated values mean either: status:404,500', () => {
    expect(matches('status:404,500', row(1, { status: 500 }))).toBe(true)
    expect(matches('status:404,500', row(1, { status: 200 }))).toBe(false)
  })

  it('outcome:blocked keeps denied requests; outcome:miss covers both kinds of miss', () => {
    expect(matches('outcome:blocked', row(1, { outcome: 'blocked' }))).toBe(true)
    expect(matches('outcome:blocked', row(1, { outcome: 'hit' }))).toBe(false)
    expect(matches('outcome:miss', row(1, { outcome: 'miss-uncacheable' }))).toBe(true)
    expect(matches('outcome:miss', row(1, { outcome: 'miss-stored' }))).toBe(true)
    expect(matches('outcome:miss', row(1, { outcome: 'hit' }))).toBe(false)
  })

  it('farm:publish matches the farm name exactly, ignoring case', () => {
    expect(matches('farm:Publish', row(1, { farm: 'publish' }))).toBe(true)
    expect(matches('farm:pub', row(1, { farm: 'publish' }))).toBe(false)
  })

  it('farm:/publish and render:/0 match as the UI writes them, with the slash (as rule:/0001 does)', () => {
    expect(matches('farm:/publish', row(1, { farm: 'publish' }))).toBe(true)
    expect(matches('render:/0', row(1, { render: '0' }))).toBe(true)
    expect(matches('render:/1', row(1, { render: '0' }))).toBe(false)
  })

  it('-ext:js hides JavaScript; the extension is read from the path, not the query', () => {
    expect(matches('-ext:js', row(1, { url: '/etc.clientlibs/site.min.js' }))).toBe(false)
    expect(matches('-ext:js', row(1, { url: '/content/page.html?x=a.js' }))).toBe(true)
    expect(matches('ext:.JS', row(1, { url: '/a/b.js' }))).toBe(true)
  })

  it('free text matches URL, host, farm and deciding rule, case-insensitively', () => {
    expect(matches('PAGE-1', row(1))).toBe(true)
    expect(matches('localhost', row(1))).toBe(true)
    expect(matches('0100', row(1))).toBe(true)
    expect(matches('nothing-like-this', row(1))).toBe(false)
  })

  it('every term must hold: status:404 outcome:blocked farm:publish -ext:js free text', () => {
    const q = 'status:404 outcome:blocked farm:publish -ext:js querybuilder'
    expect(matches(q, row(1, { status: 404, outcome: 'blocked', url: '/bin/querybuilder.json' }))).toBe(true)
    expect(matches(q, row(1, { status: 404, outcome: 'blocked', url: '/bin/querybuilder.js' }))).toBe(false)
    expect(matches(q, row(1, { status: 404, outcome: 'blocked', url: '/bin/other.json' }))).toBe(false)
  })

  it('a quoted value keeps its spaces: url:"/content/my site"', () => {
    expect(tokenize('url:"/content/my site" -x')).toEqual(['url:/content/my site', '-x'])
    expect(matches('url:"my site"', row(1, { url: '/content/my site/a.html' }))).toBe(true)
  })

  it('method matches exactly and rule accepts a leading slash', () => {
    expect(matches('method:post', row(1, { method: 'POST' }))).toBe(true)
    expect(matches('method:GET', row(1, { method: 'POST' }))).toBe(false)
    expect(matches('rule:/0100', row(1, { rule: '0100' }))).toBe(true)
  })

  it('duration:>100 and size:<1000 compare milliseconds and bytes', () => {
    expect(matches('duration:>100', row(1, { durationMs: 150 }))).toBe(true)
    expect(matches('duration:>100ms', row(1, { durationMs: 50 }))).toBe(false)
    expect(matches('size:<1000', row(1, { bytes: 200 }))).toBe(true)
  })

  it('an unreadable term is reported and ignored, the other terms still filter', () => {
    const f = parseFilter('status:abc outcome:blocked')
    expect(f.errors).toEqual(['status expects a number, 4xx, >N, <N or N-M, got "abc"'])
    expect(f.test(row(1, { outcome: 'blocked' }))).toBe(true)
    expect(f.test(row(1, { outcome: 'hit' }))).toBe(false)
  })

  it('an unknown outcome is reported with the outcomes that exist', () => {
    expect(parseFilter('outcome:cachd').errors[0]).toMatch(/^unknown outcome "cachd" \(one of hit, miss-stored/)
  })

  it('an unknown key is reported with the keys that exist and ignored, as an unreadable value is', () => {
    const f = parseFilter('bogus:1 outcome:blocked')
    expect(f.errors).toEqual([
      'unknown key "bogus:" (known keys: status, outcome, farm, method, host, ext, rule, render, url, duration, size)'
    ])
    expect(f.terms.map((t) => t.key)).toEqual(['outcome'])
    expect(f.test(row(1, { outcome: 'blocked' }))).toBe(true)
    expect(parseFilter('-Farn:publish').errors[0]).toMatch(/^unknown key "Farn:" \(known keys: status, /)
  })

  it('a path or an address with a colon is free text, not an unknown key', () => {
    for (const q of [
      '/content/a:b.html',
      '127.0.0.1:8080',
      'en.html:1',
      'localhost:8080',
      'LOCALHOST:4503/content',
      'www.example.com:8080',
      'dev-publish:80'
    ]) {
      expect(parseFilter(q).errors).toEqual([])
      expect(parseFilter(q).terms[0].key).toBeNull()
    }
  })

  it('localhost:8080 searches the host as free text; localhost: with no port and bogus:1 stay unknown keys', () => {
    const f = parseFilter('localhost:8080')
    expect(f.test(row(1, { host: 'localhost:8080' }))).toBe(true)
    expect(f.test(row(1, { host: 'localhost:4503' }))).toBe(false)
    expect(parseFilter('localhost:x').errors[0]).toMatch(/^unknown key "localhost:"/)
    expect(parseFilter('bogus:1').errors[0]).toMatch(/^unknown key "bogus:"/)
  })

  it('a pasted URL with a colon is free text and still searches', () => {
    const f = parseFilter('http://localhost:8080/content')
    expect(f.errors).toEqual([])
    expect(f.terms[0].key).toBeNull()
    expect(f.test(row(1, { url: 'http://localhost:8080/content/x.html' }))).toBe(true)
  })

  it('a lone "-" is free text, not a negation of nothing', () => {
    expect(parseFilter('-').terms[0]).toMatchObject({ key: null, negated: false, text: '-' })
  })

  it('extensionOf reads the last segment only', () => {
    expect(extensionOf('/a.b/c')).toBe('')
    expect(extensionOf('/a/b.model.JSON?x')).toBe('json')
    expect(extensionOf('/a/b.html#frag')).toBe('html')
  })
})
