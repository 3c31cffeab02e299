/**
 * Filter-bypass and traversal tricks against the real listener (dispatcher-behavior.md §3.1
 * and the pitfalls of §10). For each: the status Apache + the Dispatcher give, and whether
 * the render saw the request. Some tricks are stopped (normalisation happens before the
 * filter); the pitfalls are not, and the tests pin that they are let through, as the real
 * module does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APACHE_404 } from './support/apache-pages'
import { dispatcherAny } from './support/config'
import { stackForThisTest, startStack, type Stack } from './support/engine'
import { rawExchange, type RawAnswer } from './support/http-client'

/** Pages and assets under /content, page models under /content, clientlibs; everything else denied. */
const FILTER = [
  `      /0001 { /type "deny"  /url "*" }`,
  `      /0010 { /type "allow" /path "/content/*" /extension '(html|css|js|png)' }`,
  `      /0011 { /type "allow" /method "GET" /url "/etc.clientlibs/*" }`,
  `      /0020 { /type "allow" /path "/content/*" /selectors "model" /extension "json" }`
].join('\n')

function anyWith(port: number, filter: string): string {
  return dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port }], filter }])
}

/** Sends `target` and checks the status and whether the render was contacted. */
async function expectAnswer(s: Stack, target: string, status: number, reachesRender: boolean): Promise<void> {
  const before = s.up.publish.count
  const a = await s.send(target)
  expect(a.status, `status of GET ${target}`).toBe(status)
  const seen = s.up.publish.requests.map((r) => `${r.method} ${r.url}`).join(', ')
  expect(s.up.publish.count, `render contacted for GET ${target} (the render saw: ${seen})`).toBe(
    before + (reachesRender ? 1 : 0)
  )
  if (status === 404) expect(a.text).toBe(APACHE_404)
  if (status === 400) expect(a.text).toContain('<title>400 Bad Request</title>')
}

async function expectRaw(s: Stack, request: string, status: number, reachesRender: boolean): Promise<RawAnswer> {
  const before = s.up.publish.count
  const a = await rawExchange(s.port, request)
  expect(a.status, a.statusLine).toBe(status)
  expect(s.up.publish.count).toBe(before + (reachesRender ? 1 : 0))
  return a
}

describe('traversal and encoding tricks against a deny-all filter with /content allowed', () => {
  let s: Stack
  beforeAll(async () => {
    s = await startStack({ upstreams: ['publish'], any: (up) => anyWith(up.publish.port, FILTER) })
  })
  afterAll(() => s.stop())

  it.each([
    '/content/%2e%2e/libs/granite/core/content/login.html',
    '/content/%2E%2E/libs/granite/core/content/login.html',
    '/content/.%2e/libs/granite/core/content/login.html',
    '/content/%2e./libs/granite/core/content/login.html'
  ])(
    'encoded dots are decoded before dot segments are resolved: %s climbs out of /content and is denied',
    async (target) => {
      await expectAnswer(s, target, 404, false)
      const t = await s.traceOf(target)
      expect(t.decidingRule?.label).toBe('0001')
      expect(t.stages.find((st) => st.stage === 'filter')!.summary).toBe(
        "Filter rule entry /0001 blocked 'GET /libs/granite/core/content/login.html HTTP/1.1'"
      )
    }
  )

  it.each([
    '/content/../libs/x.html',
    '/content/./site/../../libs/x.html',
    '/etc.clientlibs/../libs/x.html',
    '/etc.clientlibs/%2e%2e/libs/x.json'
  ])('dot segments are resolved before the filter: %s is /libs/… and denied', async (target) => {
    await expectAnswer(s, target, 404, false)
    expect((await s.traceOf(target)).decidingRule?.label).toBe('0001')
  })

  it('double slashes are collapsed before the filter: //libs//x.html is /libs/x.html and denied', async () => {
    await expectAnswer(s, '//libs//x.html', 404, false)
  })

  it('double slashes are collapsed in what the render receives: /content//site///en.html arrives as /content/site/en.html', async () => {
    await expectAnswer(s, '/content//site///en.html', 200, true)
    expect(s.up.publish.last!.url).toBe('/content/site/en.html')
  })

  it('a path that climbs above the root is refused by Apache with 400 before any filter', async () => {
    await expectAnswer(s, '/../libs/x.html', 400, false)
    await expectAnswer(s, '/content/../../libs/x.html', 400, false)
    await expectAnswer(s, '/content/%2e%2e/%2e%2e/libs/x.html', 400, false)
  })

  it('a malformed percent-escape is refused by Apache with 400', async () => {
    await expectAnswer(s, '/content/%zz.html', 400, false)
    await expectAnswer(s, '/content/a%2.html', 400, false)
  })

  it('an encoded NUL byte (%00) is refused by Apache with 404', async () => {
    await expectAnswer(s, '/content/a%00.html', 404, false)
  })

  it('an encoded slash is 404 with AllowEncodedSlashes Off (a bare dispatcher.any has no Apache side, so the default applies)', async () => {
    await expectAnswer(s, '/content/a%2Fb.html', 404, false)
    await expectAnswer(s, '/content%2F..%2F..%2Flibs/x.html', 404, false)
    await expectAnswer(s, '/content/a%2fb.html', 404, false)
  })

  it('an encoded plus (%2b) reaches the render encoded as the client sent it (DISP-704, §3.1)', async () => {
    await expectAnswer(s, '/content/a%2bb.html', 200, true)
    expect(s.up.publish.last!.url).toBe('/content/a%2bb.html')
  })

  it('the statfile is never served, at the root or below', async () => {
    await expectAnswer(s, '/.stat', 404, false)
    await expectAnswer(s, '/content/.stat', 404, false)
  })

  it('an /extension allow restricted by /path denies /crx/de/index.jsp;%0aa.css (its path is /crx/de/index)', async () => {
    await expectAnswer(s, '/crx/de/index.jsp;%0aa.css', 404, false)
    expect((await s.traceOf('/crx/de/index.jsp;%0aa.css')).decidingRule?.label).toBe('0001')
  })

  it('selector smuggling: /content/x.html/..;/y passes as extension html with suffix /..;/y, and reaches the render verbatim (pitfall §10.3)', async () => {
    await expectAnswer(s, '/content/x.html/..;/y', 200, true)
    expect(s.up.publish.last!.url).toBe('/content/x.html/..;/y')
    expect((await s.traceOf('/content/x.html/..;/y')).decidingRule?.label).toBe('0010')
  })

  it('/selectors "model" lets /content/p.secret.model.json through: one matching selector is enough (pitfall §10.4)', async () => {
    await expectAnswer(s, '/content/p.secret.model.json', 200, true)
    expect((await s.traceOf('/content/p.secret.model.json')).decidingRule?.label).toBe('0020')
    await expectAnswer(s, '/content/p.secret.json', 404, false)
  })
})

describe('Apache request limits (LimitRequestLine, LimitRequestFieldSize, LimitRequestFields) and Host', () => {
  let s: Stack
  beforeAll(async () => {
    s = await startStack({ upstreams: ['publish'], any: (up) => anyWith(up.publish.port, FILTER) })
  })
  afterAll(() => s.stop())

  /** `GET <target> HTTP/1.1` of exactly `length` bytes, for an allowed page. */
  function requestLineOf(length: number): string {
    const fixed = 'GET /content/.html HTTP/1.1'.length
    return `GET /content/${'a'.repeat(length - fixed)}.html HTTP/1.1`
  }

  // httpd takes one byte more than the limit (its line buffer; test/httpd/request-limits.test.ts).
  it('a request line of 8191 bytes is accepted; one of 8192 bytes is 414 Request-URI Too Long', async () => {
    expect(requestLineOf(8191)).toHaveLength(8191)
    await expectRaw(s, `${requestLineOf(8191)}\r\nHost: localhost\r\n\r\n`, 200, true)
    const a = await expectRaw(s, `${requestLineOf(8192)}\r\nHost: localhost\r\n\r\n`, 414, false)
    expect(a.body).toContain('<title>414 Request-URI Too Long</title>')
  })

  it('a header field over 8190 bytes is 400; one well under the limit is accepted', async () => {
    await expectRaw(
      s,
      `GET /content/site/en.html HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(8000)}\r\n\r\n`,
      200,
      true
    )
    await expectRaw(
      s,
      `GET /content/site/en.html HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(8200)}\r\n\r\n`,
      400,
      false
    )
  })

  it('100 header fields are accepted; 101 are 400', async () => {
    const fields = (n: number): string => Array.from({ length: n }, (_, i) => `X-F${i}: v\r\n`).join('')
    await expectRaw(s, `GET /content/site/en.html HTTP/1.1\r\nHost: localhost\r\n${fields(99)}\r\n`, 200, true)
    await expectRaw(s, `GET /content/site/en.html HTTP/1.1\r\nHost: localhost\r\n${fields(100)}\r\n`, 400, false)
  })

  it('an absolute-form target is filtered on its path and reaches the render in origin form', async () => {
    await expectRaw(s, 'GET http://localhost/content/../libs/x.html HTTP/1.1\r\nHost: localhost\r\n\r\n', 404, false)
    await expectRaw(s, 'GET http://localhost/content/site/en.html HTTP/1.1\r\nHost: localhost\r\n\r\n', 200, true)
    expect(s.up.publish.last!.url).toBe('/content/site/en.html')
  })

  it("an HTTP/1.1 request without Host is Apache's 400, with a trace; an HTTP/1.0 one is served", async () => {
    const after = s.traceCount()
    const a = await expectRaw(s, 'GET /content/site/en.html HTTP/1.1\r\n\r\n', 400, false)
    expect.soft(a.body).toContain('<title>400 Bad Request</title>')
    expect.soft(s.traceCount()).toBe(after + 1)
    await expectRaw(s, 'GET /content/site/en.html HTTP/1.0\r\n\r\n', 200, true)
  })
})

describe('pitfalls the module lets through (§10), each with its own filter', () => {
  it('..; is an ordinary segment for the Dispatcher: /content/..;/crx/packmgr/service.jsp passes /url "/content/*" and reaches the render verbatim (§10.3)', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        anyWith(
          up.publish.port,
          [`      /0001 { /type "deny" /url "*" }`, `      /0002 { /type "allow" /url "/content/*" }`].join('\n')
        )
    })
    await expectAnswer(s, '/content/..;/crx/packmgr/service.jsp', 200, true)
    expect(s.up.publish.last!.url).toBe('/content/..;/crx/packmgr/service.jsp')
    // …and the trace says what AEM will make of it.
    expect((await s.traceOf('/content/..;/crx/packmgr/service.jsp')).warnings).toEqual([
      expect.stringMatching(/^\/content\/\.\.;\/crx\/packmgr\/service\.jsp holds a '\.\.;' segment: .*\(pitfall 3\)/)
    ])
    await s.send('/content/a..;b.html')
    expect((await s.traceOf('/content/a..;b.html')).warnings).toEqual([])
  })

  it("the AMS rule /url '.*/[.][.];/.*' denies the ..; tricks", async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        anyWith(
          up.publish.port,
          [
            `      /0001 { /type "deny" /url "*" }`,
            `      /0002 { /type "allow" /url "/content/*" }`,
            `      /0003 { /type "deny" /url '.*/[.][.];/.*' }`
          ].join('\n')
        )
    })
    await expectAnswer(s, '/content/..;/crx/packmgr/service.jsp', 404, false)
    await expectAnswer(s, '/content/x.html/..;/y', 404, false)
    expect((await s.traceOf('/content/x.html/..;/y')).decidingRule?.label).toBe('0003')
  })

  it('an /extension "css" allow without /path lets /crx/de/index.jsp;%0aa.css through, logged and forwarded with %0a as sent (§10.2, §4.5)', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        anyWith(
          up.publish.port,
          [`      /0001 { /type "deny" /url "*" }`, `      /0041 { /type "allow" /extension "css" }`].join('\n')
        )
    })
    await expectAnswer(s, '/crx/de/index.jsp;%0aa.css', 200, true)
    const t = await s.traceOf('/crx/de/index.jsp;%0aa.css')
    expect
      .soft(t.stages.find((st) => st.stage === 'filter')!.summary)
      .toBe("Filter rule entry /0041 allowed 'GET /crx/de/index.jsp;%0aa.css HTTP/1.1'")
    expect(s.up.publish.last!.url).toBe('/crx/de/index.jsp;%0aa.css')
  })

  it('an allow /glob "GET *.css *" lets /bin/x.json?a=.css through: the glob sees the query (§10.1)', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        anyWith(
          up.publish.port,
          [`      /0001 { /type "deny" /url "*" }`, `      /0100 { /type "allow" /glob "GET *.css *" }`].join('\n')
        )
    })
    await expectAnswer(s, '/bin/x.json?a=.css', 200, true)
    expect(s.up.publish.last!.url).toBe('/bin/x.json?a=.css')
    await expectAnswer(s, '/bin/x.json', 404, false)
  })
})

describe('the embedded AEMaaCS default configuration (AllowEncodedSlashes NoDecode)', () => {
  it('keeps an encoded slash as sent: /content/demo/us/en%2Fx.html is filtered as is and reaches the render with %2F', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    await expectAnswer(s, '/content/demo/us/en%2Fx.html', 200, true)
    expect(s.up.publish.last?.url).toBe('/content/demo/us/en%2Fx.html')
    await expectAnswer(s, '/libs/a%2Fb.html', 404, false)
  })
})
