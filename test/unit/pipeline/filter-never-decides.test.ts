/**
 * An allow rule a later deny rule overrides on every request it matches never decides (the last
 * matching rule decides, dispatcher-behavior.md §4.2): `check` says so, names the deny rule and
 * its place, and does not warn that the allow lets requests through. A filter no rule of which
 * allows anything denies every request, so a deny that misses some is no pitfall there.
 */
import { describe, expect, it } from 'vitest'
import { compileFilter } from '../../../src/main/engine/pipeline/filter'
import { rule, run } from './filter-helpers'

const codes = (...rules: Parameters<typeof rule>[]): string[] =>
  compileFilter(rules.map((r) => rule(...r))).warnings.map((w) => w.code)

describe('allow rules that never decide', () => {
  it("we-retail's /0086 allow /method \"GET\" /extension 'json', then /0088 deny /extension \"json\": never decides, no 'allows that extension anywhere'", () => {
    const rules = [
      rule('0001', 'deny', `/glob "*"`, 10),
      rule('0086', 'allow', `/method "GET" /extension 'json'`, 139),
      rule('0088', 'deny', `/extension "json"`, 141)
    ]
    const w = compileFilter(rules).warnings
    expect(w.map((x) => x.code)).toEqual(['PITFALL_NEVER_DECIDES'])
    expect(w[0]).toMatchObject({ rule: '0086', category: 'pitfall', pos: { line: 139 } })
    expect(w[0].message).toContain('/0088 (deny, filters.any:141)')
    expect(w[0].message).toContain('never decides')
    // What the removed warning said /0086 lets through is denied, by /0088.
    const trace = run(rules, 'GET /crx/de/index.jsp;%0aa.json HTTP/1.1')
    expect([trace.decision, trace.decidingRule?.label]).toEqual(['deny', '0088'])
    expect(trace.rules[1]).toMatchObject({ label: '0086', matched: true, decided: false })
    expect(trace.rules[1].note).toContain('the rule never decides')
    // Without /0088 the rule decides, and the warning about what it lets through is right.
    expect(codes(['0001', 'deny', `/glob "*"`], ['0086', 'allow', `/method "GET" /extension 'json'`])).toEqual([
      'PITFALL_EXTENSION_WITHOUT_PATH'
    ])
  })

  it('a later deny /url "*" or /glob "*" covers every allow before it: no /glob or /selectors "lets through" warning for it', () => {
    expect(codes(['0001', 'allow', `/glob "GET *.css *"`], ['0002', 'deny', `/url "*"`])).toEqual([
      'PITFALL_NEVER_DECIDES'
    ])
    expect(
      codes(['0001', 'allow', `/path "/content/*" /selectors "model" /extension "json"`], ['0002', 'deny', `/glob "*"`])
    ).toEqual(['PITFALL_NEVER_DECIDES'])
    const rules = [rule('0001', 'allow', `/url "/content/*"`), rule('0002', 'deny', `/glob "*"`)]
    expect(run(rules, 'GET /content/a.html HTTP/1.1').decision).toBe('deny')
  })

  it('not said when the later deny may miss a request the allow matches, or comes before it', () => {
    const allow: Parameters<typeof rule> = ['0001', 'allow', `/extension 'json'`]
    // The deny constrains /path too: /crx/de/index.jsp;%0aa.json is not under /content.
    expect(codes(allow, ['0002', 'deny', `/path "/content/*" /extension "json"`])).toEqual([
      'PITFALL_EXTENSION_WITHOUT_PATH'
    ])
    expect(
      run([rule(...allow), rule('0002', 'deny', `/path "/content/*" /extension "json"`)], 'GET /x.json').decision
    ).toBe('allow')
    // '/a+' as a regex also matches /aa, which the glob "/a+" does not.
    const plus = [rule('0001', 'allow', `/url '/a+'`), rule('0002', 'deny', `/url "/a+"`)]
    expect(compileFilter(plus).warnings).toEqual([])
    expect(run(plus, 'GET /aa HTTP/1.1').decision).toBe('allow')
    // A request without a query is matched by no /query "*", so that deny misses it.
    expect(codes(allow, ['0002', 'deny', `/query "*"`])).toEqual(['PITFALL_EXTENSION_WITHOUT_PATH'])
    // Written before the allow, the deny decides nothing the allow matches.
    expect(codes(['0002', 'deny', `/extension "json"`], allow)).toEqual(['PITFALL_EXTENSION_WITHOUT_PATH'])
    // A deny that itself never matches covers nothing.
    expect(codes(allow, ['0002', 'deny', `/url "content/*" /extension "json"`])).toEqual([
      'PITFALL_EXTENSION_WITHOUT_PATH',
      'PITFALL_NEVER_MATCHES'
    ])
  })
})

describe('deny pitfalls in a filter that allows nothing', () => {
  it('AMS catch-all farm: deny /url "*" and deny /query "debug=*" with no allow rule get no PITFALL_ANCHORED_QUERY_DENY', () => {
    const rules = [
      rule('0001', 'deny', `/url "*"`),
      rule('0101', 'deny', `/method "GET" /query "debug=*"`),
      rule('0102', 'deny', `/method "GET" /query "wcmmode=*"`)
    ]
    expect(compileFilter(rules).warnings).toEqual([])
    // What the warning says the deny misses is denied anyway.
    expect(run(rules, 'GET /p.html?x=1&debug=y HTTP/1.1').decision).toBe('deny')
    // Nor when the only allow never decides; with an allow that decides, the warning stays.
    expect(
      codes(['0001', 'allow', `/url "/content/*"`], ['0002', 'deny', `/url "*"`], ['0101', 'deny', `/query "debug=*"`])
    ).toEqual(['PITFALL_NEVER_DECIDES'])
    expect(codes(['0001', 'allow', `/url "/content/*"`], ['0101', 'deny', `/query "debug=*"`])).toEqual([
      'PITFALL_ANCHORED_QUERY_DENY'
    ])
  })
})
