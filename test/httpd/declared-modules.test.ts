/**
 * A classic httpd.conf that names its own modules (it loads mod_mime), under Debian's apache2
 * and under the workbench: only what its LoadModule lines load runs. Without mod_dir there is no
 * DirectoryIndex and no trailing-slash redirect; `<IfModule>` blocks of modules it does not load
 * are skipped. (A configuration that does not load mod_mime does not carry its module list:
 * the runtime's stands in, declared-modules.ts.)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { compareAll, loadModules, startApache, type HttpdRequest, type RunningApache } from './harness'
import { writeDocroot } from './project'

let dir: string
let apache: RunningApache | undefined
let engine: Engine | undefined
let enginePort = 0

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-modules-'))
  fs.chmodSync(dir, 0o755)
  const docroot = writeDocroot(path.join(dir, 'docroot'), {
    'index.html': 'index\n',
    'a.txt': 'a\n',
    'd/index.html': 'd index\n'
  })
  const lines = [
    ...loadModules(['mime']),
    'TypesConfig /etc/mime.types',
    'ServerTokens Prod',
    `DocumentRoot "${docroot}"`,
    `<Directory "${docroot}">`,
    '  Require all granted',
    '</Directory>',
    '<VirtualHost *:*>',
    '  ServerName localhost',
    `  DocumentRoot "${docroot}"`,
    '  <IfModule headers_module>',
    '    Header set X-Headers-Loaded yes',
    '  </IfModule>',
    '  <IfModule mod_rewrite.c>',
    '    RewriteEngine On',
    '    RewriteRule ^/old$ /a.txt [R=301,L]',
    '  </IfModule>',
    '  <IfModule mime_module>',
    '    AddType text/x-probe .txt',
    '  </IfModule>',
    '</VirtualHost>'
  ]
  const runDir = path.join(dir, 'apache')
  fs.mkdirSync(runDir)
  apache = await startApache({ serverRoot: runDir, runDir, lines })
  const wbDir = path.join(dir, 'workbench')
  fs.mkdirSync(wbDir)
  fs.writeFileSync(path.join(wbDir, 'httpd.conf'), lines.join('\n'))
  fs.writeFileSync(
    path.join(wbDir, 'dispatcher.any'),
    '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "9" } } /filter { /0 { /type "allow" /url "*" } } } }\n'
  )
  engine = new Engine({
    config: path.join(wbDir, 'dispatcher.any'),
    host: '127.0.0.1',
    port: 0,
    watch: false,
    ringSize: 0
  })
  enginePort = Number(new URL(await engine.start()).port)
}, 30_000)

afterAll(async () => {
  apache?.stop()
  await engine?.stop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.txt', {}],
  ['GET', '/old', {}],
  ['GET', '/', {}],
  ['GET', '/d', {}],
  ['GET', '/d/', {}]
]

describe('a classic httpd.conf that loads its own modules', () => {
  it('runs only those: every request gets the same answer from apache2 and the workbench', async () => {
    expect(await compareAll(REQUESTS, apache!.port, enginePort)).toBe('')
  })
})
