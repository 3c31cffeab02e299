/**
 * The cache decisions of dispatcher-behavior.md §12.3 (config C) through the real listener:
 * the `X-Cache-Info` words a request with `X-Dispatcher-Info` gets (§8.3), the files that end
 * up in the docroot (§5.2, `.h` §5.6, `.ttl` §5.5.5) and whether the render is asked again.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { RequestTrace } from '../../src/shared/trace'
import { LocalEngineApi } from '../../src/main/engine/engine-api'
import { cacheStackForThisTest, configC, tempDocroot, withCacheHelpers, type CacheStack } from './support/cache'
import { stackForThisTest } from './support/engine'
import { send } from './support/http-client'

const PAGE = '/content/site/en.html'

function logOf(trace: RequestTrace): string[] {
  return trace.stages.flatMap((s) => s.log ?? [])
}

/** The body the counting upstream answers for a GET of `target` (its default answer). */
function upstreamBody(target: string): string {
  return `publish: GET ${target} (0 bytes received)`
}

async function notStored(s: CacheStack, rel: string): Promise<void> {
  // A store would happen right after the answer; give it the time it would take.
  await new Promise((r) => setTimeout(r, 50))
  expect(s.exists(rel)).toBe(false)
  expect(s.temps()).toEqual([])
}

describe('§12.3 cache decisions under config C', () => {
  it('C1: a first GET of /content/site/en.html is "caching" and stores <docroot>/content/site/en.html with the render\'s body', async () => {
    const s = await cacheStackForThisTest()
    const stored = s.nextStore(PAGE)
    const a = await s.get(PAGE)
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('caching')
    expect(a.text).toBe(upstreamBody(PAGE))
    expect(s.up.publish.count).toBe(1)
    await stored
    expect(s.read(PAGE)).toBe(upstreamBody(PAGE))
    expect(s.exists(PAGE + '.h')).toBe(false)
    expect(s.exists(PAGE + '.ttl')).toBe(false)
    expect(s.temps()).toEqual([])
  })

  it('C1: the trace published for a storing miss already says miss-stored and records the store', async () => {
    const s = await cacheStackForThisTest()
    const published: { outcome: string; summaries: string[] }[] = []
    s.engine.events.subscribe((e) => {
      if (e.type === 'trace' && e.trace.request.url === PAGE)
        published.push({ outcome: e.trace.outcome, summaries: e.trace.stages.map((x) => x.summary) })
    })
    const stored = s.nextStore(PAGE)
    await s.get(PAGE)
    await stored
    expect(published).toHaveLength(1)
    expect(published[0].outcome).toBe('miss-stored')
    expect(published[0].summaries.some((x) => x.startsWith(`stored ${PAGE}`))).toBe(true)
  })

  it('C2: the repeat, sent as soon as the first answer has arrived, is "target file cached" and never reaches the render (2 KB and 512 KB pages)', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave('/content/site/big.html', { bodyBytes: 512 * 1024 })
    for (const target of [PAGE, '/content/site/big.html']) {
      const first = await s.get(target)
      const before = s.up.publish.count
      const again = await s.get(target)
      expect(again.headers['x-cache-info'], target).toBe('target file cached')
      expect(again.trace.outcome, target).toBe('hit')
      expect(again.body.equals(first.body), target).toBe(true)
      expect(s.up.publish.count, target).toBe(before)
    }
  })

  it('C2: a hit is served like a static file: Content-Type from the extension, Content-Length, Last-Modified, ETag', async () => {
    const s = await cacheStackForThisTest()
    await s.prime(PAGE)
    const hit = await s.get(PAGE)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(hit.headers['content-type']).toBe('text/html')
    expect(hit.headers['content-length']).toBe(String(upstreamBody(PAGE).length))
    expect(new Date(hit.headers['last-modified']!).getTime()).toBe(Math.floor(s.mtime(PAGE) / 1000) * 1000)
    expect(hit.headers.etag).toMatch(/^(W\/)?"[0-9a-f]+-[0-9a-f]+"$/)
    // The render's own headers are not kept without /headers (§5.6).
    expect(hit.headers['x-upstream']).toBeUndefined()
  })

  it('C3: a query string whose parameters /ignoreUrlParams all ignore is cached under the query-less file, and the render still sees the query', async () => {
    const s = await cacheStackForThisTest({
      ignoreUrlParams: `/0001 { /glob "*" /type "deny" } /0002 { /glob "utm_source" /type "allow" }`
    })
    const stored = s.nextStore(PAGE)
    const a = await s.get(`${PAGE}?utm_source=x`)
    expect(a.headers['x-cache-info']).toBe('caching')
    expect(s.up.publish.last!.url).toBe(`${PAGE}?utm_source=x`)
    expect(logOf(a.trace)).toContain('Query string ignored: utm_source=x')
    await stored
    expect(s.exists(PAGE)).toBe(true)
    expect(fs.readdirSync(s.abs('/content/site')).filter((n) => n.includes('?'))).toEqual([])
    for (const target of [PAGE, `${PAGE}?utm_source=y`]) {
      const hit = await s.get(target)
      expect(hit.headers['x-cache-info'], target).toBe('target file cached')
    }
    expect(s.up.publish.count).toBe(1)
  })

  it('C4: one parameter not ignored makes the request "not cacheable: request contained a query string"', async () => {
    const s = await cacheStackForThisTest({
      ignoreUrlParams: `/0001 { /glob "*" /type "deny" } /0002 { /glob "utm_source" /type "allow" }`
    })
    const target = `${PAGE}?utm_source=x&q=1`
    const a = await s.get(target)
    expect(a.headers['x-cache-info']).toBe('not cacheable: request contained a query string')
    expect(logOf(a.trace)).toContain('Name not in ignored URL parameters ACL: q')
    await notStored(s, PAGE)
    await s.get(target)
    expect(s.up.publish.count).toBe(2)
  })

  it('C5: with /ignoreUrlParams allow "*" then deny "q", ?q=1 is not cacheable while ?a=1 is cached', async () => {
    const s = await cacheStackForThisTest({
      ignoreUrlParams: `/0001 { /glob "*" /type "allow" } /0002 { /glob "q" /type "deny" }`
    })
    const q = await s.get(`${PAGE}?q=1`)
    expect(q.headers['x-cache-info']).toBe('not cacheable: request contained a query string')
    await notStored(s, PAGE)
    const stored = s.nextStore(PAGE)
    const a = await s.get(`${PAGE}?a=1`)
    expect(a.headers['x-cache-info']).toBe('caching')
    await stored
  })

  it('C6: without /ignoreUrlParams any query string is not cacheable, and is forwarded even when the query-less file is cached', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.get(`${PAGE}?x=1`)
    expect(a.headers['x-cache-info']).toBe('not cacheable: request contained a query string')
    await notStored(s, PAGE)
    await s.prime(PAGE)
    const before = s.up.publish.count
    const b = await s.get(`${PAGE}?x=1`)
    expect(b.headers['x-cache-info']).toBe('not cacheable: request contained a query string')
    expect(s.up.publish.count).toBe(before + 1)
    expect(s.up.publish.last!.url).toBe(`${PAGE}?x=1`)
  })

  it('C7: a URL without an extension is "not cacheable: request URL is missing extension" (filter opened for it)', async () => {
    const s = await cacheStackForThisTest({
      extraFilter: [`/0101 { /type "allow" /method "GET" /url "/content/site/en" }`]
    })
    const a = await s.get('/content/site/en')
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: request URL is missing extension')
    await notStored(s, '/content/site/en')
  })

  it('C7: a path after the extension (/content/p.html/a/path) is "request URL is missing extension" too', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.get('/content/p.html/a/path')
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: request URL is missing extension')
    await notStored(s, '/content/p.html/a/path')
  })

  it('C8: a URL ending with a slash is "not cacheable: request URL has a trailing slash" (filter opened for it)', async () => {
    const s = await cacheStackForThisTest({
      extraFilter: [`/0101 { /type "allow" /method "GET" /url "/content/site/en/" }`]
    })
    const a = await s.get('/content/site/en/')
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: request URL has a trailing slash')
    expect(fs.existsSync(s.abs('/content/site/en'))).toBe(false)
  })

  it('C9: a POST is "not cacheable: request needed to be a GET or HEAD" and reaches the render with its body', async () => {
    const s = await cacheStackForThisTest()
    const target = '/content/site/contact.form.html'
    const a = await s.get(target, {
      method: 'POST',
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }
    })
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: request needed to be a GET or HEAD')
    expect(s.up.publish.last!.method).toBe('POST')
    expect(s.up.publish.last!.bodyLength).toBe(6)
    await notStored(s, target)
  })

  it('C10: an Authorization header makes the request "not cacheable: request contains authorization"', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.get(PAGE, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })
    expect(a.headers['x-cache-info']).toBe('not cacheable: request contains authorization')
    await notStored(s, PAGE)
  })

  it('C11: a login-token cookie is authorization too', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.get(PAGE, { headers: { cookie: 'other=1; login-token=abc' } })
    expect(a.headers['x-cache-info']).toBe('not cacheable: request contains authorization')
    await notStored(s, PAGE)
  })

  it('C12: with /allowAuthorized "1" the authorized request is "caching" and stored', async () => {
    const s = await cacheStackForThisTest({ allowAuthorized: true })
    const stored = s.nextStore(PAGE)
    const a = await s.get(PAGE, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })
    expect(a.headers['x-cache-info']).toBe('caching')
    await stored
    expect(s.exists(PAGE)).toBe(true)
  })

  it('C13: a response with "Dispatcher: no_cache" (or AEM\'s "no-cache") is "not cacheable: response contains no_cache"', async () => {
    const s = await cacheStackForThisTest()
    for (const [i, value] of ['no_cache', 'no-cache'].entries()) {
      const target = `/content/site/nc${i}.html`
      s.up.publish.behave(target, { headers: { dispatcher: value } })
      const a = await s.get(target)
      expect(a.status).toBe(200)
      expect(a.headers['x-cache-info'], value).toBe('not cacheable: response contains no_cache')
      await notStored(s, target)
      await s.get(target)
    }
    expect(s.up.publish.count).toBe(4)
  })

  it('C14: a response with Cache-Control: no-store is not stored, so every request reaches the render', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { headers: { 'cache-control': 'no-store' } })
    const a = await s.get(PAGE)
    expect(a.headers['x-cache-info']).toMatch(/^not cacheable: /)
    await notStored(s, PAGE)
    const b = await s.get(PAGE)
    expect(b.headers['x-cache-info']).not.toBe('target file cached')
    expect(s.up.publish.count).toBe(2)
  })

  it('C15: Cache-Control: private, max-age=60 is stored (private does not stop the Dispatcher)', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { headers: { 'cache-control': 'private, max-age=60' } })
    const stored = s.nextStore(PAGE)
    const a = await s.get(PAGE)
    expect(a.headers['x-cache-info']).toBe('caching')
    await stored
    const hit = await s.get(PAGE)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(s.up.publish.count).toBe(1)
  })

  it('C16: a 404 from the render is passed on and not stored', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { status: 404, body: 'not here' })
    const a = await s.get(PAGE)
    expect(a.status).toBe(404)
    expect(a.text).toBe('not here')
    await notStored(s, PAGE)
    expect((await s.get(PAGE)).status).toBe(404)
    expect(s.up.publish.count).toBe(2)
  })

  it('C17: a 200 with Content-Length: 0 is "not cacheable: response content length is zero"', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { body: '' })
    const a = await s.get(PAGE)
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: response content length is zero')
    await notStored(s, PAGE)
  })

  it('C17: an empty chunked 200 (no Content-Length) is not stored either', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { bodyBytes: 0 })
    const a = await s.get(PAGE)
    expect(a.status).toBe(200)
    expect(a.body.length).toBe(0)
    await notStored(s, PAGE)
  })

  it('C18: /libs/granite/csrf/token.json is "not cacheable: request URL is missing in cache rules"', async () => {
    const s = await cacheStackForThisTest()
    const target = '/libs/granite/csrf/token.json'
    const a = await s.get(target)
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: request URL is missing in cache rules')
    expect(logOf(a.trace)).toContain(`request URL not in cache rules: ${target}`)
    await notStored(s, target)
  })

  it('C19: /content/p.html/x.json is stored in the folder p.html/, after which /content/p.html is "not cacheable: target is a directory"', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/p.html/x.json')
    expect(fs.statSync(s.abs('/content/p.html')).isDirectory()).toBe(true)
    expect(s.read('/content/p.html/x.json')).toBe(upstreamBody('/content/p.html/x.json'))
    const b = await s.get('/content/p.html')
    expect(b.status).toBe(200)
    expect(b.text).toBe(upstreamBody('/content/p.html'))
    expect(b.headers['x-cache-info']).toBe('not cacheable: target is a directory')
    expect(fs.statSync(s.abs('/content/p.html')).isDirectory()).toBe(true)
  })

  it('C20: with /content/p.html cached, /content/p.html/x.json is served from the render but not stored (its parent is a file)', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/p.html')
    const b = await s.get('/content/p.html/x.json')
    expect(b.status).toBe(200)
    expect(b.text).toBe(upstreamBody('/content/p.html/x.json'))
    await new Promise((r) => setTimeout(r, 50))
    expect(fs.statSync(s.abs('/content/p.html')).isFile()).toBe(true)
    expect(s.read('/content/p.html')).toBe(upstreamBody('/content/p.html'))
    expect(s.temps()).toEqual([])
    await s.get('/content/p.html/x.json')
    expect(s.up.publish.count).toBe(3)
  })

  it('C21: a farm whose /cache has no /docroot is "not cacheable: document root non-existent"', async () => {
    const s = await cacheStackForThisTest({ noDocroot: true })
    const a = await s.get(PAGE)
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: document root non-existent')
    await s.get(PAGE)
    expect(s.up.publish.count).toBe(2)
  })

  it('C21: a /docroot that does not exist outside the workbench\'s cache folder is "document root non-existent" and is not created', async () => {
    const missing = path.join(os.tmpdir(), `dw-no-such-docroot-${process.pid}-${Date.now()}`)
    const s = await cacheStackForThisTest({ docroot: missing })
    const a = await s.get(PAGE)
    expect(a.headers['x-cache-info']).toBe('not cacheable: document root non-existent')
    expect(fs.existsSync(missing)).toBe(false)
  })

  it('C21: a /docroot made after the configuration loaded is used from then on, without a reload (the module looks at it on every request)', async () => {
    const later = path.join(os.tmpdir(), `dw-later-docroot-${process.pid}-${Date.now()}`)
    onTestFinished(() => fs.rmSync(later, { recursive: true, force: true }))
    const s = await cacheStackForThisTest({ docroot: later })
    const api = new LocalEngineApi(s.engine)
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('not cacheable: document root non-existent')
    expect((await s.flush({ handle: '/content/site/en' })).status).toBe(404)
    await expect(api.listCacheFolder('publish', '/')).rejects.toThrow('its /docroot does not exist')
    fs.mkdirSync(later)
    // Past the ~50 ms window in which the workbench trusts what it last saw of the folder.
    await new Promise((r) => setTimeout(r, 80))
    const stored = s.nextStore(PAGE)
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('caching')
    await stored
    expect(s.read(PAGE)).toBe(upstreamBody(PAGE))
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('target file cached')
    expect((await api.listCacheFolder('publish', '/')).dirs.map((d) => d.name)).toContain('content')
    expect((await s.flush({ handle: '/content/site/en' })).status).toBe(200)
    expect(s.exists('/content/site/.stat')).toBe(true)
    expect(s.up.publish.count).toBe(2)
  })

  it('C21: an AMS-style /docroot "${PUBLISH_DOCROOT}" under --docroot DIR is DIR/html, made at load, and caches', async () => {
    const dir = tempDocroot()
    const stack = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => configC(up.publish.port, '${PUBLISH_DOCROOT}'),
      engine: { docroot: dir }
    })
    const s = withCacheHelpers(stack, path.join(dir, 'html'))
    expect(fs.existsSync(s.docroot)).toBe(true)
    const stored = s.nextStore(PAGE)
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('caching')
    await stored
    expect(s.read(PAGE)).toBe(upstreamBody(PAGE))
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('target file cached')
  })

  it('C21: a /docroot under --docroot DIR reached through a symbolic link that leads outside DIR is not created there', async () => {
    const dir = tempDocroot()
    const outside = tempDocroot()
    fs.symlinkSync(outside, path.join(dir, 'link'))
    const stack = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => configC(up.publish.port, path.join(dir, 'link', 'html')),
      engine: { docroot: dir }
    })
    const s = withCacheHelpers(stack, path.join(dir, 'link', 'html'))
    expect(fs.existsSync(path.join(outside, 'html'))).toBe(false)
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('not cacheable: document root non-existent')
  })

  it('C22: /headers { "Content-Type" "Last-Modified" } writes en.html.h beside the file and the hit re-sends both headers', async () => {
    const s = await cacheStackForThisTest({ headers: ['Content-Type', 'Last-Modified'] })
    const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT'
    s.up.publish.behave(PAGE, {
      body: '<html>en</html>',
      headers: { 'content-type': 'text/html;charset=utf-8', 'last-modified': lastModified, 'x-other': 'not kept' }
    })
    await s.prime(PAGE)
    const h = s.read(PAGE + '.h')
    expect(h).toContain('text/html;charset=utf-8')
    expect(h).toContain(lastModified)
    expect(h).not.toContain('not kept')
    const hit = await s.get(PAGE)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(hit.headers['content-type']).toBe('text/html;charset=utf-8')
    expect(hit.headers['last-modified']).toBe(lastModified)
    expect(hit.headers['x-other']).toBeUndefined()
    expect(s.up.publish.count).toBe(1)
  })

  it('C23: with /enableTTL "1", max-age=1 writes en.html.ttl with mtime = store time + 1 s; hits until then, then "cache file has expired" and a new fetch', async () => {
    const s = await cacheStackForThisTest({ enableTTL: true })
    s.up.publish.behave(PAGE, { headers: { 'cache-control': 'max-age=1' } })
    const before = Date.now()
    await s.prime(PAGE)
    const after = Date.now()
    const ttl = s.mtime(PAGE + '.ttl')
    expect(ttl).toBeGreaterThanOrEqual(before + 1000 - 5)
    expect(ttl).toBeLessThanOrEqual(after + 1000 + 5)
    expect(fs.statSync(s.abs(PAGE + '.ttl')).size).toBe(0)
    const hit = await s.get(PAGE)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(s.up.publish.count).toBe(1)
    await new Promise((r) => setTimeout(r, Math.max(0, ttl - Date.now()) + 100))
    const stored = s.nextStore(PAGE)
    const expired = await s.get(PAGE)
    expect(s.up.publish.count).toBe(2)
    expect(expired.headers['x-cache-info']).toMatch(/caching/)
    expect(logOf(expired.trace).some((l) => l.startsWith('cache file has expired'))).toBe(true)
    await stored
    expect(s.mtime(PAGE + '.ttl')).toBeGreaterThan(ttl)
  })

  it('C24: a flush touching the governing .stat makes a file stale although its TTL is still valid (4.3.5+)', async () => {
    const s = await cacheStackForThisTest({ enableTTL: true })
    const target = '/content/site/en/x.html'
    s.up.publish.behave(target, { headers: { 'cache-control': 'max-age=300' } })
    await s.prime(target)
    expect(s.mtime(target + '.ttl')).toBeGreaterThan(Date.now() + 290_000)
    expect((await s.get(target)).headers['x-cache-info']).toBe('target file cached')
    const f = await s.flush({ handle: '/content/site/en/other' })
    expect(f.status).toBe(200)
    expect(s.exists('/content/site/en/.stat')).toBe(true)
    const stale = await s.get(target)
    expect(stale.headers['x-cache-info']).toBe('caching: stat file is more recent')
    expect(s.up.publish.count).toBe(2)
  })

  it('C1: with the default /mode "0755" the cache file, its .h and .ttl are stored without execute bits; folders keep them', async () => {
    // DC gives the search bits of /mode for directories only ("Allow the owner to search in
    // directories"), and the AMS flushing guide's `stat` of a cached logo.jpg and of a .stat,
    // under the default mode, reads 0644/-rw-r--r--.
    const s = await cacheStackForThisTest({ headers: ['Content-Type'], enableTTL: true })
    s.up.publish.behave(PAGE, { headers: { 'content-type': 'text/html', 'cache-control': 'max-age=300' } })
    await s.prime(PAGE)
    await s.flush({ handle: '/content/site/en/other' })
    const perms = (rel: string): number => fs.statSync(s.abs(rel)).mode & 0o777
    for (const rel of [PAGE, `${PAGE}.h`, `${PAGE}.ttl`, '/content/site/en/.stat']) {
      expect(perms(rel) & 0o111, rel).toBe(0)
      expect(perms(rel) & 0o400, rel).toBe(0o400)
    }
    expect(perms('/content/site') & 0o100).toBe(0o100)
  })

  it('the module\'s debug log lines: cache-action CREATE on a store, DELIVER and "request declined" on a hit, NONE when not cacheable (C1, C2, C4, §5.3)', async () => {
    const s = await cacheStackForThisTest()
    const stored = s.nextStore(PAGE)
    const miss = await s.get(PAGE)
    await stored
    const hit = await s.get(PAGE)
    const none = await s.get(`${PAGE}?q=1`)
    // The module names the document by its URL path in these lines, as in the statfileslevel
    // experiment's log (EXP): "cache-action for [/content/we-retail/us/en/products.html]: CREATE"
    // and "…: DELIVER"; the file's full path is in "cache file is … than lastflush" instead.
    expect(logOf(miss.trace)).toContain(`cache-action for [${PAGE}]: CREATE`)
    expect(logOf(hit.trace)).toContain(`cache-action for [${PAGE}]: DELIVER`)
    expect(logOf(hit.trace)).toContain('request declined')
    expect(logOf(none.trace)).toContain(`cache-action for [${PAGE}]: NONE`)
  })

  it('a stale file fetched again is named by its URL path too', async () => {
    const s = await cacheStackForThisTest()
    const stored = s.nextStore(PAGE)
    await s.get(PAGE)
    await stored
    await s.flush({ handle: '/content/site/en/other' })
    const stale = await s.get(PAGE)
    expect(logOf(stale.trace)).toContain(`cache-action for [${PAGE}]: CREATE`)
    expect(logOf(stale.trace).some((l) => l.startsWith('cache file is older than lastflush -> flush [/'))).toBe(true)
  })
})

describe('X-Cache-Info on the answers Apache makes itself (§8.3: also on 404 since 4.3.0, DISP-688)', () => {
  it('a filter denial says so in marked workbench words; without X-Dispatcher-Info there is no header', async () => {
    const s = await cacheStackForThisTest()
    const denied = await s.get('/system/console/bundles')
    expect(denied.status).toBe(404)
    expect(denied.headers['x-cache-info']).toBe('x-workbench: request denied by the filter')
    const plain = await send(s.url, '/system/console/bundles')
    expect(plain.status).toBe(404)
    expect(plain.headers['x-cache-info']).toBeUndefined()
  })

  it('a 503 because no render answers carries the cache decision taken before it', async () => {
    const s = await cacheStackForThisTest()
    await s.up.publish.close()
    const down = await s.get('/content/site/down.html')
    expect(down.status).toBe(503)
    expect(down.headers['x-cache-info']).toBe('caching')
  })
})

describe('a denied URL with a file in the cache (§5.8, pitfall 8)', () => {
  const outlived = (file: string, url: string): string =>
    `${file} is in the cache although /filter denies its URL (GET ${url}): it was cached under earlier rules. This request is denied all the same (the filter decides before the cache), but the file stays until a flush or an emptied cache, and a rule that allows the URL again serves this copy while it counts as fresh`

  it('is still denied (filter first), and the trace warns that the cached file outlived a filter change', async () => {
    const s = await cacheStackForThisTest()
    const rel = '/libs/old/page.html'
    fs.mkdirSync(path.dirname(s.abs(rel)), { recursive: true })
    fs.writeFileSync(s.abs(rel), '<html>cached before the filter changed</html>')
    const denied = await s.get(rel)
    expect(denied.status).toBe(404)
    expect(denied.trace.warnings).toEqual([outlived(s.abs(rel), rel)])
    // The query does not matter when the file's own URL is denied.
    expect((await s.get(`${rel}?debug=1`)).trace.warnings).toEqual([outlived(s.abs(rel), rel)])
    expect((await s.get('/libs/other/page.html')).trace.warnings).toEqual([])
  })

  it('a request denied only for its query string (/0013 debug=*) says nothing of the cached page it names', async () => {
    const s = await cacheStackForThisTest()
    const stored = s.nextStore(PAGE)
    expect((await s.get(PAGE)).status).toBe(200)
    await stored
    expect(fs.existsSync(s.abs(PAGE))).toBe(true)
    const denied = await s.get(`${PAGE}?debug=layout`)
    expect(denied.status).toBe(404)
    expect(denied.trace.outcome).toBe('blocked')
    expect(denied.trace.warnings).toEqual([])
  })
})

describe('§5.3 step 7 /sessionmanagement', () => {
  const md5 = (v: string): string => createHash('md5').update(v).digest('hex')
  const AUTH = 'Basic dXNlcjpwYXNz'

  async function sessionStack(props = ''): Promise<{ s: CacheStack; dir: string }> {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-sessions-')), '.sessions')
    onTestFinished(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }))
    const s = await cacheStackForThisTest({ farmExtra: `/sessionmanagement { /directory "${dir}" ${props} }` })
    return { s, dir }
  }

  it('a request without the session header is "not cacheable: session manager needs to authenticate": the render answers, nothing is stored', async () => {
    const { s, dir } = await sessionStack()
    const a = await s.get(PAGE)
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('not cacheable: session manager needs to authenticate')
    expect(a.text).toBe(upstreamBody(PAGE))
    const stage = a.trace.stages.find((st) => st.stage === 'cache')
    expect(stage?.summary).toBe(
      'not cacheable: session manager needs to authenticate: the request carries no header authorization (/sessionmanagement): the render answers'
    )
    expect(a.trace.outcome).toBe('miss-uncacheable')
    await notStored(s, PAGE)
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('a cached file is not delivered to a request without a session', async () => {
    const { s } = await sessionStack()
    fs.mkdirSync(path.dirname(s.abs(PAGE)), { recursive: true })
    fs.writeFileSync(s.abs(PAGE), 'cached copy')
    const a = await s.get(PAGE)
    expect(a.text).toBe(upstreamBody(PAGE))
    expect(s.up.publish.count).toBe(1)
    expect(s.read(PAGE)).toBe('cached copy')
  })

  it('a credential without a session is "session is invalid"; the render\'s 200 opens the session, then the page is cached and served', async () => {
    const { s, dir } = await sessionStack()
    const headers = { authorization: AUTH }
    const a = await s.get(PAGE, { headers })
    expect(a.headers['x-cache-info']).toBe('not cacheable: session is invalid')
    expect(s.up.publish.last?.headers.authorization).toBe(AUTH)
    expect(
      a.trace.stages.some((st) => st.summary === `session opened: ${path.join(dir, md5(AUTH))} (/sessionmanagement)`)
    ).toBe(true)
    // Kept in memory: nothing is written outside the cache docroot, /directory included.
    expect(fs.existsSync(dir)).toBe(false)
    await notStored(s, PAGE)

    const stored = s.nextStore(PAGE)
    const b = await s.get(PAGE, { headers })
    expect(b.headers['x-cache-info']).toBe('caching')
    await stored
    const c = await s.get(PAGE, { headers })
    expect(c.headers['x-cache-info']).toBe('target file cached')
    expect(s.up.publish.count).toBe(2)

    // Another credential has no session of its own; no credential at all still goes to the render.
    expect((await s.get(PAGE, { headers: { authorization: 'Basic other' } })).headers['x-cache-info']).toBe(
      'not cacheable: session is invalid'
    )
    expect((await s.get(PAGE)).headers['x-cache-info']).toBe('not cacheable: session manager needs to authenticate')
    expect(s.up.publish.count).toBe(4)
  })

  it('a credential the render refuses (401) opens no session', async () => {
    const { s, dir } = await sessionStack()
    s.up.publish.behave(PAGE, { status: 401, body: 'login' })
    const a = await s.get(PAGE, { headers: { authorization: AUTH } })
    expect(a.status).toBe(401)
    expect(a.headers['x-cache-info']).toBe('not cacheable: session is invalid')
    expect(a.trace.stages.some((st) => st.summary.startsWith('session opened'))).toBe(false)
    expect((await s.get(PAGE, { headers: { authorization: AUTH } })).headers['x-cache-info']).toBe(
      'not cacheable: session is invalid'
    )
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('/header "Cookie:login-token" with /encode "hex": the cookie is the credential, its hex encoding the file name', async () => {
    const { s, dir } = await sessionStack('/header "Cookie:login-token" /encode "hex"')
    const token = 'abc%3Ad3f'
    const file = path.join(dir, Buffer.from(token).toString('hex'))
    const noCookie = await s.get(PAGE, { headers: { authorization: AUTH } })
    expect(noCookie.headers['x-cache-info']).toBe('not cacheable: session manager needs to authenticate')
    const headers = { cookie: `a=1; login-token=${token}; b=2` }
    const opened = await s.get(PAGE, { headers })
    expect(opened.headers['x-cache-info']).toBe('not cacheable: session is invalid')
    expect(opened.trace.stages.some((st) => st.summary === `session opened: ${file} (/sessionmanagement)`)).toBe(true)
    expect((await s.get(PAGE, { headers })).headers['x-cache-info']).toBe('caching')
  })

  it('/timeout: a session unused for longer is invalid; each use renews it', async () => {
    const { s } = await sessionStack('/timeout "1"')
    // A credential of its own: sessions are kept for the whole process.
    const headers = { authorization: 'Basic dGltZW91dDp0ZXN0' }
    const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
    expect((await s.get(PAGE, { headers })).headers['x-cache-info']).toBe('not cacheable: session is invalid')
    const stored = s.nextStore(PAGE)
    expect((await s.get(PAGE, { headers })).headers['x-cache-info']).toBe('caching')
    await stored
    // Used again within the second: still valid, and renewed by the use.
    await wait(600)
    expect((await s.get(PAGE, { headers })).headers['x-cache-info']).toBe('target file cached')
    await wait(600)
    expect((await s.get(PAGE, { headers })).headers['x-cache-info']).toBe('target file cached')
    // Then unused for longer than /timeout: invalid, and the render answers again.
    await wait(1200)
    const late = await s.get(PAGE, { headers })
    expect(late.headers['x-cache-info']).toBe('not cacheable: session is invalid')
  })
})

describe('HEAD (§5.3 step 2, §8.3: "caching" means the answer will be stored)', () => {
  it('a HEAD miss is fetched from the render with GET, stored, and answered with the head only', async () => {
    const s = await cacheStackForThisTest()
    const stored = s.nextStore(PAGE)
    const a = await s.get(PAGE, { method: 'HEAD' })
    expect(a.status).toBe(200)
    expect(a.headers['x-cache-info']).toBe('caching')
    expect(a.text).toBe('')
    expect(a.headers['content-length']).toBe(String(Buffer.byteLength(upstreamBody(PAGE))))
    expect(s.up.publish.last?.method).toBe('GET')
    expect(a.trace.forwarded?.method).toBe('GET')
    await stored
    expect(s.read(PAGE)).toBe(upstreamBody(PAGE))
    const t = await s.traceOf(PAGE)
    expect(t.outcome).toBe('miss-stored')
    expect(t.response.bytes).toBe(0)
    // The next GET is a hit.
    const b = await s.get(PAGE)
    expect(b.headers['x-cache-info']).toBe('target file cached')
    expect(b.text).toBe(upstreamBody(PAGE))
    expect(s.up.publish.count).toBe(1)
  })

  it('a HEAD miss of a large answer is stored whole while the client gets the head only', async () => {
    const s = await cacheStackForThisTest()
    const size = 3 * 1024 * 1024
    s.up.publish.behave(PAGE, { bodyBytes: size })
    const stored = s.nextStore(PAGE)
    const a = await s.get(PAGE, { method: 'HEAD' })
    expect(a.status).toBe(200)
    expect(a.text).toBe('')
    await stored
    expect(fs.statSync(s.abs(PAGE)).size).toBe(size)
  })

  it('a HEAD that is not cacheable goes to the render as a HEAD', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.get(`${PAGE}?q=1`, { method: 'HEAD' })
    expect(a.headers['x-cache-info']).toBe('not cacheable: request contained a query string')
    expect(s.up.publish.last?.method).toBe('HEAD')
    await notStored(s, PAGE)
  })
})
