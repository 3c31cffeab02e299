/**
 * The headless UI server: the EngineApi over HTTP + WebSocket for a browser on this machine.
 * Only the page it served may drive it (token, Host and Origin checks); its answers are the
 * real engine's, after real requests through the proxy.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { EngineUiEvent, TraceDetail, TraceSummary } from '../../src/shared/api'
import { startDemoRender, type DemoRender } from '../../src/main/engine/demo/render'
import { Engine } from '../../src/main/engine/engine'
import { LocalEngineApi } from '../../src/main/engine/engine-api'
import { startHeadlessServer, type HeadlessServer } from '../../src/main/headless/server'
import { send } from './support/http-client'

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
}

let demo: DemoRender
let engine: Engine
let ui: HeadlessServer
let rendererDir: string
let docroot: string

function call(
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: string; token?: string | null } = {}
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers }
  const token = opts.token === undefined ? ui.token : opts.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: ui.port, method, path: urlPath, headers, agent: false },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (c: Buffer) => parts.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') })
        )
      }
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

async function json<T>(urlPath: string): Promise<T> {
  const r = await call('GET', urlPath)
  expect(r.status).toBe(200)
  return JSON.parse(r.text) as T
}

function upgrade(
  query: string,
  headers: Record<string, string> = {}
): Promise<{ status: number } | { socket: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${ui.port}/api/events${query}`, { headers })
    ws.once('open', () => resolve({ socket: ws }))
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.once('error', () => undefined)
  })
}

beforeAll(async () => {
  demo = await startDemoRender()
  docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-docroot-'))
  engine = new Engine({
    host: '127.0.0.1',
    port: 0,
    watch: false,
    aem: { host: '127.0.0.1', port: demo.port },
    docroot
  })
  await engine.start()
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-renderer-'))
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Dispatcher Workbench</title>')
  ui = await startHeadlessServer({ api: new LocalEngineApi(engine, { batchMs: 100 }), rendererDir })
})

afterAll(async () => {
  await ui?.close()
  await engine?.stop()
  await demo?.close()
  fs.rmSync(rendererDir, { recursive: true, force: true })
  fs.rmSync(docroot, { recursive: true, force: true })
})

describe('the headless UI server refuses anyone but its own page', () => {
  it('prints a UI address on 127.0.0.1 with a long random token', () => {
    expect(ui.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
  })

  it('an API call without the token is answered 401', async () => {
    const r = await call('GET', '/api/traces', { token: null })
    expect(r.status).toBe(401)
    expect(JSON.parse(r.text)).toMatchObject({ code: 'TOKEN_MISSING' })
  })

  it('an API call with a wrong token is answered 403', async () => {
    expect((await call('GET', '/api/config', { token: 'x'.repeat(32) })).status).toBe(403)
  })

  it('a token in the query string works for calls too (the event socket needs it there)', async () => {
    expect((await call('GET', `/api/renders?token=${ui.token}`, { token: null })).status).toBe(200)
  })

  it('a request whose Host is not this loopback listener is refused (DNS rebinding)', async () => {
    const r = await call('GET', '/api/traces', { headers: { host: `attacker.example:${ui.port}` } })
    expect(r.status).toBe(403)
    expect((await call('GET', '/', { headers: { host: 'attacker.example' } })).status).toBe(403)
  })

  it('a request from another web page (foreign Origin) is refused even with the token', async () => {
    const r = await call('GET', '/api/traces', { headers: { origin: 'http://evil.example' } })
    expect(r.status).toBe(403)
    const same = await call('GET', '/api/traces', { headers: { origin: `http://localhost:${ui.port}` } })
    expect(same.status).toBe(200)
  })

  it('a POST must be JSON, so no cross-site form can send one', async () => {
    const r = await call('POST', '/api/config/reload', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1'
    })
    expect(r.status).toBe(400)
  })

  it('the event socket needs the token, the Host and the Origin too', async () => {
    expect(await upgrade('')).toEqual({ status: 401 })
    expect(await upgrade('?token=wrong')).toEqual({ status: 403 })
    expect(await upgrade(`?token=${ui.token}`, { origin: 'http://evil.example' })).toEqual({ status: 403 })
    const ok = await upgrade(`?token=${ui.token}`, { origin: `http://127.0.0.1:${ui.port}` })
    expect('socket' in ok).toBe(true)
    if ('socket' in ok) ok.socket.close()
  })

  it('the page is served with a Content-Security-Policy allowing only its own scripts and socket', async () => {
    const r = await call('GET', '/', { token: null })
    expect(r.status).toBe(200)
    expect(r.text).toContain('Dispatcher Workbench')
    const csp = String(r.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${ui.port}`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(r.headers['referrer-policy']).toBe('no-referrer')
  })

  it('a path outside the renderer folder is not served', async () => {
    expect((await call('GET', '/..%2f..%2fetc/passwd', { token: null })).status).toBe(404)
  })
})

describe('the API mirrors the engine', () => {
  it('listTraces returns the requests just sent through the proxy, newest last', async () => {
    await send(engine.url!, '/content/demo/us/en.html')
    await send(engine.url!, '/bin/querybuilder.json?path=/')
    const { traces } = await json<{ traces: TraceSummary[]; dropped: number }>('/api/traces?limit=2')
    expect(traces.map((t) => [t.url, t.status])).toEqual([
      ['/content/demo/us/en.html', 200],
      ['/bin/querybuilder.json?path=/', 404]
    ])
    expect(traces[0].outcome).toMatch(/^miss-/)
    expect(traces[1].outcome).toBe('blocked')
    expect(traces[1]).toMatchObject({ farm: 'publishfarm', rule: '0001', render: null })
    expect(traces[0].render).not.toBeNull()
  })

  it('afterSeq returns only newer requests; limit keeps the newest and counts the older as dropped', async () => {
    const all = await json<{ traces: TraceSummary[] }>('/api/traces')
    const last = all.traces[all.traces.length - 1].seq
    await send(engine.url!, '/content/demo/us/en.model.json')
    const after = await json<{ traces: TraceSummary[] }>(`/api/traces?afterSeq=${last}`)
    expect(after.traces.map((t) => t.url)).toEqual(['/content/demo/us/en.model.json'])
    const one = await json<{ traces: TraceSummary[]; dropped: number }>('/api/traces?limit=1')
    expect(one.traces).toHaveLength(1)
    expect(one.dropped).toBe(all.traces.length)
  })

  it('getTrace of a blocked request explains every filter rule, with the deciding rule and its file:line', async () => {
    await send(engine.url!, '/content/demo/us/en.infinity.json')
    const { traces } = await json<{ traces: TraceSummary[] }>('/api/traces?limit=1')
    const detail = await json<TraceDetail>(`/api/traces/${traces[0].id}`)
    expect(detail.trace.outcome).toBe('blocked')
    expect(detail.filter?.decision).toBe('deny')
    const deciding = detail.filter!.rules.find((r) => r.decided)!
    expect(deciding.type).toBe('deny')
    expect(deciding.pos.file).toMatch(/filters\/\w+\.any$/)
    expect(deciding.pos.line).toBeGreaterThan(0)
    expect(detail.filter!.rules.length).toBeGreaterThan(3)
    expect(detail.filter!.parts).toMatchObject({
      path: '/content/demo/us/en',
      selectors: ['infinity'],
      extension: 'json'
    })
  })

  it('getTrace explains the filter on the URL it saw: / after the [PT] rewrite to the home page', async () => {
    await send(engine.url!, '/')
    const { traces } = await json<{ traces: TraceSummary[] }>('/api/traces?limit=1')
    const detail = await json<TraceDetail>(`/api/traces/${traces[0].id}`)
    expect(detail.trace.request.url).toBe('/')
    expect(detail.filter?.decision).toBe('allow')
    expect(detail.filter?.parts).toMatchObject({ path: '/content/demo/us/en', extension: 'html' })
  })

  it('getTrace of a request no longer in the log is null', async () => {
    expect(await json<null>('/api/traces/999999')).toBeNull()
  })

  it('getConfigStatus names the embedded configuration, its farms, files and the proxy address', async () => {
    const status = await json<{
      layout: string
      farms: { name: string }[]
      files: { relative: string }[]
      proxyUrl: string
      lastReload: { ok: boolean }
    }>('/api/config')
    expect(status.layout).toBe('embedded-default')
    expect(status.farms.map((f) => f.name)).toEqual(['publishfarm'])
    expect(status.files.some((f) => f.relative.endsWith('dispatcher.any'))).toBe(true)
    expect(status.proxyUrl).toBe(engine.url)
    expect(status.lastReload.ok).toBe(true)
  })

  it('getRenders counts the requests each render answered, from the traces', async () => {
    const renders = await json<{ farm: string; requests: number; up: boolean; avgMs: number }[]>('/api/renders')
    expect(renders).toHaveLength(1)
    expect(renders[0]).toMatchObject({ farm: 'publishfarm', up: true })
    expect(renders[0].requests).toBeGreaterThanOrEqual(2)
    expect(renders[0].avgMs).toBeGreaterThan(0)
  })

  it('a flush with a bad argument is refused before it reaches the engine: 400, naming the argument', async () => {
    const flush = (body: Record<string, unknown>) =>
      call('POST', '/api/cache/flush', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const badAction = await flush({ farm: 'publish', handle: '/content', action: 'Nuke' })
    expect(badAction.status).toBe(400)
    expect(JSON.parse(badAction.text)).toEqual({
      error: 'action must be one of Activate, Deactivate, Delete, Test',
      code: 'BAD_REQUEST'
    })
    const badScope = await flush({ farm: 'publish', handle: '/content', action: 'Activate', resourceOnly: 'yes' })
    expect(JSON.parse(badScope.text).error).toBe('resourceOnly must be true or false')
    const noHandle = await flush({ farm: 'publish', action: 'Activate' })
    expect(JSON.parse(noHandle.text).error).toBe('handle must be a non-empty string')
  })

  it('cache calls name the farm they cannot find', async () => {
    const r = await call('GET', '/api/cache/totals?farm=nosuchfarm')
    expect(r.status).toBe(400)
    expect(JSON.parse(r.text).error).toBe('no farm /nosuchfarm in the configuration')
  })

  it('replay sends the same request again and returns the new trace', async () => {
    await send(engine.url!, '/content/demo/us/en.html?replay=1')
    const { traces } = await json<{ traces: TraceSummary[] }>('/api/traces?limit=1')
    const r = await call('POST', `/api/traces/${traces[0].id}/replay`, {
      headers: { 'content-type': 'application/json' },
      body: '{}'
    })
    const result = JSON.parse(r.text) as { status: number; traceId: string }
    expect(result.status).toBe(200)
    expect(Number(result.traceId)).toBeGreaterThan(Number(traces[0].id))
  })

  it('an unknown endpoint is 404 and a wrong method 405', async () => {
    expect((await call('GET', '/api/nothing')).status).toBe(404)
    expect((await call('GET', '/api/config/reload')).status).toBe(405)
  })
})

describe('show in folder', () => {
  const PAGE = '/content/demo/us/en/adventures.html'
  const post = (body: unknown, opts: { headers?: Record<string, string>; token?: string | null } = {}) =>
    call('POST', '/api/cache/reveal', {
      ...opts,
      headers: { 'content-type': 'application/json', ...opts.headers },
      body: JSON.stringify(body)
    })

  beforeAll(async () => {
    await send(engine.url!, PAGE)
    const deadline = Date.now() + 3000
    while (!fs.existsSync(path.join(docroot, PAGE)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
  })

  it("needs the token and this server's Origin, like every call", async () => {
    const body = { farm: 'publishfarm', path: PAGE }
    expect((await post(body, { token: null })).status).toBe(401)
    expect((await post(body, { headers: { origin: 'http://evil.example' } })).status).toBe(403)
  })

  it('refuses a path outside the docroot, by .. or through a symlink, before anything is opened', async () => {
    const dotdot = await post({ farm: 'publishfarm', path: '/content/../../etc' })
    expect(dotdot.status).toBe(400)
    expect(JSON.parse(dotdot.text)).toEqual({ error: 'x-workbench: path escapes the docroot', code: 'BAD_REQUEST' })
    const link = path.join(docroot, 'elsewhere')
    fs.symlinkSync(os.tmpdir(), link)
    try {
      const linked = await post({ farm: 'publishfarm', path: '/elsewhere' })
      expect(linked.status).toBe(400)
      expect(JSON.parse(linked.text)).toEqual({ error: '/elsewhere is outside the docroot', code: 'BAD_REQUEST' })
    } finally {
      fs.rmSync(link)
    }
  })

  it('names the farm it cannot find', async () => {
    const r = await post({ farm: 'nosuchfarm', path: PAGE })
    expect(r.status).toBe(400)
    expect(JSON.parse(r.text).error).toBe('no farm /nosuchfarm in the configuration')
  })

  it('without xdg-open on this machine, answers opened: false with the absolute path to open by hand', async () => {
    expect(fs.existsSync(path.join(docroot, PAGE))).toBe(true)
    const saved = process.env.PATH
    const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-no-launcher-'))
    process.env.PATH = emptyBin
    try {
      const r = await post({ farm: 'publishfarm', path: PAGE })
      expect(r.status).toBe(200)
      const expected = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
      expect(JSON.parse(r.text)).toEqual({
        opened: false,
        path: path.join(docroot, 'content/demo/us/en/adventures.html'),
        reason: `${expected} is not installed`
      })
    } finally {
      process.env.PATH = saved
      fs.rmSync(emptyBin, { recursive: true, force: true })
    }
  })

  it('cachePath gives the absolute path of a cached folder', async () => {
    expect(await json<string>('/api/cache/path?farm=publishfarm&path=/content/demo')).toBe(
      path.join(docroot, 'content/demo')
    )
  })
})

describe('the event socket', () => {
  it('pushes new requests as batched "traces" events, at most one per 100 ms', async () => {
    const opened = await upgrade(`?token=${ui.token}`)
    if (!('socket' in opened)) throw new Error('socket refused')
    const events: { at: number; event: EngineUiEvent }[] = []
    opened.socket.on('message', (m) => events.push({ at: Date.now(), event: JSON.parse(String(m)) as EngineUiEvent }))
    const started = Date.now()
    for (let i = 0; i < 30; i++) await send(engine.url!, `/content/demo/us/en.html?burst=${i}`)
    const deadline = Date.now() + 3000
    const urls = (): string[] =>
      events.flatMap((e) => (e.event.type === 'traces' ? e.event.traces.map((t) => t.url) : []))
    while (urls().length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    opened.socket.close()
    expect(urls()).toEqual(Array.from({ length: 30 }, (_, i) => `/content/demo/us/en.html?burst=${i}`))
    const traceEvents = events.filter((e) => e.event.type === 'traces')
    const spanMs = traceEvents[traceEvents.length - 1].at - started
    expect(traceEvents.length).toBeLessThanOrEqual(Math.floor(spanMs / 100) + 2)
  })
})
