import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { compileFilter, evaluateFilter } from '../../../src/main/engine/pipeline/filter'
import { literalChars } from '../../../src/main/engine/pipeline/filter-almost'
import { nearMissWords, overriddenWords } from '../../../src/shared/filter-almost-words'
import { request, rule, run } from './filter-helpers'

const corpusDir = process.env.DW_CORPUS_DIR ?? '/work/shared/corpus'
const wkndFilter = (() => {
  let compiled: ReturnType<typeof compileFilter> | undefined
  return () =>
    (compiled ??= compileFilter(
      loadConfig(`${corpusDir}/adobe__aem-guides-wknd/dispatcher/src`).dispatcher.farms[0].filter
    ))
})()
const wknd = (line: string) => evaluateFilter(wkndFilter(), request(line))
const labels = (list: { label: string }[]) => list.map((x) => x.label)

describe('what almost allowed a denied request (§4.3: the last match wins)', () => {
  it('WKND en.html?wcmmode=disabled: /0010 allowed it and the later deny /0019 overrode it; /0052 (another extension) comes after', () => {
    const r = wknd('GET /content/wknd/us/en.html?wcmmode=disabled')
    expect(r.decidingRule?.label).toBe('0019')
    expect(r.almost.overridden).toHaveLength(1)
    const [o] = r.almost.overridden
    expect(o).toMatchObject({ label: '0010', overriddenBy: [{ label: '0019' }] })
    expect(o.pos.file).toMatch(/default_filters\.any$/)
    expect(overriddenWords(o)).toBe(
      `allows it (/extension '(css|eot|gif|ico|jpeg|jpg|js|gif|pdf|png|svg|swf|ttf|woff|woff2|html|mp4|mov|m4v)' /path "/content/*"), but deny /0019, written after it, matches too: the last match wins`
    )
    expect(r.almost.nearMisses.map((n) => [n.label, n.closeness])).toEqual([['0052', 'resource']])
    expect(nearMissWords(r.almost.nearMisses[0])).toBe(`another resource: /extension "theme" does not match 'html'`)
  })

  it('WKND en.infinity.json: nothing was overridden; the JSON rules that differ only in the selector rank above the theme rule', () => {
    const r = wknd('GET /content/wknd/us/en.infinity.json')
    expect(r.decidingRule?.label).toBe('0017')
    expect(r.almost.overridden).toEqual([])
    expect(r.almost.nearMisses.map((n) => [n.label, n.closeness, n.specificity])).toEqual([
      ['0101', 'rendering', 13],
      ['0110', 'rendering', 13],
      ['0052', 'resource', 9]
    ])
  })

  it('an allowed request has nothing almost', () => {
    expect(wknd('GET /content/wknd/us/en.html').almost).toEqual({ overridden: [], nearMisses: [] })
  })

  it('every matching allow above the deciding deny is listed, the last written first, with every later deny that matches', () => {
    const rules = [
      rule('a1', 'allow', `/url "/content/*"`),
      rule('d1', 'deny', `/extension "json"`),
      rule('d2', 'deny', `/extension "xml"`),
      rule('a2', 'allow', `/path "/content/site/*"`),
      rule('a3', 'allow', `/method "POST" /path "/content/*"`),
      rule('d3', 'deny', `/selectors "model"`)
    ]
    const r = run(rules, 'GET /content/site/en.model.json')
    expect(r.decidingRule?.label).toBe('d3')
    expect(r.almost.overridden.map((o) => [o.label, labels(o.overriddenBy)])).toEqual([
      ['a2', ['d3']],
      ['a1', ['d1', 'd3']]
    ])
    expect(overriddenWords(r.almost.overridden[1])).toBe(
      'allows it (/url "/content/*"), but denies /d1, /d3, written after it, match too: the last match wins'
    )
    // a3 missed by one property, but above the deciding deny: it would lose to /d3 even if it matched.
    expect(r.almost.nearMisses).toEqual([])
  })

  it('one-property misses rank by closeness (case, method, query, selectors or suffix, resource), then specificity, then document order', () => {
    const rules = [
      rule('0001', 'deny', `/url "*"`),
      rule('ext', 'allow', `/path "/content/site/*" /extension "theme"`),
      rule('short', 'allow', `/path "/content/*" /selectors "print"`),
      rule('long', 'allow', `/path "/content/site/*" /selectors "print"`),
      rule('query', 'allow', `/path "/content/*" /query "a=*"`),
      rule('post', 'allow', `/method "POST" /path "/content/*"`),
      rule('case', 'allow', `/path "/content/*" /extension "HTML"`),
      rule('long2', 'allow', `/path "/content/site/*" /suffix "/x"`),
      rule('far', 'allow', `/method "GET" /url "/etc/*"`),
      rule('two', 'allow', `/path "/content/*" /selectors "a" /extension "b"`)
    ]
    const r = run(rules, 'GET /content/site/en.html')
    expect(r.decidingRule?.label).toBe('0001')
    expect(r.almost.nearMisses.map((n) => [n.label, n.closeness, n.specificity])).toEqual([
      ['case', 'case', 9],
      ['post', 'method', 9],
      ['query', 'query', 9],
      ['long', 'rendering', 14],
      ['long2', 'rendering', 14],
      ['short', 'rendering', 9],
      ['ext', 'resource', 14]
    ])
    // Only the method matched for /far, and /two missed twice: neither came close.
    expect(nearMissWords(r.almost.nearMisses[0])).toBe(
      `only the letter case differs: /extension "HTML" does not match 'html' (it would match ignoring case, but patterns are case-sensitive)`
    )
  })

  it('an allow whose other property is an invalid regex is no near miss: fixing one property would not let anything through', () => {
    const rules = [rule('0001', 'deny', `/url "*"`), rule('bad', 'allow', `/path '/content/(a' /extension "json"`)]
    expect(run(rules, 'GET /content/a.html').almost.nearMisses).toEqual([])
  })
})

describe('literalChars: how much a pattern pins down', () => {
  it.each([
    ['/content/*', 'glob', 9],
    ['/content/[ab]?/x', 'glob', 11],
    ['json', 'glob', 4],
    ['(css|js|html)', 'regex', 3],
    ['[0-9-]+', 'regex', 0],
    ['sitemap(-index)?', 'regex', 13],
    ['.*\\.json', 'regex', 5],
    ['a{2,3}b', 'regex', 2]
  ] as const)('%s (%s) → %d', (source, kind, expected) => {
    expect(literalChars(source, kind)).toBe(expected)
  })
})
