/**
 * Filter properties that no request satisfies (filter-never-matches.ts) are `pitfall` warnings
 * at the property's position, saying why and what was probably meant. Each case also runs the
 * rule: the request it was written for is denied, and the suggested rule lets it through.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { compileFilter } from '../../../src/main/engine/pipeline/filter'
import { embeddedConfigCopy } from '../../integration/support/config'
import { filterF, rule, run } from './filter-helpers'

/** The warnings of one allow rule written after a deny-all. */
function warned(properties: string): { code: string; message: string; element: string; column: number }[] {
  return compileFilter([rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', properties)]).warnings.map((w) => ({
    code: w.code,
    message: w.message,
    element: w.element,
    column: w.pos.column
  }))
}

const NEVER = 'PITFALL_NEVER_MATCHES'
const codes = (properties: string): string[] => warned(properties).map((w) => w.code)
const decision = (properties: string, line: string): string =>
  run([rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', properties)], line).decision

describe('filter properties that can never match', () => {
  it('/url without its leading "/" never matches, glob or regex; the warning suggests it with the "/"', () => {
    const [w] = warned(`/url "content/wknd/*"`)
    expect(w).toMatchObject({ code: NEVER, element: 'url', column: 1 })
    expect(w.message).toBe(
      'filter rule /0002 /url: the URL is the path alone, which begins with "/" (/content/a.html), so "content/wknd/*" never matches; write /url "/content/wknd/*"'
    )
    expect(decision(`/url "content/wknd/*"`, 'GET /content/wknd/a.html HTTP/1.1')).toBe('deny')
    expect(decision(`/url "/content/wknd/*"`, 'GET /content/wknd/a.html HTTP/1.1')).toBe('allow')
    expect(warned(`/url '^content/.*'`)[0].message).toContain(
      `so '^content/.*' never matches; write /url '^/content/.*'`
    )
    expect(codes(`/url '(content|etc)/.*'`)).toEqual([NEVER])
    expect(codes(`/path "content/*"`)).toEqual([NEVER])
  })

  it('/url "GET /content/*" (the request line of a /glob) never matches; the warning splits it into /method and /url', () => {
    const [w] = warned(`/url "GET /content/*"`)
    expect(w.code).toBe(NEVER)
    expect(w.message).toContain(
      '"GET /content/*" begins with a method, as a /glob\'s request line does ("GET /content/a.html HTTP/1.1"), so it never matches; write /method "GET" /url "/content/*"'
    )
    expect(decision(`/url "GET /content/*"`, 'GET /content/a.html HTTP/1.1')).toBe('deny')
    expect(decision(`/method "GET" /url "/content/*"`, 'GET /content/a.html HTTP/1.1')).toBe('allow')
    expect(warned(`/url '(GET|HEAD) /content/.*'`)[0].message).toContain(
      `write /method '(GET|HEAD)' /url '/content/.*'`
    )
  })

  it('a /url that can begin with "/" is left be: "/…", "*", "?…", a class or an alternative holding "/", an optional prefix', () => {
    for (const ok of [
      `/url "/content/*"`,
      `/url "*"`,
      `/url "?content/*"`,
      `/url "[/x]content/*"`,
      `/url '.*'`,
      `/url '(/content|etc)/.*'`,
      `/url 'x?/content/.*'`,
      `/url '[[:punct:]]content/.*'`,
      `/url '\\/content/.*'`
    ]) {
      expect(codes(ok), ok).not.toContain(NEVER)
    }
  })

  it('/extension and /selectors holding a dot never match: neither ever holds one; the warning drops the dot', () => {
    const [ext] = warned(`/path "/content/*" /extension ".json"`)
    expect(ext).toMatchObject({ code: NEVER, element: 'extension' })
    expect(ext.message).toContain(
      'the extension is the word after the last dot (html in /content/a.model.html) and holds no dot, so ".json" never matches; write /extension "json"'
    )
    expect(decision(`/path "/content/*" /extension ".json"`, 'GET /content/a.json HTTP/1.1')).toBe('deny')
    expect(decision(`/path "/content/*" /extension "json"`, 'GET /content/a.json HTTP/1.1')).toBe('allow')
    expect(warned(`/path "/content/*" /extension "*.json"`)[0].message).toContain('write /extension "json"')
    expect(warned(`/path "/content/*" /extension '\\.(json|xml)'`)[0].message).toContain(
      `write /extension '(json|xml)'`
    )
    expect(codes(`/path "/content/*" /extension '.json'`)).toEqual([]) // "." is any character
    const [sel] = warned(`/path "/content/*" /selectors ".model" /extension "json"`)
    expect(sel.message).toContain('so ".model" never matches; write /selectors "model"')
    expect(decision(`/path "/content/*" /selectors ".model"`, 'GET /content/a.model.json HTTP/1.1')).toBe('deny')
  })

  it("a dead /extension or /selectors gets no 'lets more through' warning: the rule lets nothing through", () => {
    expect(codes(`/extension ".json"`)).toEqual([NEVER])
    expect(codes(`/extension "json"`)).toEqual(['PITFALL_EXTENSION_WITHOUT_PATH'])
    // Venia's /0302: a regex written in double quotes, a glob that needs a dot (and a backslash).
    const venia = warned(`/path "/content/venia/*" /selectors "sitemap\\.[^\\.\\/]+-sitemap" /extension "xml"`)
    expect(venia.map((w) => w.code)).toEqual([NEVER])
    expect(venia[0].message).toContain('(in double quotes it is a glob, where "\\" is a plain character)')
  })

  it("a dead property of any element leaves the rule's /extension and /selectors without the 'lets more through' warning", () => {
    // The example requests of those warnings, denied: the dead property keeps the rule from matching.
    const cases: [string, string][] = [
      [`/extension "json" /suffix "x.json"`, 'GET /crx/de/index.jsp;%0aa.json HTTP/1.1'],
      [`/extension "json" /selectors ".model"`, 'GET /crx/de/index.jsp;%0aa.json HTTP/1.1'],
      [`/url "content/*" /selectors "model"`, 'GET /content/page.model.infinity.json HTTP/1.1'],
      [`/path "/content/*" /selectors "model" /extension ".json"`, 'GET /content/page.model.infinity.json HTTP/1.1'],
      [`/path "/content/*" /selectors "model" /suffix "x"`, 'GET /content/page.model.infinity.json/x HTTP/1.1']
    ]
    for (const [properties, line] of cases) {
      expect(codes(properties), properties).toEqual([NEVER])
      expect(decision(properties, line), properties).toBe('deny')
    }
    // Without the dead property both warnings stand.
    expect(codes(`/extension "json" /suffix "/x.json"`)).toEqual(['PITFALL_EXTENSION_WITHOUT_PATH'])
    expect(codes(`/url "/content/*" /selectors "model"`)).toEqual(['PITFALL_SELECTOR_CHAIN'])
  })

  it('/suffix not beginning with "/" never matches; one that may be empty is left be (a request without a suffix)', () => {
    expect(warned(`/url "/content/*" /suffix "x.json"`)[0].message).toContain(
      'a suffix always begins with "/" (/s/x.json in /content/a.html/s/x.json), so "x.json" never matches; write /suffix "/x.json"'
    )
    expect(decision(`/url "/content/*" /suffix "x.json"`, 'GET /content/a.html/x.json HTTP/1.1')).toBe('deny')
    for (const ok of [`/suffix "*.json"`, `/suffix ""`, `/suffix ''`, `/suffix 'x?'`, `/suffix '()'`]) {
      expect(codes(`/url "/content/*" ${ok}`), ok).toEqual([])
    }
  })

  it('/glob "/libs/*" never matches: the request line begins with the method', () => {
    const rules = [rule('0001', 'allow', `/url "*"`), rule('0002', 'deny', `/glob "/libs/*"`)]
    const w = compileFilter(rules).warnings
    expect(w.map((x) => x.code)).toEqual([NEVER])
    expect(w[0].message).toContain(
      '/glob matches the whole request line, which begins with the method ("GET /content/a.html HTTP/1.1"), so "/libs/*" never matches; write /url "/libs/*"'
    )
    expect(run(rules, 'GET /libs/a.html HTTP/1.1').decision).toBe('allow')
    expect(compileFilter([rule('0002', 'deny', `/glob "* /libs/*"`)]).warnings).toEqual([])
  })

  it('a regex with "^" after a character it must match, or "$" before one, never matches', () => {
    expect(warned(`/url '/content/^.*'`)[0].message).toContain(
      `"^" holds only at the start of the value and "$" only at its end, so '/content/^.*' never matches`
    )
    expect(decision(`/url '/content/^.*'`, 'GET /content/x HTTP/1.1')).toBe('deny')
    expect(codes(`/url '/content$/.*'`)).toEqual([NEVER])
    for (const ok of [`/url '^/content/.*$'`, `/url '.*\\.html$|^/libs/.*'`, `/url '/a$|/b'`, `/url '/a(^|/)b'`]) {
      expect(codes(ok), ok).toEqual([])
    }
  })

  it('/method in lower case misses the upper-case method clients send (case-sensitive compare)', () => {
    const [w] = warned(`/method "get" /url "/content/*"`)
    expect(w).toMatchObject({ code: 'PITFALL_METHOD_CASE', element: 'method' })
    expect(w.message).toContain('so "get" never matches a GET request')
    expect(w.message).toContain('write /method "GET"')
    expect(decision(`/method "get" /url "/content/*"`, 'GET /content/a.html HTTP/1.1')).toBe('deny')
    expect(warned(`/method '(GET|head)'`)[0].message).toContain(
      `'(GET|head)' never matches a HEAD request (only a method sent in that very spelling); write /method '(GET|HEAD)'`
    )
    for (const ok of [`/method "GET"`, `/method '(GET|HEAD)'`, `/method "*"`, `/method "FOO"`]) {
      expect(codes(`${ok} /url "/content/*"`), ok).toEqual([])
    }
  })

  it("is said of no rule of §12's filter F nor of the SDK's default filters", () => {
    const said = (w: { code: string }): boolean => w.code === NEVER || w.code === 'PITFALL_METHOD_CASE'
    expect(compileFilter(filterF()).warnings.filter(said)).toEqual([])
    const dir = embeddedConfigCopy('never-matches-')
    expect(loadConfig(dir).diagnostics.filter(said)).toEqual([])
  })

  it("is a warning with the rule's file:line:col when a configuration loads", () => {
    const dir = embeddedConfigCopy('never-matches-')
    const filters = path.join(dir, 'conf.dispatcher.d', 'filters', 'filters.any')
    const lines = fs.readFileSync(filters, 'utf8').split('\n').length
    fs.appendFileSync(filters, '\n/0901 { /type "allow" /url "content/wknd/*" }\n')
    const found = loadConfig(dir).diagnostics.filter((d) => d.code === NEVER)
    expect(found.map((d) => [d.severity, path.basename(d.pos!.file), d.pos!.line, d.pos!.column])).toEqual([
      ['warning', 'filters.any', lines + 1, 28]
    ])
  })
  it("marks the rule in every request's trace: its row says why it never matches", () => {
    const result = run(
      [rule('0001', 'deny', `/url "*"`), rule('0002', 'allow', `/url "content/*"`)],
      'GET /content/a.html'
    )
    const dead = result.rules.find((r) => r.label === '0002')!
    expect(dead.note).toBe(
      'the rule never matches any request: the URL is the path alone, which begins with "/" (/content/a.html), so "content/*" never matches; write /url "/content/*"'
    )
    // A rule that can match carries no note.
    expect(result.rules.find((r) => r.label === '0001')!.note).toBeUndefined()
  })
})
