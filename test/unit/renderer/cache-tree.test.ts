import { describe, expect, it } from 'vitest'
import {
  flattenTree,
  flushHandleFor,
  flushHandleForFolder,
  foldersTouched,
  hitRatio,
  nextClockChange,
  parentDir,
  GRACE_RECHECK_MS
} from '../../../src/renderer/src/store/cache-tree'
import { governedBy, NOT_AUTO_INVALIDATED } from '../../../src/renderer/src/store/governed-by'
import { cacheFile as file, cacheListing as listing, row } from './fixtures'

describe('the cache tree', () => {
  const listings = {
    '/': listing('/', ['content'], ['index.html'], { statfile: { relPath: '/.stat', level: 0, mtime: 5 } }),
    '/content': listing('/content', ['site'], ['a.html', 'b.html'], { totalFiles: 7 })
  }

  it('shows the .stat first, then folders, then files; only open folders show their contents', () => {
    const rows = flattenTree(listings, ['/'], [])
    expect(rows.map((r) => r.kind + ':' + ('name' in r ? r.name : ''))).toEqual([
      'stat:.stat',
      'dir:content',
      'file:index.html'
    ])
  })

  it('an open folder is indented one level and says how many of its files are listed', () => {
    const rows = flattenTree(listings, ['/', '/content'], ['/content/site'])
    expect(rows.map((r) => `${r.depth}:${r.kind}`)).toEqual([
      '0:stat',
      '0:dir',
      '1:dir',
      '1:file',
      '1:file',
      '1:more',
      '0:file'
    ])
    expect(rows[2]).toMatchObject({ kind: 'dir', name: 'site', loading: true, open: false })
    expect(rows[5]).toMatchObject({ kind: 'more', shown: 2, total: 7 })
  })

  it('an empty or missing folder says so', () => {
    const rows = flattenTree({ '/': listing('/', [], [], { missing: true }) }, ['/'], [])
    expect(rows).toEqual([{ kind: 'empty', key: 'e:/', depth: 0, missing: true }])
  })

  it('a stored file refreshes its folder and the shown folders above it', () => {
    const touched = foldersTouched(
      [{ type: 'cache-stored', farm: 'publish', relPath: '/content/site/x.html', bytes: 1, at: 1, ttlExpiresAt: null }],
      'publish',
      listings
    )
    expect(touched.sort()).toEqual(['/', '/content'])
  })

  it('events of another farm change nothing', () => {
    expect(
      foldersTouched(
        [{ type: 'cache-discarded', farm: 'author', relPath: '/a.html', reason: 'x', at: 1 }],
        'publish',
        listings
      )
    ).toEqual([])
  })

  it('a flush refreshes every folder shown (freshness changes below its .stat files)', () => {
    const report = {
      handle: '/content/site',
      action: 'Activate' as const,
      resourceOnly: false,
      status: 200,
      statfilesTouched: ['/.stat'],
      deleted: [],
      refetch: [],
      handler: null,
      log: []
    }
    expect(
      foldersTouched([{ type: 'cache-flush', farm: 'publish', at: 1, report }], 'publish', listings).sort()
    ).toEqual(['/', '/content'])
  })

  it('a cached rendering is flushed through its page handle, as AEM sends it; an asset keeps its name', () => {
    expect(flushHandleFor('/content/site/en.model.json')).toBe('/content/site/en')
    expect(flushHandleFor('/content/site/en/about.html')).toBe('/content/site/en/about')
    expect(flushHandleFor('/content/dam/site/logo.png')).toBe('/content/dam/site/logo.png')
    expect(flushHandleFor('/etc.clientlibs/site/clientlibs/site.min.css')).toBe('/etc.clientlibs/site/clientlibs/site')
    expect(flushHandleFor('/content/site/README')).toBe('/content/site/README')
  })

  it("a rendering of a page's child node or with a suffix is flushed through the page's own handle", () => {
    expect(flushHandleFor('/content/site/en/page/_jcr_content/root/image.coreimg.png')).toBe('/content/site/en/page')
    expect(flushHandleFor('/content/site/en/page/jcr:content/par.html')).toBe('/content/site/en/page')
    expect(flushHandleFor('/content/site/en/page.html/suffix/x.html')).toBe('/content/site/en/page')
    expect(flushHandleFor('/content/site/en/page.html')).toBe('/content/site/en/page')
    expect(flushHandleFor('/content/dam/site/logo.png/_jcr_content/renditions/cq5dam.thumbnail.48.48.png')).toBe(
      '/content/dam/site/logo.png'
    )
  })

  it("a folder of a page's renderings (its _jcr_content, a suffix folder) is flushed through the page's handle", () => {
    expect(flushHandleForFolder('/content/site/en/page/_jcr_content')).toBe('/content/site/en/page')
    expect(flushHandleForFolder('/content/site/en/page/_jcr_content/root')).toBe('/content/site/en/page')
    expect(flushHandleForFolder('/content/site/en/page.html')).toBe('/content/site/en/page')
    expect(flushHandleForFolder('/content/site/en/page.html/suffix/')).toBe('/content/site/en/page')
    expect(flushHandleForFolder('/content/dam/site/logo.png/_jcr_content/renditions')).toBe(
      '/content/dam/site/logo.png'
    )
    // A folder of pages, an asset's own folder and folders outside /content are their own handle.
    expect(flushHandleForFolder('/content/site/en')).toBe('/content/site/en')
    expect(flushHandleForFolder('/content/dam/site/logo.png')).toBe('/content/dam/site/logo.png')
    expect(flushHandleForFolder('/etc.clientlibs')).toBe('/etc.clientlibs')
    expect(flushHandleForFolder('/etc.clientlibs/site/clientlibs')).toBe('/etc.clientlibs/site/clientlibs')
    expect(flushHandleForFolder('/')).toBe('/')
  })

  it('"governed by" names the .stat, says when there is none yet, and says a file /invalidate does not match is not auto-invalidated', () => {
    expect(governedBy(file('/content/a.html')).text).toBe('/.stat')
    expect(governedBy({ ...file('/content/a.html'), governingStat: null }).text).toBe('no .stat yet')
    const logo = { ...file('/content/dam/logo.png'), autoInvalidated: false, governingStat: null }
    expect(governedBy(logo)).toEqual({
      text: 'not auto-invalidated (/invalidate)',
      title: 'Not matched by /invalidate: no .stat makes it stale; a flush of its handle deletes it'
    })
    expect(NOT_AUTO_INVALIDATED).toBe('not auto-invalidated (/invalidate)')
    const css = { ...logo, relPath: '/etc.clientlibs/site.css', ttlExpiresAt: Date.UTC(2030, 0, 1) }
    expect(governedBy(css).text).toBe('TTL, not auto-invalidated (/invalidate)')
    expect(governedBy(css).title).toMatch(/^TTL until .+ \(checked first\); not matched by \/invalidate/)
  })

  it('parentDir of a top-level file is the docroot', () => {
    expect(parentDir('/index.html')).toBe('/')
    expect(parentDir('/a/b/c.html')).toBe('/a/b')
  })

  it('hit ratio counts hits and stale copies among requests that asked the cache', () => {
    const log = [
      row(1, { outcome: 'hit' }),
      row(2, { outcome: 'miss-stored' }),
      row(3, { outcome: 'stale' }),
      row(4, { outcome: 'blocked' }),
      row(5, { outcome: 'hit', farm: 'author' })
    ]
    expect(hitRatio(log, 'publish')).toEqual({ hits: 2, lookups: 3, ratio: 2 / 3 })
    expect(hitRatio([], 'publish').ratio).toBeNull()
  })

  it('a listing showing a file in its grace period or with a .ttl still to run out is due again when that changes by the clock', () => {
    const now = 1_000_000
    const en = listing('/content/en', [], ['a.html', 'b.html', 'c.html'])
    en.files[0] = { ...en.files[0], state: 'fresh', ttlExpiresAt: now + 5000 }
    en.files[1] = { ...en.files[1], state: 'stale' }
    const fr = listing('/content/fr', [], ['d.html'])
    fr.files[0] = { ...fr.files[0], state: 'grace' }
    const de = listing('/content/de', [], ['e.html'])
    de.files[0] = { ...de.files[0], state: 'fresh', ttlExpiresAt: now + 5000 }
    const idle = listing('/content', [], ['f.html'])
    expect(nextClockChange({ '/content': idle }, now)).toBeNull()
    expect(nextClockChange({ '/content': idle, '/content/en': en, '/content/de': de }, now)).toEqual({
      at: now + 5000,
      dirs: ['/content/en', '/content/de']
    })
    expect(nextClockChange({ '/content/en': en, '/content/fr': fr }, now)).toEqual({
      at: now + GRACE_RECHECK_MS,
      dirs: ['/content/fr']
    })
  })

  it('a .ttl beyond a timer’s reach (a one-year clientlib) is not due: its delay would fire at once, again and again', () => {
    const now = 1_000_000
    const year = listing('/etc.clientlibs', [], ['site.js'])
    year.files[0] = { ...year.files[0], state: 'fresh', ttlExpiresAt: now + 365 * 24 * 3600 * 1000 }
    expect(nextClockChange({ '/etc.clientlibs': year }, now)).toBeNull()
  })
})
