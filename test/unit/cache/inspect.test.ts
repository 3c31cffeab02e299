import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { executeFlush, planFlush } from '../../../src/main/engine/cache/flush'
import { parseInvalidation } from '../../../src/main/engine/cache/flush-request'
import { cacheTotals, entryInfo, listFolder, listStatfiles } from '../../../src/main/engine/cache/inspect'
import { fakeClock, put, storeC } from './helpers'

describe('cache browser views', () => {
  async function populated() {
    const clock = fakeClock()
    const { store, root } = storeC(
      { headers: [{ value: 'Content-Type' }], enableTTL: { value: true } },
      { clock: clock.now }
    )
    await put(store, '/content/site/en.html', 'abc', [['Content-Type', 'text/html']], clock.now() + 60_000)
    await put(store, '/content/site/fr.html', 'de')
    await put(store, '/content/site/en/data.json', '{}')
    clock.advance(1000)
    const parsed = parseInvalidation({ 'cq-action': 'Activate', 'cq-handle': '/content/site/other' })
    if (!parsed.ok) throw new Error(parsed.reason)
    await executeFlush(store, planFlush(store.policy, parsed.request))
    // a temporary file another writer still has open is not a document
    fs.writeFileSync(path.join(root, 'content/site/x.html_2024AbCdEf'), 'tmp')
    return { store, root, clock }
  }

  it('lists a folder: sub-folders, documents with state and stored headers, its .stat; companions and temp files left out', async () => {
    const { store } = await populated()
    const listing = listFolder(store, '/content/site')
    expect(listing.dirs).toEqual([{ name: 'en', relPath: '/content/site/en' }])
    expect(listing.files.map((f) => f.relPath)).toEqual(['/content/site/en.html', '/content/site/fr.html'])
    expect(listing.totalFiles).toBe(2)
    expect(listing.statfile?.relPath).toBe('/content/site/.stat')
    const en = listing.files[0]
    expect(en).toMatchObject({
      size: 3,
      state: 'stale',
      governingStat: '/content/site/.stat',
      autoInvalidated: true,
      storedHeaders: [['Content-Type', 'text/html']]
    })
    expect(en.ttlExpiresAt).not.toBeNull()
  })

  it('pages through large folders', async () => {
    const { store } = await populated()
    const page = listFolder(store, '/content/site', { offset: 1, limit: 1 })
    expect(page.files.map((f) => f.relPath)).toEqual(['/content/site/fr.html'])
    expect(page.totalFiles).toBe(2)
  })

  it('reports a missing folder and refuses paths leaving the docroot', async () => {
    const { store } = await populated()
    expect(listFolder(store, '/nope').missing).toBe(true)
    expect(listFolder(store, '/../..').missing).toBe(true)
    expect(entryInfo(store, '/../etc/passwd')).toBeNull()
  })

  it('files outside /invalidate stay fresh and have no governing .stat', async () => {
    const { store } = await populated()
    expect(entryInfo(store, '/content/site/en/data.json')).toMatchObject({
      state: 'fresh',
      governingStat: null,
      autoInvalidated: false
    })
  })

  it('lists the .stat files level by level, and totals the documents', async () => {
    const { store } = await populated()
    const { statfiles } = listStatfiles(store)
    expect(statfiles.map((s) => [s.relPath, s.level])).toEqual([
      ['/.stat', 0],
      ['/content/.stat', 1],
      ['/content/site/.stat', 2]
    ])
    expect(cacheTotals(store)).toEqual({ files: 3, bytes: 7, statfiles: 3, truncated: false })
    expect(cacheTotals(store, { maxEntries: 2 }).truncated).toBe(true)
  })
})
