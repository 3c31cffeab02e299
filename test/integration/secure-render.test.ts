/**
 * `/secure "1"` renders speak TLS; a self-signed certificate (a local AEM's own) is accepted
 * only when the user allows it.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

async function tlsRender(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-tls-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1'
    ],
    { stdio: 'ignore' }
  )
  const server = https.createServer(
    { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
    (_req, res) => res.end('over tls')
  )
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise((r) => server.close(r)))
  return (server.address() as AddressInfo).port
}

async function proxy(port: number, allowSelfSigned: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-secure-'))
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    `/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "${port}" /secure "1" } } /numberOfRetries "1" /retryDelay "0" } }\n`
  )
  const engine = new Engine({ config: path.join(dir, 'dispatcher.any'), port: 0, watch: false, allowSelfSigned })
  cleanups.push(() => engine.stop())
  return engine.start()
}

describe('/secure renders', () => {
  it('forwards over TLS to a render with a self-signed certificate when --allow-self-signed is given', async () => {
    const url = await proxy(await tlsRender(), true)
    const res = await fetch(`${url}/content/x.html`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('over tls')
  })

  it('refuses a self-signed certificate by default (no render reachable: 503)', async () => {
    const url = await proxy(await tlsRender(), false)
    const res = await fetch(`${url}/content/x.html`)
    expect(res.status).toBe(503)
  })
})
