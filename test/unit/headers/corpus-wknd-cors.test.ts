/**
 * WKND's CORS handling (adobe/aem-guides-wknd, dispatcher/src/conf.d/enabled_vhosts/wknd.vhost)
 * end to end through the Apache modules in request order: mod_setenvif when the request is
 * read, mod_rewrite (the `[R=204]` rule), RequestHeader before forwarding, Header on the way out.
 * Directives are copied from the vhost in order; `<Directory />` adds its own after the vhost's.
 */
import { describe, expect, it } from 'vitest'
import type { ApacheRequest } from '../../../src/main/engine/apache-expr'
import { applyRequestHeaders, applyResponseHeaders, applySetEnv } from '../../../src/main/engine/pipeline/headers'
import { applyRewrites, compileRewriteRules } from '../../../src/main/engine/pipeline/rewrite'
import { request } from '../apache-expr/fixtures'
import { context, parseRewriteLines } from '../rewrite/fixtures'
import { headerDirectives, setEnvDirectives } from './fixtures'

const SETENV = setEnvDirectives(String.raw`
SetEnvIfExpr "req_novary('Origin') == ''" CORSType=none CORSProcessing=false
SetEnvIfExpr "req_novary('Origin') != ''" CORSType=cors CORSProcessing=true CORSTrusted=false
SetEnvIfExpr "req_novary('Access-Control-Request-Method') == '' && %{REQUEST_METHOD} == 'OPTIONS' && req_novary('Origin') != ''" CORSType=invalidpreflight CORSProcessing=false
SetEnvIfExpr "req_novary('Access-Control-Request-Method') != '' && %{REQUEST_METHOD} == 'OPTIONS' && req_novary('Origin') != ''" CORSType=preflight CORSProcessing=true CORSTrusted=false
SetEnvIfExpr "req_novary('Origin') -strcmatch 'https://%{HTTP_HOST}*'" CORSType=samedomain CORSProcessing=false CORSTrusted=true
SetEnvIfExpr "req_novary('Origin') -strcmatch 'http://%{HTTP_HOST}*'" CORSType=samedomain CORSProcessing=false CORSTrusted=true
SetEnvIfExpr "%{HTTP_HOST} =~ /(.*)/ " ParsedHost=$1
SetEnvIfExpr "env('CORSProcessing') == 'true' && req_novary('Origin') =~ m#(http://localhost(:\d+)?$)#" CORSTrusted=true
SetEnvIfExpr "env('CORSProcessing') == 'true' && req_novary('Origin') =~ m#(https://experience\.adobe\.com$)#" CORSTrusted=true
SetEnvIfExpr "env('CORSProcessing') == 'true' && req_novary('Origin') =~ m#(https://.*\.vercel\.app$)#" CORSTrusted=true
SetEnvIfExpr "env('CORSProcessing') == 'true' && req_novary('Origin') =~ m#(https://.*\.github\.io$)#" CORSTrusted=true
SetEnvIfExpr "env('CORSProcessing') == 'true' && req_novary('Origin') =~ m#(https://.*\.csb\.app$)#" CORSTrusted=true
SetEnvIfExpr "env('CORSProcessing') == 'true' && req_novary('Origin') =~ m#(https://cdpn\.io$)#" CORSTrusted=true
SetEnvIfNoCase ^Origin$ ^(.*)$ CORSTrustedOrigin=$1
`)

const VHOST_HEADERS = String.raw`
Header add X-Vhost "publish"
Header unset Access-Control-Allow-Origin
Header unset Access-Control-Allow-Credentials
Header always set Access-Control-Allow-Credentials "true" "expr=reqenv('CORSTrusted') == 'true'"
Header always set Access-Control-Allow-Origin "%{CORSTrustedOrigin}e" "expr=reqenv('CORSTrusted') == 'true'"
Header always set Access-Control-Allow-Methods "GET" "expr=reqenv('CORSTrusted') == 'true'"
Header always set Access-Control-Max-Age 1800 "expr=reqenv('CORSTrusted') == 'true'"
Header always set Access-Control-Allow-Headers "Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, Access-Control-Request-Headers" "expr=reqenv('CORSTrusted') == 'true'"
Header unset Access-Control-Allow-Credentials "expr=reqenv('CORSProcessing') == 'false' || reqenv('CORSTrusted') == 'false'"
Header unset Access-Control-Allow-Origin "expr=reqenv('CORSProcessing') == 'false' || reqenv('CORSTrusted') == 'false'"
Header unset Access-Control-Allow-Methods "expr=reqenv('CORSProcessing') == 'false' || reqenv('CORSTrusted') == 'false'"
Header unset Access-Control-Max-Age "expr=reqenv('CORSProcessing') == 'false' || reqenv('CORSTrusted') == 'false'"
Header merge Vary Origin
Header always set Cache-Control "max-age=300,stale-while-revalidate=43200,stale-if-error=43200" env=cdncache
`
const DIRECTORY_HEADERS = 'Header always append X-Frame-Options SAMEORIGIN'
const REQUEST_HEADERS = headerDirectives('RequestHeader unset Origin')
const vhostHeaders = headerDirectives(VHOST_HEADERS)
const pageHeaders = headerDirectives(`${VHOST_HEADERS}\n${DIRECTORY_HEADERS}`)

const rewrite = compileRewriteRules(
  parseRewriteLines(
    [
      `RewriteCond expr "reqenv('CORSProcessing') == 'true' && reqenv('CORSTrusted') == 'false'"`,
      'RewriteRule "^(.*)" - [R=204,L]'
    ].join('\n')
  ).rules
)

/** One request through the modules; the render answers 200 with its own CORS header. */
function serve(req: ApacheRequest) {
  const setenv = applySetEnv(SETENV, req, {})
  const rw = applyRewrites(rewrite, req, context({ env: setenv.env }))
  if (rw.action === 'status') {
    const resp = applyResponseHeaders(vhostHeaders, { status: rw.status as number, headers: {} }, req, rw.env, {
      errorResponse: true
    })
    return { env: rw.env, status: rw.status, forwarded: null, headers: resp.headers }
  }
  const forwarded = applyRequestHeaders(REQUEST_HEADERS, req, rw.env).headers
  const resp = applyResponseHeaders(
    pageHeaders,
    { status: 200, headers: { 'content-type': 'text/html', 'access-control-allow-origin': '*' } },
    req,
    rw.env
  )
  return { env: rw.env, status: 200, forwarded, headers: resp.headers }
}

const page = (headers: Record<string, string>, method = 'GET') =>
  request({ method, uri: '/content/wknd/us/en.html', headers: { host: 'wknd.site', ...headers } })

describe('WKND CORS', () => {
  it('a trusted origin gets exactly one Access-Control-Allow-Origin naming it, and Origin is not forwarded', () => {
    const r = serve(page({ origin: 'https://experience.adobe.com' }))
    expect(r.env).toMatchObject({
      CORSType: 'cors',
      CORSProcessing: 'true',
      CORSTrusted: 'true',
      ParsedHost: 'wknd.site'
    })
    expect(r.forwarded).toEqual({ host: 'wknd.site' })
    expect(r.headers).toEqual({
      'access-control-allow-credentials': 'true',
      'access-control-allow-origin': 'https://experience.adobe.com',
      'access-control-allow-methods': 'GET',
      'access-control-max-age': '1800',
      'access-control-allow-headers':
        'Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, Access-Control-Request-Headers',
      'x-frame-options': 'SAMEORIGIN',
      'content-type': 'text/html',
      'x-vhost': 'publish',
      vary: 'Origin'
    })
  })

  it('an untrusted origin is answered 204 by the rewrite rule, without CORS headers', () => {
    const r = serve(page({ origin: 'https://evil.example' }))
    expect(r).toMatchObject({ status: 204, forwarded: null })
    expect(r.env).toMatchObject({ CORSProcessing: 'true', CORSTrusted: 'false' })
    expect(r.headers).toEqual({})
  })

  it('a same-domain origin still gets the "always" CORS headers: the onsuccess unsets cannot remove them', () => {
    const r = serve(page({ origin: 'https://wknd.site' }))
    expect(r.env).toMatchObject({ CORSType: 'samedomain', CORSProcessing: 'false', CORSTrusted: 'true' })
    expect(r.headers['access-control-allow-origin']).toBe('https://wknd.site')
  })

  it('a preflight with Access-Control-Request-Method from a trusted origin is processed', () => {
    const r = serve(page({ origin: 'http://localhost:4502', 'access-control-request-method': 'GET' }, 'OPTIONS'))
    expect(r.env).toMatchObject({ CORSType: 'preflight', CORSTrusted: 'true' })
    expect(r.status).toBe(200)
  })

  it("without Origin nothing CORS-related is added and the backend's own header is removed", () => {
    const r = serve(page({}))
    expect(r.env).toMatchObject({ CORSType: 'none', CORSProcessing: 'false' })
    expect(r.headers).toEqual({
      'x-frame-options': 'SAMEORIGIN',
      'content-type': 'text/html',
      'x-vhost': 'publish',
      vary: 'Origin'
    })
  })

  it('the "/" redirect carries the CDN Cache-Control because the rule set cdncache', () => {
    const req = request({ uri: '/', headers: { host: 'wknd.site' } })
    const r = applyResponseHeaders(
      vhostHeaders,
      { status: 301, headers: { location: 'http://wknd.site/us/en.html' } },
      req,
      { cdncache: '' },
      {
        errorResponse: true
      }
    )
    expect(r.headers).toEqual({
      'cache-control': 'max-age=300,stale-while-revalidate=43200,stale-if-error=43200',
      location: 'http://wknd.site/us/en.html'
    })
  })
})
