/**
 * Audit of the engine against /work/shared/docs/dispatcher-behavior.md: each `it` here states
 * a claim of that document, fails on today's engine, and should pass once the engine follows
 * the claim. Small, fast, 127.0.0.1 only.
 */
import { describe, expect, it } from 'vitest'
import { cacheStackForThisTest } from './support/cache'

const PAGE = '/content/site/en.html'
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('§8.3 X-Cache-Info "caching" means the answer will be stored', () => {
  it('a HEAD miss that stores nothing is not announced as "caching"', async () => {
    const s = await cacheStackForThisTest()
    const a = await s.get(PAGE, { method: 'HEAD' })
    expect(a.status).toBe(200)
    await wait(80)
    // Today: X-Cache-Info "caching", the trace's outcome "miss-uncacheable", and no file.
    if (a.headers['x-cache-info'] === 'caching') expect(s.exists(PAGE)).toBe(true)
    else expect(a.headers['x-cache-info']).toMatch(/^not cacheable: /)
  })
})
