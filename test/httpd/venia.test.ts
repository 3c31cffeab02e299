/**
 * The CIF Venia reference project's AEMaaCS configuration (the corpus copy) under Debian's
 * apache2 and under the workbench, side by side (project.ts): its vhost with
 * `AllowEncodedSlashes NoDecode`, the rewrite rules that put short URLs under /content/venia,
 * `<Directory />` compression with a `SetEnvIfNoCase … no-gzip` exception, `Header always append`,
 * its ErrorDocuments, and the SDK's proxied locations — every answer must agree.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { CORPUS, projectSideBySide } from './project'

const FILES: Record<string, string> = {
  'content/venia/us/en.html': '<html>venia home, long enough to be worth compressing: '.padEnd(400, 'x') + '</html>\n',
  'content/venia/us/en/products.html': '<html>products</html>\n',
  'content/venia/us/en/errors/404.html': '<html>venia not found</html>\n',
  'content/venia/us/en/errors/503.html': '<html>venia unavailable</html>\n',
  'content/venia/logo.png': 'png '.repeat(100),
  'content/venia/sitemap.xml': '<urlset/>\n'
}

const REQUESTS: HttpdRequest[] = [
  ['GET', '/', {}],
  ['HEAD', '/', {}],
  ['GET', '/', { 'accept-encoding': 'gzip' }],
  ['GET', '/us/en/products.html', {}],
  ['GET', '/us/en/products.html?page=2', {}],
  ['GET', '/logo.png', { 'accept-encoding': 'gzip' }],
  ['GET', '/sitemap.xml', {}],
  ['GET', '/content/venia/us/en.html', { 'accept-encoding': 'gzip, deflate' }],
  ['GET', '/us/en/missing.html', {}],
  ['GET', '/libs/granite/core/content/login.html', {}],
  ['GET', '/content/venia/a%2Fb.html', {}],
  ['GET', '/a%2Fb.html', {}],
  ['GET', '/api/graphql', {}],
  ['GET', '/systemready', {}],
  ['GET', '/content/test-site/page.html', {}],
  ['GET', '/crx/de/index.jsp', {}],
  ['GET', '/crx/server/a%2Fb%20c', {}],
  ['GET', '/us/en.html', { host: 'shop.example.com' }],
  ['GET', '/wp-login.php', {}]
]

const running = projectSideBySide({
  src: path.join(CORPUS, 'adobe__aem-cif-guides-venia', 'dispatcher', 'src'),
  files: FILES
})

describe("Venia's configuration under apache2 and under the workbench", () => {
  it('every request gets the same status, headers and body from both', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
