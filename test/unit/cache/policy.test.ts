import { describe, expect, it } from 'vitest'
import {
  clientAllowedToFlush,
  compileCachePolicy,
  isAutoInvalidated,
  isIgnoredParam,
  storedHeaders
} from '../../../src/main/engine/cache/policy'
import { requestCacheability, type CacheRequest } from '../../../src/main/engine/cache/request-cacheability'
import { responseCacheability } from '../../../src/main/engine/cache/response-cacheability'
import { ttlFromHeaders } from '../../../src/main/engine/cache/ttl'
import { configC, farmWith, policyC, rule } from './helpers'

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): CacheRequest {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  return { method, path, decodedPath: decodeURIComponent(path), query: q < 0 ? null : url.slice(q + 1), headers }
}

const utmOnly = { ignoreUrlParams: [rule('0001', 'deny', '*'), rule('0002', 'allow', 'utm_source')] }

describe('request cacheability, worked examples of §12.3 (config C)', () => {
  it('C1: GET /content/site/en.html is cacheable as the file /content/site/en.html', () => {
    const r = requestCacheability(policyC(), get('/content/site/en.html'))
    expect(r).toEqual({ cacheable: true, relPath: '/content/site/en.html', ignoredParams: [], log: [] })
  })

  it('C3: an ignored utm_source maps to the query-less file and logs "Query string ignored"', () => {
    const r = requestCacheability(policyC(utmOnly), get('/content/site/en.html?utm_source=x'))
    expect(r.cacheable).toBe(true)
    if (!r.cacheable) return
    expect(r.relPath).toBe('/content/site/en.html')
    expect(r.ignoredParams).toEqual(['utm_source'])
    expect(r.log).toContain('Query string ignored: utm_source=x')
  })

  it('C4: one parameter not ignored (q) makes the request uncacheable, naming it in the log', () => {
    const r = requestCacheability(policyC(utmOnly), get('/content/site/en.html?utm_source=x&q=1'))
    expect(r).toMatchObject({ cacheable: false, reason: 'request contained a query string' })
    expect(r.log).toContain('Name not in ignored URL parameters ACL: q')
  })

  it('C5: allow "*" then deny "q" keeps q (last match wins), so ?q=1 is not cacheable', () => {
    const p = policyC({ ignoreUrlParams: [rule('0001', 'allow', '*'), rule('0002', 'deny', 'q')] })
    expect(requestCacheability(p, get('/content/site/en.html?q=1'))).toMatchObject({
      cacheable: false,
      reason: 'request contained a query string'
    })
    expect(isIgnoredParam(p, 'q')).toBe(false)
    expect(isIgnoredParam(p, 'other')).toBe(true)
  })

  it('C6: without /ignoreUrlParams any query string prevents caching', () => {
    expect(requestCacheability(policyC(), get('/content/site/en.html?x=1'))).toMatchObject({
      cacheable: false,
      reason: 'request contained a query string'
    })
  })

  it('C7: a last segment without a dot is "request URL is missing extension", also after an extension (/test.html/a/path)', () => {
    expect(requestCacheability(policyC(), get('/content/site/en'))).toMatchObject({
      reason: 'request URL is missing extension'
    })
    expect(requestCacheability(policyC(), get('/test.html/a/path'))).toMatchObject({
      reason: 'request URL is missing extension'
    })
  })

  it('C8: /content/site/en/ is "request URL has a trailing slash" (checked before the extension)', () => {
    expect(requestCacheability(policyC(), get('/content/site/en/'))).toMatchObject({
      reason: 'request URL has a trailing slash'
    })
  })

  it('C9: POST is "request needed to be a GET or HEAD"; HEAD is cacheable', () => {
    expect(requestCacheability(policyC(), get('/content/site/contact.form.html', {}, 'POST'))).toMatchObject({
      reason: 'request needed to be a GET or HEAD'
    })
    expect(requestCacheability(policyC(), get('/content/site/en.html', {}, 'HEAD')).cacheable).toBe(true)
  })

  it('C10/C11: an Authorization header or a login-token / authorization cookie is "request contains authorization"', () => {
    const p = policyC()
    const reason = 'request contains authorization'
    expect(requestCacheability(p, get('/content/site/en.html', { authorization: 'Basic YTpi' }))).toMatchObject({
      reason
    })
    expect(requestCacheability(p, get('/content/site/en.html', { cookie: 'login-token=abc' }))).toMatchObject({
      reason
    })
    expect(requestCacheability(p, get('/content/site/en.html', { cookie: 'a=1; authorization=x' }))).toMatchObject({
      reason
    })
    expect(requestCacheability(p, get('/content/site/en.html', { cookie: 'my-login-token=abc' })).cacheable).toBe(true)
  })

  it('C12: with /allowAuthorized "1" the request with Authorization is cacheable', () => {
    const p = policyC({ allowAuthorized: { value: true } })
    expect(requestCacheability(p, get('/content/site/en.html', { authorization: 'Basic YTpi' })).cacheable).toBe(true)
  })

  it('C18: a /rules deny is "request URL is missing in cache rules" with the module debug line', () => {
    const r = requestCacheability(policyC(), get('/libs/granite/csrf/token.json'))
    expect(r).toMatchObject({ cacheable: false, reason: 'request URL is missing in cache rules' })
    expect(r.log).toEqual(['request URL not in cache rules: /libs/granite/csrf/token.json'])
  })

  it('a document no /rules entry matches is not cached (no rule, no caching)', () => {
    const p = policyC({ rules: [rule('0000', 'allow', '/content/*')] })
    expect(requestCacheability(p, get('/etc/x.html'))).toMatchObject({
      reason: 'request URL is missing in cache rules'
    })
  })

  it('C21: a farm without /docroot (or a docroot missing on disk) is "document root non-existent"', () => {
    const noDocroot = configC({ docroot: undefined })
    expect(requestCacheability(compileCachePolicy(noDocroot, farmWith(noDocroot)), get('/a.html'))).toMatchObject({
      reason: 'document root non-existent'
    })
    expect(requestCacheability(compileCachePolicy(undefined, farmWith(undefined)), get('/a.html'))).toMatchObject({
      reason: 'document root non-existent'
    })
    expect(requestCacheability(policyC(), get('/a.html'), { docrootExists: false })).toMatchObject({
      reason: 'document root non-existent'
    })
  })

  it('the file path comes from the decoded path, /rules sees the canonical path', () => {
    const r = requestCacheability(policyC(), { ...get('/content/a%20b.html'), decodedPath: '/content/a b.html' })
    expect(r).toMatchObject({ cacheable: true, relPath: '/content/a b.html' })
  })
})

describe('response cacheability (§5.4)', () => {
  it('C13: Dispatcher: no_cache (and the AEM spelling no-cache) is "response contains no_cache"', () => {
    expect(responseCacheability(200, { dispatcher: 'no_cache' })).toMatchObject({
      store: false,
      reason: 'response contains no_cache'
    })
    expect(responseCacheability(200, { dispatcher: 'no-cache' })).toMatchObject({
      store: false,
      reason: 'response contains no_cache'
    })
  })

  it('C14: Cache-Control no-store, no-cache, must-revalidate and Pragma: no-cache block storing with a workbench reason', () => {
    expect(responseCacheability(200, { 'cache-control': 'no-store' })).toEqual({
      store: false,
      reason: 'x-workbench: response has Cache-Control: no-store',
      warnings: []
    })
    expect(responseCacheability(200, { 'cache-control': 'max-age=0, must-revalidate' })).toMatchObject({ store: false })
    expect(responseCacheability(200, { 'cache-control': 'no-cache="Set-Cookie"' })).toMatchObject({ store: false })
    expect(responseCacheability(200, { pragma: 'no-cache' })).toMatchObject({
      reason: 'x-workbench: response has Pragma: no-cache'
    })
  })

  it('C15: Cache-Control: private is stored, with a warning', () => {
    const r = responseCacheability(200, { 'cache-control': 'private, max-age=60' })
    expect(r.store).toBe(true)
    expect(r.warnings[0]).toMatch(/private does not stop/)
  })

  it('Set-Cookie does not block storing but is reported', () => {
    const r = responseCacheability(200, { 'set-cookie': ['a=1', 'b=2'] })
    expect(r.store).toBe(true)
    expect(r.warnings[0]).toMatch(/sets a cookie/)
  })

  it('C16: a 404 is not stored (x-workbench reason)', () => {
    expect(responseCacheability(404, {})).toMatchObject({
      store: false,
      reason: 'x-workbench: response status 404 is not cached'
    })
  })

  it('C17: Content-Length: 0 (or a known empty body) is "response content length is zero"', () => {
    expect(responseCacheability(200, { 'content-length': '0' })).toMatchObject({
      reason: 'response content length is zero'
    })
    expect(responseCacheability(200, {}, 0)).toMatchObject({ reason: 'response content length is zero' })
    expect(responseCacheability(200, { 'content-length': '12' }).store).toBe(true)
  })
})

describe('TTL from headers (§5.5.5)', () => {
  const now = 1_700_000_000_000
  it('s-maxage wins over max-age, which wins over Expires', () => {
    expect(
      ttlFromHeaders(
        { 'cache-control': 'max-age=300, s-maxage=60', expires: new Date(now + 999_000).toUTCString() },
        now
      )
    ).toBe(now + 60_000)
    expect(ttlFromHeaders({ 'cache-control': 'public, max-age=300' }, now)).toBe(now + 300_000)
    expect(ttlFromHeaders({ expires: 'Wed, 15 Nov 2023 00:00:00 GMT' }, now)).toBe(
      Date.parse('Wed, 15 Nov 2023 00:00:00 GMT')
    )
  })
  it('no expiry information (or an unreadable Expires) gives no TTL', () => {
    expect(ttlFromHeaders({ 'cache-control': 'public' }, now)).toBeNull()
    expect(ttlFromHeaders({ expires: '0' }, now)).toBeNull()
  })
})

describe('policy helpers', () => {
  it('/invalidate decides auto-invalidation (last match wins); an absent section invalidates nothing', () => {
    const p = policyC()
    expect(isAutoInvalidated(p, '/content/site/en.html')).toBe(true)
    expect(isAutoInvalidated(p, '/content/site/en/data.json')).toBe(false)
    expect(isAutoInvalidated(policyC({ invalidate: undefined }), '/content/site/en.html')).toBe(false)
  })

  it('S10: /allowedClients deny "*" then allow 127.0.0.1 rejects 10.0.0.5 and admits 127.0.0.1; absent ⇒ everyone', () => {
    const p = policyC({ allowedClients: [rule('0', 'deny', '*'), rule('1', 'allow', '127.0.0.1')] })
    expect(clientAllowedToFlush(p, '10.0.0.5')).toBe(false)
    expect(clientAllowedToFlush(p, '127.0.0.1')).toBe(true)
    expect(clientAllowedToFlush(policyC(), '10.0.0.5')).toBe(true)
  })

  it('/headers keeps the configured names present in the response, every value of a repeated one', () => {
    const p = policyC({
      headers: [{ value: 'Content-Type' }, { value: 'Set-Cookie' }, { value: 'X-Absent' }, { value: 'content-type' }]
    })
    expect(storedHeaders(p, { 'content-type': 'text/html', 'set-cookie': ['a=1', 'b=2'], 'x-other': 'y' })).toEqual([
      ['Content-Type', 'text/html'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2']
    ])
  })

  it('/statfile is used when /statfileslevel is 0, ignored otherwise, and refused outside the docroot', () => {
    expect(
      policyC({ docroot: { value: '/d' }, statfileslevel: { value: 0 }, statfile: { value: '/d/flush/.stat' } })
        .statfile
    ).toBe('/flush/.stat')
    expect(
      policyC({ docroot: { value: '/d' }, statfileslevel: { value: 2 }, statfile: { value: '/d/flush/.stat' } })
        .statfile
    ).toBe('/.stat')
    const outside = policyC({
      docroot: { value: '/d' },
      statfileslevel: { value: 0 },
      statfile: { value: '/tmp/.stat' }
    })
    expect(outside.statfile).toBe('/.stat')
    expect(outside.warnings[0]).toMatch(/outside the docroot/)
  })
})
