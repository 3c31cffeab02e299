/**
 * The rewrite rules of the WKND reference site (adobe/aem-guides-wknd, dispatcher/src/conf.d),
 * in the order the `wknd.vhost` virtual host sees them: its CORS rule, then
 * `rewrites/default_rewrite.rules` (the SDK's immutable file), then `rewrites/rewrite.rules`.
 * `${CONTENT_FOLDER_NAME}` is expanded to `wknd` as `variables/custom.vars` defines it.
 */
import { describe, expect, it } from 'vitest'
import type { ApacheRequest } from '../../../src/main/engine/apache-expr'
import { applyRewrites, compileRewriteRules } from '../../../src/main/engine/pipeline/rewrite'
import { request } from '../apache-expr/fixtures'
import { context, parseRewriteLines } from './fixtures'

const WKND_VHOST_RULES = String.raw`
RewriteCond expr "reqenv('CORSProcessing') == 'true' && reqenv('CORSTrusted') == 'false'"
RewriteRule "^(.*)" - [R=204,L]
RewriteCond %{HTTP:X-Forwarded-For} !^$
RewriteCond %{HTTP:X-Forwarded-For} !^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}
RewriteCond %{HTTP:X-Forwarded-For} !^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))
RewriteRule .* - [F]
RewriteRule ^.*xmlrpc.php - [F]
RewriteCond %{HTTP_USER_AGENT} ^.*wordpress [NC]
RewriteRule .* - [F]
RewriteRule ^.*wp-login - [F,NC,L]
RewriteCond %{REQUEST_URI} ^/graphql/execute.json
RewriteRule ^/(.*)$ /$1;.json [PT]
RewriteCond %{HTTP_HOST} www.wknd.site [NC]
RewriteRule ^(.*)$ https://wknd.site%{REQUEST_URI} [R=301,L,E=cdncache]
RewriteCond %{REQUEST_URI} ^/?$
RewriteCond %{HTTP:X-Forwarded-Proto} ^$
RewriteRule ^(/)$ /us/en.html [R=301,L,E=cdncache]
RewriteCond %{REQUEST_URI} ^/?$
RewriteRule ^(/)$ %{HTTP:X-Forwarded-Proto}://%{HTTP_HOST}/us/en.html [R=301,L,E=cdncache]
RewriteCond %{REQUEST_URI} !^/apps
RewriteCond %{REQUEST_URI} !^/bin
RewriteCond %{REQUEST_URI} !^/content
RewriteCond %{REQUEST_URI} !^/etc
RewriteCond %{REQUEST_URI} !^/home
RewriteCond %{REQUEST_URI} !^/libs
RewriteCond %{REQUEST_URI} !^/saml_login
RewriteCond %{REQUEST_URI} !^/system
RewriteCond %{REQUEST_URI} !^/tmp
RewriteCond %{REQUEST_URI} !^/var
RewriteCond %{REQUEST_URI} (.html|.jpe?g|.png|.svg)$
RewriteRule ^/(.*)$ /content/wknd/$1 [PT,L]
`

const { rules, maps } = parseRewriteLines(WKND_VHOST_RULES, '/dispatcher/src/conf.d/enabled_vhosts/wknd.vhost')
const compiled = compileRewriteRules(rules, maps)

function visit(req: Partial<ApacheRequest>, env: Record<string, string> = {}) {
  const headers = { host: 'localhost:8080', ...req.headers }
  return applyRewrites(
    compiled,
    request({ serverName: 'localhost', serverPort: 8080, ...req, headers }),
    context({ env })
  )
}

describe('WKND rewrite rules', () => {
  it('all compile without problems', () => {
    expect(compiled.problems).toEqual([])
    expect(compiled.rules.every((r) => !r.invalid)).toBe(true)
  })

  it('"/" without X-Forwarded-Proto redirects 301 to /us/en.html on this server and sets cdncache', () => {
    const r = visit({ uri: '/' })
    expect(r).toMatchObject({ action: 'redirect', status: 301, location: 'http://localhost:8080/us/en.html' })
    expect(r.env).toEqual({ cdncache: '' })
    expect(r.trace.summary).toMatch(
      /^redirect 301 to http:\/\/localhost:8080\/us\/en\.html by rule 8 \(wknd\.vhost:\d+\)$/
    )
  })

  it('"/" behind the CDN (X-Forwarded-Proto: https) redirects to https://<host>/us/en.html', () => {
    const r = visit({ uri: '/', headers: { host: 'wknd.site', 'x-forwarded-proto': 'https' } })
    expect(r).toMatchObject({ status: 301, location: 'https://wknd.site/us/en.html', env: { cdncache: '' } })
    // Only headers read by the conditions of the rule that applied count for Vary, not the substitution's.
    expect(r.vary).toEqual([])
  })

  it('www.wknd.site redirects to https://wknd.site with the same path and query', () => {
    const r = visit({ uri: '/us/en/adventures.html', query: 'a=1', headers: { host: 'WWW.wknd.site' } })
    expect(r).toMatchObject({ status: 301, location: 'https://wknd.site/us/en/adventures.html?a=1' })
  })

  it('a page path gets the /content/wknd prefix, passed through to the Dispatcher [PT]', () => {
    expect(visit({ uri: '/us/en.html' })).toMatchObject({ action: 'passthrough', uri: '/content/wknd/us/en.html' })
    expect(visit({ uri: '/content/wknd/us/en.html' }).action).toBe('none')
    expect(visit({ uri: '/etc.clientlibs/wknd/clientlibs/site.js' }).action).toBe('none')
  })

  it('the unescaped dots in (.html|…)$ also match "-html" (what the rule really says)', () => {
    expect(visit({ uri: '/abc-html' }).uri).toBe('/content/wknd/abc-html')
  })

  it('an X-Forwarded-For that is not an IP address is refused with 403', () => {
    expect(visit({ uri: '/us/en.html', headers: { 'x-forwarded-for': 'evil' } })).toMatchObject({
      action: 'status',
      status: 403,
      vary: ['X-Forwarded-For']
    })
    expect(visit({ uri: '/us/en.html', headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' } }).action).toBe(
      'passthrough'
    )
    expect(visit({ uri: '/us/en.html', headers: { 'x-forwarded-for': '2001:db8::1' } }).action).toBe('passthrough')
  })

  it('xmlrpc.php, wp-login and WordPress user agents are refused with 403', () => {
    expect(visit({ uri: '/xmlrpc.php' }).status).toBe(403)
    expect(visit({ uri: '/blog/WP-LOGIN.php' }).status).toBe(403)
    expect(visit({ uri: '/us/en.html', headers: { 'user-agent': 'WordPress/6.4; https://x' } }).status).toBe(403)
  })

  it('a persisted GraphQL query gets ";.json" appended so the Dispatcher sees an extension', () => {
    const r = visit({ uri: '/graphql/execute.json/wknd-shared/adventures-all' })
    expect(r).toMatchObject({ action: 'passthrough', uri: '/graphql/execute.json/wknd-shared/adventures-all;.json' })
  })

  it('an untrusted CORS request (SetEnvIfExpr set CORSProcessing=true, CORSTrusted=false) ends with 204', () => {
    const r = visit({ uri: '/us/en.html' }, { CORSProcessing: 'true', CORSTrusted: 'false' })
    expect(r).toMatchObject({ action: 'status', status: 204 })
    expect(r.trace.rules[0].conds[0]).toMatchObject({ kind: 'expr', result: true })
  })
})
