/**
 * `/secure "1"` renders speak TLS; a self-signed certificate (a local AEM's own) is accepted
 * only when the user allows it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { selfSignedServer } from './support/tls'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

function tlsRender(): Promise<number> {
  return selfSignedServer((_req, res) => res.end('over tls'))
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
