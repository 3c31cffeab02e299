/**
 * The WKND reference project's real AEMaaCS configuration (the corpus copy) under Debian's
 * apache2 and under the workbench, side by side: its rewrite rules, CORS SetEnvIfExpr and
 * Header rules, `<LocationMatch>` cache headers, ErrorDocuments, the SDK's dispatcher_vhost.conf
 * (probes, /systemready, CRXDE and GraphQL proxies, the test.proxy vhost) — every answer must
 * agree. apache2 has no Dispatcher module, so both run the configuration as the SDK would
 * without it: the `<IfModule disp_apache2.c>` blocks are off and the docroot's files are served
 * by Apache's own handler, and the vhosts take any port (apache2 listens on a free one, not 80).
 * The variables are the ones the SDK's launcher passes (AEM on the test backend, which answers
 * with the request it got).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { resourcesDir } from '../../src/main/engine/resources'
import { startBackend, type Backend } from './backend'
import { compareAll, loadModules, startApache, type HttpdRequest, type RunningApache } from './harness'
import { freePort } from '../integration/support/ports'

const CORPUS = process.env.DW_CORPUS_DIR ?? path.resolve(__dirname, '../../../shared/corpus')
const WKND = path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src')

/** Docroot files the rewritten URLs reach (relative path → content). */
const FILES: Record<string, string> = {
  'content/wknd/us/en.html': '<html>en</html>\n',
  'content/wknd/us/en/adventures.html': '<html>adventures</html>\n',
  'content/wknd/us/en/errors/404.html': '<html>not found</html>\n',
  'content/wknd/us/en/page.model.json': '{"a":1}\n',
  'content/dam/wknd/image.jpg': 'jpg',
  'etc.clientlibs/wknd/clientlibs/site.css': 'body{}\n',
  'etc.clientlibs/wknd/clientlibs/site.js': 'x=1\n'
}

const ORIGIN_TRUSTED = 'http://localhost:3000'

const REQUESTS: HttpdRequest[] = [
  ['GET', '/', {}],
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
  ['GET', '/system/probes/health', {}],
  ['GET', '/system/probes/ready', {}],
  ['GET', '/crx/de/index.jsp', {}],
  ['GET', '/graphql/execute.json/wknd/adventures-all', {}],
  ['GET', '/graphql/execute.json/wknd/adventure-by-slug%3Bslug%3Dbali', {}],
  ['GET', '/adobe/dynamicmedia/deliver/abc/image.jpg', {}],
  ['GET', '/adobe/dynamicmedia/deliver/a%2Fb/caf%C3%A9%20x.jpg', {}],
  ['GET', '/anything.html', { host: 'test.proxy' }],
  ['GET', '/a%2Fb%20c/caf%C3%A9', { host: 'test.proxy' }]
]

let dir: string
let apache: RunningApache
let engine: Engine
let enginePort: number
let backend: Backend

/** A writable copy of the WKND `src` without the Dispatcher module's blocks (apache2 has no such module). */
function configCopy(): string {
  const src = path.join(dir, 'src')
  fs.cpSync(WKND, src, { recursive: true })
  const walk = (d: string): void => {
    fs.chmodSync(d, 0o755)
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name)
      if (e.isDirectory()) walk(full)
      else {
        fs.chmodSync(full, 0o644)
        // apache2 listens on a free port, not 80: its vhosts take any port, as the workbench's do.
        const text = fs.readFileSync(full, 'utf8')
        const edited = text
          .replaceAll('disp_apache2.c', 'disp_apache2_not_loaded.c')
          .replaceAll('<VirtualHost *:80>', '<VirtualHost *:*>')
        if (edited !== text) fs.writeFileSync(full, edited)
      }
    }
  }
  walk(src)
  // What the SDK supplies before any project file: the variables (the workbench's stand-in)
  // and a logs folder for the catch-all vhost's CustomLog.
  fs.copyFileSync(
    path.join(resourcesDir(), 'sdk-base', 'conf.d', 'variables', 'default.vars'),
    path.join(src, 'conf.d', 'variables', 'default.vars')
  )
  fs.mkdirSync(path.join(src, 'logs'))
  return src
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-wknd-'))
  fs.chmodSync(dir, 0o755)
  const docroot = path.join(dir, 'docroot')
  // A minute old, so both servers give strong ETags (see site.ts).
  const aMinuteAgo = new Date(Date.now() - 60_000)
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(docroot, rel)), { recursive: true })
    fs.writeFileSync(path.join(docroot, rel), text)
    fs.utimesSync(path.join(docroot, rel), aMinuteAgo, aMinuteAgo)
  }
  const chmod = (d: string): void => {
    fs.chmodSync(d, 0o755)
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) chmod(path.join(d, e.name))
  }
  chmod(docroot)
  const src = configCopy()
  backend = await startBackend(await freePort())

  const runDir = path.join(dir, 'apache')
  fs.mkdirSync(runDir)
  // The SDK image's httpd.conf: modules, types, then the workbench's stand-in for the rest.
  const base = fs.readFileSync(path.join(resourcesDir(), 'base-httpd.conf'), 'utf8')
  apache = await startApache({
    serverRoot: src,
    runDir,
    // The workbench types .js as httpd 2.4's own mime.types does; Debian's /etc/mime.types says text/javascript.
    lines: [...loadModules(), 'TypesConfig /etc/mime.types', 'AddType application/javascript .js', base],
    defines: ['ENVIRONMENT_DEV'],
    env: {
      DOCROOT: docroot,
      AEM_HOST: '127.0.0.1',
      AEM_PORT: String(backend.port),
      AEM_IP: '127.0.0.1',
      DISP_LOG_LEVEL: 'warn',
      REWRITE_LOG_LEVEL: 'warn',
      EXPIRATION_TIME: '300',
      FORWARDED_HOST_SETTING: 'Off',
      POD_NAME: 'dispatcher-workbench',
      ENVIRONMENT_TYPE: 'dev'
    }
  })

  engine = new Engine({
    config: src,
    host: '127.0.0.1',
    port: 0,
    watch: false,
    ringSize: 0,
    docroot,
    aem: { host: '127.0.0.1', port: backend.port }
  })
  enginePort = Number(new URL(await engine.start()).port)
}, 30_000)

afterAll(async () => {
  apache?.stop()
  await engine?.stop()
  await backend?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe("WKND's configuration under apache2 and under the workbench", () => {
  it('every request gets the same status, headers and body from both', async () => {
    expect(await compareAll(REQUESTS, apache.port, enginePort)).toBe('')
  })
})
