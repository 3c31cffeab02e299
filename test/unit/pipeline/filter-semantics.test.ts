import { describe, expect, it } from 'vitest'
import { compileFilter, evaluateFilter } from '../../../src/main/engine/pipeline/filter'
import { at, FILE, filterF, request, rule, run } from './filter-helpers'

const deny = rule('0001', 'deny', `/url "*"`)

describe('filter rule semantics (§4.2)', () => {
  it('a rule is the AND of its properties: /method "POST" /url "/content/*" does not match a GET', () => {
    const r = run([deny, rule('0002', 'allow', `/method "POST" /url "/content/*"`)], 'GET /content/a.html')
    expect(r.decision).toBe('deny')
    expect(r.rules[1]).toMatchObject({ matched: false, failed: { element: 'method', subject: 'GET' } })
  })

  it('every property of every rule is checked and listed in the order written', () => {
    const r = run(filterF(), 'GET /content/site/en.html')
    expect(r.rules.map((x) => x.label)).toEqual(['0001', '0010', '0011', '0012', '0013', '0014'])
    expect(r.rules[2].checked.map((c) => [c.element, c.matched])).toEqual([
      ['selectors', false],
      ['extension', true]
    ])
    expect(r.rules[2].failed).toEqual({
      element: 'selectors',
      pattern: { source: '(feed|rss|infinity|tidy|query|[0-9-]+)', kind: 'regex' },
      subject: null,
      explanation:
        "the request has no selectors; only an empty pattern (\"\" or '') matches that, not /selectors '(feed|rss|infinity|tidy|query|[0-9-]+)'"
    })
  })

  it('only the deciding rule is marked decided, and the result carries its file position', () => {
    const r = run(filterF(), 'GET /content/site/en.html')
    expect(r.rules.filter((x) => x.decided).map((x) => x.label)).toEqual(['0010'])
    expect(r.decidingRule).toEqual({ label: '0010', type: 'allow', pos: { file: FILE, line: 3, column: 1 } })
  })

  it('document order decides, not label order: a later /0001 wins over an earlier /0100', () => {
    const rules = [rule('0100', 'allow', `/url "*"`), rule('0001', 'deny', `/url "/a*"`)]
    expect(run(rules, 'GET /a.html').decidingRule?.label).toBe('0001')
  })

  it('/query only matches requests that have a query string', () => {
    const rules = [deny, rule('q', 'allow', `/query "*"`)]
    const without = run(rules, 'GET /a.html')
    expect(without.decision).toBe('deny')
    expect(without.rules[1].failed?.explanation).toBe(
      'the request has no query string, and /query only matches requests that have one'
    )
    expect(run(rules, 'GET /a.html?').decision).toBe('allow')
    expect(run(rules, 'GET /a.html?x=1').decision).toBe('allow')
  })

  it('an empty /query "" matches a bare \'?\' only', () => {
    const rules = [deny, rule('q', 'allow', `/query ""`)]
    expect(run(rules, 'GET /a.html?').decision).toBe('allow')
    expect(run(rules, 'GET /a.html?a').decision).toBe('deny')
    expect(run(rules, 'GET /a.html').decision).toBe('deny')
  })

  it("the AMS regex /query '(.*&debug=.*|debug=.*)' catches debug anywhere in the query (pitfall §10.5)", () => {
    const rules = [
      rule('0', 'allow', `/url "*"`),
      rule('AMS_PUB_DENY_DEBUG', 'deny', `/method "GET" /query '(.*&debug=.*|debug=.*)'`)
    ]
    expect(run(rules, 'GET /a.html?x=1&debug=y').decidingRule?.label).toBe('AMS_PUB_DENY_DEBUG')
    expect(run(rules, 'GET /a.html?debug=y').decidingRule?.label).toBe('AMS_PUB_DENY_DEBUG')
    expect(run(rules, 'GET /a.html?nodebug=y').decidingRule?.label).toBe('0')
  })

  it('/selectors "" and /suffix "" match only a request without selectors and suffix (calebpryor test config)', () => {
    const rules = [deny, rule('ok', 'allow', `/url "/container-404.html" /extension "html" /selectors "" /suffix ""`)]
    expect(run(rules, 'GET /container-404.html').decision).toBe('allow')
    const r = run([deny, rule('ok', 'allow', `/selectors "" /suffix ""`)], 'GET /a.b.html/x')
    expect(r.decision).toBe('deny')
    expect(r.rules[1].checked.map((c) => c.matched)).toEqual([false, false])
  })

  it("regex empty patterns /selectors '' and /suffix '' behave like the glob ones (weretail sample)", () => {
    const rules = [
      deny,
      rule(
        'allow-content-html',
        'allow',
        `/method "GET" /path '/content/.*' /selectors '' /extension 'html' /suffix ''`
      )
    ]
    expect(run(rules, 'GET /content/we-retail/us/en.html').decision).toBe('allow')
    expect(run(rules, 'GET /content/we-retail/us/en.print.html').decision).toBe('deny')
    expect(run(rules, 'GET /content/we-retail/us/en.html/x.html').decision).toBe('deny')
  })

  it('a non-empty /selectors or /suffix pattern needs the element to exist: "*" does not match a plain page', () => {
    const rules = [rule('0', 'allow', `/url "*"`), rule('s', 'deny', `/url "/content*" /selectors "*"`)]
    expect(run(rules, 'GET /content/a.html').decision).toBe('allow')
    expect(run(rules, 'GET /content/a.x.html').decision).toBe('deny')
  })

  it('/suffix "*" catches a request that has a suffix (AMS /0025)', () => {
    const rules = [rule('0', 'allow', `/url "*"`), rule('0025', 'deny', `/url "/content*" /suffix "*"`)]
    expect(run(rules, 'GET /content/a.html/x.json').decidingRule?.label).toBe('0025')
  })

  it("a missing extension is the empty string: /extension \"\" and '()' match it, '(html)' does not", () => {
    const check = (p: string): boolean => run([rule('e', 'allow', p)], 'GET /content/page').decision === 'allow'
    expect(check(`/extension ""`)).toBe(true)
    expect(check(`/extension '()'`)).toBe(true)
    expect(check(`/extension '(html)'`)).toBe(false)
    expect(run([rule('e', 'deny', `/extension '()'`)], 'GET /content/page').rules[0].checked[0].explanation).toBe(
      "the request has no extension, which /extension '()' matches"
    )
  })

  it('a deny /selectors list catches a bad selector anywhere in the chain (pitfall §10.4)', () => {
    const rules = [rule('0', 'allow', `/url "*"`), rule('d', 'deny', `/selectors '(infinity|tidy)'`)]
    const r = run(rules, 'GET /content/a.x.tidy.y.json')
    expect(r.decidingRule?.label).toBe('d')
    expect(r.rules[1].checked[0]).toMatchObject({ subject: 'x.tidy.y', matchedSelector: 'tidy' })
  })

  it('/selectors that matches none says which selectors it tried', () => {
    const r = run([rule('d', 'deny', `/selectors '(infinity|tidy)'`)], 'GET /content/a.x.y.json')
    expect(r.rules[0].failed?.explanation).toBe("/selectors '(infinity|tidy)' matches none of the selectors 'x', 'y'")
  })

  it('/glob tests the whole request line with query and protocol; /url only the path', () => {
    const r = run(
      [rule('g', 'allow', `/glob "GET /a.html?x=1 HTTP/1.0"`), rule('u', 'allow', `/url "/a.html"`)],
      'GET /a.html?x=1 HTTP/1.0'
    )
    expect(r.rules.map((x) => [x.label, x.matched, x.checked[0].subject])).toEqual([
      ['g', true, 'GET /a.html?x=1 HTTP/1.0'],
      ['u', true, '/a.html']
    ])
  })

  it('/protocol and /path can be tested on their own', () => {
    const rules = [deny, rule('p', 'allow', `/protocol "HTTP/1.1" /path "/content/site/en"`)]
    expect(run(rules, 'GET /content/site/en.a.html').decision).toBe('allow')
    expect(run(rules, 'GET /content/site/en.a.html HTTP/1.0').decision).toBe('deny')
  })

  it('/method is case-sensitive: the lower-case /method "get" does not match GET', () => {
    expect(run([deny, rule('m', 'allow', `/method "get"`)], 'GET /a.html').decision).toBe('deny')
    expect(run([deny, rule('m', 'allow', `/method '(GET|HEAD)'`)], 'HEAD /a.html').decision).toBe('allow')
  })

  it('a rule without a valid /type can match but never decides, and says so', () => {
    const r = run([deny, rule('notype', null, `/url "*"`)], 'GET /a.html')
    expect(r.decidingRule?.label).toBe('0001')
    expect(r.rules[1]).toMatchObject({ matched: true, decided: false })
    expect(r.rules[1].note).toBe('the rule has no valid /type ("allow" or "deny"), so it never decides')
  })

  it('a rule without any property never matches', () => {
    const r = run([deny, rule('empty', 'allow', '')], 'GET /a.html')
    expect(r.decidingRule?.label).toBe('0001')
    expect(r.rules[1]).toMatchObject({ matched: false, checked: [] })
    expect(r.rules[1].note).toBe('the rule has no /glob and no element properties, so it never matches')
  })

  it('an invalid regex is reported once at compile time with its position, and its rule never matches', () => {
    const rules = [rule('0001', 'allow', `/url "*"`, 1), rule('bad', 'deny', `/method "GET" /url '/content/(a|b'`, 2)]
    const compiled = compileFilter(rules)
    expect(compiled.problems).toEqual([
      {
        severity: 'error',
        code: 'PATTERN_INVALID_REGEX',
        category: 'model',
        rule: 'bad',
        element: 'url',
        pos: at(2, 15),
        message: "filter rule /bad /url: invalid regular expression '/content/(a|b': unmatched '(' (at character 10)"
      }
    ])
    const r = evaluateFilter(compiled, request('GET /content/a'))
    expect(r.decidingRule?.label).toBe('0001')
    expect(r.rules[1]).toMatchObject({ matched: false, failed: { element: 'url' } })
    expect(r.rules[1].note).toBe('the /url regular expression is invalid, so the rule never matches')
  })

  it('a regex that compiles but is suspicious is a warning: \\d is the letter d', () => {
    const compiled = compileFilter([rule('s', 'deny', `/selectors '\\d+'`, 4)])
    expect(compiled.problems).toEqual([])
    expect(compiled.warnings).toMatchObject([
      {
        severity: 'warning',
        code: 'PATTERN_REGEX_SUSPICIOUS',
        category: 'pitfall',
        rule: 's',
        element: 'selectors',
        pos: at(4, 1)
      }
    ])
  })

  it('near misses: allow rules that failed on exactly one property, listed only when denied', () => {
    const r = run(filterF(), 'GET /libs/granite/core/content/login.html')
    // /0012 (/method "GET" /url "/etc.clientlibs/*") shares only the method with it: not close.
    expect(r.almost.nearMisses.map((n) => [n.label, n.failed.element])).toEqual([['0010', 'path']])
    expect(run(filterF(), 'GET /content/site/en.html').almost).toEqual({ overridden: [], nearMisses: [] })
  })

  it('near misses come only after the deciding deny (last match wins) and must match more than the method', () => {
    // WKND's filters, shortened: /0017 denies en.infinity.json.
    const wknd = [
      rule('0001', 'deny', `/url "*"`),
      rule('0010', 'allow', `/extension '(css|html|js)' /path "/content/*"`),
      rule('0013', 'allow', `/method "GET" /url '/libs/granite/csrf/token.json' /extension 'json'`),
      rule('0017', 'deny', `/selectors '(infinity|tidy|[0-9-]+)' /extension '(json|xml|html)'`),
      rule('0020', 'allow', `/url "/libs/granite/security/currentuser.json"`),
      rule('0050', 'allow', `/method "GET" /url "/screens/channels.json"`),
      rule('0101', 'allow', `/extension "json" /selectors "model" /path "/content/*"`)
    ]
    const r = run(wknd, 'GET /content/wknd/us/en.infinity.json')
    expect(r.decidingRule?.label).toBe('0017')
    expect(r.almost.nearMisses.map((n) => [n.label, n.failed.element])).toEqual([['0101', 'selectors']])
    // Nothing after the deny comes close: none are listed.
    expect(run(wknd.slice(0, 6), 'GET /content/wknd/us/en.infinity.json').almost.nearMisses).toEqual([])
  })

  it('an allow decision has a trace line and no reject line', () => {
    const r = run(filterF(), 'GET /content/site/en.html')
    expect(r.logLine).toBe("Filter rule entry /0010 allowed 'GET /content/site/en.html HTTP/1.1'")
    expect(r.rejectLine).toBeNull()
  })

  it('the result is plain JSON', () => {
    const r = run(filterF(), 'GET /content/site/en.a.html/s?q=1')
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
    expect(r.parts).toEqual({
      method: 'GET',
      url: '/content/site/en.a.html/s',
      query: 'q=1',
      protocol: 'HTTP/1.1',
      requestLine: 'GET /content/site/en.a.html/s?q=1 HTTP/1.1',
      path: '/content/site/en',
      selectors: ['a'],
      extension: 'html',
      suffix: '/s'
    })
  })

  it('the AMS baseline clientlibs proxy rule allows /etc.clientlibs CSS through its doubled-backslash regex', () => {
    const rules = [
      deny,
      rule(
        '0012',
        'allow',
        `/method "GET" /url "/etc.clientlibs/*" /suffix '.*\\\\.(css|eot|gif|ico|jpeg|jpg|js|gif|png|svg|swf|ttf|woff|woff2)$'`
      ),
      rule('0027', 'deny', `/url '.*(\\\\[|]).*'`)
    ]
    expect(run(rules, 'GET /etc.clientlibs/site/clientlib-base.min.css').decidingRule?.label).toBe('0012')
    expect(run(rules, 'GET /etc.clientlibs/site/clientlib-base.min.txt').decidingRule?.label).toBe('0001')
    expect(run(rules, 'GET /etc.clientlibs/site/[x].css').decidingRule?.label).toBe('0027')
  })

  it('..; is an ordinary segment: /content/..;/crx/packmgr/service.jsp passes /url "/content/*" (pitfall §10.3)', () => {
    const rules = [deny, rule('c', 'allow', `/url "/content/*"`)]
    expect(run(rules, 'GET /content/..;/crx/packmgr/service.jsp').decision).toBe('allow')
    const guarded = [...rules, rule('AMS_PUB_DENY_DOTDOTSEMI', 'deny', `/url '.*/[.][.];/.*'`)]
    expect(run(guarded, 'GET /content/..;/crx/packmgr/service.jsp').decidingRule?.label).toBe('AMS_PUB_DENY_DOTDOTSEMI')
  })

  it('evaluates a 100-rule filter for 100 requests well within the test budget', () => {
    const rules = Array.from({ length: 100 }, (_, i) =>
      rule(
        String(i),
        i % 2 ? 'allow' : 'deny',
        `/method '(GET|HEAD)' /path "/content/site${i}/*" /selectors '(a|b|[0-9]+)' /extension '(html|json)'`
      )
    )
    const compiled = compileFilter(rules)
    const started = performance.now()
    for (let i = 0; i < 100; i++) evaluateFilter(compiled, request(`GET /content/site${i}/p.a.1.html?x=${i}`))
    expect(performance.now() - started).toBeLessThan(3_000)
  })
})
