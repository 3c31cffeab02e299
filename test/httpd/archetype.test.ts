/**
 * The AEM project archetype's AEMaaCS dispatcher module (the corpus copy, what most projects
 * start from) under Debian's apache2 and under the workbench, side by side (project.ts). Its
 * Maven placeholders (`${appId}`, `${country}`, `${language}`) are given as the environment
 * variables a generated project would have filled in.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { CORPUS, projectSideBySide } from './project'

/** After the files' mtime (a minute before the servers start) and before any request. */
const SINCE = new Date(Date.now() - 5_000).toUTCString()

const FILES: Record<string, string> = {
  'content/mysite/us/en.html': '<html>home, long enough to be worth compressing: '.padEnd(400, 'x') + '</html>\n',
  'content/mysite/us/en/about.html': '<html>about</html>\n',
  'content/mysite/us/en/about.model.json': '{"title":"about"}\n',
  'content/mysite/logo.svg': '<svg/>\n',
  'content/dam/mysite/hero.jpg': 'jpg '.repeat(100),
  'conf/mysite/settings/logo.png': 'png',
  'etc.clientlibs/mysite/clientlibs/clientlib-site.min.css': 'body{}\n'
}

const REQUESTS: HttpdRequest[] = [
  ['GET', '/', {}],
  ['GET', '/', { 'accept-encoding': 'gzip' }],
  ['GET', '/us/en/about.html', {}],
  ['GET', '/content/mysite/us/en/about.model.json', { 'accept-encoding': 'gzip' }],
  ['GET', '/logo.svg', {}],
  ['GET', '/content/dam/mysite/hero.jpg', { 'accept-encoding': 'gzip' }],
  ['GET', '/conf/mysite/settings/logo.png', {}],
  ['GET', '/etc.clientlibs/mysite/clientlibs/clientlib-site.min.css', { 'accept-encoding': 'gzip' }],
  ['GET', '/us/en/missing.html', {}],
  ['GET', '/index.html', {}],
  ['GET', '/content/mysite/us/en%2Fabout.html', {}],
  ['GET', '/systemready', {}],
  ['GET', '/system/probes/health', {}],
  ['GET', '/crx/de/index.jsp', {}],
  ['GET', '/graphql/execute.json/mysite/all', {}],
  ['GET', '/us/en.html', { host: 'www.example.com' }],
  ['GET', '/xmlrpc.php', {}],
  // mod_expires reads r->content_type, which a 304 and a multipart 206 keep as the file's
  // (the SDK's default ExpiresByType text/html applies: this project does not disable it)
  ['GET', '/content/mysite/us/en/about.html', { 'if-modified-since': SINCE }],
  ['GET', '/content/mysite/us/en/about.html', { 'if-none-match': '*' }],
  ['HEAD', '/content/mysite/us/en/about.html', { 'if-modified-since': SINCE }],
  ['GET', '/', { 'if-modified-since': SINCE }],
  ['GET', '/content/mysite/us/en/about.html', { range: 'bytes=0-1,3-4' }],
  ['GET', '/content/mysite/us/en/about.html', { range: 'bytes=0-1' }],
  ['GET', '/content/mysite/us/en/about.model.json', { 'if-modified-since': SINCE }]
]

const running = projectSideBySide({
  src: path.join(CORPUS, 'adobe__aem-project-archetype', 'src', 'main', 'archetype', 'dispatcher.cloud', 'src'),
  files: FILES,
  env: { appId: 'mysite', country: 'us', language: 'en' }
})

describe("The project archetype's configuration under apache2 and under the workbench", () => {
  it('every request gets the same status, headers and body from both', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
