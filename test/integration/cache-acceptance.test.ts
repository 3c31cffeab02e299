/**
 * Statements of dispatcher-behavior.md §5 (cache) and §7 (invalidation) checked through the real
 * listener under config C, where the other cache tests cover them only below the pipeline (unit
 * policy, request-cacheability and flush tests) or not at all: the response headers that forbid
 * storing, the `authorization` cookie, how selectors, `..`, percent-encoding and an empty query
 * name the cache file, the path-length reasons, `Expires` as TTL, the statuses that let
 * /serveStaleOnError deliver a stale copy, and the shapes of request the flush handler takes.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cacheStackForThisTest, type CacheStack } from './support/cache'

const PAGE = '/content/site/en.html'

async function notStored(s: CacheStack, rel: string): Promise<void> {
  // A store would happen right after the answer; give it the time it would take.
  await new Promise((r) => setTimeout(r, 50))
  expect(s.exists(rel)).toBe(false)
}

describe('§5.4: response headers that forbid storing (DC, FAQ)', () => {
  for (const [name, value] of [
    ['cache-control', 'no-cache'],
    ['cache-control', 'must-revalidate'],
    ['pragma', 'no-cache']
  ]) {
    it(`${name}: ${value} is passed on and not stored; the next request reaches the render again`, async () => {
      const s = await cacheStackForThisTest()
      s.up.publish.behave(PAGE, { headers: { [name]: value } })
      const a = await s.get(PAGE)
      expect(a.status).toBe(200)
      expect(a.headers[name]).toBe(value)
      expect(a.headers['x-cache-info']).toMatch(/^not cacheable: /)
      await notStored(s, PAGE)
      await s.get(PAGE)
      expect(s.up.publish.count).toBe(2)
    })
  }
})

describe('§5.3 step 6: authorization', () => {
  it('a cookie named authorization makes the request "not cacheable: request contains authorization"', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.get(PAGE, { headers: { cookie: 'a=1; authorization=abc' } })
    expect(a.headers['x-cache-info']).toBe('not cacheable: request contains authorization')
    await notStored(s, PAGE)
  })
})

describe('§5.2: the cache file mirrors the URL', () => {
  it('selectors stay in the file name: /content/site/en.print.a4.html is stored as en.print.a4.html', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/site/en.print.a4.html')
    expect(s.exists('/content/site/en.print.a4.html')).toBe(true)
    expect(s.exists(PAGE)).toBe(false)
  })

  it('.. segments are resolved first: /content/site/x/../en.html and /content/site/%2e%2e/site/en.html are en.html', async () => {
    const s = await cacheStackForThisTest()
    const stored = s.nextStore(PAGE)
    expect((await s.get('/content/site/x/../en.html')).headers['x-cache-info']).toBe('caching')
    await stored
    expect(s.up.publish.last?.url).toBe(PAGE)
    expect(s.exists('/content/site/x')).toBe(false)
    const again = await s.get('/content/site/%2e%2e/site/en.html')
    expect(again.headers['x-cache-info']).toBe('target file cached')
    expect(s.up.publish.count).toBe(1)
  })

  it('a percent-encoded name is stored decoded, where the web server looks it up', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/site/a%20b.html')
    expect(s.exists('/content/site/a b.html')).toBe(true)
    expect((await s.get('/content/site/a%20b.html')).headers['x-cache-info']).toBe('target file cached')
  })

  it('an empty query string (/en.html?) is no query: stored under en.html', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.prime(`${PAGE}?`)
    expect(a.headers['x-cache-info']).toBe('caching')
    expect(s.exists(PAGE)).toBe(true)
  })

  it('"cache file path too long" for a name past 255 bytes, "temporary file path too long" when only its temporary sibling is', async () => {
    const s = await cacheStackForThisTest()
    const long = `/content/site/${'x'.repeat(251)}.html`
    expect((await s.get(long)).headers['x-cache-info']).toBe('not cacheable: cache file path too long')
    // 245 bytes fit, but the temporary sibling adds _YYYY plus 6 characters (256).
    const temp = `/content/site/${'x'.repeat(240)}.html`
    expect((await s.get(temp)).headers['x-cache-info']).toBe('not cacheable: temporary file path too long')
    expect(s.up.publish.count).toBe(2)
    expect(s.exists('/content/site')).toBe(false)
  })
})

describe('§5.5.5: /enableTTL with Expires (DC)', () => {
  it('an Expires date writes en.html.ttl with that mtime; the page is a hit before it', async () => {
    const s = await cacheStackForThisTest({ enableTTL: true })
    const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000)
    s.up.publish.behave(PAGE, { headers: { expires: expires.toUTCString() } })
    await s.prime(PAGE)
    expect(fs.statSync(s.abs(`${PAGE}.ttl`)).mtimeMs).toBe(expires.getTime())
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('target file cached')
  })

  it('without /enableTTL no .ttl is written', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { headers: { 'cache-control': 'max-age=60' } })
    await s.prime(PAGE)
    expect(s.exists(`${PAGE}.ttl`)).toBe(false)
  })
})

describe('§5.7: the render errors /serveStaleOnError "1" covers (502, 503, 504, 429 since 4.3.8)', () => {
  for (const status of [502, 504, 429]) {
    it(`a stale page whose render answers ${status} is delivered from the cache with Warning: 111`, async () => {
      const s = await cacheStackForThisTest({ serveStaleOnError: true })
      s.up.publish.behave(PAGE, { body: 'old' })
      await s.prime(PAGE)
      await new Promise((r) => setTimeout(r, 5))
      await s.flush({ handle: '/content/site/other' })
      s.up.publish.behave(PAGE, { status, body: 'failing' })
      const a = await s.get(PAGE)
      expect(a.status).toBe(200)
      expect(a.text).toBe('old')
      expect(a.headers.warning).toMatch(/^111 /)
      expect(s.up.publish.count).toBe(2)
    })
  }

  it('a 408 is not among them: it goes to the client', async () => {
    const s = await cacheStackForThisTest({ serveStaleOnError: true })
    await s.prime(PAGE)
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/other' })
    s.up.publish.behave(PAGE, { status: 408, body: 'timeout' })
    expect((await s.get(PAGE)).status).toBe(408)
  })
})

describe('§7.1: what the flush handler takes', () => {
  it('the legacy Action and Handle headers flush as CQ-Action and CQ-Handle do', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/site/en/page.html')
    const a = await s.send('/dispatcher/invalidate.cache', {
      headers: { action: 'Activate', handle: '/content/site/en/page' }
    })
    expect(a.status).toBe(200)
    expect(s.exists('/content/site/en/page.html')).toBe(false)
    expect(s.exists('/content/site/en/.stat')).toBe(true)
  })

  it('a path that does not end in /invalidate.cache, or a request without CQ-Action, is an ordinary request (filter F denies it)', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/site/en/page.html')
    const flushHeaders = { 'cq-action': 'Activate', 'cq-handle': '/content/site/en/page' }
    expect((await s.send('/dispatcher/invalidate.cache.x', { method: 'POST', headers: flushHeaders })).status).toBe(404)
    expect((await s.send('/dispatcher/invalidate.cache', { method: 'POST' })).status).toBe(404)
    expect(s.exists('/content/site/en/page.html')).toBe(true)
    expect(s.exists('/.stat')).toBe(false)
  })

  it('CQ-Path is informational: a flush with CQ-Path naming another page invalidates the CQ-Handle only', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/site/en/page.html')
    await s.prime('/content/site/en/other.json')
    const a = await s.flush({ handle: '/content/site/en/page', headers: { 'cq-path': '/content/site/en/other' } })
    expect(a.status).toBe(200)
    expect(s.exists('/content/site/en/page.html')).toBe(false)
    expect(s.exists('/content/site/en/other.json')).toBe(true)
  })
})
