/**
 * The invalidation requests AEM really sends (dispatcher-behavior.md §7.1), replayed byte for
 * byte on a raw socket: the replication flush agent's request (its transport sends
 * `CQ-Action:{action}`, `CQ-Handle:{path}`, `CQ-Path:{path}` as configured in the agent,
 * Commons HttpClient 3.1's `User-Agent`, the `Referer: about:blank` its access-log lines
 * show, an empty octet-stream body), in the POST form and in the GET form the default agent
 * is configured with (Adobe KB "Dispatcher cache files are updated unexpectedly":
 * `"GET /dispatcher/invalidate.cache HTTP/1.1" 200 13 "about:blank" "Jakarta
 * Commons-HttpClient/3.1"`), and the re-fetching flush of §7.4.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cacheStackForThisTest, statfilesIn, tempDocroot, type CacheStack } from './support/cache'
import { rawExchange } from './support/http-client'

const HANDLE = '/content/site/en/page'
const TOUCHED = ['/.stat', '/content/.stat', '/content/site/.stat', '/content/site/en/.stat']

function agentRequest(method: 'POST' | 'GET', action: string, handle: string, host = 'flush'): string {
  return [
    `${method} /dispatcher/invalidate.cache HTTP/1.1`,
    `CQ-Action: ${action}`,
    `CQ-Handle: ${handle}`,
    `CQ-Path: ${handle}`,
    'Referer: about:blank',
    'User-Agent: Jakarta Commons-HttpClient/3.1',
    `Host: ${host}`,
    ...(method === 'POST' ? ['Content-Length: 0', 'Content-Type: application/octet-stream'] : []),
    '',
    ''
  ].join('\r\n')
}

async function populated(): Promise<CacheStack> {
  const s = await cacheStackForThisTest({ statfileslevel: 3 })
  for (const t of [
    `${HANDLE}.html`,
    `${HANDLE}/_jcr_content/par.html`,
    '/content/site/en/a.html',
    '/content/site/en/data.json'
  ])
    await s.prime(t)
  return s
}

async function fromCache(s: CacheStack, target: string): Promise<boolean> {
  const before = s.up.publish.count
  await s.get(target)
  return s.up.publish.count === before
}

describe("the replication flush agent's own request", () => {
  for (const method of ['POST', 'GET'] as const) {
    it(`${method} /dispatcher/invalidate.cache with CQ-Action: Activate, CQ-Handle, CQ-Path, Host: flush and Commons HttpClient's User-Agent is answered 200 and invalidates the page`, async () => {
      const s = await populated()
      const a = await rawExchange(s.port, agentRequest(method, 'Activate', HANDLE))
      expect(a.statusLine).toBe('HTTP/1.1 200 OK')
      expect(statfilesIn(s.docroot)).toEqual(TOUCHED)
      expect(s.exists(`${HANDLE}.html`)).toBe(false)
      expect(s.exists(`${HANDLE}/_jcr_content`)).toBe(false)
      expect(s.exists(HANDLE)).toBe(true)
      expect(await fromCache(s, '/content/site/en/a.html')).toBe(false)
      expect(await fromCache(s, '/content/site/en/data.json')).toBe(true)
      expect(s.up.publish.requests.some((r) => r.url.includes('invalidate.cache'))).toBe(false)
      const trace = await s.traceOf('/dispatcher/invalidate.cache')
      expect(trace.outcome).toBe('flush')
      expect(trace.request.headers['user-agent']).toBe('Jakarta Commons-HttpClient/3.1')
    })
  }

  it("the agent's unpublish (CQ-Action: Deactivate) removes the page and its folder", async () => {
    const s = await populated()
    const a = await rawExchange(s.port, agentRequest('POST', 'Deactivate', HANDLE))
    expect(a.status).toBe(200)
    expect(s.exists(`${HANDLE}.html`)).toBe(false)
    expect(s.exists(HANDLE)).toBe(false)
    expect(statfilesIn(s.docroot)).toEqual(TOUCHED)
  })

  it('the agent\'s "Test Connection" (CQ-Action: Test) is answered 200 and changes nothing', async () => {
    const s = await populated()
    const a = await rawExchange(s.port, agentRequest('POST', 'Test', '/content'))
    expect(a.status).toBe(200)
    expect(statfilesIn(s.docroot)).toEqual([])
    expect(await fromCache(s, `${HANDLE}.html`)).toBe(true)
  })

  it('the same request from a client /allowedClients does not allow is answered 403', async () => {
    const s = await cacheStackForThisTest({
      allowedClients: `/0 { /glob "*" /type "deny" } /1 { /glob "10.0.0.5" /type "allow" }`
    })
    const a = await rawExchange(s.port, agentRequest('POST', 'Activate', HANDLE))
    expect(a.status).toBe(403)
    expect(statfilesIn(s.docroot)).toEqual([])
  })
})

describe('the re-fetching flush (§7.4)', () => {
  it('POST with Content-Type: text/plain and the page list as body re-fetches and stores the listed page before answering', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    const EN = '/content/site/en.html'
    s.up.publish.behave(EN, { body: 'old' })
    await s.prime(EN)
    s.up.publish.behave(EN, { body: 'new' })
    const body = `${EN}\n`
    const request = [
      'POST /dispatcher/invalidate.cache HTTP/1.1',
      'CQ-Action: Activate',
      'Content-Type: text/plain',
      'CQ-Handle: /content/site/en',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Host: flush',
      '',
      body
    ].join('\r\n')
    const a = await rawExchange(s.port, request)
    expect(a.status).toBe(200)
    expect(s.read(EN)).toBe('new')
    expect(await fromCache(s, EN)).toBe(true)
  })

  it('keeps the listed page in the cache while it is fetched again, then replaces it: a visitor meanwhile gets the old copy and never reaches the render', async () => {
    // The refetching-flush experiment (EXP): "the cached page is not deleted from the cache! In
    // the background, the dispatcher is making a request back to the publish instance to
    // replace the cached file, instead of deleting it"; PI: the page is retrieved "only once,
    // instead of once for each of the simultaneous client requests". The page is the handle's
    // own rendering (handle /content/site/en, body /content/site/en.html), as the agent sends it.
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    const EN = '/content/site/en.html'
    const JSON_ = '/content/site/en.model.json'
    s.up.publish.behave(EN, { body: 'old' })
    await s.prime(EN)
    await s.prime(JSON_)
    s.up.publish.behave(EN, { body: 'new', delayMs: 400 })
    const flushed = s.flush({ handle: '/content/site/en', body: `${EN}\n`, headers: { 'content-type': 'text/plain' } })
    await new Promise((r) => setTimeout(r, 150))
    // The re-fetch is under way: the page is still on disk, and a visitor gets it from the cache.
    expect(s.exists(EN)).toBe(true)
    const during = await s.get(EN)
    expect(during.text).toBe('old')
    expect(s.up.publish.count).toBe(3)
    // The handle's other renderings, not listed for re-fetch, are deleted as in any Activate.
    expect(s.exists(JSON_)).toBe(false)
    expect((await flushed).status).toBe(200)
    expect(s.read(EN)).toBe('new')
    expect(s.up.publish.count).toBe(3)
    const after = await s.get(EN)
    expect(after.headers['x-cache-info']).toBe('target file cached')
    expect(after.text).toBe('new')
  })

  it('re-fetches a page that /gracePeriod would still deliver, and its trace does not say the copy is used', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3, gracePeriod: 5 })
    const EN = '/content/site/en.html'
    s.up.publish.behave(EN, { body: 'old' })
    await s.prime(EN)
    s.up.publish.behave(EN, { body: 'new' })
    const seen = s.traceCount()
    expect((await s.flush({ handle: '/content/site/en', body: `${EN}\n` })).status).toBe(200)
    expect(s.read(EN)).toBe('new')
    const refetch = await s.traceOf(EN, seen)
    const cache = refetch.stages.find((e) => e.stage === 'cache')!
    expect(cache.summary).toBe(`${EN} is fetched again by a re-fetching flush: caching`)
    expect(cache.log!.filter((l) => l.includes('use cache'))).toEqual([])
    expect(cache.log).toContain(`cache-action for [${EN}]: CREATE`)
  })

  it('a listed URI the cache would not store (a query string /ignoreUrlParams keeps) does not save its file: the handle deletes it as without the list', async () => {
    // 4.3.3 (DISP-826) takes re-fetch URIs with a query string; the re-fetch of one is "not
    // cacheable: request contained a query string", so it can never replace data.json. Kept, the
    // old data.json (not matched by /invalidate, so never stale) would be delivered from then on.
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    const DATA = '/content/site/data.json'
    s.up.publish.behave(DATA, { body: 'old' })
    await s.prime(DATA)
    s.up.publish.behave(DATA, { body: 'new' })
    expect((await s.flush({ handle: '/content/site/data', body: `${DATA}?x=1\n` })).status).toBe(200)
    expect(s.up.publish.last?.url).toBe(`${DATA}?x=1`)
    expect(s.exists(DATA)).toBe(false)
    const next = await s.get(DATA)
    expect(next.headers['x-cache-info']).toBe('caching')
    expect(next.text).toBe('new')
  })

  it('a listed URI whose query /ignoreUrlParams ignores is replaced in place like one without a query', async () => {
    const s = await cacheStackForThisTest({
      statfileslevel: 3,
      ignoreUrlParams: `/0001 { /glob "*" /type "deny" } /0002 { /glob "utm_source" /type "allow" }`
    })
    const DATA = '/content/site/data.json'
    s.up.publish.behave(DATA, { body: 'old' })
    await s.prime(DATA)
    s.up.publish.behave(DATA, { body: 'new', delayMs: 300 })
    const flushed = s.flush({ handle: '/content/site/data', body: `${DATA}?utm_source=x\n` })
    await new Promise((r) => setTimeout(r, 100))
    expect(s.read(DATA)).toBe('old')
    expect((await flushed).status).toBe(200)
    expect(s.read(DATA)).toBe('new')
  })

  for (const [what, target, scope] of [
    ['a page /invalidate does not match', '/content/site/data.json', undefined],
    ['a page under CQ-Action-Scope: ResourceOnly', '/content/site/data.html', 'ResourceOnly']
  ] as const) {
    it(`${what} whose re-fetch stores nothing (503, /serveStaleOnError "1") is deleted after it, as a flush without the list deletes it`, async () => {
      // PI: "delete cached files, and immediately retrieve and recache": when the recache fails
      // the file is gone. Kept, the old copy (not stale: no .stat governs it, or none was
      // touched) would be delivered as "target file cached" after the render came back.
      const s = await cacheStackForThisTest({ statfileslevel: 3, serveStaleOnError: true })
      s.up.publish.behave(target, { body: 'old' })
      await s.prime(target)
      s.up.publish.behave(target, { status: 503, body: 'down' })
      const f = await s.flush({ handle: '/content/site/data', scope, body: `${target}\n` })
      expect(f.status).toBe(200)
      expect(s.up.publish.last?.url).toBe(target)
      expect(s.exists(target)).toBe(false)
      s.up.publish.behave(target, { body: 'new' })
      const next = await s.get(target)
      expect(next.headers['x-cache-info']).toBe('caching')
      expect(next.text).toBe('new')
    })
  }

  for (const serveStaleOnError of [true, false]) {
    it(`a copy a visitor stores while the /invalidateHandler runs is not deleted when the listed page's re-fetch fails (/serveStaleOnError "${serveStaleOnError ? 1 : 0}")`, async () => {
      const dir = tempDocroot()
      const script = path.join(dir, 'handler.sh')
      fs.writeFileSync(script, '#!/bin/sh\nsleep 1\n', { mode: 0o755 })
      const s = await cacheStackForThisTest({ statfileslevel: 3, invalidateHandler: script, serveStaleOnError })
      const PAGE = `${HANDLE}.html`
      s.up.publish.behave(PAGE, { body: 'old' })
      await s.prime(PAGE)
      const flushed = s.flush({ handle: HANDLE, body: `${PAGE}\n` })
      // The flush touched the .stat and waits for its handler: the kept copy is stale, and a
      // visitor's request stores the page anew; the re-fetch after the handler then fails.
      await new Promise((r) => setTimeout(r, 300))
      s.up.publish.behave(PAGE, { body: 'visitor' })
      expect((await s.get(PAGE)).text).toBe('visitor')
      expect(s.read(PAGE)).toBe('visitor')
      s.up.publish.behave(PAGE, { status: 503, body: 'down' })
      expect((await flushed).status).toBe(200)
      expect(s.up.publish.last?.url).toBe(PAGE)
      expect(s.exists(PAGE) && s.read(PAGE)).toBe('visitor')
    })
  }

  it('with two engines in one process, each re-fetches through its own farm: its own render, its own docroot', async () => {
    const first = await cacheStackForThisTest({ statfileslevel: 3 })
    const second = await cacheStackForThisTest({ statfileslevel: 3 })
    const EN = '/content/site/en.html'
    const f = await first.flush({ handle: '/content/site/en', body: `${EN}\n` })
    expect(f.status).toBe(200)
    expect(first.up.publish.count).toBe(1)
    expect(second.up.publish.count).toBe(0)
    expect(first.exists(EN)).toBe(true)
    expect(second.exists(EN)).toBe(false)
  })
})

describe('/propagateSyndPost "1" (§2, §6.4): a flush POST also goes to the render', () => {
  const ALLOW_POST = [`/0200 { /type "allow" /method "POST" /url "/dispatcher/invalidate.cache" }`]

  async function propagating(extraFilter: string[] = ALLOW_POST): Promise<CacheStack> {
    const s = await cacheStackForThisTest({ statfileslevel: 3, extraFilter, farmExtra: '/propagateSyndPost "1"' })
    await s.prime(`${HANDLE}.html`)
    return s
  }

  it("the cache is invalidated, the POST is forwarded through the filter, and the client gets the render's answer", async () => {
    const s = await propagating()
    const a = await s.flush({ action: 'Activate', handle: HANDLE })
    expect(a.status).toBe(200)
    expect(a.text).toBe('publish: POST /dispatcher/invalidate.cache (0 bytes received)')
    expect(statfilesIn(s.docroot)).toEqual(TOUCHED)
    expect(s.exists(`${HANDLE}.html`)).toBe(false)
    expect(s.up.publish.requests.map((r) => `${r.method} ${r.url}`)).toContain('POST /dispatcher/invalidate.cache')
    const flush = a.trace.stages.find((st) => st.stage === 'flush')
    expect(flush?.verdict).toBe('changed')
    expect(flush?.summary).toContain('/propagateSyndPost "1": the POST goes on to the filter and a render')
    expect(a.trace.stages.map((st) => st.stage)).toEqual(expect.arrayContaining(['flush', 'filter', 'cache', 'render']))
  })

  it('a re-fetch body is read for the flush and sent on to the render unchanged', async () => {
    const s = await propagating()
    const body = `${HANDLE}.html\n`
    const a = await s.flush({ action: 'Activate', handle: HANDLE, body, headers: { 'content-type': 'text/plain' } })
    expect(a.status).toBe(200)
    const post = s.up.publish.requests.find((r) => r.method === 'POST')
    expect(post?.bodyLength).toBe(Buffer.byteLength(body))
    // The listed page was fetched again and stored (§7.4).
    expect(s.exists(`${HANDLE}.html`)).toBe(true)
  })

  it('a filter that does not allow the POST answers 404 after the invalidation; the render is not asked', async () => {
    const s = await propagating([])
    const before = s.up.publish.count
    const a = await s.flush({ action: 'Activate', handle: HANDLE })
    expect(a.status).toBe(404)
    expect(statfilesIn(s.docroot)).toEqual(TOUCHED)
    expect(s.exists(`${HANDLE}.html`)).toBe(false)
    expect(s.up.publish.count).toBe(before)
  })

  it('a GET flush is not a syndication POST: handled here only', async () => {
    const s = await propagating()
    const before = s.up.publish.count
    const a = await rawExchange(s.port, agentRequest('GET', 'Activate', HANDLE))
    expect(a.statusLine).toBe('HTTP/1.1 200 OK')
    expect(statfilesIn(s.docroot)).toEqual(TOUCHED)
    expect(s.up.publish.count).toBe(before)
  })

  it('without /propagateSyndPost the POST is answered here and the render is not asked', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3, extraFilter: ALLOW_POST })
    const a = await s.flush({ action: 'Activate', handle: HANDLE })
    expect(a.status).toBe(200)
    expect(a.text).toBe('<H1>OK</H1>')
    expect(s.up.publish.count).toBe(0)
  })
})
