import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cacheInfoForLookup } from '../../../src/main/engine/cache/cache-info'
import { openTempCount } from '../../../src/main/engine/cache/docroot'
import { executeFlush, planFlush } from '../../../src/main/engine/cache/flush'
import { parseInvalidation } from '../../../src/main/engine/cache/flush-request'
import type { CacheStore } from '../../../src/main/engine/cache/store'
import { fakeClock, filesUnder, put, storeC, tempDir } from './helpers'

async function flush(store: CacheStore, headers: Record<string, string>, body = ''): Promise<void> {
  const parsed = parseInvalidation(headers, body)
  if (!parsed.ok) throw new Error(parsed.reason)
  await executeFlush(store, planFlush(store.policy, parsed.request))
}

const activate = (handle: string) => ({ 'cq-action': 'Activate', 'cq-handle': handle })

describe('storing and looking up (§5.2, §12.3)', () => {
  it('C1/C2: a stored response becomes a cached, fresh file at docroot + path', async () => {
    const { store, root } = storeC()
    expect(store.lookup('/content/site/en.html').kind).toBe('missing')
    await put(store, '/content/site/en.html', '<html>en</html>')
    expect(fs.readFileSync(path.join(root, 'content/site/en.html'), 'utf8')).toBe('<html>en</html>')
    const hit = store.lookup('/content/site/en.html')
    expect(hit).toMatchObject({ kind: 'cached', state: 'fresh', autoInvalidated: true })
    if (hit.kind === 'cached') expect(hit.file.body?.toString()).toBe('<html>en</html>')
  })

  it('new folders get /mode and new files /mode without the search bits, both limited by the umask', async () => {
    const { store, root } = storeC({ mode: { value: 0o750 } })
    await put(store, '/a/b.html')
    const umask = process.umask()
    expect(fs.statSync(path.join(root, 'a/b.html')).mode & 0o777).toBe(0o640 & ~umask)
    expect(fs.statSync(path.join(root, 'a')).mode & 0o777).toBe(0o750 & ~umask)
  })

  it('C19: after /content/p.html/x.json is cached, /content/p.html is "target is a directory"', async () => {
    const { store, root } = storeC()
    await put(store, '/content/p.html/x.json', '{}')
    expect(fs.statSync(path.join(root, 'content/p.html')).isDirectory()).toBe(true)
    expect(store.lookup('/content/p.html')).toMatchObject({ kind: 'not-cacheable', reason: 'target is a directory' })
    expect(await store.beginWrite('/content/p.html')).toMatchObject({ ok: false, reason: 'target is a directory' })
  })

  it('C20: after /content/p.html is cached, /content/p.html/x.json cannot create its parent (served uncached)', async () => {
    const { store, root } = storeC()
    await put(store, '/content/p.html', 'page')
    const r = await store.beginWrite('/content/p.html/x.json')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.log[0]).toBe(`Unable to create parent directory ${path.join(root, 'content/p.html')}: Not a directory`)
    expect(openTempCount()).toBe(0)
  })

  it('/a.html and /a/b.html do not clash', async () => {
    const { store } = storeC()
    await put(store, '/a.html')
    await put(store, '/a/b.html')
    expect(store.lookup('/a.html').kind).toBe('cached')
    expect(store.lookup('/a/b.html').kind).toBe('cached')
  })

  it('C22: /headers are written to <file>.h and come back on a hit', async () => {
    const { store, root } = storeC({ headers: [{ value: 'Content-Type' }, { value: 'Last-Modified' }] })
    const stored: [string, string][] = [
      ['Content-Type', 'text/html;charset=utf-8'],
      ['Last-Modified', 'Tue, 14 Nov 2023 22:13:20 GMT']
    ]
    await put(store, '/content/site/en.html', 'x', stored)
    expect(fs.readFileSync(path.join(root, 'content/site/en.html.h'), 'latin1')).toBe(
      'Content-Type: text/html;charset=utf-8\nLast-Modified: Tue, 14 Nov 2023 22:13:20 GMT\n'
    )
    const hit = store.lookup('/content/site/en.html')
    expect(hit.kind === 'cached' && hit.file.stored).toEqual(stored)
  })

  it('C23: with /enableTTL a max-age=300 response gets <file>.ttl at T+300 s: fresh before, expired from then on', async () => {
    const clock = fakeClock()
    const T = clock.now()
    const { store, root } = storeC({ enableTTL: { value: true } }, { clock: clock.now })
    await put(store, '/content/site/en.html', 'x', [], T + 300_000)
    expect(Math.round(fs.statSync(path.join(root, 'content/site/en.html.ttl')).mtimeMs)).toBe(T + 300_000)
    clock.set(T + 299_000)
    const before = store.lookup('/content/site/en.html')
    expect(before).toMatchObject({ kind: 'cached', state: 'fresh' })
    expect(before.log[0]).toMatch(/^cache file has not expired: /)
    clock.set(T + 300_000)
    const after = store.lookup('/content/site/en.html')
    expect(after).toMatchObject({ kind: 'cached', state: 'expired' })
    expect(after.log).toEqual([`cache file has expired: ${path.join(root, 'content/site/en.html')}`])
  })

  it('C24: a flush touching the governing .stat makes a file stale although its TTL is still valid (4.3.5+)', async () => {
    const clock = fakeClock()
    const T = clock.now()
    const { store } = storeC({ enableTTL: { value: true } }, { clock: clock.now })
    await put(store, '/content/site/en/x.html', 'x', [], T + 300_000)
    clock.set(T + 10_000)
    await flush(store, activate('/content/site/en/other'))
    clock.set(T + 11_000)
    expect(store.lookup('/content/site/en/x.html')).toMatchObject({
      state: 'stale',
      governingStat: '/content/site/en/.stat'
    })
  })

  it('a new response for the same path replaces the file and drops companions it no longer has', async () => {
    const clock = fakeClock()
    const { store, root } = storeC({ enableTTL: { value: true } }, { clock: clock.now })
    await put(store, '/p.html', 'one', [['Content-Type', 'text/html']], clock.now() + 1000)
    await put(store, '/p.html', 'two')
    expect(filesUnder(root)).toEqual(['/p.html'])
    const hit = store.lookup('/p.html')
    expect(hit.kind === 'cached' && hit.file.body?.toString()).toBe('two')
  })
})

describe('path safety: nothing outside the docroot is read, written or deleted', () => {
  it('.. segments, NUL, empty segments and relative paths are refused', async () => {
    const { store } = storeC()
    for (const bad of ['/../x.html', '/a/../../x.html', '/a/./b.html', '/a//b.html', 'x.html', '/a\0.html']) {
      expect(store.lookup(bad).kind).toBe('refused')
      expect((await store.beginWrite(bad)).ok).toBe(false)
    }
  })

  it('an encoded ../ that reaches the store decoded is refused too', async () => {
    const { store } = storeC()
    const decoded = decodeURIComponent('/content/%2e%2e/%2e%2e/etc/passwd.html')
    expect(store.lookup(decoded).kind).toBe('refused')
  })

  it('a symlinked folder pointing outside the docroot is neither read nor written through', async () => {
    const { store, root } = storeC()
    const outside = tempDir()
    fs.writeFileSync(path.join(outside, 'secret.html'), 'secret')
    fs.symlinkSync(outside, path.join(root, 'link'))
    expect(store.lookup('/link/secret.html').kind).toBe('refused')
    expect((await store.beginWrite('/link/new.html')).ok).toBe(false)
    expect(fs.readdirSync(outside)).toEqual(['secret.html'])
  })

  it('a symlinked file pointing outside is refused; a flush deletes the link, never its target', async () => {
    const { store, root } = storeC()
    const outside = tempDir()
    fs.writeFileSync(path.join(outside, 'target.html'), 'keep me')
    fs.mkdirSync(path.join(root, 'content'))
    fs.symlinkSync(path.join(outside, 'target.html'), path.join(root, 'content/page.html'))
    expect(store.lookup('/content/page.html').kind).toBe('refused')
    await flush(store, activate('/content/page'))
    expect(fs.existsSync(path.join(root, 'content/page.html'))).toBe(false)
    expect(fs.readFileSync(path.join(outside, 'target.html'), 'utf8')).toBe('keep me')
  })

  it('a flush through a symlinked folder does not touch .stat files outside', async () => {
    const { store, root } = storeC()
    const outside = tempDir()
    fs.symlinkSync(outside, path.join(root, 'content'))
    await flush(store, activate('/content/site/en/page'))
    expect(fs.readdirSync(outside)).toEqual([])
    expect(fs.existsSync(path.join(root, '.stat'))).toBe(true)
  })
})

describe('temporary files', () => {
  it('abort leaves nothing behind', async () => {
    const { store, root } = storeC()
    const r = await store.beginWrite('/content/a.html')
    if (!r.ok) throw new Error(r.reason)
    r.writer.write(Buffer.from('partial'))
    expect(filesUnder(root)).toHaveLength(1)
    expect(filesUnder(root)[0]).toMatch(/^\/content\/a\.html_\d{4}[A-Za-z0-9]{6}$/)
    await r.writer.abort()
    expect(filesUnder(root)).toEqual([])
    expect(openTempCount()).toBe(0)
  })

  it('an empty body is not stored: "response content length is zero"', async () => {
    const { store, root } = storeC()
    const r = await store.beginWrite('/content/a.html')
    if (!r.ok) throw new Error(r.reason)
    expect(await r.writer.commit([])).toMatchObject({ stored: false, reason: 'response content length is zero' })
    expect(filesUnder(root)).toEqual([])
  })

  it('two writers of one target use distinct temp files; the last commit wins and nothing is left over', async () => {
    const { store, root } = storeC()
    const a = await store.beginWrite('/content/a.html')
    const b = await store.beginWrite('/content/a.html')
    if (!a.ok || !b.ok) throw new Error('begin failed')
    a.writer.write(Buffer.from('A'.repeat(5000)))
    b.writer.write(Buffer.from('B'.repeat(3000)))
    expect(new Set(filesUnder(root)).size).toBe(2)
    await b.writer.commit([])
    await a.writer.commit([])
    expect(filesUnder(root)).toEqual(['/content/a.html'])
    expect(fs.readFileSync(path.join(root, 'content/a.html'), 'utf8')).toBe('A'.repeat(5000))
  })

  it('close() aborts writes still open', async () => {
    const { store, root } = storeC()
    const r = await store.beginWrite('/content/a.html')
    if (!r.ok) throw new Error(r.reason)
    r.writer.write(Buffer.from('x'))
    await store.close()
    expect(filesUnder(root)).toEqual([])
  })
})

describe('a flush during a write never leaves a fresh-looking file', () => {
  it('a write begun before an Activate touching its .stat is discarded at commit', async () => {
    const clock = fakeClock()
    const { store, root } = storeC({}, { clock: clock.now })
    const r = await store.beginWrite('/content/site/en/a.html')
    if (!r.ok) throw new Error(r.reason)
    r.writer.write(Buffer.from('old content'))
    await flush(store, activate('/content/site/en/page'))
    clock.advance(5)
    const result = await r.writer.commit([])
    expect(result).toMatchObject({ stored: false })
    if (!result.stored)
      expect(result.reason).toMatch(/^x-workbench: discarded, Activate of \/content\/site\/en\/page touched/)
    expect(filesUnder(root).filter((f) => !f.endsWith('.stat'))).toEqual([])
  })

  it('a write begun before a flush deleting its path is discarded, even for files not under /invalidate', async () => {
    const { store } = storeC()
    const r = await store.beginWrite('/content/site/en/page.model.json')
    if (!r.ok) throw new Error(r.reason)
    r.writer.write(Buffer.from('{}'))
    await flush(store, { ...activate('/content/site/en/page'), 'cq-action-scope': 'ResourceOnly' })
    expect(await r.writer.commit([])).toMatchObject({ stored: false })
    expect(store.lookup('/content/site/en/page.model.json').kind).toBe('missing')
  })

  it('a .stat touched from outside the workbench after the write began discards it as well', async () => {
    const clock = fakeClock()
    const { store, root } = storeC({}, { clock: clock.now })
    const r = await store.beginWrite('/a.html')
    if (!r.ok) throw new Error(r.reason)
    r.writer.write(Buffer.from('x'))
    fs.writeFileSync(path.join(root, '.stat'), '')
    const later = new Date(clock.now() + 3)
    fs.utimesSync(path.join(root, '.stat'), later, later)
    clock.advance(10)
    expect(await r.writer.commit([])).toMatchObject({ stored: false })
  })

  it('a write begun after the flush is stored and fresh', async () => {
    const clock = fakeClock()
    const { store } = storeC({}, { clock: clock.now })
    await flush(store, activate('/content/site/en/page'))
    await put(store, '/content/site/en/a.html')
    expect(store.lookup('/content/site/en/a.html')).toMatchObject({ state: 'fresh' })
  })
})

describe('X-Cache-Info words for a look-up (§8.3)', () => {
  it('missing → caching, fresh → target file cached, stale → caching: stat file is more recent, folder → not cacheable', async () => {
    const clock = fakeClock()
    const { store } = storeC({}, { clock: clock.now })
    expect(cacheInfoForLookup(store.lookup('/a.html'))).toBe('caching')
    await put(store, '/a.html')
    expect(cacheInfoForLookup(store.lookup('/a.html'))).toBe('target file cached')
    clock.advance(10)
    await flush(store, activate('/b'))
    expect(cacheInfoForLookup(store.lookup('/a.html'))).toBe('caching: stat file is more recent')
    await put(store, '/d.html/e.html')
    expect(cacheInfoForLookup(store.lookup('/d.html'))).toBe('not cacheable: target is a directory')
  })
})

describe('one millisecond, two events', () => {
  it('a page stored and then flushed within the same millisecond is stale; its refetch in that millisecond is fresh', async () => {
    const clock = fakeClock()
    const { store } = storeC({}, { clock: clock.now })
    await put(store, '/content/site/en/a.html', 'before')
    await flush(store, activate('/content/site/en/page'))
    expect(store.lookup('/content/site/en/a.html')).toMatchObject({ state: 'stale' })
    await put(store, '/content/site/en/a.html', 'after')
    expect(store.lookup('/content/site/en/a.html')).toMatchObject({ state: 'fresh' })
  })
})
