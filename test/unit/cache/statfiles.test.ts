import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  StatfileIndex,
  dirLevel,
  governingStat,
  isStale,
  statfileCandidates,
  statfilesToTouch,
  touchStatfiles
} from '../../../src/main/engine/cache/statfiles'
import { tempDir } from './helpers'

const layout = (level: number) => ({ level, rootStatfile: '/.stat' })
const handle = '/content/site/en/page'

describe('.stat files touched by a flush of /content/site/en/page (§5.5.2, S1–S5)', () => {
  it('S1: level 0 touches /.stat only', () => {
    expect(statfilesToTouch(handle, layout(0))).toEqual(['/.stat'])
  })
  it('S2: level 1 adds /content/.stat', () => {
    expect(statfilesToTouch(handle, layout(1))).toEqual(['/.stat', '/content/.stat'])
  })
  it('S3: level 2 adds /content/site/.stat', () => {
    expect(statfilesToTouch(handle, layout(2))).toEqual(['/.stat', '/content/.stat', '/content/site/.stat'])
  })
  it('S4: level 3 adds /content/site/en/.stat', () => {
    expect(statfilesToTouch(handle, layout(3))).toEqual([
      '/.stat',
      '/content/.stat',
      '/content/site/.stat',
      '/content/site/en/.stat'
    ])
  })
  it('S5: level 6 touches the same as level 3 (the handle is at level 3) and never the handle folder page/.stat', () => {
    expect(statfilesToTouch(handle, layout(6))).toEqual(statfilesToTouch(handle, layout(3)))
  })
  it('a handle with an extension counts like its folder: /content/dam/logo.jpg at level 5 touches /, /content, /content/dam', () => {
    expect(statfilesToTouch('/content/dam/logo.jpg', layout(5))).toEqual([
      '/.stat',
      '/content/.stat',
      '/content/dam/.stat'
    ])
  })
  it('a configured /statfile replaces /.stat when the level is 0', () => {
    expect(statfilesToTouch(handle, { level: 0, rootStatfile: '/flush/.stat' })).toEqual(['/flush/.stat'])
  })
  it('the level of a path is the depth of its folder', () => {
    expect(dirLevel('/content/site/en/page.html')).toBe(3)
    expect(dirLevel('/a.html')).toBe(0)
  })
})

describe('governing .stat of /content/site/en/page.html (§5.5.3)', () => {
  const file = '/content/site/en/page.html'
  const all = new Set(['/.stat', '/content/.stat', '/content/site/.stat', '/content/site/en/.stat'])
  const exists = (set: Set<string>) => (rel: string) => (set.has(rel) ? 1 : null)

  it('N=0 → /.stat; N=1 → /content/.stat; N=2 → /content/site/.stat; N=3 → /content/site/en/.stat', () => {
    expect(governingStat(file, layout(0), exists(all))?.relPath).toBe('/.stat')
    expect(governingStat(file, layout(1), exists(all))?.relPath).toBe('/content/.stat')
    expect(governingStat(file, layout(2), exists(all))?.relPath).toBe('/content/site/.stat')
    expect(governingStat(file, layout(3), exists(all))?.relPath).toBe('/content/site/en/.stat')
    expect(governingStat(file, layout(9), exists(all))?.relPath).toBe('/content/site/en/.stat')
  })

  it('falls back upward to the nearest existing .stat, and to none at all (fresh)', () => {
    expect(governingStat(file, layout(3), exists(new Set(['/.stat', '/content/.stat'])))?.relPath).toBe(
      '/content/.stat'
    )
    expect(governingStat(file, layout(3), exists(new Set()))).toBeNull()
    expect(statfileCandidates(file, layout(2))).toEqual(['/content/site/.stat', '/content/.stat', '/.stat'])
  })
})

describe('staleness with grace period (§5.5.4)', () => {
  it('stale only when older than the .stat and the grace period after the touch has passed', () => {
    expect(isStale(100, 200, 0, 200)).toBe(true)
    expect(isStale(200, 200, 0, 500)).toBe(false)
    expect(isStale(100, 200, 2000, 1000)).toBe(false)
    expect(isStale(100, 200, 2000, 2200)).toBe(true)
  })
})

describe('touching and indexing .stat files', () => {
  it('creates missing folders and .stat files along the path with mtime = now', () => {
    const root = tempDir()
    const now = 1_700_000_123_000
    const touched = touchStatfiles(root, statfilesToTouch(handle, layout(3)), {
      now,
      mode: 0o755,
      prepareDir: (d) => (fs.mkdirSync(d, { recursive: true }), true)
    })
    expect(touched).toHaveLength(4)
    expect(Math.round(fs.statSync(path.join(root, 'content/site/en/.stat')).mtimeMs)).toBe(now)
    expect(fs.existsSync(path.join(root, 'content/site/en/page'))).toBe(false)
  })

  it('the index answers from memory inside its window and sees an outside touch after it', () => {
    const root = tempDir()
    let mono = 0
    const index = new StatfileIndex(root, { windowMs: 50, monotonic: () => mono })
    expect(index.mtime('/.stat')).toBeNull()
    fs.writeFileSync(path.join(root, '.stat'), '')
    fs.utimesSync(path.join(root, '.stat'), new Date(5000), new Date(5000))
    mono = 10
    expect(index.mtime('/.stat')).toBeNull()
    mono = 60
    expect(index.mtime('/.stat')).toBe(5000)
    index.noteTouched('/.stat', 9000)
    expect(index.mtime('/.stat')).toBe(9000)
  })
})
