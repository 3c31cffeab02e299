/**
 * Filter rules that do not do what they seem to (dispatcher-behavior.md §10) are reported as
 * `pitfall` warnings with the rule's position; the decision is the module's all the same.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { compileFilter } from '../../../src/main/engine/pipeline/filter'
import { rule, run } from './filter-helpers'
import { embeddedConfigCopy } from '../../integration/support/config'

const codes = (...rules: Parameters<typeof rule>[]): string[] =>
  compileFilter(rules.map((r) => rule(...r))).warnings.map((w) => w.code)

describe('filter pitfalls (§10)', () => {
  it('1: an allow /glob is "considered unsafe": "GET *.css *" lets any page with ".css " in its query through', () => {
    const rules = [rule('0001', 'deny', `/glob "*"`), rule('0002', 'allow', `/glob "GET *.css *"`)]
    const w = compileFilter(rules).warnings
    expect(w.map((x) => x.code)).toEqual(['PITFALL_ALLOW_GLOB'])
    expect(w[0].category).toBe('pitfall')
    expect(w[0].message).toContain('Allowing requests with globs is considered unsafe')
    expect(run(rules, 'GET /any/page?a=.css HTTP/1.1').decision).toBe('allow')
    expect(codes(['0001', 'deny', `/glob "*"`])).toEqual([])
  })

  it('2: an /extension allow without /path or /url (the ;%0a trick gets through)', () => {
    const rules = [rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', `/extension '(css|js)'`)]
    expect(compileFilter(rules).warnings.map((x) => x.code)).toEqual(['PITFALL_EXTENSION_WITHOUT_PATH'])
    expect(run(rules, 'GET /crx/de/index.jsp;%0aa.css HTTP/1.1').decision).toBe('allow')
    expect(codes(['0002', 'allow', `/path "/content/*" /extension '(css|js)'`])).toEqual([])
  })

  it('4: /selectors "model" is tried against each selector, so a.model.infinity.json passes; not said when a later deny rule narrows the selectors', () => {
    const rules = [
      rule('0001', 'deny', `/url "*"`),
      rule('0002', 'allow', `/path "/content/*" /selectors "model" /extension "json"`)
    ]
    expect(compileFilter(rules).warnings.map((x) => x.code)).toEqual(['PITFALL_SELECTOR_CHAIN'])
    expect(run(rules, 'GET /content/a.model.infinity.json HTTP/1.1').decision).toBe('allow')
    expect(
      codes(
        ['0002', 'allow', `/path "/content/*" /selectors "model" /extension "json"`],
        ['0003', 'deny', `/selectors '(infinity|tidy|[0-9-]+)'`]
      )
    ).toEqual([])
  })

  it("the /extension and /selectors warnings' examples use the rule's own value, and the example is let through", () => {
    const ext = [rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', `/extension "webmanifest"`)]
    expect(compileFilter(ext).warnings[0].message).toContain(
      '"/crx/de/index.jsp;%0aa.webmanifest" has the extension webmanifest'
    )
    expect(run(ext, 'GET /crx/de/index.jsp;%0aa.webmanifest HTTP/1.1').decision).toBe('allow')
    const sel = [rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', `/path "/content/*" /selectors '(fp)'`)]
    expect(compileFilter(sel).warnings[0].message).toContain('(page.fp.infinity.json)')
    expect(run(sel, 'GET /content/page.fp.infinity.json HTTP/1.1').decision).toBe('allow')
    const glob = [
      rule('0001', 'deny', `/url "*"`),
      rule('0002', 'allow', `/glob "GET /libs/granite/csrf/token.json *"`)
    ]
    expect(compileFilter(glob).warnings[0].message).toContain('(for example an allow of "GET *.css *"')
  })

  it('6: "[.]*" in a glob is one dot and then anything: "/content/[.]*.form.html" needs a dot after /content/', () => {
    const rules = [rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', `/url "/content/[.]*.form.html"`)]
    expect(compileFilter(rules).warnings.map((x) => x.code)).toEqual(['PITFALL_BRACKET_DOT'])
    expect(run(rules, 'GET /content/x.form.html HTTP/1.1').decision).toBe('deny')
    expect(run(rules, 'GET /content/.x.form.html HTTP/1.1').decision).toBe('allow')
  })

  it('7: a /path with a dot never matches: the path of /etc.clientlibs/x.js is /etc', () => {
    expect(codes(['0002', 'allow', `/path "/etc.clientlibs/*"`])).toEqual(['PITFALL_PATH_WITH_DOT'])
    expect(codes(['0002', 'allow', `/path '/etc[.]clientlibs/.*'`])).toEqual(['PITFALL_PATH_WITH_DOT'])
    expect(codes(['0002', 'allow', `/path '/content/.*'`])).toEqual([])
    expect(
      run([rule('0002', 'allow', `/path "/etc.clientlibs/*"`)], 'GET /etc.clientlibs/a/b.js HTTP/1.1').decision
    ).toBe('deny')
  })

  it('7: a rule whose /path never matches is dead as a whole: no selector-chain warning, and its trace row says why', () => {
    const why =
      'the Dispatcher\'s /path ends at the first dot (/etc.clientlibs/x.js has the path /etc), so "/etc.clientlibs/*" never matches; use /url'
    const rules = [
      rule('0001', 'deny', `/url "*"`),
      rule('0002', 'allow', `/path "/etc.clientlibs/*" /selectors "model"`)
    ]
    expect(compileFilter(rules).warnings.map((x) => x.code)).toEqual(['PITFALL_PATH_WITH_DOT'])
    const result = run(rules, 'GET /etc.clientlibs/page.model.infinity.json HTTP/1.1')
    expect(result.decision).toBe('deny')
    expect(result.rules.find((r) => r.label === '0002')!.note).toBe(`the rule never matches any request: ${why}`)
    // A regex with a dead alternative only can still match: the chain warning stands, and no note.
    const partly = [
      rule('0001', 'deny', `/url "*"`),
      rule('0002', 'allow', `/path '/content/.*|/etc\\.clientlibs' /selectors "model"`)
    ]
    expect(compileFilter(partly).warnings.map((x) => x.code)).toEqual([
      'PITFALL_PATH_WITH_DOT',
      'PITFALL_SELECTOR_CHAIN'
    ])
    expect(run(partly, 'GET /content/page.model.infinity.json HTTP/1.1').rules[1].note).toBeUndefined()
  })

  it("4: an empty /selectors pattern (\"\", '', '()') matches only a request without selectors, so it is no chain pitfall", () => {
    const rules = [rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', `/path "/content/*" /selectors ""`)]
    expect(compileFilter(rules).warnings).toEqual([])
    expect(run(rules, 'GET /content/a.model.json HTTP/1.1').decision).toBe('deny')
    expect(run(rules, 'GET /content/a.json HTTP/1.1').decision).toBe('allow')
    expect(codes(['0002', 'allow', `/selectors ''`])).toEqual([])
    expect(codes(['0002', 'allow', `/selectors '()'`])).toEqual([])
    expect(codes(['0002', 'allow', `/selectors '(|model)'`])).toEqual(['PITFALL_SELECTOR_CHAIN'])
  })

  it('7: a /path regex with a dead alternative is said to have one, not to never match', () => {
    const rules = [rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', `/path '/content/.*|/etc\\.clientlibs'`)]
    const w = compileFilter(rules).warnings
    expect(w.map((x) => x.code)).toEqual(['PITFALL_PATH_WITH_DOT'])
    expect(w[0].message).toContain('the alternative "/etc\\.clientlibs" never matches (the others still can)')
    expect(w[0].message).not.toContain('"/content/.*|/etc\\.clientlibs" never matches')
    expect(run(rules, 'GET /content/x.html HTTP/1.1').decision).toBe('allow')
    // Every alternative needs a dot (in a group too): the whole pattern never matches.
    const whole = compileFilter([rule('0002', 'allow', `/path '(/a\\.b|/c[.]d)'`)]).warnings
    expect(whole[0].message).toContain(`"(/a\\.b|/c[.]d)" never matches`)
    // An optional dot, a dot that is any character, and a glob class that excludes the dot are fine.
    expect(codes(['0002', 'allow', `/path '/content(\\.html)?'`])).toEqual([])
    expect(codes(['0002', 'allow', `/path '/content/.*'`])).toEqual([])
    expect(codes(['0002', 'allow', `/path "/content/[!.]*"`])).toEqual([])
    expect(codes(['0002', 'allow', `/path "/etc[.]clientlibs/*"`])).toEqual(['PITFALL_PATH_WITH_DOT'])
  })

  it('5: a deny /query "debug=*" misses ?x=1&debug=y (the whole query is matched)', () => {
    const rules = [rule('0001', 'allow', `/url "*"`), rule('0002', 'deny', `/query "debug=*"`)]
    expect(compileFilter(rules).warnings.map((x) => x.code)).toEqual(['PITFALL_ANCHORED_QUERY_DENY'])
    expect(run(rules, 'GET /p.html?x=1&debug=y HTTP/1.1').decision).toBe('allow')
    expect(codes(['0002', 'deny', `/query "*debug=*"`])).toEqual([])
  })
})

describe('pitfalls when a configuration loads', () => {
  it("are warnings in the project's files, and information in the SDK files the Cloud keeps immutable", () => {
    const dir = embeddedConfigCopy('pitfalls-')
    const filters = path.join(dir, 'conf.dispatcher.d', 'filters')
    fs.appendFileSync(path.join(filters, 'filters.any'), '\n/0901 { /type "deny" /query "debug=*" }\n')
    fs.appendFileSync(path.join(filters, 'default_filters.any'), '\n/0902 { /type "deny" /query "wcmmode=*" }\n')
    const found = loadConfig(dir).diagnostics.filter((d) => d.code === 'PITFALL_ANCHORED_QUERY_DENY')
    expect(found.map((d) => [path.basename(d.pos!.file), d.severity])).toEqual([
      ['default_filters.any', 'info'],
      ['filters.any', 'warning']
    ])
  })
})
