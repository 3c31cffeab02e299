import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine, type EngineEvent } from '../../src/main/engine/engine'

const servers: http.Server[] = []
const engines: Engine[] = []
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()))
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

async function upstream(): Promise<number> {
  const s = http.createServer((_req, res) => res.end('from render'))
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return (s.address() as AddressInfo).port
}

function farm(filter: string): string {
  return `/farms {\n  /site {\n    /virtualhosts { "*" }\n    /renders { /0 { /hostname "127.0.0.1" /port "\${RENDER_PORT}" } }\n    /filter {\n${filter}\n    }\n  }\n}\n`
}

function nextConfigEvent(engine: Engine): Promise<Extract<EngineEvent, { type: 'config' }>> {
  return new Promise((resolve) => {
    const off = engine.events.subscribe((e) => {
      if (e.type === 'config') {
        off()
        resolve(e)
      }
    })
  })
}

async function status(url: string): Promise<number> {
  const res = await fetch(url)
  await res.arrayBuffer()
  return res.status
}

describe('hot reload', () => {
  it('applies an edit to an included filter file without a restart, and keeps the old config when an edit breaks it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-reload-'))
    fs.writeFileSync(path.join(dir, 'dispatcher.any'), farm('      $include "filters.any"'))
    const filters = path.join(dir, 'filters.any')
    fs.writeFileSync(filters, '/0001 { /type "deny" /url "*" }\n/0002 { /type "allow" /url "/a.html" }\n')
    const port = await upstream()
    const engine = new Engine({
      config: path.join(dir, 'dispatcher.any'),
      port: 0,
      env: { RENDER_PORT: String(port) },
      debounceMs: 50
    })
    engines.push(engine)
    const url = await engine.start()
    expect(await status(`${url}/a.html`)).toBe(200)
    expect(await status(`${url}/b.html`)).toBe(404)

    let event = nextConfigEvent(engine)
    fs.writeFileSync(filters, '/0001 { /type "deny" /url "*" }\n/0002 { /type "allow" /url "/b.html" }\n')
    expect((await event).ok).toBe(true)
    expect(await status(`${url}/a.html`)).toBe(404)
    expect(await status(`${url}/b.html`)).toBe(200)

    event = nextConfigEvent(engine)
    fs.writeFileSync(filters, '/0001 { /type "deny" /url "*" }\n/0002 { /type "allow" /url "/c.html }\n')
    const broken = await event
    expect(broken.ok).toBe(false)
    expect(broken.errors[0]).toMatchObject({ code: 'ANY_UNCLOSED_QUOTE', pos: { file: filters, line: 2 } })
    // The last good configuration keeps serving.
    expect(await status(`${url}/b.html`)).toBe(200)
    expect(engine.reloadStatus.ok).toBe(false)
  })

  it('applies an edit to a RewriteMap file (httpd re-reads a txt: map whose file changed)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-reload-map-'))
    fs.writeFileSync(path.join(dir, 'dispatcher.any'), farm('      /0001 { /type "allow" /url "*" }'))
    // Outside the configuration's folder, which is watched as a whole already.
    const map = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-reload-maps-')), 'redirects.txt')
    fs.writeFileSync(map, 'old /first.html\n')
    fs.writeFileSync(
      path.join(dir, 'httpd.conf'),
      `<VirtualHost *:80>
  ServerName localhost
  RewriteEngine On
  RewriteMap redirects txt:${map}
  RewriteRule ^/go/(.*)$ \${redirects:$1|/none.html} [R=302,L]
</VirtualHost>
`
    )
    const engine = new Engine({ config: path.join(dir, 'dispatcher.any'), port: 0, debounceMs: 50 })
    engines.push(engine)
    const url = await engine.start()
    const location = async (): Promise<string | null> => {
      const res = await fetch(`${url}/go/old`, { redirect: 'manual' })
      await res.arrayBuffer()
      return res.headers.get('location')
    }
    expect(await location()).toMatch(/\/first\.html$/)
    const event = nextConfigEvent(engine)
    fs.writeFileSync(map, 'old /second.html\n')
    expect((await event).ok).toBe(true)
    expect(await location()).toMatch(/\/second\.html$/)
  })

  it('notices a file that a glob include gains later', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-reload-glob-'))
    fs.mkdirSync(path.join(dir, 'rules'))
    fs.writeFileSync(
      path.join(dir, 'dispatcher.any'),
      farm('      /0001 { /type "deny" /url "*" }\n      $include "rules/*.any"')
    )
    const port = await upstream()
    const engine = new Engine({
      config: path.join(dir, 'dispatcher.any'),
      port: 0,
      env: { RENDER_PORT: String(port) },
      debounceMs: 50
    })
    engines.push(engine)
    const url = await engine.start()
    expect(await status(`${url}/new.html`)).toBe(404)
    const event = nextConfigEvent(engine)
    fs.writeFileSync(path.join(dir, 'rules', '010_allow.any'), '/0100 { /type "allow" /url "/new.html" }\n')
    expect((await event).ok).toBe(true)
    expect(await status(`${url}/new.html`)).toBe(200)
  })

  it('lets a request in flight finish on the configuration it started with', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-reload-flight-'))
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const s = http.createServer(async (_req, res) => {
      await gate
      res.end('slow answer')
    })
    servers.push(s)
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const port = (s.address() as AddressInfo).port
    fs.writeFileSync(path.join(dir, 'dispatcher.any'), farm('      /0001 { /type "allow" /url "*" }'))
    const engine = new Engine({
      config: path.join(dir, 'dispatcher.any'),
      port: 0,
      env: { RENDER_PORT: String(port) },
      debounceMs: 50
    })
    engines.push(engine)
    const url = await engine.start()
    const inFlight = fetch(`${url}/slow.html`)
    await new Promise((r) => setTimeout(r, 100))
    const event = nextConfigEvent(engine)
    fs.writeFileSync(path.join(dir, 'dispatcher.any'), farm('      /0001 { /type "deny" /url "*" }'))
    expect((await event).ok).toBe(true)
    release()
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('slow answer')
    expect(await status(`${url}/slow.html`)).toBe(404)
  })
})
