/**
 * Permission-sensitive caching (`/auth_checker`, dispatcher-behavior.md §5.9): before a cached
 * page under `/filter` is delivered, `HEAD <url>?uri=<page>` goes to the render with the
 * browser's header lines; 200 delivers the cached file plus the check's allowed header lines,
 * anything else forwards the original request and leaves the cache file alone.
 */
import { describe, expect, it } from 'vitest'
import { cacheStackForThisTest, type CacheOptions, type CacheStack } from './support/cache'

const PAGE = '/content/site/en.html'
const JSON_PAGE = '/content/site/en.model.json'
const CHECK = '/bin/permissioncheck'
const BODY = '<html><body>' + 'x'.repeat(500) + '</body></html>'
const AUTH_CHECKER = `/auth_checker {
      /url "${CHECK}"
      /filter { /0000 { /glob "*" /type "deny" } /0001 { /glob "*.html" /type "allow" } }
      /headers { /0000 { /glob "*" /type "deny" } /0001 { /glob "Set-Cookie:*" /type "allow" } }
    }`
const USER = { authorization: 'Basic dXNlcjpwYXNz', cookie: 'theme=dark' }

async function securedSite(o: CacheOptions = {}): Promise<CacheStack> {
  const s = await cacheStackForThisTest({ allowAuthorized: true, authChecker: AUTH_CHECKER, ...o })
  s.up.publish.behave(PAGE, { body: BODY, headers: { 'content-type': 'text/html; charset=utf-8' } })
  s.up.publish.behave(JSON_PAGE, { body: '{"a":1}', headers: { 'content-type': 'application/json' } })
  await s.prime(PAGE, { headers: USER })
  return s
}

const checks = (s: CacheStack): string[] =>
  s.up.publish.requests.filter((r) => r.url.startsWith(CHECK)).map((r) => `${r.method} ${r.url}`)
const pageFetches = (s: CacheStack, page: string): number =>
  s.up.publish.requests.filter((r) => r.method === 'GET' && r.url === page).length

describe('/auth_checker (§5.9)', () => {
  it("a cached page under /filter is checked with HEAD <url>?uri=<page> and the browser's header lines; 200 delivers the cached file", async () => {
    const s = await securedSite()
    s.up.publish.behave(CHECK, { status: 200, headers: { 'set-cookie': 'session=renewed; Path=/', 'x-other': 'no' } })
    const hit = await s.get(PAGE, { headers: USER })
    expect(hit.status).toBe(200)
    expect(hit.text).toBe(BODY)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(checks(s)).toEqual([`HEAD ${CHECK}?uri=${PAGE}`])
    const check = s.up.publish.requests.find((r) => r.url.startsWith(CHECK))!
    expect(check.headers.authorization).toBe(USER.authorization)
    expect(check.headers.cookie).toBe(USER.cookie)
    expect(pageFetches(s, PAGE)).toBe(1)
    // Only the header lines /headers allows reach the browser.
    expect(hit.headers['set-cookie']).toEqual(['session=renewed; Path=/'])
    expect(hit.headers['x-other']).toBeUndefined()
    const cache = hit.trace.stages.find((e) => e.stage === 'cache')!
    expect(cache.log).toContain('Authorization checker: backend answered with status code: 200')
    expect(cache.log).toContain('Authorization checker: passing header Set-Cookie')
    expect(cache.log?.join('\n')).not.toContain('passing header X-Other')
  })

  it('any other answer forwards the original request to the render, which answers; the cache file is left as it was', async () => {
    const s = await securedSite()
    const before = s.mtime(PAGE)
    s.up.publish.behave(CHECK, { status: 403 })
    s.up.publish.behave(PAGE, { body: 'fresh from the render', headers: { 'content-type': 'text/html' } })
    const denied = await s.get(PAGE, { headers: USER })
    expect(denied.status).toBe(200)
    expect(denied.text).toBe('fresh from the render')
    expect(denied.headers['x-cache-info']).toBe('not cacheable: authorization checker denied access')
    expect(pageFetches(s, PAGE)).toBe(2)
    expect(s.read(PAGE)).toBe(BODY)
    expect(s.mtime(PAGE)).toBe(before)
    expect(s.temps()).toEqual([])
    const cache = denied.trace.stages.find((e) => e.stage === 'cache')!
    expect(cache.log).toEqual(
      expect.arrayContaining([
        'Authorization checker: backend answered with status code: 403',
        `authorization checker denied access: ${s.abs(PAGE)}`,
        `cache-action for [${PAGE}]: NONE`
      ])
    )
  })

  it('a cached document outside /filter is delivered without a check; a miss is forwarded and stored without one', async () => {
    const s = await securedSite()
    s.up.publish.behave(CHECK, { status: 403 })
    await s.prime(JSON_PAGE, { headers: USER })
    const hit = await s.get(JSON_PAGE, { headers: USER })
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(pageFetches(s, JSON_PAGE)).toBe(1)
    expect(checks(s)).toEqual([])
  })

  it('explain contacts no render: it says which check would be sent before the cached page goes out', async () => {
    const s = await securedSite()
    const before = s.up.publish.count
    const trace = s.engine.explain({ method: 'GET', url: PAGE, headers: USER })
    const cache = trace.stages.find((e) => e.stage === 'cache')!
    expect(cache.summary).toContain(`once /auth_checker allows it (HEAD ${CHECK}?uri=${PAGE} answered 200)`)
    expect(cache.log).toContain(`Authorization checker: would send HEAD ${CHECK}?uri=${PAGE}`)
    expect(s.up.publish.count).toBe(before)
  })

  it('a failing check (500) denies too: the request goes to the render', async () => {
    const s = await securedSite()
    s.up.publish.behave(CHECK, { status: 500 })
    const denied = await s.get(PAGE, { headers: USER })
    expect(denied.headers['x-cache-info']).toBe('not cacheable: authorization checker denied access')
    expect(pageFetches(s, PAGE)).toBe(2)
  })

  it("the check carries every header line of the browser's request, not only the farm's /clientheaders", async () => {
    const s = await securedSite({ clientheaders: ['cookie', 'host'] })
    s.up.publish.behave(CHECK, { status: 200 })
    const hit = await s.get(PAGE, { headers: { ...USER, 'x-tenant': 'blue' } })
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    const check = s.up.publish.requests.find((r) => r.url.startsWith(CHECK))!
    expect(check.headers.authorization).toBe(USER.authorization)
    expect(check.headers['x-tenant']).toBe('blue')
    expect(check.headers.cookie).toBe(USER.cookie)
    // The page itself was fetched with /clientheaders applied.
    const fetch = s.up.publish.requests.find((r) => r.method === 'GET' && r.url === PAGE)!
    expect(fetch.headers.authorization).toBeUndefined()
    expect(fetch.headers.cookie).toBe(USER.cookie)
  })
})
