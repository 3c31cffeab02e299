/**
 * Serving a hit the way Apache serves the cached file once the module declines
 * (dispatcher-behavior.md §5.8): stored `/headers` re-sent (§5.6), conditional requests
 * answered 304, ranges 206, HEAD without a body, large files streamed intact, and the
 * stale copy with a `Warning` when the render fails under `/serveStaleOnError` (§5.7).
 */
import fs from 'node:fs'
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { cacheStackForThisTest, type CacheStack } from './support/cache'
import { patternBuffer } from './support/upstream'
import { rawExchange } from './support/http-client'
import { dispatcherLogLine } from '../../src/shared/log-line'

const PAGE = '/content/site/en.html'
const BODY = '<html><body>' + 'x'.repeat(2000) + '</body></html>'

async function cachedPage(o: Parameters<typeof cacheStackForThisTest>[0] = {}): Promise<CacheStack> {
  const s = await cacheStackForThisTest(o)
  s.up.publish.behave(PAGE, { body: BODY, headers: { 'content-type': 'text/html; charset=utf-8' } })
  await s.prime(PAGE)
  return s
}

/** A stack whose cache already holds `asset`, a generated body of `size` bytes. */
async function cachedAsset(asset: string, size: number): Promise<CacheStack> {
  const s = await cacheStackForThisTest()
  s.up.publish.behave(asset, { bodyBytes: size })
  await s.prime(asset)
  return s
}

describe('stored headers (§5.6)', () => {
  it('the AEMaaCS /headers list is stored in en.html.h and re-sent on every hit; a Set-Cookie of the miss is not', async () => {
    const s = await cacheStackForThisTest({
      headers: [
        'Cache-Control',
        'Content-Disposition',
        'Content-Type',
        'Expires',
        'Last-Modified',
        'X-Content-Type-Options'
      ]
    })
    const sent = {
      'cache-control': 'max-age=300',
      'content-disposition': 'inline; filename="en.html"',
      'content-type': 'text/html; charset=utf-8',
      expires: 'Thu, 01 Jan 2037 00:00:00 GMT',
      'last-modified': 'Mon, 02 Jan 2023 03:04:05 GMT',
      'x-content-type-options': 'nosniff'
    }
    s.up.publish.behave(PAGE, { body: BODY, headers: { ...sent, 'set-cookie': 'sid=secret; Path=/' } })
    const miss = await s.prime(PAGE)
    expect(miss.headers['set-cookie']).toEqual(['sid=secret; Path=/'])
    const h = s.read(PAGE + '.h')
    for (const value of Object.values(sent)) expect(h).toContain(value)
    for (let i = 0; i < 2; i++) {
      const hit = await s.get(PAGE)
      expect(hit.headers['x-cache-info']).toBe('target file cached')
      for (const [name, value] of Object.entries(sent)) expect(hit.headers[name], name).toBe(value)
      expect(hit.headers['set-cookie']).toBeUndefined()
    }
    expect(s.up.publish.count).toBe(1)
  })
})

describe('Set-Cookie and /headers (§5.6)', () => {
  it("with Set-Cookie in /headers a miss's cookie is stored and every hit sends it, and the trace warns of that, not of the opposite", async () => {
    const s = await cacheStackForThisTest({ headers: ['Content-Type', 'Set-Cookie'] })
    s.up.publish.behave(PAGE, {
      body: BODY,
      headers: { 'content-type': 'text/html', 'set-cookie': 'sid=alice; Path=/' }
    })
    await s.prime(PAGE)
    expect((await s.traceOf(PAGE)).warnings).toContain(
      'the response sets a cookie and /headers names Set-Cookie: the cookie is stored with the page, and every hit sends it to every visitor (a session or login cookie would be shared); take Set-Cookie out of /headers, or have AEM send Dispatcher: no-cache with pages that set a cookie'
    )
    const hit = await s.get(PAGE)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(hit.headers['set-cookie']).toEqual(['sid=alice; Path=/'])
  })

  it('without it the cookie stays with the miss, as the trace says', async () => {
    const s = await cacheStackForThisTest({ headers: ['Content-Type'] })
    s.up.publish.behave(PAGE, { body: BODY, headers: { 'set-cookie': 'sid=alice; Path=/' } })
    await s.prime(PAGE)
    expect((await s.traceOf(PAGE)).warnings).toContain(
      'the response sets a cookie; the cache file is stored without it, so hits carry no Set-Cookie (/headers does not name it)'
    )
    expect((await s.get(PAGE)).headers['set-cookie']).toBeUndefined()
  })
})

describe('Age on a hit (§5.8, 4.3.1 DISP-733)', () => {
  it('a hit carries Age: the seconds since the file was stored; a miss carries none', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { body: BODY })
    const miss = await s.prime(PAGE)
    expect(miss.headers.age).toBeUndefined()
    // Stored 100 s ago (no .stat is newer: it is still fresh); past the cache's ~50 ms look-again window.
    const stored = new Date(Date.now() - 100_000)
    fs.utimesSync(s.abs(PAGE), stored, stored)
    await new Promise((r) => setTimeout(r, 60))
    const hit = await s.get(PAGE)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(100)
    expect(Number(hit.headers.age)).toBeLessThanOrEqual(102)
    const notModified = await s.get(PAGE, { headers: { 'if-modified-since': new Date().toUTCString() } })
    expect(notModified.status).toBe(304)
    expect(Math.abs(Number(notModified.headers.age) - Number(hit.headers.age))).toBeLessThanOrEqual(1)
  })
})

describe('conditional requests and ranges on a hit (§5.8)', () => {
  it("If-None-Match with the hit's ETag is answered 304 without a body and without asking the render", async () => {
    const s = await cachedPage()
    const hit = await s.get(PAGE)
    const etag = hit.headers.etag!
    expect(etag).toBeTruthy()
    const again = await s.get(PAGE, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers.etag).toBe(etag)
    expect(s.up.publish.count).toBe(1)
  })

  it('If-Modified-Since equal to Last-Modified is answered 304; an older date gets the whole file', async () => {
    const s = await cachedPage()
    const hit = await s.get(PAGE)
    const lm = hit.headers['last-modified']!
    expect((await s.get(PAGE, { headers: { 'if-modified-since': lm } })).status).toBe(304)
    const older = await s.get(PAGE, { headers: { 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' } })
    expect(older.status).toBe(200)
    expect(older.text).toBe(BODY)
    expect(s.up.publish.count).toBe(1)
  })

  it('Range: bytes=0-9 is answered 206 with Content-Range and those 10 bytes; a suffix range gives the end; an unsatisfiable one 416', async () => {
    const s = await cachedPage()
    const first = await s.get(PAGE, { headers: { range: 'bytes=0-9' } })
    expect(first.status).toBe(206)
    expect(first.headers['content-range']).toBe(`bytes 0-9/${BODY.length}`)
    expect(first.text).toBe(BODY.slice(0, 10))
    const last = await s.get(PAGE, { headers: { range: 'bytes=-7' } })
    expect(last.status).toBe(206)
    expect(last.text).toBe(BODY.slice(-7))
    const beyond = await s.get(PAGE, { headers: { range: `bytes=${BODY.length + 10}-` } })
    expect(beyond.status).toBe(416)
    expect(s.up.publish.count).toBe(1)
  })

  it('several ranges are answered 206 multipart/byteranges, each part with its type and range, as httpd writes them', async () => {
    const s = await cachedPage()
    const parts = await s.get(PAGE, { headers: { range: 'bytes=0-5,100-104' } })
    expect(parts.status).toBe(206)
    const boundary = /^multipart\/byteranges; boundary=([0-9a-f]+)$/.exec(String(parts.headers['content-type']))?.[1]
    expect(boundary).toBeDefined()
    expect(parts.text).toBe(
      `\r\n--${boundary}\r\nContent-type: text/html\r\nContent-range: bytes 0-5/${BODY.length}\r\n\r\n${BODY.slice(0, 6)}` +
        `\r\n--${boundary}\r\nContent-type: text/html\r\nContent-range: bytes 100-104/${BODY.length}\r\n\r\n${BODY.slice(100, 105)}` +
        `\r\n--${boundary}--\r\n`
    )
    expect(parts.headers['content-length']).toBe(String(parts.body.length))
    expect(parts.headers['content-range']).toBeUndefined()
    const head = await s.get(PAGE, { method: 'HEAD', headers: { range: 'bytes=0-5,100-104' } })
    expect(head.status).toBe(206)
    expect(head.headers['content-length']).toBe(String(parts.body.length))
    expect(head.body.length).toBe(0)
    expect(s.up.publish.count).toBe(1)
  })

  it('a page whose name is not ASCII is stored under its UTF-8 name and hit there', async () => {
    const s = await cacheStackForThisTest()
    const page = '/content/site/caf%C3%A9.html'
    s.up.publish.behave(page, { body: 'café', headers: { 'content-type': 'text/html; charset=utf-8' } })
    const miss = await s.prime(page)
    expect(miss.status).toBe(200)
    expect(fs.readFileSync(s.abs('/content/site/café.html'), 'utf8')).toBe('café')
    const hit = await s.get(page)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(hit.body.toString('utf8')).toBe('café')
    expect(s.up.publish.count).toBe(1)
  })

  it('HEAD on a hit carries the headers of the GET (Content-Length included) and no body', async () => {
    const s = await cachedPage()
    const head = await s.get(PAGE, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers['x-cache-info']).toBe('target file cached')
    expect(head.headers['content-length']).toBe(String(BODY.length))
    expect(head.headers['content-type']).toBe('text/html')
    expect(head.body.length).toBe(0)
    expect(s.up.publish.count).toBe(1)
  })

  it('a 3 MB cached asset is delivered intact, whole and by range', async () => {
    const asset = '/content/dam/big.png'
    const size = 3 * 1024 * 1024
    const s = await cachedAsset(asset, size)
    const hit = await s.get(asset)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(hit.headers['content-type']).toBe('image/png')
    expect(hit.body.equals(patternBuffer(0, size))).toBe(true)
    const part = await s.get(asset, { headers: { range: 'bytes=2000000-2000099' } })
    expect(part.status).toBe(206)
    expect(part.body.equals(patternBuffer(2_000_000, 100))).toBe(true)
    // Several ranges of a file read from disk: the parts are streamed one after the other.
    const parts = await s.get(asset, { headers: { range: 'bytes=3000000-3000009,10-19' } })
    expect(parts.status).toBe(206)
    const boundary = /boundary=([0-9a-f]+)$/.exec(String(parts.headers['content-type']))![1]
    const head = (range: string): Buffer =>
      Buffer.from(`\r\n--${boundary}\r\nContent-type: image/png\r\nContent-range: bytes ${range}/${size}\r\n\r\n`)
    const expected = Buffer.concat([
      head('3000000-3000009'),
      patternBuffer(3_000_000, 10),
      head('10-19'),
      patternBuffer(10, 10),
      Buffer.from(`\r\n--${boundary}--\r\n`)
    ])
    expect(parts.body.equals(expected)).toBe(true)
    expect(parts.headers['content-length']).toBe(String(expected.length))
    expect(s.up.publish.count).toBe(1)
  })
})

/** Reads a GET slowly (one chunk, then a pause), on Node's request path (a `Content-Length: 0` GET). */
function slowRead(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: target, agent: false, headers: { 'content-length': '0' } },
      (res) => {
        let bytes = 0
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          res.pause()
          setTimeout(() => res.resume(), 2)
        })
        res.on('end', () => resolve(bytes))
        res.on('error', reject)
      }
    )
    req.on('error', reject)
  })
}

describe('a slow client on a large hit', () => {
  it('the file is paused and resumed as the client drains, with one drain listener for the whole answer', async () => {
    const asset = '/content/dam/large.png'
    const size = 6 * 1024 * 1024
    const s = await cachedAsset(asset, size)
    const warnings: string[] = []
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`)
    }
    process.on('warning', onWarning)
    try {
      expect(await slowRead(s.port, asset)).toBe(size)
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([])
    expect(s.up.publish.count).toBe(1)
  })
})

describe('a render that breaks off while a miss is being stored (§6.4, §8.1)', () => {
  it('the client still gets the status, the headers and every byte received, then the connection is cut; nothing is stored', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(PAGE, { body: 'hello, and then nothing', breakAfterBytes: 5 })
    const a = await rawExchange(s.port, `GET ${PAGE} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    expect(a.status).toBe(200)
    expect(a.head.toLowerCase()).toContain('transfer-encoding: chunked')
    // The one chunk the render sent, and no last chunk: the answer was cut short.
    expect(a.body).toBe('5\r\nhello\r\n')
    await expect.poll(() => s.exists(PAGE)).toBe(false)
  })
})

describe('/serveStaleOnError (§5.7)', () => {
  it('a stale page whose render answers 503 is delivered from the cache with Warning: 111', async () => {
    const s = await cachedPage({ serveStaleOnError: true })
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    s.up.publish.behave(PAGE, { status: 503, body: 'down' })
    const a = await s.get(PAGE)
    expect(a.status).toBe(200)
    expect(a.text).toBe(BODY)
    expect(a.headers.warning).toMatch(/^111 /)
    expect(s.up.publish.count).toBe(2)
  })

  it('the trace says the render failed and the stale copy went out, and X-Cache-Info and the log line do not call it a hit (§8.2, §8.3: no module words for it)', async () => {
    const s = await cachedPage({ serveStaleOnError: true })
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    s.up.publish.behave(PAGE, { status: 503, body: 'down' })
    const a = await s.get(PAGE)
    const info = 'x-workbench: target file cached (stale, revalidation failed: /serveStaleOnError)'
    expect(a.headers['x-cache-info']).toBe(info)
    expect(a.trace.cacheInfo).toBe(info)
    const origin = `127.0.0.1:${s.up.publish.port}`
    // The render stage's line is the trace's headline (the first stage that stopped or failed).
    expect(a.trace.stages.find((e) => e.verdict === 'stop' || e.verdict === 'error')?.summary).toBe(
      `the render failed (render /r0 (${origin}) answered 503 on the first attempt): /serveStaleOnError delivers ` +
        `the stale ${PAGE} instead of the 503, with Warning: 111 "Revalidation failed"`
    )
    expect(a.trace.stages.findLast((e) => e.stage === 'cache')?.summary).toBe(
      `/serveStaleOnError delivers the stale ${PAGE} with Warning: 111 "Revalidation failed": the render failed on the first attempt`
    )
    expect(dispatcherLogLine(a.trace)).toMatch(/ \[publish\/-\] \[action x-workbench:stale-on-error\] /)
  })

  it('a stale page whose render is down is delivered, and the render stage says why in the words of the 503 it spares', async () => {
    const s = await cachedPage({ serveStaleOnError: true, farmExtra: '/numberOfRetries "2"\n    /retryDelay "0"' })
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    const origin = `127.0.0.1:${s.up.publish.port}`
    await s.up.publish.close()
    const a = await s.get(PAGE)
    expect(a.status).toBe(200)
    expect(a.text).toBe(BODY)
    expect(a.trace.outcome).toBe('stale')
    expect(a.trace.stages.find((e) => e.stage === 'render')?.summary).toMatch(
      new RegExp(
        `^the render failed \\(no render answered: ${origin}: Connection refused, 2 attempts in 2 rounds over [\\d.]+ m?s ` +
          `\\(/numberOfRetries 2, /retryDelay 0 s\\)\\): /serveStaleOnError delivers the stale ${PAGE} instead of the 503, ` +
          `with Warning: 111 "Revalidation failed"$`
      )
    )
    // Where the time went before the copy went out.
    expect(a.trace.stages.findLast((e) => e.stage === 'cache')?.summary).toMatch(
      new RegExp(`: the render failed after 2 attempts in 2 rounds over [\\d.]+ m?s$`)
    )
  })

  it('a 500 does not trigger it: the error goes to the client', async () => {
    const s = await cachedPage({ serveStaleOnError: true })
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    s.up.publish.behave(PAGE, { status: 500, body: 'broken' })
    const a = await s.get(PAGE)
    expect(a.status).toBe(500)
    // "1" keeps the invalidated copy until the render answers successfully.
    expect(s.exists(PAGE)).toBe(true)
  })

  it('without it, a stale page whose refetch stores nothing is deleted with its .h (the next request cannot find it)', async () => {
    const s = await cachedPage({ headers: ['Content-Type'] })
    expect(s.exists(PAGE + '.h')).toBe(true)
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    s.up.publish.behave(PAGE, { status: 500, body: 'broken' })
    const a = await s.get(PAGE)
    expect(a.status).toBe(500)
    expect(s.exists(PAGE)).toBe(false)
    expect(s.exists(PAGE + '.h')).toBe(false)
    expect(a.trace.stages.map((e) => e.summary)).toContain(
      `${PAGE}: stale copy deleted: its refetch stored nothing new and /serveStaleOnError is "0"`
    )
  })

  it('without it, a stale page whose refetch breaks off mid-body is deleted too', async () => {
    const s = await cachedPage()
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    s.up.publish.behave(PAGE, { body: 'x'.repeat(5000), breakAfterBytes: 100 })
    await s.get(PAGE).catch(() => undefined)
    await expect.poll(() => s.exists(PAGE)).toBe(false)
  })

  it('without it, a stale page refetched as uncacheable (Dispatcher: no-cache) is deleted too; a fresh one stays', async () => {
    const s = await cachedPage()
    s.up.publish.behave(PAGE, { body: 'now private', headers: { dispatcher: 'no-cache' } })
    expect((await s.get(PAGE)).trace.outcome).toBe('hit')
    expect(s.exists(PAGE)).toBe(true)
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    const a = await s.get(PAGE)
    expect(a.text).toBe('now private')
    expect(s.exists(PAGE)).toBe(false)
  })

  it('without it, a stale page whose refetch began storing but stored nothing (an empty body) is deleted too', async () => {
    const s = await cachedPage()
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    // Chunked, so the write begins before the body turns out empty.
    s.up.publish.behave(PAGE, { bodyBytes: 0, headers: { 'content-type': 'text/html' } })
    const a = await s.get(PAGE)
    const said = a.trace.stages.map((e) => e.summary)
    expect(said).toContain('not stored: response content length is zero')
    expect(said).toContain(`${PAGE}: stale copy deleted: its refetch stored nothing new and /serveStaleOnError is "0"`)
    expect(s.exists(PAGE)).toBe(false)
  })
})

describe("the cache's own files are never served, whatever the filter says (§4.3)", () => {
  const ALLOW_ALL = ['/0200 { /type "allow" /url "*" }']
  const rejected = async (s: CacheStack, url: string, what: string): Promise<void> => {
    const before = s.up.publish.count
    const a = await s.get(url)
    expect(a.status).toBe(404)
    const filter = a.trace.stages.find((e) => e.stage === 'filter')!
    expect(filter.summary).toBe(`${what} requests are always rejected: 'GET ${url} HTTP/1.1'`)
    expect(s.up.publish.count).toBe(before)
  }

  it('a stored header file (DISP-730) when the farm stores /headers', async () => {
    const s = await cachedPage({ headers: ['Content-Type'], extraFilter: ALLOW_ALL })
    expect(s.exists(PAGE + '.h')).toBe(true)
    await rejected(s, PAGE + '.h', 'stored header file')
  })

  it('a .ttl expiry file when /enableTTL is on', async () => {
    const s = await cacheStackForThisTest({ enableTTL: true, extraFilter: ALLOW_ALL })
    s.up.publish.behave(PAGE, { body: BODY, headers: { 'content-type': 'text/html', 'cache-control': 'max-age=300' } })
    await s.prime(PAGE)
    expect(s.exists(PAGE + '.ttl')).toBe(true)
    await rejected(s, PAGE + '.ttl', 'cache expiry (.ttl) file')
  })

  it('the level-0 /statfile, whatever its name', async () => {
    const s = await cachedPage({ statfileslevel: 0, statfile: '.mystat', extraFilter: ALLOW_ALL })
    await rejected(s, '/.mystat', 'statfile')
  })

  it('in a farm that writes neither, .h and .ttl URLs are ordinary documents', async () => {
    const s = await cacheStackForThisTest({ extraFilter: ALLOW_ALL })
    s.up.publish.behave('/content/dam/data.ttl', { body: '@prefix ex: <http://example.org/> .' })
    const a = await s.get('/content/dam/data.ttl')
    expect(a.status).toBe(200)
    expect(a.text).toBe('@prefix ex: <http://example.org/> .')
  })
})
