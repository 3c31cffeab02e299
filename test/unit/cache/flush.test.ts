import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { executeFlush, planFlush, refetchListed } from '../../../src/main/engine/cache/flush'
import { previewFlush } from '../../../src/main/engine/cache/flush-preview'
import { isInvalidationRequest, parseInvalidation } from '../../../src/main/engine/cache/flush-request'
import type { CacheStore } from '../../../src/main/engine/cache/store'
import type { CacheConfig } from '../../../src/shared/config-model'
import type { CacheEvent } from '../../../src/shared/cache-types'
import { fakeClock, filesUnder, put, storeC, tempDir } from './helpers'

const page = '/content/site/en/page'

function plan(store: CacheStore, headers: Record<string, string>, body = '') {
  const parsed = parseInvalidation(headers, body)
  if (!parsed.ok) throw new Error(parsed.reason)
  return planFlush(store.policy, parsed.request)
}

function run(store: CacheStore, headers: Record<string, string>, body = '') {
  return executeFlush(store, plan(store, headers, body))
}

const activate = { 'cq-action': 'Activate', 'cq-handle': page }

/** A docroot with config C at the given level, a fake clock, and a few cached pages from before the flush. */
async function scenario(level: number, overrides: Partial<CacheConfig> = {}) {
  const clock = fakeClock()
  const events: CacheEvent[] = []
  const { store, root } = storeC(
    { statfileslevel: { value: level }, ...overrides },
    { clock: clock.now, onEvent: (e) => events.push(e) }
  )
  for (const f of ['/content/site/en/a.html', '/content/site/fr/b.html', '/content/site/en/data.json', '/other/c.html'])
    await put(store, f)
  clock.advance(1000)
  return { clock, store, root, events }
}

const state = (store: CacheStore, rel: string) => {
  const r = store.lookup(rel)
  return r.kind === 'cached' ? r.state : r.kind
}

describe('invalidation requests (§7.1)', () => {
  it('is recognised by the path ending in /invalidate.cache plus CQ-Action (or the legacy Action)', () => {
    expect(isInvalidationRequest('POST', '/dispatcher/invalidate.cache', { 'cq-action': 'Activate' })).toBe(true)
    expect(isInvalidationRequest('GET', '/path1/invalidate.cache', { action: 'Activate' })).toBe(true)
    expect(isInvalidationRequest('POST', '/dispatcher/invalidate.cache', {})).toBe(false)
    expect(isInvalidationRequest('POST', '/dispatcher/flush', { 'cq-action': 'Activate' })).toBe(false)
  })

  it('reads the action, handle, scope and the re-fetch body; a missing handle is a 400', () => {
    const p = parseInvalidation(
      { 'cq-action': 'delete', 'cq-handle': '/content//site/en/', 'cq-action-scope': 'ResourceOnly' },
      '/a.html\r\n\n/b.html?x=1\n'
    )
    expect(p).toEqual({
      ok: true,
      request: {
        action: 'Delete',
        unknownAction: null,
        handle: '/content/site/en',
        resourceOnly: true,
        scope: 'ResourceOnly',
        refetch: ['/a.html', '/b.html?x=1']
      }
    })
    expect(parseInvalidation({ 'cq-action': 'Activate' })).toMatchObject({ ok: false, status: 400 })
    expect(parseInvalidation({ 'cq-action': 'Activate', 'cq-handle': '/a/../b' })).toMatchObject({
      ok: false,
      status: 400
    })
    expect(parseInvalidation({ action: 'Activate', handle: '/x' })).toMatchObject({
      ok: true,
      request: { handle: '/x' }
    })
  })
})

describe('statfiles and invalidation, worked examples of §12.4 (handle /content/site/en/page)', () => {
  it('S1: level 0 touches /.stat and every cached *.html becomes stale', async () => {
    const { store } = await scenario(0)
    const report = await run(store, activate)
    expect(report.statfilesTouched).toEqual(['/.stat'])
    expect(state(store, '/content/site/en/a.html')).toBe('stale')
    expect(state(store, '/other/c.html')).toBe('stale')
    expect(state(store, '/content/site/en/data.json')).toBe('fresh')
  })

  it('S2: level 1 touches /.stat and /content/.stat; /other/c.html falls back to /.stat', async () => {
    const { store } = await scenario(1)
    expect((await run(store, activate)).statfilesTouched).toEqual(['/.stat', '/content/.stat'])
    expect(state(store, '/other/c.html')).toBe('stale')
  })

  it('S2: a sibling with its own untouched .stat stays fresh', async () => {
    const { store, root, clock } = await scenario(1)
    fs.mkdirSync(path.join(root, 'other'), { recursive: true })
    const t = new Date(clock.now() - 1500)
    fs.writeFileSync(path.join(root, 'other/.stat'), '')
    fs.utimesSync(path.join(root, 'other/.stat'), t, t)
    await run(store, activate)
    expect(state(store, '/other/c.html')).toBe('fresh')
  })

  it('S3: level 2 adds /content/site/.stat', async () => {
    const { store } = await scenario(2)
    expect((await run(store, activate)).statfilesTouched).toEqual(['/.stat', '/content/.stat', '/content/site/.stat'])
  })

  it('S4: level 3 adds /content/site/en/.stat; fr/b.html is stale only while fr/.stat does not exist', async () => {
    const { store, root, clock } = await scenario(3)
    expect((await run(store, activate)).statfilesTouched).toEqual([
      '/.stat',
      '/content/.stat',
      '/content/site/.stat',
      '/content/site/en/.stat'
    ])
    expect(state(store, '/content/site/en/a.html')).toBe('stale')
    expect(state(store, '/content/site/fr/b.html')).toBe('stale')
    const before = new Date(clock.now() - 1500)
    fs.writeFileSync(path.join(root, 'content/site/fr/.stat'), '')
    fs.utimesSync(path.join(root, 'content/site/fr/.stat'), before, before)
    store.statIndex.clear()
    expect(state(store, '/content/site/fr/b.html')).toBe('fresh')
  })

  it('S5: level 6 touches the same files as level 3 and not the handle folder page/.stat', async () => {
    const { store, root } = await scenario(6)
    expect((await run(store, activate)).statfilesTouched).toEqual([
      '/.stat',
      '/content/.stat',
      '/content/site/.stat',
      '/content/site/en/.stat'
    ])
    expect(fs.existsSync(path.join(root, 'content/site/en/page/.stat'))).toBe(false)
  })

  it('S6: Activate deletes page.* and page/_jcr_content but keeps page/ and other pages', async () => {
    const { store, root } = await scenario(3)
    for (const f of [
      'page.html',
      'page.title.gif',
      'page.model.json',
      'page/_jcr_content/par.html',
      'page/child.html',
      'pager.html'
    ]) {
      await put(store, `/content/site/en/${f}`)
    }
    const report = await run(store, activate)
    expect(report.deleted.sort()).toEqual([
      '/content/site/en/page.html',
      '/content/site/en/page.model.json',
      '/content/site/en/page.title.gif',
      '/content/site/en/page/_jcr_content'
    ])
    expect(filesUnder(path.join(root, 'content/site/en')).filter((f) => !f.endsWith('.stat'))).toEqual([
      '/a.html',
      '/data.json',
      '/page/child.html',
      '/pager.html'
    ])
  })

  it('S7: Delete and Deactivate also remove the page/ folder', async () => {
    for (const action of ['Delete', 'Deactivate']) {
      const { store, root } = await scenario(3)
      await put(store, '/content/site/en/page.html')
      await put(store, '/content/site/en/page/child.html')
      await run(store, { 'cq-action': action, 'cq-handle': page })
      expect(fs.existsSync(path.join(root, 'content/site/en/page'))).toBe(false)
      expect(fs.existsSync(path.join(root, 'content/site/en/page.html'))).toBe(false)
    }
  })

  it('S8: ResourceOnly deletes like S6 but touches no .stat', async () => {
    const { store, root } = await scenario(3)
    await put(store, '/content/site/en/page.html')
    const report = await run(store, { ...activate, 'cq-action-scope': 'ResourceOnly' })
    expect(report.statfilesTouched).toEqual([])
    expect(report.deleted).toEqual(['/content/site/en/page.html'])
    expect(filesUnder(root).some((f) => f.endsWith('.stat'))).toBe(false)
    expect(state(store, '/content/site/en/a.html')).toBe('fresh')
  })

  it('S9: data.json (not matched by /invalidate) is still delivered after the Activate', async () => {
    const { store } = await scenario(3)
    await run(store, activate)
    expect(state(store, '/content/site/en/data.json')).toBe('fresh')
  })

  it('S11: with /gracePeriod "2" a stale page is still served 1 s after the Activate and refetched at 3 s', async () => {
    const { store, clock } = await scenario(2, { gracePeriod: { value: 2 } })
    const T = clock.now()
    const report = await run(store, { 'cq-action': 'Activate', 'cq-handle': '/content/site/x' })
    expect(report.statfilesTouched).toEqual(['/.stat', '/content/.stat', '/content/site/.stat'])
    await put(store, '/content/site/x.html')
    const cachedAt = clock.now()
    clock.set(T + 5000)
    await run(store, { 'cq-action': 'Activate', 'cq-handle': '/content/site/y' })
    const T2 = clock.now()
    expect(cachedAt).toBeLessThan(T2)
    clock.set(T2 + 1000)
    expect(state(store, '/content/site/x.html')).toBe('grace')
    clock.set(T2 + 3000)
    expect(state(store, '/content/site/x.html')).toBe('stale')
  })

  it('S12: a re-fetch body lists URIs that are kept in place (with their .h) and handed back for fetching', async () => {
    const { store, root } = await scenario(3)
    await put(store, '/content/site/en.html', 'old', [['Content-Type', 'text/html']])
    const report = await run(store, activate, '/content/site/en.html\n')
    expect(report.refetch).toEqual(['/content/site/en.html'])
    expect(report.deleted).toEqual([])
    expect(fs.readFileSync(path.join(root, 'content/site/en.html'), 'utf8')).toBe('old')
    expect(fs.existsSync(path.join(root, 'content/site/en.html.h'))).toBe(true)
    await put(store, '/content/site/en.html', 'new')
    expect(state(store, '/content/site/en.html')).toBe('fresh')
  })

  it('S12: under Delete a listed file is deleted with the handle, and fetched anew afterwards', async () => {
    const { store, root } = await scenario(3)
    await put(store, '/content/site/other.json', 'old', [['Content-Type', 'application/json']])
    const report = await run(store, { 'cq-action': 'Delete', 'cq-handle': page }, '/content/site/other.json\n')
    expect(report.refetch).toEqual(['/content/site/other.json'])
    expect(report.deleted).toEqual(['/content/site/other.json', '/content/site/other.json.h'])
    expect(fs.existsSync(path.join(root, 'content/site/other.json'))).toBe(false)
  })

  it('S12: under Activate a listed file whose re-fetch the cache would not store (a query string kept) is deleted', async () => {
    const { store } = await scenario(3)
    await put(store, '/content/site/other.json', 'old', [['Content-Type', 'application/json']])
    const report = await run(store, activate, '/content/site/other.json?x=1\n')
    expect(report.refetch).toEqual(['/content/site/other.json?x=1'])
    expect(report.deleted).toEqual(['/content/site/other.json', '/content/site/other.json.h'])
  })

  it('S12: a kept file its re-fetch did not replace is deleted after it; one replaced by a file of the same size and time is not', async () => {
    const { store, root } = await scenario(3)
    const abs = path.join(root, 'content/site/en/data.json')
    const p = plan(store, activate, '/content/site/en/data.json\n')
    const report = await executeFlush(store, p)
    // The replacement a re-fetch stores: a new file renamed over the old one, here with the same
    // size and modification time, as a re-fetch in the millisecond of the first store would give.
    await refetchListed(store, p, report, async (uri) => {
      const old = fs.statSync(abs)
      fs.writeFileSync(`${abs}_new`, fs.readFileSync(abs))
      fs.utimesSync(`${abs}_new`, old.atime, old.mtime)
      fs.renameSync(`${abs}_new`, abs)
      return uri
    })
    expect(fs.existsSync(abs)).toBe(true)
    expect(report.deleted).toEqual([])
    await refetchListed(store, p, report, async (uri) => uri)
    expect(fs.existsSync(abs)).toBe(false)
    expect(report.deleted).toEqual(['/content/site/en/data.json'])
  })

  it('S12: a copy stored after the flush, while an earlier listed URI was fetched, is not taken for the kept one', async () => {
    const { store, root } = await scenario(3)
    const abs = path.join(root, 'content/site/en/data.json')
    const p = plan(store, activate, '/content/site/en/a.html\n/content/site/en/data.json\n')
    const report = await executeFlush(store, p)
    // A visitor's request stores data.json anew while a.html is re-fetched; data.json's own
    // re-fetch then stores nothing (the render failed): the visitor's copy is no kept one.
    await refetchListed(store, p, report, async (uri) => {
      if (uri === '/content/site/en/a.html') await put(store, '/content/site/en/data.json', 'stored by a visitor')
      return uri
    })
    expect(fs.existsSync(abs) && fs.readFileSync(abs, 'utf8')).toBe('stored by a visitor')
    expect(report.deleted).toEqual(['/content/site/en/a.html'])
  })

  it('S12: a URI listed twice whose first re-fetch replaced the file and second stored nothing keeps the new file', async () => {
    const { store, root } = await scenario(3)
    const abs = path.join(root, 'content/site/en/data.json')
    const p = plan(store, activate, '/content/site/en/data.json\n/content/site/en/data.json\n')
    const report = await executeFlush(store, p)
    let n = 0
    await refetchListed(store, p, report, async (uri) => {
      if (n++ === 0) await put(store, '/content/site/en/data.json', 'refetched')
      return uri
    })
    expect(fs.existsSync(abs) && fs.readFileSync(abs, 'utf8')).toBe('refetched')
    expect(report.deleted).toEqual([])
  })

  it("S12: the handle's own renderings are deleted except the ones the body lists for re-fetch", async () => {
    const { store, root } = await scenario(3)
    for (const f of ['en.html', 'en.model.json', 'en/_jcr_content/par.html']) await put(store, `/content/site/${f}`)
    const report = await run(
      store,
      { 'cq-action': 'Activate', 'cq-handle': '/content/site/en' },
      '/content/site/en.html'
    )
    expect(report.deleted.sort()).toEqual(['/content/site/en.model.json', '/content/site/en/_jcr_content'])
    expect(fs.existsSync(path.join(root, 'content/site/en.html'))).toBe(true)
  })

  it('a handle with an extension deletes the exact file, file.* and file/_jcr_content', async () => {
    const { store, root } = await scenario(3)
    for (const f of [
      'logo.jpg',
      'logo.jpg.thumb.png',
      'logo.jpgx',
      'pic.png.thumb.png',
      'pic.png/_jcr_content/renditions/x.png'
    ]) {
      await put(store, `/content/dam/${f}`)
    }
    await run(store, { 'cq-action': 'Activate', 'cq-handle': '/content/dam/logo.jpg' })
    await run(store, { 'cq-action': 'Activate', 'cq-handle': '/content/dam/pic.png' })
    expect(filesUnder(path.join(root, 'content/dam')).filter((f) => !f.endsWith('.stat'))).toEqual(['/logo.jpgx'])
    expect(fs.existsSync(path.join(root, 'content/dam/pic.png'))).toBe(true)
  })

  it('CQ-Action Test does nothing and answers 200', async () => {
    const { store, root } = await scenario(3)
    const before = filesUnder(root)
    const report = await run(store, { 'cq-action': 'Test' })
    expect(report.status).toBe(200)
    expect(filesUnder(root)).toEqual(before)
  })

  it('a flush forgets the in-memory copy of what it deleted at once', async () => {
    const { store } = await scenario(3)
    await put(store, '/content/site/en/page.html', 'x')
    expect(state(store, '/content/site/en/page.html')).toBe('fresh')
    await run(store, { ...activate, 'cq-action-scope': 'ResourceOnly' })
    expect(state(store, '/content/site/en/page.html')).toBe('missing')
  })

  it('reports the flush as a cache event', async () => {
    const { store, events } = await scenario(3)
    await run(store, activate)
    expect(events.at(-1)).toMatchObject({
      type: 'cache-flush',
      farm: 'publish',
      report: { handle: page, action: 'Activate' }
    })
  })
})

describe("the module's log lines for a flush (AMS flushing guide)", () => {
  it('"Activation detected: action=… [handle]" first, then "Touched <file>" for each .stat, level 0 first', async () => {
    const { store, root } = await scenario(2)
    const report = await run(store, activate)
    expect(report.log[0]).toBe(`Activation detected: action=Activate [${page}]`)
    expect(report.log.filter((l) => l.startsWith('Touched '))).toEqual([
      `Touched ${path.join(root, '.stat')}`,
      `Touched ${path.join(root, 'content/.stat')}`,
      `Touched ${path.join(root, 'content/site/.stat')}`
    ])
    const deleted = await run(store, { 'cq-action': 'Delete', 'cq-handle': '/content/site/fr/b' })
    expect(deleted.log[0]).toBe('Activation detected: action=Delete [/content/site/fr/b]')
  })
})

describe('/invalidateHandler', () => {
  it('runs the program with handle, action and scope as arguments (no shell) and reports its exit code', async () => {
    const dir = tempDir()
    const script = path.join(dir, 'handler.sh')
    const out = path.join(dir, 'args.txt')
    fs.writeFileSync(script, `#!/bin/sh\nprintf '%s|' "$@" > '${out}'\nexit 3\n`, { mode: 0o755 })
    const { store } = storeC({ invalidateHandler: { value: script } })
    const report = await run(store, { ...activate, 'cq-handle': '/content/a b;$(touch x)' })
    expect(report.handler).toMatchObject({ exitCode: 3 })
    expect(fs.readFileSync(out, 'utf8')).toBe('/content/a b;$(touch x)|Activate||')
  })
})

describe('flush preview', () => {
  it('lists the .stat files, the deletions and counts the fresh pages that would be invalidated, without changing anything', async () => {
    const { store, root } = await scenario(3)
    await put(store, '/content/site/en/page.html')
    const before = filesUnder(root)
    const preview = previewFlush(store, plan(store, activate))
    expect(filesUnder(root)).toEqual(before)
    expect(preview.statfiles).toEqual(['/.stat', '/content/.stat', '/content/site/.stat', '/content/site/en/.stat'])
    expect(preview.deletions).toEqual([{ relPath: '/content/site/en/page.html', kind: 'file' }])
    expect(preview.invalidated.count).toBe(3)
    expect(preview.invalidated.sample.sort()).toEqual([
      '/content/site/en/a.html',
      '/content/site/fr/b.html',
      '/other/c.html'
    ])
  })

  it('does not count subtrees governed by an untouched .stat of their own', async () => {
    const { store, root, clock } = await scenario(3)
    const t = new Date(clock.now() - 1500)
    fs.writeFileSync(path.join(root, 'content/site/fr/.stat'), '')
    fs.utimesSync(path.join(root, 'content/site/fr/.stat'), t, t)
    const preview = previewFlush(store, plan(store, activate))
    expect(preview.invalidated.sample.sort()).toEqual(['/content/site/en/a.html', '/other/c.html'])
  })

  it('ResourceOnly invalidates nothing beyond the deletions', async () => {
    const { store } = await scenario(3)
    expect(previewFlush(store, plan(store, { ...activate, 'cq-action-scope': 'ResourceOnly' })).invalidated.count).toBe(
      0
    )
  })
})

describe('symlink loops', () => {
  it('a flush removes a folder containing a symlink loop without following it, and the preview walk ends', async () => {
    const { store, root } = await scenario(3)
    await put(store, '/content/site/en/page/_jcr_content/par.html')
    fs.symlinkSync('..', path.join(root, 'content/site/en/page/_jcr_content/loop'))
    fs.symlinkSync('.', path.join(root, 'content/site/self'))
    const preview = previewFlush(store, plan(store, activate))
    expect(preview.invalidated.truncated).toBe(false)
    await run(store, activate)
    expect(fs.existsSync(path.join(root, 'content/site/en/page/_jcr_content'))).toBe(false)
    expect(fs.existsSync(path.join(root, 'content/site/en/a.html'))).toBe(true)
  })
})
