/**
 * The AEMaaCS baseline rewrite rules as shipped by the project archetype
 * (adobe/aem-project-archetype, src/main/archetype/dispatcher.cloud/src/conf.d): the `default.vhost`
 * sees `default_rewrite.rules`, then `rewrite.rules`, then its own `^(/?)$` rule; the immutable
 * `dispatcher_vhost.conf` adds the catch-all vhost, the test.proxy vhost and the frontend proxy.
 * The archetype is a template: `${CONTENT_FOLDER_NAME}` is defined as `${appId}`, and `${country}`
 * and `${language}` are Velocity placeholders, so they stay literal exactly as Apache would leave them.
 */
import { describe, expect, it } from 'vitest'
import type { ApacheRequest } from '../../../src/main/engine/apache-expr'
import { applyRewrites, compileRewriteRules, type RewriteContext } from '../../../src/main/engine/pipeline/rewrite'
import { request } from '../apache-expr/fixtures'
import { context, parseRewriteLines } from './fixtures'

/** A literal `$` inside the String.raw templates below. */
const $ = '$'

const DEFAULT_VHOST_RULES = String.raw`
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
RewriteRule ^/?$ /content/${$}{appId}/${$}{country}/${$}{language}.html [PT,L]
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
RewriteCond %{REQUEST_URI} !^/conf/(.+\.jpe?g|.+\.png|.+\.svg)$
RewriteCond %{REQUEST_URI} (.html|.jpe?g|.png|.svg)$
RewriteRule ^/(.*)$ /content/${$}{appId}/$1 [PT,L]
RewriteRule "^(/?)$" "/index.html" [PT]
`

function compile(text: string, file: string) {
  const { rules, maps } = parseRewriteLines(text, file)
  return compileRewriteRules(rules, maps)
}

const defaultVhost = compile(DEFAULT_VHOST_RULES, '/dispatcher.cloud/src/conf.d/available_vhosts/default.vhost')
const catchAll = compile('RewriteRule ^/* /index.html [PT,L,NC]', '/dispatcher.cloud/src/conf.d/dispatcher_vhost.conf')
const testProxyProd = compile('RewriteRule ^ - [F]', '/dispatcher.cloud/src/conf.d/dispatcher_vhost.conf')
const frontendStatic = compile(
  String.raw`RewriteRule "^/mnt/var/www/html/libs/cq/frontend-static(/[^\.].*)$" "%{env:FRONTEND_URI_PREFIX}$1?%{env:FRONTEND_URI_SUFFIX}" [P,L]`,
  '/dispatcher.cloud/src/conf.d/dispatcher_vhost.conf'
)

const visit = (compiled: ReturnType<typeof compile>, req: Partial<ApacheRequest>, ctx: Partial<RewriteContext> = {}) =>
  applyRewrites(compiled, request(req), context(ctx))

describe('AEMaaCS archetype rewrite rules', () => {
  it('all compile without problems', () => {
    for (const c of [defaultVhost, catchAll, testProxyProd, frontendStatic]) expect(c.problems).toEqual([])
  })

  it('"/" goes to the site root page with the unexpanded template placeholders left literal', () => {
    expect(visit(defaultVhost, { uri: '/' })).toMatchObject({
      action: 'passthrough',
      uri: '/content/${appId}/${country}/${language}.html'
    })
  })

  it('a short page URL gets the /content/<app> prefix; /conf images are left alone, other /conf URLs are not', () => {
    expect(visit(defaultVhost, { uri: '/us/en.html' }).uri).toBe('/content/${appId}/us/en.html')
    expect(visit(defaultVhost, { uri: '/conf/site/settings/logo.png' }).action).toBe('none')
    expect(visit(defaultVhost, { uri: '/conf/site/settings/data.html' }).uri).toBe(
      '/content/${appId}/conf/site/settings/data.html'
    )
  })

  it('the SDK protections answer 403 for a forged X-Forwarded-For, xmlrpc.php and WordPress scanners', () => {
    expect(visit(defaultVhost, { uri: '/', headers: { 'x-forwarded-for': 'unknown' } }).status).toBe(403)
    expect(visit(defaultVhost, { uri: '/a/xmlrpc.php' }).status).toBe(403)
    expect(visit(defaultVhost, { uri: '/', headers: { 'user-agent': 'wordpress' } }).status).toBe(403)
  })

  it('GraphQL persisted queries get ";.json"', () => {
    expect(visit(defaultVhost, { uri: '/graphql/execute.json/site/query;p=1' }).uri).toBe(
      '/graphql/execute.json/site/query;p=1;.json'
    )
  })

  it('the catch-all vhost sends everything to /index.html', () => {
    expect(visit(catchAll, { uri: '/any/thing.html' })).toMatchObject({ action: 'passthrough', uri: '/index.html' })
  })

  it('the test.proxy vhost refuses everything on production', () => {
    expect(visit(testProxyProd, { uri: '/x' })).toMatchObject({ action: 'status', status: 403 })
  })

  it('frontend-static requests are proxied to the CDN named by the container environment (directory scope)', () => {
    const r = visit(
      frontendStatic,
      { uri: '/libs/cq/frontend-static/site/app.js' },
      {
        scope: 'directory',
        perdir: '/libs/cq/frontend-static',
        filename: '/mnt/var/www/html/libs/cq/frontend-static/site/app.js',
        osEnv: { FRONTEND_URI_PREFIX: 'https://static.example.net/p', FRONTEND_URI_SUFFIX: 'v=42' }
      }
    )
    expect(r).toMatchObject({ action: 'proxy', proxyTo: 'https://static.example.net/p/site/app.js?v=42' })
  })

  it('a directory-scope rewrite to a local path is an internal redirect to the URL under the document root', () => {
    const c = compile('RewriteRule ^old\\.html$ new.html', '/conf.d/x.conf')
    const r = visit(
      c,
      { uri: '/dir/old.html' },
      { scope: 'directory', perdir: '/mnt/var/www/html/dir', filename: '/mnt/var/www/html/dir/old.html' }
    )
    expect(r).toMatchObject({ action: 'internal-redirect', uri: '/dir/new.html' })
  })
})
