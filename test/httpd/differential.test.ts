/**
 * Differential test against the real thing: Debian's apache2 and the workbench load the same
 * vhost over the same docroot (site.ts), the same requests go to both, and every status, header
 * and body must agree (both run `ServerTokens Prod`, so Server is compared too; what httpd
 * varies itself is left out, see harness.ts). mod_proxy forwards to a backend that answers
 * with the request it got (backend.ts), so forwarded requests are compared as well.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { REQUESTS, serverLines, vhost, writeDocroot } from './site'
import { startBackend, type Backend } from './backend'
import { compareAll, startApache, type RunningApache } from './harness'
import { freePort } from '../integration/support/ports'

let dir: string
let apache: RunningApache
let engine: Engine
let enginePort: number
let backend: Backend

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-httpd-'))
  fs.chmodSync(dir, 0o755)
  const docroot = path.join(dir, 'docroot')
  writeDocroot(docroot)
  backend = await startBackend(await freePort())
  const site = vhost(docroot, backend.port, await freePort())
  const lines = [...serverLines(), site]
  const apacheDir = path.join(dir, 'apache')
  fs.mkdirSync(apacheDir)
  // A variable of the server's process environment, for %{ENV:…} and env().
  const environment = { DW_TEST_VAR: 'yes' }
  apache = await startApache({ serverRoot: apacheDir, runDir: apacheDir, lines, env: environment })

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
    ringSize: 0,
    env: environment
  })
  enginePort = Number(new URL(await engine.start()).port)
}, 30_000)

afterAll(async () => {
  apache?.stop()
  await engine?.stop()
  await backend?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe('the workbench answers as httpd does (Debian apache2 side by side)', () => {
  it('every request gets the same status, headers and body from both', async () => {
    const substitute = (text: string): string => text.replaceAll('{backend}', `127.0.0.1:${backend.port}`)
    expect(await compareAll(REQUESTS, apache.port, enginePort, substitute)).toBe('')
  })
})
