/**
 * The Dispatcher's own answer to an invalidation request goes out through httpd's filters like
 * any other answer the handler makes: mod_headers (`Header always` and `Header set`) and the
 * header filter's `AddDefaultCharset`. AMS's flush vhost (`aem_flush.vhost`) marks its answers
 * with `Header always add X-Vhost "flush"`, and the flush agent's log shows them.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { rawExchange } from './support/http-client'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function start(): Promise<{ port: number; docroot: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-flush-answer-'))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  const docroot = path.join(dir, 'docroot')
  fs.mkdirSync(docroot)
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    `/farms { /publish {
  /virtualhosts { "*" }
  /renders { /0 { /hostname "127.0.0.1" /port "9" } }
  /filter { /0001 { /type "deny" /url "*" } }
  /cache {
    /docroot "${docroot}"
    /statfileslevel "1"
    /rules { /0 { /glob "*" /type "allow" } }
    /allowedClients { /0 { /glob "*" /type "deny" } /1 { /glob "127.0.0.1" /type "allow" } }
  }
} }
`
  )
  fs.writeFileSync(
    path.join(dir, 'httpd.conf'),
    `AddDefaultCharset UTF-8
<VirtualHost *:80>
  ServerName flush
  DocumentRoot "${docroot}"
  Header always add X-Vhost "flush"
  Header set X-On-Success "yes"
  <Directory />
    Require all granted
    SetHandler dispatcher-handler
  </Directory>
</VirtualHost>
`
  )
  const engine = new Engine({ config: path.join(dir, 'dispatcher.any'), port: 0, watch: false })
  cleanups.push(() => engine.stop())
  const url = await engine.start()
  return { port: Number(new URL(url).port), docroot }
}

const flushRequest = [
  'POST /dispatcher/invalidate.cache HTTP/1.1',
  'Host: flush',
  'CQ-Action: Activate',
  'CQ-Handle: /content/site/en/page',
  'Content-Type: application/octet-stream',
  'Content-Length: 0',
  '',
  ''
].join('\r\n')

describe("the Dispatcher's answer to a flush", () => {
  it('carries the vhost\'s Header lines ("always" and on success) and the charset AddDefaultCharset names', async () => {
    const s = await start()
    const a = await rawExchange(s.port, flushRequest)
    expect(a.statusLine).toBe('HTTP/1.1 200 OK')
    const lines = a.head.split('\r\n')
    expect(lines).toContain('X-Vhost: flush')
    expect(lines).toContain('X-On-Success: yes')
    expect(lines).toContain('Content-Type: text/html; charset=UTF-8')
    expect(a.body).toBe('<H1>OK</H1>')
    expect(fs.existsSync(path.join(s.docroot, '.stat'))).toBe(true)
  })
})
