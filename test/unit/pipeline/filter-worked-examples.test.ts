/** dispatcher-behavior.md §12.1, one test per row, against filter F (see filter-helpers.ts). */
import { describe, expect, it } from 'vitest'
import { filterF, rule, run } from './filter-helpers'

const decided = (rules: Parameters<typeof run>[0], line: string): [string, string | null] => {
  const r = run(rules, line)
  return [r.decision, r.decidingRule?.label ?? null]
}

describe('§12.1 worked examples with filter F', () => {
  it('F1 GET /content/site/en.html is allowed by /0010 (/0011 needs selectors)', () => {
    expect(decided(filterF(), 'GET /content/site/en.html')).toEqual(['allow', '0010'])
  })

  it('F2 GET /content/site/en.infinity.json is denied by /0011, the last match, with the module log lines', () => {
    const r = run(filterF(), 'GET /content/site/en.infinity.json')
    expect([r.decision, r.decidingRule?.label]).toEqual(['deny', '0011'])
    expect(r.logLine).toBe("Filter rule entry /0011 blocked 'GET /content/site/en.infinity.json HTTP/1.1'")
    expect(r.rejectLine).toBe('Filter rejects: GET /content/site/en.infinity.json HTTP/1.1')
    expect(r.reason).toBe('rule /0011 (deny) is the last rule that matches')
  })

  it('F3 GET /content/site/en.model.json is allowed by /0010 (model is not in the deny list)', () => {
    expect(decided(filterF(), 'GET /content/site/en.model.json')).toEqual(['allow', '0010'])
  })

  it('F4 GET /content/site/en.2.json is denied by /0011 (2 matches [0-9-]+)', () => {
    expect(decided(filterF(), 'GET /content/site/en.2.json')).toEqual(['deny', '0011'])
  })

  it('F5 GET /content/site/en.html?debug=layout is denied by /0013', () => {
    expect(decided(filterF(), 'GET /content/site/en.html?debug=layout')).toEqual(['deny', '0013'])
  })

  it('F6 GET /content/site/en.html?a=1&debug=x is allowed by /0010 (the /query glob must match the whole query)', () => {
    const r = run(filterF(), 'GET /content/site/en.html?a=1&debug=x')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0010'])
    expect(r.rules.find((x) => x.label === '0013')?.failed).toMatchObject({ element: 'query', subject: 'a=1&debug=x' })
  })

  it('F7 GET /etc.clientlibs/site/clientlib.min.css is allowed by /0012 (its /path would be /etc)', () => {
    const r = run(filterF(), 'GET /etc.clientlibs/site/clientlib.min.css')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0012'])
    expect(r.parts).toMatchObject({ path: '/etc', extension: 'clientlibs', suffix: '/site/clientlib.min.css' })
  })

  it('F8 GET /libs/granite/core/content/login.html is denied by /0001 (nothing else matches)', () => {
    expect(decided(filterF(), 'GET /libs/granite/core/content/login.html')).toEqual(['deny', '0001'])
  })

  it('F9 POST /content/site/contact.form.html is allowed by /0014, /0010 matched too', () => {
    const r = run(filterF(), 'POST /content/site/contact.form.html')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0014'])
    expect(r.rules.filter((x) => x.matched).map((x) => x.label)).toEqual(['0001', '0010', '0014'])
  })

  it('F10 GET /content/../libs/foo.jsp, once normalised to /libs/foo.jsp, is denied by /0001', () => {
    expect(decided(filterF(), 'GET /libs/foo.jsp')).toEqual(['deny', '0001'])
  })

  it('F11 GET /content/site/en.qu%65ry.json, once decoded to en.query.json, is denied by /0011', () => {
    expect(decided(filterF(), 'GET /content/site/en.query.json')).toEqual(['deny', '0011'])
  })

  it('F12 GET /content/site/en is denied by /0001 (no extension, and the /0010 regex needs one)', () => {
    const r = run(filterF(), 'GET /content/site/en')
    expect([r.decision, r.decidingRule?.label]).toEqual(['deny', '0001'])
    expect(r.rules[1].failed).toMatchObject({ element: 'extension', subject: '' })
  })

  it('F13 GET /content/site/en.html/suffix.html is allowed by /0010 (the suffix is not tested by the rule)', () => {
    const r = run(filterF(), 'GET /content/site/en.html/suffix.html')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0010'])
    expect(r.parts.suffix).toBe('/suffix.html')
  })

  it('F14 GET /content/site/en.JSON is denied: the regex is case-sensitive, and the trace says so', () => {
    const r = run(filterF(), 'GET /content/site/en.JSON')
    expect([r.decision, r.decidingRule?.label]).toEqual(['deny', '0001'])
    expect(r.rules[1].failed?.explanation).toBe(
      "/extension '(html|json|css|js|png)' does not match 'JSON' (it would match ignoring case, but patterns are case-sensitive)"
    )
  })

  it('F15 GET /.stat is denied by the filter as well (the statfile rule itself is the cache stage’s)', () => {
    expect(decided(filterF(), 'GET /.stat')).toEqual(['deny', '0001'])
  })

  it('F16 with /0100 allow /glob "GET *.css *", GET /bin/x.json?a=.css is allowed by /0100 (the glob sees the query)', () => {
    const rules = [...filterF(), rule('0100', 'allow', `/glob "GET *.css *"`)]
    const r = run(rules, 'GET /bin/x.json?a=.css HTTP/1.1')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0100'])
    expect(r.rules.at(-1)?.checked[0].subject).toBe('GET /bin/x.json?a=.css HTTP/1.1')
  })

  it('F17 /glob "* /index.html *" denies GET /index.html but not GET /index.html?a=b', () => {
    const rules = [rule('0000', 'allow', `/url "*"`), rule('0001', 'deny', `/glob "* /index.html *"`)]
    expect(decided(rules, 'GET /index.html?a=b')).toEqual(['allow', '0000'])
    expect(decided(rules, 'GET /index.html')).toEqual(['deny', '0001'])
  })

  it('F18 /url "/index.html" denies GET /index.html?a=b (/url excludes the query)', () => {
    const rules = [rule('0000', 'allow', `/url "*"`), rule('0001', 'deny', `/url "/index.html"`)]
    expect(decided(rules, 'GET /index.html?a=b')).toEqual(['deny', '0001'])
  })

  it('F18b a filter where no rule matches denies: GET /libs/x.html against only allow /url "/content/*"', () => {
    const r = run([rule('0001', 'allow', `/url "/content/*"`)], 'GET /libs/x.html')
    expect(r.decision).toBe('deny')
    expect(r.decidingRule).toBeNull()
    expect(r.reason).toBe('no rule matched')
    expect(r.logLine).toBeNull()
    expect(r.rejectLine).toBe('Filter rejects: GET /libs/x.html HTTP/1.1')
  })

  it('F19 without a /filter section GET /system/console is allowed', () => {
    const r = run(undefined, 'GET /system/console')
    expect(r.decision).toBe('allow')
    expect(r.reason).toBe('no /filter section: every request is accepted')
    expect(r.rules).toEqual([])
  })

  it('F20 /selectors "model" allows /content/p.secret.model.json (any selector may match)', () => {
    const rules = [...filterF(), rule('0101', 'allow', `/extension "json" /selectors "model" /path "/content/*"`)]
    const r = run(rules, 'GET /content/p.secret.model.json')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0101'])
    expect(r.rules.at(-1)?.checked[1]).toMatchObject({
      subject: 'secret.model',
      matchedSelector: 'model',
      matched: true
    })
  })

  it("F21 a last rule deny /extension '()' denies GET /content/page (no extension)", () => {
    const rules = [...filterF(), rule('x', 'deny', `/extension '()'`)]
    expect(decided(rules, 'GET /content/page')).toEqual(['deny', 'x'])
  })

  it('F22 a last rule deny /url "/content*" /suffix "*" does not catch GET /content/site/en.html (no suffix)', () => {
    const rules = [...filterF(), rule('y', 'deny', `/url "/content*" /suffix "*"`)]
    const r = run(rules, 'GET /content/site/en.html')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0010'])
    expect(r.rules.at(-1)?.failed).toMatchObject({ element: 'suffix', subject: null })
  })

  it('F23 an /extension "css" allow rule without /path lets GET /crx/de/index.jsp;%0aa.css through (pitfall)', () => {
    const rules = [rule('0001', 'deny', `/url "*"`), rule('0041', 'allow', `/extension "css"`)]
    const r = run(rules, 'GET /crx/de/index.jsp;%0aa.css')
    expect([r.decision, r.decidingRule?.label]).toEqual(['allow', '0041'])
    expect(r.logLine).toBe("Filter rule entry /0041 allowed 'GET /crx/de/index.jsp;%0aa.css HTTP/1.1'")
  })

  it('F24 GET /aboutus is denied by /0001 (the vanity list may rescue it later)', () => {
    expect(decided(filterF(), 'GET /aboutus')).toEqual(['deny', '0001'])
  })
})
