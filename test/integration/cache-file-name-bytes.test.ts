/**
 * Cache file names from bytes (dispatcher-behavior.md §5.2, §7.3). The module names a cache file
 * by the decoded path's bytes and a flush's target by the CQ-Handle's bytes, so `%E9` and `%E8`
 * are two files and the UTF-8 handle `café` (what curl and AEM's agent send) reaches the file
 * `/caf%C3%A9.html` stored. The workbench names files with JavaScript strings: a path whose bytes
 * are not UTF-8 is left uncached (its own X-Cache-Info reason) rather than sharing a U+FFFD name;
 * `explain`'s headers (text) and the Cache view's flush (on the wire) are UTF-8 like curl's.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LocalEngineApi } from '../../src/main/engine/engine-api'
import { revealInFileManager } from '../../src/main/headless/reveal'
import { cacheStackForThisTest, type CacheStack } from './support/cache'
import { rawExchange } from './support/http-client'

const CAFE = '/content/u8/café'

/** A flush request written byte for byte, as curl sends `-H 'CQ-Handle: …'` from a UTF-8 shell. */
function flushBytes(handle: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('POST /dispatcher/invalidate.cache HTTP/1.1\r\nHost: localhost\r\nCQ-Action: Activate\r\nCQ-Handle: '),
    handle,
    Buffer.from('\r\nContent-Length: 0\r\n\r\n')
  ])
}

/** The flush stage's summary of the newest invalidation request. */
async function flushSummary(s: CacheStack): Promise<string | undefined> {
  const trace = await s.traceOf('/dispatcher/invalidate.cache')
  return trace.stages.find((st) => st.stage === 'flush')?.summary
}

describe('cache file names from bytes', () => {
  it('a path whose decoded bytes are not UTF-8 is not cached: %E9, %E8 and %EF%BF%BD never share one file', async () => {
    const s = await cacheStackForThisTest()
    // U+FFFD itself is valid UTF-8: its URL is cached under its own name.
    await s.prime('/content/enc/caf%EF%BF%BD.html')
    for (const target of ['/content/enc/caf%E9.html', '/content/enc/caf%E8.html']) {
      const before = s.up.publish.count
      const a = await s.get(target)
      expect(a.status).toBe(200)
      expect(a.headers['x-cache-info']).toBe(
        'not cacheable: x-workbench: the decoded path is not valid UTF-8; the module stores it under those raw bytes, a file name the workbench cannot write'
      )
      // Fetched from the render, not served from the U+FFFD file of another URL.
      expect(s.up.publish.count).toBe(before + 1)
    }
    // Nothing else was stored: the one file there is the U+FFFD URL's (and its companions).
    const names = fs.readdirSync(s.abs('/content/enc')).filter((n) => n !== '.stat')
    expect(names.every((n) => n.startsWith('caf\u{fffd}.html'))).toBe(true)
  })

  it("a CQ-Handle in UTF-8 bytes (curl, AEM's agent) deletes the file its UTF-8 URL stored", async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/u8/caf%C3%A9.html')
    expect(s.exists(`${CAFE}.html`)).toBe(true)
    const a = await rawExchange(s.port, flushBytes(Buffer.from(CAFE, 'utf8')))
    expect(a.status).toBe(200)
    expect(await flushSummary(s)).toMatch(/^Activate \/content\/u8\/café: 3 \.stat touched, 1 deleted/)
    expect(s.exists(`${CAFE}.html`)).toBe(false)
  })

  it('a re-fetching flush listing the UTF-8 URL stores its file again under the same name', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/u8/caf%C3%A9.html')
    const before = s.up.publish.count
    const a = await s.flush({ handle: CAFE, body: '/content/u8/caf%C3%A9.html\n' })
    expect(a.status).toBe(200)
    expect(s.up.publish.count).toBe(before + 1)
    expect(s.exists(`${CAFE}.html`)).toBe(true)
    expect((await s.get('/content/u8/caf%C3%A9.html')).headers['x-cache-info']).toMatch(/^(?!not cacheable)/)
  })

  it('a CQ-Handle whose bytes are not UTF-8 is refused, not matched to a file of another name', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/u8/caf%EF%BF%BD.html')
    const a = await rawExchange(s.port, flushBytes(Buffer.from([...Buffer.from('/content/u8/caf'), 0xe9])))
    expect(a.status).toBe(400)
    expect(s.exists('/content/u8/caf\u{fffd}.html')).toBe(true)
  })

  it("explain (text headers) and the Cache view's flush (its bytes on the wire) read the handle as curl's UTF-8", async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/u8/caf%C3%A9.html')
    const explained = s.engine.explain({
      method: 'POST',
      url: '/dispatcher/invalidate.cache',
      headers: { 'CQ-Action': 'Activate', 'CQ-Handle': CAFE }
    })
    const planned = explained.stages.find((st) => st.stage === 'flush')?.detail as { deletions: string[] }
    expect(planned.deletions).toEqual([`${CAFE}.html`])
    const api = new LocalEngineApi(s.engine)
    const preview = await api.previewFlush('publish', CAFE, 'Activate')
    expect(preview.deletions.map((d) => d.relPath)).toEqual([`${CAFE}.html`])
    const sent = await api.flush('publish', CAFE, 'Activate')
    expect(sent.status).toBe(200)
    expect(sent.report?.deleted).toHaveLength(1)
    expect(s.exists(`${CAFE}.html`)).toBe(false)
    // On the wire the handle's bytes were its UTF-8, as Node reads them (one character per byte).
    const trace = await s.traceOf('/dispatcher/invalidate.cache')
    expect(trace.request.headers['cq-handle']).toBe(Buffer.from(CAFE, 'utf8').toString('latin1'))
  })

  it('files on disk whose names are not UTF-8 (the module wrote them) break neither the listing nor a flush', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/raw/page.html')
    const raw = (rel: string, byte: number, rest: string): Buffer =>
      Buffer.concat([Buffer.from(s.abs(rel)), Buffer.from([byte]), Buffer.from(rest)])
    fs.writeFileSync(raw('/content/raw/caf', 0xe9, '.html'), 'e9')
    fs.mkdirSync(raw('/content/raw/dir', 0xe8, ''))
    fs.writeFileSync(raw('/content/raw/dir', 0xe8, '/a.html'), 'a')
    const api = new LocalEngineApi(s.engine)
    const listing = await api.listCacheFolder('publish', '/content/raw')
    // Node reads those names with U+FFFD for the byte, a name no file has: they are not offered.
    expect(listing.files.map((f) => f.relPath)).toEqual(['/content/raw/page.html'])
    expect(listing.dirs).toEqual([])
    // The totals count what the listing offers: the one page.
    expect((await api.cacheTotals('publish')).files).toBe(1)
    const shown = await revealInFileManager(await api.cachePath('publish', '/content/raw/caf\u{fffd}.html'))
    expect(shown).toMatchObject({ opened: false, reason: 'it is no longer in the cache' })
    // A handle naming U+FFFD is not the byte 0xE9: the module would not delete that file either.
    expect((await api.previewFlush('publish', '/content/raw/caf\u{fffd}', 'Activate')).deletions).toEqual([])
    const sent = await api.flush('publish', '/content/raw/caf\u{fffd}', 'Activate')
    expect(sent.status).toBe(200)
    expect(sent.report?.deleted).toEqual([])
    const a = await s.flush({ action: 'Deactivate', handle: '/content/raw' })
    expect(a.status).toBe(200)
    expect(fs.existsSync(path.join(s.docroot, 'content/raw'))).toBe(false)
  })
})
