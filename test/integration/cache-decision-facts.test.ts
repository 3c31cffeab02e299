/**
 * The cache stage keeps what it decided a cached file's state on (dispatcher-behavior.md §5.5):
 * the file's mtime, the governing `.stat` and its mtime, the end of `/gracePeriod` and the `.ttl`
 * expiry, as read when the request was decided. The trace is read later, when a refetch may have
 * replaced the file, so these cannot come from the docroot then.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { CacheDecision } from '../../src/shared/cache-types'
import type { CacheStageDetail, RequestTrace } from '../../src/shared/trace'
import { cacheStackForThisTest, type CacheStack } from './support/cache'

const PAGE = '/content/site/en.html'

/** The first cache-stage entry's decision (the one that looked at the file). */
function decided(t: RequestTrace): CacheDecision | undefined {
  return (t.stages.find((s) => s.stage === 'cache')?.detail as CacheStageDetail | undefined)?.decided
}

/** A docroot file's mtime in whole milliseconds, as the cache reads it. */
function mtimeOf(s: CacheStack, rel: string): number {
  return Math.round(s.mtime(rel))
}

describe('the facts a cache decision was made on (§5.5)', () => {
  it('a copy delivered within /gracePeriod keeps its mtime, its .stat with mtime and the grace end after a refetch replaced it', async () => {
    // Two seconds of grace, and the copy dated 10 s back: on a slow machine the flush and the
    // request in grace neither share a millisecond nor miss the grace period.
    const s = await cacheStackForThisTest({ gracePeriod: 2 })
    s.up.publish.behave(PAGE, { body: 'version 1' })
    await s.prime(PAGE)
    const back = new Date(Date.now() - 10_000)
    fs.utimesSync(s.abs(PAGE), back, back)
    // Past the cache's ~50 ms look-again window for a file's stat.
    await new Promise((r) => setTimeout(r, 60))
    const storedAt = mtimeOf(s, PAGE)
    await s.flush({ handle: '/content/site/en/page' })
    const statAt = mtimeOf(s, '/content/site/.stat')
    const inGrace = await s.get(PAGE)
    expect(inGrace.trace.outcome).toBe('stale')
    const facts = {
      state: 'grace',
      fileMtime: storedAt,
      autoInvalidated: true,
      governingStat: '/content/site/.stat',
      statMtime: statAt,
      graceEndsAt: statAt + 2000,
      ttlExpiresAt: null
    }
    expect(decided(inGrace.trace)).toEqual(facts)
    // Once the grace period is over, the next request stores a new copy: the first trace still
    // says what it was decided on.
    await new Promise((r) => setTimeout(r, Math.max(0, statAt + 2000 - Date.now()) + 50))
    s.up.publish.behave(PAGE, { body: 'version 2' })
    const stored = s.nextStore(PAGE)
    const refetch = await s.get(PAGE)
    await stored
    expect(decided(refetch.trace)).toMatchObject({ state: 'stale', fileMtime: storedAt, statMtime: statAt })
    expect(mtimeOf(s, PAGE)).toBeGreaterThan(storedAt)
    const first = s.engine.traces.find((t) => t.id === inGrace.trace.id)
    expect(first && decided(first)).toEqual(facts)
  })

  it("an expired copy keeps the .ttl expiry it was judged by, not the new copy's", async () => {
    const s = await cacheStackForThisTest({ enableTTL: true })
    s.up.publish.behave(PAGE, { headers: { 'cache-control': 'max-age=1' } })
    await s.prime(PAGE)
    const storedAt = mtimeOf(s, PAGE)
    const ttl = mtimeOf(s, PAGE + '.ttl')
    const hit = await s.get(PAGE)
    expect(decided(hit.trace)).toEqual({
      state: 'fresh',
      fileMtime: storedAt,
      autoInvalidated: true,
      governingStat: null,
      statMtime: null,
      graceEndsAt: null,
      ttlExpiresAt: ttl
    })
    await new Promise((r) => setTimeout(r, Math.max(0, ttl - Date.now()) + 100))
    const stored = s.nextStore(PAGE)
    const expired = await s.get(PAGE)
    await stored
    expect(mtimeOf(s, PAGE + '.ttl')).toBeGreaterThan(ttl)
    expect(decided(expired.trace)).toMatchObject({ state: 'expired', fileMtime: storedAt, ttlExpiresAt: ttl })
  })

  it('every hit on one file version shares one decision object: a trace keeps no copy of it', async () => {
    const s = await cacheStackForThisTest()
    await s.prime(PAGE)
    const a = await s.get(PAGE)
    const b = await s.get(PAGE)
    expect(a.trace.outcome).toBe('hit')
    expect(decided(a.trace)).toBeDefined()
    expect(decided(a.trace)).toBe(decided(b.trace))
  })
})
