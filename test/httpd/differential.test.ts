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
import { Conversation } from '../integration/support/http-client'
import { startWorkbench } from './classic'

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

  const started = await startWorkbench(path.join(dir, 'workbench'), lines, environment)
  engine = started.engine
  enginePort = started.port
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

  it('says the same about the connection, and closes it after the same answers', async () => {
    const ka = 'Connection: keep-alive\r\n'
    const request = (method: string, target: string, extra = '', version = '1.1'): string =>
      `${method} ${target} HTTP/${version}\r\nHost: localhost\r\n${extra}\r\n`
    const conversations = [
      [
        request('GET', '/content/site/page.html'),
        request('GET', '/content/site/page.html', ka),
        request('HEAD', '/content/site/tiny.txt', ka),
        request('GET', '/nothing.html', ka),
        request('GET', '/px/status/502'),
        request('GET', '/px/status/404', ka),
        request('GET', '/px/status/500', ka)
      ],
      [request('GET', '/px/status/503')],
      [request('GET', '/content/site/page.html', '', '1.0')],
      [request('GET', '/content/site/page.html', ka, '1.0'), request('GET', '/nothing.html', ka, '1.0')]
    ]
    /** Each answer's status and Connection/Keep-Alive lines, and whether the server closed after the last. */
    const transcript = async (port: number, requests: string[]): Promise<string[]> => {
      const c = new Conversation(port)
      try {
        const out: string[] = []
        for (const r of requests) {
          const answer = await c.exchange(r)
          const lines = answer.head.split('\r\n').filter((l) => /^(connection|keep-alive):/i.test(l))
          out.push(`${answer.status} ${lines.sort().join(' | ')}`)
        }
        out.push((await c.closesWithin(300)) ? 'closed' : 'open')
        return out
      } finally {
        c.close()
      }
    }
    for (const requests of conversations) {
      const substituted = requests.map((r) => r.replaceAll('{backend}', `127.0.0.1:${backend.port}`))
      const t = await transcript(apache.port, substituted)
      expect(await transcript(enginePort, substituted)).toEqual(t)
    }
  })
})
