/**
 * Audit of the engine against /work/shared/docs/dispatcher-behavior.md: each `it` here states
 * a claim of that document, fails on today's engine, and should pass once the engine follows
 * the claim. Small, fast, 127.0.0.1 only.
 */
import { describe, expect, it } from 'vitest'
import { cacheSection, cacheStackForThisTest, LOCALHOST_ONLY, tempDocroot, withCacheHelpers } from './support/cache'
import { dispatcherAny, filterF } from './support/config'
import { stackForThisTest } from './support/engine'

const PAGE = '/content/site/en.html'
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('§6.4 /propagateSyndPost', () => {
  it('with /propagateSyndPost "1" an invalidation POST is handled and also forwarded to the render', async () => {
    const docroot = tempDocroot()
    const st = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        dispatcherAny([
          {
            name: 'publish',
            renders: [{ host: '127.0.0.1', port: up.publish.port }],
            // "then POST must be allowed by the filter" (§6.4)
            filter: filterF([`/0200 { /type "allow" /method "POST" /url "/dispatcher/invalidate.cache" }`]),
            extra: `    /propagateSyndPost "1"\n${cacheSection(docroot, { allowedClients: LOCALHOST_ONLY })}`
          }
        ])
    })
    const s = withCacheHelpers(st, docroot)
    const a = await s.flush({ action: 'Activate', handle: '/content/site/en' })
    expect(a.status).toBe(200)
    expect(s.exists('/.stat')).toBe(true)
    expect(s.up.publish.requests.map((r) => `${r.method} ${r.url}`)).toContain('POST /dispatcher/invalidate.cache')
  })
})

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
