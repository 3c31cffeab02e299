/**
 * The WKND reference project's real AEMaaCS configuration (the corpus copy) under Debian's
 * apache2 and under the workbench, side by side (project.ts): its rewrite rules, CORS
 * SetEnvIfExpr and Header rules, `<LocationMatch>` cache headers, ErrorDocuments, the SDK's
 * dispatcher_vhost.conf (probes, /systemready, CRXDE and GraphQL proxies, the test.proxy vhost)
 * — every answer must agree.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { CORPUS, projectSideBySide } from './project'

/** Docroot files the rewritten URLs reach (relative path → content). */
const FILES: Record<string, string> = {
  'content/wknd/us/en.html': '<html>en</html>\n',
  'content/wknd/us/en/adventures.html': '<html>adventures</html>\n',
  'content/wknd/us/en/errors/404.html': '<html>not found</html>\n',
  'content/wknd/us/en/page.model.json': '{"a":1}\n',
  'content/dam/wknd/image.jpg': 'jpg',
  'etc.clientlibs/wknd/clientlibs/site.css': 'body{}\n',
  'etc.clientlibs/wknd/clientlibs/site.js': 'x=1\n',
  'content/wknd/us/empty.html': ''
}

const ORIGIN_TRUSTED = 'http://localhost:3000'

const REQUESTS: HttpdRequest[] = [
  ['GET', '/', {}],
  // A bare `?` is an empty r->args, not none: the redirect keeps it.
  ['GET', '/?', {}],
  // Read with the first-listed vhost's limits (test.proxy: LimitRequestFieldSize 32768), and
  // refused before any section walk: no <Directory /> Header lines on these errors.
  ['GET', '/us/en.html', { 'x-big': 'y'.repeat(9000) }],
  ['GET', '/us/en.html', { 'x-big': 'y'.repeat(40000) }],
  ['GET', `/us/en.html?q=${'x'.repeat(9000)}`, {}],
  ['GET', '/us/en.html%', {}],
  ['GET', '/us/en.html', { expect: 'something-else' }],
  ['GET', '/', { 'x-forwarded-proto': 'https' }],
  ['GET', '/us/en.html', {}],
  ['GET', '/us/en.html', { 'accept-encoding': 'gzip' }],
  ['HEAD', '/us/en.html', {}],
  ['GET', '/us/en/adventures.html?x=1', {}],
  ['GET', '/us/en/missing.html', {}],
  ['GET', '/content/wknd/us/en.html', {}],
  ['GET', '/content/wknd/us/en/page.model.json', {}],
  ['GET', '/content/dam/wknd/image.jpg', { 'accept-encoding': 'gzip' }],
  ['GET', '/etc.clientlibs/wknd/clientlibs/site.css', {}],
  ['GET', '/etc.clientlibs/wknd/clientlibs/site.js', { 'accept-encoding': 'gzip' }],
  ['GET', '/us/en.html', { host: 'www.wknd.site' }],
  // A redirect refused for an encoded '?' (CVE-2024-38474) sets none of its rule's [E=] variables.
  ['GET', '/a%3Fb', { host: 'www.wknd.site' }],
  ['GET', '/xmlrpc.php', {}],
  ['GET', '/blog/wp-login.php', {}],
  ['GET', '/us/en.html', { 'user-agent': 'WordPress/6.0' }],
  ['GET', '/us/en.html', { 'x-forwarded-for': 'not-an-ip' }],
  ['GET', '/us/en.html', { 'x-forwarded-for': '203.0.113.7' }],
  // CORS, as the vhost's SetEnvIfExpr and Header rules decide it.
  ['GET', '/us/en.html', { origin: ORIGIN_TRUSTED }],
  ['GET', '/us/en.html', { origin: 'https://evil.example' }],
  ['GET', '/us/en.html', { origin: 'http://localhost' }],
  ['OPTIONS', '/us/en.html', { origin: ORIGIN_TRUSTED, 'access-control-request-method': 'GET' }],
  ['OPTIONS', '/us/en.html', { origin: 'https://evil.example', 'access-control-request-method': 'GET' }],
  ['OPTIONS', '/us/en.html', { origin: ORIGIN_TRUSTED }],
  // The SDK's proxied locations go to AEM (the backend).
  ['GET', '/systemready', {}],
  // The image's remoteip.conf: the client X-Forwarded-For names, restored for AEM, then mod_proxy's entry.
  ['GET', '/systemready', { 'x-forwarded-for': '203.0.113.7' }],
  ['GET', '/systemready', { 'x-forwarded-for': '198.51.100.2, 10.0.0.5' }],
  ['GET', '/systemready', { 'x-forwarded-for': '10.0.0.5, 203.0.113.7' }],
  ['GET', '/system/probes/health', {}],
  ['GET', '/system/probes/ready', {}],
  ['GET', '/crx/de/index.jsp', {}],
  ['GET', '/graphql/execute.json/wknd/adventures-all', {}],
  ['GET', '/graphql/execute.json/wknd/adventure-by-slug%3Bslug%3Dbali', {}],
  ['GET', '/adobe/dynamicmedia/deliver/abc/image.jpg', {}],
  ['GET', '/adobe/dynamicmedia/deliver/a%2Fb/caf%C3%A9%20x.jpg', {}],
  ['GET', '/anything.html', { host: 'test.proxy' }],
  ['GET', '/a%2Fb%20c/caf%C3%A9', { host: 'test.proxy' }],
  // The byte-range filter cuts a small proxied 200 that arrives in mod_proxy's first read.
  ['GET', '/systemready', { range: 'bytes=0-3' }],
  ['GET', '/systemready', { range: 'bytes=0-3,5-6' }],
  ['GET', '/systemready', { range: 'bytes=0-3', 'accept-encoding': 'gzip' }],
  ['GET', '/systemready', { range: 'bytes=99999-' }],
  ['GET', '/systemready', { range: 'bytes=0-3', 'if-range': '"nomatch"' }],
  ['HEAD', '/systemready', { range: 'bytes=0-3' }],
  ['GET', '/x', { host: 'test.proxy', range: 'bytes=1-2' }],
  ['GET', '/graphql/execute.json/wknd/x', { range: 'bytes=-5' }],
  // httpd's header filter drops a Content-Length of 0 from the answer to a HEAD.
  ['HEAD', '/content/wknd/us/empty.html', {}],
  ['HEAD', '/content/wknd/us/empty.html', { 'accept-encoding': 'gzip' }],
  ['GET', '/content/wknd/us/empty.html', {}]
]

const running = projectSideBySide({
  src: path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src'),
  files: FILES
})

describe("WKND's configuration under apache2 and under the workbench", () => {
  it('every request gets the same status, headers and body from both', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
