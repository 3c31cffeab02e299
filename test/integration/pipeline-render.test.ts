/**
 * Forwarding to the render through the real listener (dispatcher-behavior.md §6.3, §6.4,
 * §8.1): which request headers the render sees, what comes back, large bodies both ways,
 * connection reuse, timeouts, unreachable renders and clients that go away.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dispatcherAny, type FarmSpec } from './support/config'
import { stackForThisTest, startStack, type Stack } from './support/engine'
import { send } from './support/http-client'
import { freePort } from './support/ports'
import { patternBuffer } from './support/upstream'
import { cacheSection, tempDocroot } from './support/cache'

function oneFarm(port: number, spec: Partial<FarmSpec> = {}): string {
  return dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port }], ...spec }])
}

const MiB = 1024 * 1024

describe('a request body over LimitRequestBody', () => {
  it('is refused with 413 before anything reaches the render; one within it is forwarded', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => oneFarm(up.publish.port),
      files: {
        'httpd.conf': 'SetHandler dispatcher-handler\n<Location "/content/small">\n  LimitRequestBody 5\n</Location>\n'
      }
    })
    const over = await s.send('/content/small/form.html', { method: 'POST', body: 'abcdef' })
    expect(over.status).toBe(413)
    expect(over.headers['content-length']).toBeUndefined()
    expect(over.headers.connection).toBe('close')
    expect(over.trace.stages.find((st) => st.stage === 'render')?.summary).toContain(
      'its Content-Length 6 is over LimitRequestBody 5: 413'
    )
    const within = await s.send('/content/small/form.html', { method: 'POST', body: 'abcde' })
    expect(within.status).toBe(200)
    expect(s.up.publish.requests.map((r) => [r.method, r.bodyLength])).toEqual([['POST', 5]])
  })
})

describe("the outcome of a render's error status", () => {
  it("a 4xx is the render's answer, not cached (miss-uncacheable), with or without DispatcherPassError; a 5xx is an error", async () => {
    for (const passError of ['0', '1']) {
      const docroot = tempDocroot()
      const s = await stackForThisTest({
        upstreams: ['publish'],
        any: (up) => oneFarm(up.publish.port, { extra: cacheSection(docroot) }),
        files: { 'httpd.conf': `SetHandler dispatcher-handler\nDispatcherPassError ${passError}\n` }
      })
      s.up.publish.behave('/content/missing.html', { status: 404, body: 'no such page' })
      s.up.publish.behave('/content/broken.html', { status: 500, body: 'render exploded' })
      const missing = await s.send('/content/missing.html')
      // Under DispatcherPassError 1 Apache's error document answers instead of the render's body.
      expect([passError, missing.status, missing.text === 'no such page', missing.trace.outcome]).toEqual([
        passError,
        404,
        passError === '0',
        'miss-uncacheable'
      ])
      // The cache stage says why it was not stored, whoever answers the client.
      expect([passError, missing.trace.cacheInfo]).toEqual([
        passError,
        'not cacheable: x-workbench: response status 404 is not cached'
      ])
      const broken = await s.send('/content/broken.html')
      expect([passError, broken.status, broken.trace.outcome]).toEqual([passError, 500, 'error'])
    }
  })
})

describe('request headers sent to the render (§6.3)', () => {
  it('with a /clientheaders list, only the listed headers are forwarded (names compared without case)', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => oneFarm(up.publish.port, { clientheaders: ['referer', 'User-Agent', 'X-Custom'] })
    })
    const a = await s.send('/content/a.html', {
      headers: {
        referer: 'http://example.com/',
        'user-agent': 'integration-test',
        'x-custom': 'kept',
        'x-secret': 'dropped',
        cookie: 'sid=1'
      }
    })
    expect(a.status).toBe(200)
    const h = s.up.publish.last!.headers
    expect(h.referer).toBe('http://example.com/')
    expect(h['user-agent']).toBe('integration-test')
    expect(h['x-custom']).toBe('kept')
    expect(h['x-secret']).toBeUndefined()
    expect(h.cookie).toBeUndefined()
  })

  it('without a /clientheaders section, the standard headers are forwarded (cookie, authorization, referer) and others are not', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => oneFarm(up.publish.port, { clientheaders: null })
    })
    await s.send('/content/a.html', {
      headers: { cookie: 'sid=1', authorization: 'Basic eDp5', referer: 'http://example.com/', 'x-secret': 'dropped' }
    })
    const h = s.up.publish.last!.headers
    expect(h.cookie).toBe('sid=1')
    expect(h.authorization).toBe('Basic eDp5')
    expect(h.referer).toBe('http://example.com/')
    expect(h['x-secret']).toBeUndefined()
  })

  it('with /clientheaders { "*" }, every end-to-end header is forwarded as sent, Host included', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => oneFarm(up.publish.port, { clientheaders: ['*'] })
    })
    await s.send('/content/a.html', {
      headers: { host: 'www.example.com', 'x-secret': 'kept', cookie: 'sid=1; b=2', 'csrf-token': 't' }
    })
    const h = s.up.publish.last!.headers
    expect(h.host).toBe('www.example.com')
    expect(h['x-secret']).toBe('kept')
    expect(h.cookie).toBe('sid=1; b=2')
    expect(h['csrf-token']).toBe('t')
  })

  it('the invalidation headers (CQ-Handle, Handle, CQ-Action, Action, …) are not forwarded with "*" (4.3.8, DISP-1040), only when /clientheaders names them', async () => {
    const invalidation = {
      'cq-handle': '/content/x',
      handle: '/content/y',
      'cq-action': 'Activate',
      action: 'Activate',
      'cq-action-scope': 'ResourceOnly',
      'cq-path': '/content'
    }
    const star = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => oneFarm(up.publish.port, { clientheaders: ['*'] })
    })
    await star.send('/content/a.html', { headers: { ...invalidation, 'x-other': 'kept' } })
    const h = star.up.publish.last!.headers
    for (const name of Object.keys(invalidation)) expect(h[name], name).toBeUndefined()
    expect(h['x-other']).toBe('kept')
    const named = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => oneFarm(up.publish.port, { clientheaders: ['CQ-Handle', 'Handle'] })
    })
    await named.send('/content/a.html', { headers: invalidation })
    expect(named.up.publish.last!.headers['cq-handle']).toBe('/content/x')
    expect(named.up.publish.last!.headers.handle).toBe('/content/y')
    expect(named.up.publish.last!.headers['cq-action']).toBeUndefined()
  })

  describe('headers the module always handles itself', () => {
    let s: Stack
    beforeAll(async () => {
      s = await startStack({ upstreams: ['publish'], any: (up) => oneFarm(up.publish.port, { clientheaders: ['*'] }) })
    })
    afterAll(() => s.stop())

    it('hop-by-hop headers, and headers named in Connection, are never forwarded', async () => {
      await s.send('/content/a.html', {
        headers: {
          connection: 'close, X-Drop-Me',
          'keep-alive': 'timeout=5',
          te: 'trailers',
          'proxy-connection': 'keep-alive',
          'x-drop-me': '1',
          'x-keep-me': '1'
        }
      })
      const h = s.up.publish.last!.headers
      expect(h['keep-alive']).toBeUndefined()
      expect(h.te).toBeUndefined()
      expect(h['proxy-connection']).toBeUndefined()
      expect(h['x-drop-me']).toBeUndefined()
      expect(h['x-keep-me']).toBe('1')
      expect(h.connection ?? '').not.toMatch(/x-drop-me/i)
    })

    it('X-Forwarded-For carries the client address, appended to one the client sent', async () => {
      await s.send('/content/a.html')
      expect(s.up.publish.last!.headers['x-forwarded-for']).toBe('127.0.0.1')
      await s.send('/content/b.html', { headers: { 'x-forwarded-for': '203.0.113.9' } })
      expect(s.up.publish.last!.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1')
    })

    it('Via: 1.1 <host> (dispatcher) and Server-Agent: Communique-Dispatcher are added', async () => {
      await s.send('/content/a.html', { headers: { host: 'www.example.com' } })
      const h = s.up.publish.last!.headers
      expect(h.via).toMatch(/^1\.1 \S+ \(dispatcher\)$/)
      expect(h['server-agent']).toBe('Communique-Dispatcher')
    })

    it("the module's own lines follow the client's in the module's order: Via, X-Forwarded-For, Server-Agent", async () => {
      // DC "Trace Logging" lists the forwarded headers as sent: the client's (Host, User-Agent,
      // Accept, …), then Via, X-Forwarded-For, the X-Forwarded-SSL… lines, Server-Agent.
      await s.send('/content/a.html', { headers: { 'user-agent': 'curl/8', accept: '*/*' } })
      const names = s.up.publish.last!.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())
      const own = names.filter((n) => ['via', 'x-forwarded-for', 'server-agent'].includes(n))
      expect(own).toEqual(['via', 'x-forwarded-for', 'server-agent'])
      expect(names.indexOf('accept')).toBeLessThan(names.indexOf('via'))
    })

    it('the query string reaches the render exactly as the client sent it', async () => {
      const target = '/content/a.html?b=%2b&c=d%20e&x=1&x=2&q=A+B&empty=&flag'
      const a = await s.send(target)
      expect(a.status).toBe(200)
      expect(s.up.publish.last!.url).toBe(target)
    })
  })
})

describe('answers relayed from the render (§8.1)', () => {
  let s: Stack
  beforeAll(async () => {
    s = await startStack({ upstreams: ['publish'], any: (up) => oneFarm(up.publish.port) })
  })
  afterAll(() => s.stop())
  afterEach(() => s.up.publish.reset())

  it('status and end-to-end headers are relayed, hop-by-hop ones are not, and several Set-Cookie stay separate', async () => {
    s.up.publish.behave('/content/cookies.html', {
      status: 201,
      headers: {
        'set-cookie': ['a=1; Path=/', 'b=2; Path=/; HttpOnly'],
        'x-render-header': 'relayed',
        'cache-control': 'private',
        'keep-alive': 'timeout=99',
        dispatcher: 'no-cache'
      },
      body: 'made'
    })
    const a = await s.send('/content/cookies.html')
    expect(a.status).toBe(201)
    expect(a.text).toBe('made')
    expect(a.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly'])
    expect(a.headers['x-render-header']).toBe('relayed')
    expect(a.headers['cache-control']).toBe('private')
    expect(a.headers['content-type']).toBe('text/plain;charset=utf-8')
    expect(a.headers['keep-alive']).toBeUndefined()
  })

  it('without DispatcherPassError, a 500 from the render reaches the client with its own body', async () => {
    s.up.publish.behave('/content/broken.html', { status: 500, body: 'render exploded' })
    const a = await s.send('/content/broken.html')
    expect(a.status).toBe(500)
    expect(a.text).toBe('render exploded')
    expect(a.trace.outcome).toBe('error')
  })

  it('a 304 or 204 that names a Content-Length it does not send is relayed without a body, and the next request is served', async () => {
    const named = { 'content-length': 1234, etag: '"v1"', 'cache-control': 'max-age=60' }
    s.up.publish.behave('/content/unchanged.html', { status: 304, headers: named })
    s.up.publish.behave('/content/nothing.json', { status: 204, headers: named })
    const a = await s.send('/content/unchanged.html', { headers: { 'if-none-match': '"v1"' } })
    expect(a.status).toBe(304)
    expect(a.text).toBe('')
    expect(a.headers.etag).toBe('"v1"')
    expect(a.headers['content-length']).toBeUndefined()
    const b = await s.send('/content/nothing.json')
    expect(b.status).toBe(204)
    expect(b.headers['content-length']).toBeUndefined()
    s.up.publish.behave('/content/after.html', { body: 'next' })
    const c = await s.send('/content/after.html')
    expect(c.status).toBe(200)
    expect(c.text).toBe('next')
  })

  it('a 404 from the render is relayed with its body', async () => {
    s.up.publish.behave('/content/missing.html', { status: 404, body: 'no such page' })
    const a = await s.send('/content/missing.html')
    expect(a.status).toBe(404)
    expect(a.text).toBe('no such page')
  })

  it('a 2 MiB upload streamed by the client arrives at the render intact', async () => {
    const size = 2 * MiB
    const CHUNK = 64 * 1024
    const body = Readable.from(
      (function* () {
        for (let at = 0; at < size; at += CHUNK) yield patternBuffer(at, Math.min(CHUNK, size - at))
      })()
    )
    const a = await s.send('/content/upload.html', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream' }
    })
    expect(a.status).toBe(200)
    const got = s.up.publish.last!
    expect(got.method).toBe('POST')
    expect(got.bodyLength).toBe(size)
    expect(got.bodySha256).toBe(createHash('sha256').update(patternBuffer(0, size)).digest('hex'))
  })

  it('a 5 MiB answer streamed by the render arrives at the client intact', async () => {
    const size = 5 * MiB
    s.up.publish.behave('/content/large.bin', { bodyBytes: size })
    const a = await s.send('/content/large.bin')
    expect(a.status).toBe(200)
    expect(a.body.length).toBe(size)
    expect(a.body.equals(patternBuffer(0, size))).toBe(true)
    expect(a.trace.response.bytes).toBe(size)
  })

  it('50 sequential requests reuse a few render connections (keep-alive)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      for (let i = 0; i < 50; i++) {
        const a = await send(s.url, `/content/page-${i}.html`, { agent })
        expect(a.status).toBe(200)
      }
    } finally {
      agent.destroy()
    }
    expect(s.up.publish.count).toBe(50)
    expect(s.up.publish.connections).toBeLessThanOrEqual(2)
  })

  it('a client that disconnects mid-answer does not hurt the engine: the next request is served', async () => {
    s.up.publish.behave('/content/huge.bin', { bodyBytes: 64 * MiB })
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${s.url}/content/huge.bin`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.on('error', (e) => (req.destroyed ? resolve() : reject(e)))
    })
    const a = await s.send('/content/after.html')
    expect(a.status).toBe(200)
    expect(a.text).toBe('publish: GET /content/after.html (0 bytes received)')
    const aborted = await s.traceOf('/content/huge.bin')
    expect(aborted.response.bytes).toBeLessThan(64 * MiB)
  })
})

describe('renders that fail (§6.4)', () => {
  it('/receiveTimeout "500" with a render that never sends headers: 504', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        dispatcherAny([
          { name: 'publish', renders: [{ host: '127.0.0.1', port: up.publish.port, extra: '/receiveTimeout "500"' }] }
        ])
    })
    s.up.publish.behave('/content/stuck.html', { hang: true })
    const a = await s.send('/content/stuck.html')
    expect(a.status).toBe(504)
    expect(a.text).toContain('<title>504 Gateway Timeout</title>')
    expect(s.up.publish.count).toBe(1)
    const render = a.trace.stages.find((st) => st.stage === 'render')!
    expect(render.verdict).toBe('stop')
    expect(render.summary).toContain('/receiveTimeout')
  })

  it('a render nobody listens on: 503, and the trace says "Unable to connect to any backend in farm <name>"', async () => {
    const dead = await freePort()
    const s = await stackForThisTest({
      any: dispatcherAny([{ name: 'deadfarm', renders: [{ host: '127.0.0.1', port: dead }] }])
    })
    const a = await s.send('/content/a.html')
    expect(a.status).toBe(503)
    expect(a.text).toContain('<title>503 Service Unavailable</title>')
    const render = a.trace.stages.find((st) => st.stage === 'render')!
    expect(render.summary).toContain('Unable to connect to any backend in farm deadfarm')
    expect(render.log).toContain('Unable to connect to any backend in farm deadfarm')
    expect(a.trace.outcome).toBe('error')
  })

  it("/failover with /health_check: a 500 from a render whose health URL also fails is resent to the other render; a healthy one's 500 goes out", async () => {
    const s = await stackForThisTest({
      upstreams: ['one', 'two'],
      any: (up) =>
        dispatcherAny([
          {
            name: 'publish',
            renders: [
              { host: '127.0.0.1', port: up.one.port },
              { host: '127.0.0.1', port: up.two.port }
            ],
            extra: '/failover "1"\n/health_check { /url "/health.html" }'
          }
        ])
    })
    s.up.one.behave('/content/a.html', { status: 500, body: 'broken' })
    s.up.one.behave('/health.html', { status: 500 })
    s.up.two.behave('/content/a.html', { body: 'from two' })
    const a = await s.send('/content/a.html')
    expect(a.status).toBe(200)
    expect(a.text).toBe('from two')
    expect(s.up.one.requests.map((q) => q.url)).toEqual(['/content/a.html', '/health.html'])
    expect(a.trace.stages.find((st) => st.stage === 'render')!.summary).toMatch(/r1/)

    s.up.one.behave('/health.html', { status: 200 })
    s.up.one.behave('/content/b.html', { status: 500, body: 'broken b' })
    const b = await s.send('/content/b.html', { headers: { cookie: 'renderid=r0' } })
    expect(b.status).toBe(500)
    expect(b.text).toBe('broken b')
  })

  it('after a failover the trace shows the header lines the answering render was sent (its own Host)', async () => {
    const s = await stackForThisTest({
      upstreams: ['one', 'two'],
      any: (up) =>
        dispatcherAny([
          {
            name: 'publish',
            clientheaders: ['accept'],
            renders: [
              { host: '127.0.0.1', port: up.one.port },
              { host: '127.0.0.1', port: up.two.port }
            ],
            extra: '/failover "1"'
          }
        ])
    })
    s.up.one.behave('/content/a.html', { status: 503, body: 'busy' })
    s.up.two.behave('/content/a.html', { body: 'from two' })
    const a = await s.send('/content/a.html')
    expect(a.text).toBe('from two')
    const received = s.up.two.requests.find((q) => q.url === '/content/a.html')!
    expect(received.headers.host).toBe(`127.0.0.1:${s.up.two.port}`)
    expect(a.trace.forwarded).toMatchObject({ render: 'r1', origin: `127.0.0.1:${s.up.two.port}` })
    expect(a.trace.forwarded!.headers.host).toBe(received.headers.host)
  })

  it('a render that breaks off mid-body: the client connection is dropped, never ended as if the answer were whole', async () => {
    const s = await stackForThisTest({ upstreams: ['publish'], any: (up) => oneFarm(up.publish.port) })
    s.up.publish.behave('/content/a.html', { body: 'hello, and then nothing', breakAfterBytes: 5 })
    await expect(s.send('/content/a.html')).rejects.toThrow()
    const t = await s.traceOf('/content/a.html')
    expect(t.stages.find((st) => st.stage === 'render' && st.verdict === 'error')?.summary).toMatch(
      /failed while sending the body/
    )
  })

  it('a farm without renders: 503', async () => {
    const s = await stackForThisTest({ any: dispatcherAny([{ name: 'empty', renders: [] }]) })
    const a = await s.send('/content/a.html')
    expect(a.status).toBe(503)
    expect(a.trace.stages.find((st) => st.stage === 'render')!.summary).toContain(
      'Unable to connect to any backend in farm empty'
    )
  })
})

describe('an engine that keeps no traces (`serve --no-ui`: nothing could show them)', () => {
  it('answers as usual and still publishes every trace on the event bus, keeping none', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => oneFarm(up.publish.port),
      engine: { ringSize: 0 }
    })
    const published: string[] = []
    s.engine.events.subscribe((e) => {
      if (e.type === 'trace') published.push(`${e.trace.request.url} ${e.trace.response.status}`)
    })
    for (const page of ['/content/a.html', '/content/b.html']) expect((await send(s.url, page)).status).toBe(200)
    await expect.poll(() => published).toEqual(['/content/a.html 200', '/content/b.html 200'])
    expect(s.engine.traces.size).toBe(0)
    expect(s.engine.traces.dropped).toBe(2)
  })
})
