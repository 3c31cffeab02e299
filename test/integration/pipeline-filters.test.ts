/**
 * dispatcher-behavior.md §12.1 through the real listener: filter F (§12) on one farm with
 * `/virtualhosts { "*" }` and one render, the counting upstream. An allowed request reaches
 * the render and its answer comes back; a denied one is Apache's 404 (§4.3) and the render
 * never hears of it. The trace names the deciding rule with the file and line it was written on.
 *
 * F24 (vanity URLs, §4.4) is served in renders-through-proxy.test.ts, which fetches the list from a
 * render; here it is explained, from the list `/file` holds.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { writeVanityFile } from '../../src/main/engine/upstream/vanity-file'
import { APACHE_404, APACHE_HTML } from './support/apache-pages'
import { dispatcherAny, filterF } from './support/config'
import { stackForThisTest, startStack, type Stack } from './support/engine'
import { rawExchange } from './support/http-client'

function anyWithFilter(port: number, filter: string | undefined): string {
  return dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port }], filter }])
}

function filterStack(filter: string | undefined): Promise<Stack> {
  return stackForThisTest({ upstreams: ['publish'], any: (up) => anyWithFilter(up.publish.port, filter) })
}

/** The request reaches the render once, the render's answer is relayed, and `rule` decided. */
async function expectAllowed(s: Stack, method: string, target: string, rule: string | null): Promise<void> {
  const up = s.up.publish
  const before = up.count
  const a = await s.send(target, { method, body: method === 'POST' ? 'a=1' : undefined })
  expect(a.status).toBe(200)
  expect(up.count).toBe(before + 1)
  expect(up.last!.method).toBe(method)
  expect(a.text).toBe(`publish: ${method} ${up.last!.url} (${method === 'POST' ? 3 : 0} bytes received)`)
  expect(a.headers['x-upstream']).toBe('publish')
  const filterStage = a.trace.stages.find((st) => st.stage === 'filter')
  expect(filterStage?.verdict).toBe('pass')
  if (rule === null) {
    expect(a.trace.decidingRule).toBeUndefined()
    return
  }
  expect(a.trace.decidingRule).toMatchObject({
    label: rule,
    type: 'allow',
    pos: { file: s.config!.anyFile, line: s.config!.lineOf(`/${rule} {`) }
  })
  expect(filterStage?.summary).toMatch(new RegExp(`^Filter rule entry /${rule} allowed '${method} `))
}

/** Apache's 404 page, the render is not contacted, and `rule` (or no rule) decided. */
async function expectDenied(s: Stack, method: string, target: string, rule: string | null): Promise<void> {
  const up = s.up.publish
  const before = up.count
  const a = await s.send(target, { method })
  expect(a.status).toBe(404)
  expect(a.headers['content-type']).toBe(APACHE_HTML)
  expect(a.text).toBe(APACHE_404)
  expect(up.count).toBe(before)
  expect(a.trace.outcome).toBe('blocked')
  expect(a.trace.stages.find((st) => st.stage === 'filter')?.verdict).toBe('stop')
  expect(a.trace.stages.some((st) => st.stage === 'render')).toBe(false)
  if (rule === null) {
    expect(a.trace.decidingRule).toBeUndefined()
    return
  }
  expect(a.trace.decidingRule).toMatchObject({
    label: rule,
    type: 'deny',
    pos: { file: s.config!.anyFile, line: s.config!.lineOf(`/${rule} {`) }
  })
}

describe('§12.1 filter F through the listener', () => {
  let s: Stack
  beforeAll(async () => {
    s = await startStack({ upstreams: ['publish'], any: (up) => anyWithFilter(up.publish.port, filterF()) })
  })
  afterAll(() => s.stop())

  it('F1 GET /content/site/en.html reaches the render, allowed by /0010', async () => {
    await expectAllowed(s, 'GET', '/content/site/en.html', '0010')
  })

  it('a method Node does not parse (DEBUG) is decided by the filter as httpd hands it on: /0010 (any method) forwards it, /0012 (GET only) does not', async () => {
    const ask = (target: string) =>
      rawExchange(s.port, `DEBUG ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
    // Forwarded: the counting render (Node's HTTP server) refuses DEBUG itself with 400, and that is relayed.
    await ask('/content/site/en.html')
    const allowed = await s.traceOf('/content/site/en.html')
    expect(allowed.request.method).toBe('DEBUG')
    expect(allowed.stages.find((st) => st.stage === 'filter')?.verdict).toBe('pass')
    expect(allowed.stages.find((st) => st.stage === 'render')?.summary).toMatch(/answered 400/)
    const denied = await ask('/etc.clientlibs/site/clientlib.min.css')
    expect(denied.status).toBe(404)
    const trace = await s.traceOf('/etc.clientlibs/site/clientlib.min.css')
    expect(trace.stages.find((st) => st.stage === 'filter')?.verdict).toBe('stop')
  })

  it("F2 GET /content/site/en.infinity.json is Apache's 404 by /0011, logged in the module's words", async () => {
    await expectDenied(s, 'GET', '/content/site/en.infinity.json', '0011')
    const t = await s.traceOf('/content/site/en.infinity.json')
    const filter = t.stages.find((st) => st.stage === 'filter')!
    expect(filter.summary).toBe("Filter rule entry /0011 blocked 'GET /content/site/en.infinity.json HTTP/1.1'")
    expect(filter.log).toContain('Filter rejects: GET /content/site/en.infinity.json HTTP/1.1')
    expect(filter.source).toMatchObject({ file: s.config!.anyFile, line: s.config!.lineOf('/0011 {') })
  })

  it('F3 GET /content/site/en.model.json reaches the render (model is not a denied selector)', async () => {
    await expectAllowed(s, 'GET', '/content/site/en.model.json', '0010')
  })

  it('F4 GET /content/site/en.2.json is denied by /0011 (2 matches [0-9-]+)', async () => {
    await expectDenied(s, 'GET', '/content/site/en.2.json', '0011')
  })

  it('F5 GET /content/site/en.html?debug=layout is denied by /0013', async () => {
    await expectDenied(s, 'GET', '/content/site/en.html?debug=layout', '0013')
  })

  it('F6 GET /content/site/en.html?a=1&debug=x reaches the render (the /query glob must match the whole query)', async () => {
    await expectAllowed(s, 'GET', '/content/site/en.html?a=1&debug=x', '0010')
    expect(s.up.publish.last!.url).toBe('/content/site/en.html?a=1&debug=x')
  })

  it('F7 GET /etc.clientlibs/site/clientlib.min.css reaches the render by /0012 (its /path would be /etc)', async () => {
    await expectAllowed(s, 'GET', '/etc.clientlibs/site/clientlib.min.css', '0012')
  })

  it('F8 GET /libs/granite/core/content/login.html is denied by the deny-all /0001', async () => {
    await expectDenied(s, 'GET', '/libs/granite/core/content/login.html', '0001')
  })

  it('F9 POST /content/site/contact.form.html reaches the render with its body, allowed by /0014', async () => {
    await expectAllowed(s, 'POST', '/content/site/contact.form.html', '0014')
    expect(s.up.publish.last!.bodyLength).toBe(3)
  })

  it('F10 GET /content/../libs/foo.jsp is normalised to /libs/foo.jsp and denied by /0001', async () => {
    await expectDenied(s, 'GET', '/content/../libs/foo.jsp', '0001')
    const t = await s.traceOf('/content/../libs/foo.jsp')
    expect(t.stages.find((st) => st.stage === 'filter')!.summary).toBe(
      "Filter rule entry /0001 blocked 'GET /libs/foo.jsp HTTP/1.1'"
    )
  })

  it('F11 GET /content/site/en.qu%65ry.json is decoded to en.query.json and denied by /0011', async () => {
    await expectDenied(s, 'GET', '/content/site/en.qu%65ry.json', '0011')
  })

  it('F12 GET /content/site/en (no extension) is denied by /0001', async () => {
    await expectDenied(s, 'GET', '/content/site/en', '0001')
  })

  it('F13 GET /content/site/en.html/suffix.html reaches the render by /0010 (the suffix is not looked at)', async () => {
    await expectAllowed(s, 'GET', '/content/site/en.html/suffix.html', '0010')
  })

  it('F14 GET /content/site/en.JSON is denied by /0001 (regexes are case-sensitive)', async () => {
    await expectDenied(s, 'GET', '/content/site/en.JSON', '0001')
  })

  it('F15 GET /.stat is denied whatever the filter says: the statfile is never served', async () => {
    await expectDenied(s, 'GET', '/.stat', null)
    const t = await s.traceOf('/.stat')
    expect(t.stages.find((st) => st.stage === 'filter')!.log).toContain('Filter rejects: GET /.stat HTTP/1.1')
  })
})

describe('§12.1 filter variants through the listener', () => {
  it('F16 an allow /glob "GET *.css *" lets GET /bin/x.json?a=.css through (the glob sees the query)', async () => {
    const s = await filterStack(filterF([`/0100 { /type "allow" /glob "GET *.css *" }`]))
    await expectAllowed(s, 'GET', '/bin/x.json?a=.css', '0100')
  })

  it('F17 /glob "* /index.html *" denies GET /index.html but not GET /index.html?a=b (no space after .html)', async () => {
    const s = await filterStack(
      [`      /0000 { /type "allow" /url "*" }`, `      /0001 { /type "deny" /glob "* /index.html *" }`].join('\n')
    )
    await expectAllowed(s, 'GET', '/index.html?a=b', '0000')
    await expectDenied(s, 'GET', '/index.html', '0001')
  })

  it('F18 /url "/index.html" denies GET /index.html?a=b (/url excludes the query)', async () => {
    const s = await filterStack(
      [`      /0000 { /type "allow" /url "*" }`, `      /0001 { /type "deny" /url "/index.html" }`].join('\n')
    )
    await expectDenied(s, 'GET', '/index.html?a=b', '0001')
  })

  it('F18b a /filter where no rule matches denies GET /libs/x.html, with no deciding rule', async () => {
    const s = await filterStack(`      /0001 { /type "allow" /url "/content/*" }`)
    await expectDenied(s, 'GET', '/libs/x.html', null)
    const t = await s.traceOf('/libs/x.html')
    expect(t.stages.find((st) => st.stage === 'filter')!.log).toContain('Filter rejects: GET /libs/x.html HTTP/1.1')
  })

  it('F19 a farm without /filter lets GET /system/console through', async () => {
    const s = await filterStack(undefined)
    await expectAllowed(s, 'GET', '/system/console', null)
  })

  it('F20 /selectors "model" lets GET /content/p.secret.model.json through (any one selector matches)', async () => {
    const s = await filterStack(
      filterF([`/0101 { /type "allow" /extension "json" /selectors "model" /path "/content/*" }`])
    )
    await expectAllowed(s, 'GET', '/content/p.secret.model.json', '0101')
  })

  it("F21 a last rule /extension '()' denies GET /content/page, which has no extension", async () => {
    const s = await filterStack(filterF([`/x { /type "deny" /extension '()' }`]))
    await expectDenied(s, 'GET', '/content/page', 'x')
  })

  it('F22 a last rule /url "/content*" /suffix "*" does not catch GET /content/site/en.html (no suffix): /0010 allows', async () => {
    const s = await filterStack(filterF([`/y { /type "deny" /url "/content*" /suffix "*" }`]))
    await expectAllowed(s, 'GET', '/content/site/en.html', '0010')
  })

  it('F23 an /extension "css" allow without /path lets GET /crx/de/index.jsp;%0aa.css reach the render (pitfall)', async () => {
    const s = await filterStack(
      [`      /0001 { /type "deny" /url "*" }`, `      /0002 { /type "allow" /extension "css" }`].join('\n')
    )
    await expectAllowed(s, 'GET', '/crx/de/index.jsp;%0aa.css', '0002')
  })
})

describe('F24 explained: explain contacts no render, so it takes the vanity list stored for /file', () => {
  function explainF24(withFile: boolean): (url: string) => ReturnType<Engine['explain']> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f24-'))
    const file = path.join(dir, 'vanity_urls')
    // What a farm that fetched the list in this process stored for its /file (in memory).
    if (withFile) writeVanityFile(file, ['/aboutus', '/contact'])
    const vanity = `    /vanity_urls { /url "/libs/granite/dispatcher/content/vanityUrls.html" /file "${file}" /delay 300 }`
    fs.writeFileSync(
      path.join(dir, 'dispatcher.any'),
      dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: 9 }], filter: filterF(), extra: vanity }])
    )
    const engine = new Engine({ config: dir, watch: false })
    return (url) => engine.explain({ method: 'GET', url })
  }

  it('GET /aboutus is denied by /0001 and rescued by the stored list: forwarded, as when serving', () => {
    const explain = explainF24(true)
    const t = explain('/aboutus')
    expect(t.outcome).not.toBe('blocked')
    expect(t.stages.find((st) => st.stage === 'filter')).toMatchObject({ verdict: 'changed' })
    expect(t.stages.find((st) => st.stage === 'filter')?.summary).toContain(
      'rescued: /aboutus is in the vanity URL list'
    )
    expect(t.stages.some((st) => st.stage === 'render')).toBe(true)
    const other = explain('/libs/x.html')
    expect(other.outcome).toBe('blocked')
    expect(other.stages.find((st) => st.stage === 'filter')?.summary).toContain(
      '/libs/x.html is not in the vanity URL list (2 URLs)'
    )
  })

  it('without a stored list the denial says why the list could not help', () => {
    const t = explainF24(false)('/aboutus')
    expect(t.outcome).toBe('blocked')
    expect(t.stages.find((st) => st.stage === 'filter')?.summary).toMatch(
      /vanity URL list not loaded: explain contacts no render and nothing is stored for .*vanity_urls yet/
    )
  })
})
