/**
 * §12.5 through the real listener: several counting renders behind one farm.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { dispatcherLogLine } from '../../src/shared/log-line'
import { stackForThisTest } from './support/engine'
import type { CountingUpstream } from './support/upstream'

function farm(up: Record<string, CountingUpstream>, extra = '', renders = ['rend01', 'rend02']): string {
  const rs = renders
    .map((name) => `/${name} { /hostname "127.0.0.1" /port "${up[name]?.port ?? 1}" /receiveTimeout "3000" }`)
    .join('\n    ')
  return `/farms { /publish {
  /virtualhosts { "*" }
  /renders {
    ${rs}
  }
  /filter { /0001 { /type "deny" /url "*" } /0002 { /type "allow" /url "/content/*" } }
  /retryDelay "0"
  ${extra}
} }
`
}

async function deadPort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

describe('renders through the proxy (§12.5)', () => {
  it('R1: a renderid=rend02 cookie sends the request to rend02', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01', 'rend02'], any: (up) => farm(up) })
    const a = await s.send('/content/p.html', { headers: { cookie: 'renderid=rend02', 'accept-LANGUAGE': 'en' } })
    expect(a.status).toBe(200)
    expect(s.up.rend02.count).toBe(1)
    expect(s.up.rend01.count).toBe(0)
    const render = a.trace.stages.find((x) => x.stage === 'render')!
    expect(render.summary).toContain('sticky cookie renderid=rend02')
    // The module's debug lines (EXP): the new connection, then each header line sent, in order,
    // the client's in its spelling and the module's own last, then the connection kept.
    const log = render.log ?? []
    expect(log.slice(0, 2)).toEqual([
      `Creating new connection: 127.0.0.1:${s.up.rend02.port}`,
      `Connected to backend rend02 (127.0.0.1:${s.up.rend02.port})`
    ])
    expect(log).toContain('Adding request header: Host')
    expect(log).toContain('Adding request header: accept-LANGUAGE')
    expect(log).toContain('Adding request header: cookie')
    expect(log.slice(-4)).toEqual([
      'Adding request header: Via',
      'Adding request header: X-Forwarded-For',
      'Adding request header: Server-Agent',
      `Storing socket for later reuse: 127.0.0.1:${s.up.rend02.port}`
    ])
    // The same head again (its decisions replayed, its header records shared): the same lines,
    // on the connection kept.
    const again = await s.send('/content/p.html', { headers: { cookie: 'renderid=rend02', 'accept-LANGUAGE': 'en' } })
    expect(again.trace.stages.find((x) => x.stage === 'render')!.log).toEqual(log.slice(1))
  })

  it('R2: with /failover "1" a 503 from the first render is resent to the second', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01', 'rend02'], any: (up) => farm(up, '/failover "1"') })
    s.up.rend01.behave('/content/p.html', { status: 503, body: 'busy' })
    const a = await s.send('/content/p.html', { headers: { cookie: 'renderid=rend01' } })
    expect(a.status).toBe(200)
    expect(s.up.rend01.count).toBe(1)
    expect(s.up.rend02.count).toBe(1)
    // Both renders were connected to and sent the request, in that order.
    const log = a.trace.stages.find((x) => x.stage === 'render')!.log ?? []
    expect(log.filter((l) => l.startsWith('Connected to backend'))).toEqual([
      `Connected to backend rend01 (127.0.0.1:${s.up.rend01.port})`,
      `Connected to backend rend02 (127.0.0.1:${s.up.rend02.port})`
    ])
  })

  it('R2 with a body: under /failover a POST waits for 100 Continue, so a 503 sent before it goes to the next render with the whole body', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01', 'rend02'], any: (up) => farm(up, '/failover "1"') })
    s.up.rend01.behave('/content/form.html', { status: 503, body: 'busy', answerBeforeBody: true })
    const body = 'x'.repeat(100_000)
    const a = await s.send('/content/form.html', {
      method: 'POST',
      body,
      headers: { cookie: 'renderid=rend01', 'content-type': 'application/x-www-form-urlencoded' }
    })
    expect(a.status).toBe(200)
    expect(a.text).toBe('rend02: POST /content/form.html (100000 bytes received)')
    expect(s.up.rend01.last).toMatchObject({ method: 'POST', bodyLength: 0 })
    expect(s.up.rend01.last!.headers.expect).toBe('100-continue')
    expect(s.up.rend02.last).toMatchObject({ method: 'POST', bodyLength: 100_000 })
    expect(s.up.rend02.last!.headers.expect).toBe('100-continue')
    expect(a.trace.forwarded?.headers.expect).toBe('100-continue')
    const render = a.trace.stages.find((x) => x.stage === 'render')!
    expect(render.summary).toContain('HTTP 503, resent to another render (/failover)')
  })

  it('a render that reads the body after 100 Continue answers as usual; one that never sends it gets the body anyway', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01', 'rend02'], any: (up) => farm(up, '/failover "1"') })
    s.up.rend02.behave('/content/slow.html', { ignoreExpect: true })
    const first = await s.send('/content/form.html', {
      method: 'POST',
      body: 'a=1',
      headers: { cookie: 'renderid=rend01' }
    })
    expect(first.text).toBe('rend01: POST /content/form.html (3 bytes received)')
    const opened = s.up.rend01.connections
    const second = await s.send('/content/slow.html', {
      method: 'POST',
      body: 'a=12',
      headers: { cookie: 'renderid=rend02' }
    })
    expect(second.text).toBe('rend02: POST /content/slow.html (4 bytes received)')
    // The connection is reused, as for every other request.
    const again = await s.send('/content/form.html', {
      method: 'POST',
      body: 'a=1',
      headers: { cookie: 'renderid=rend01' }
    })
    expect(again.status).toBe(200)
    expect(s.up.rend01.connections).toBe(opened)
  })

  it('without /failover a POST goes out without Expect, and its 503 reaches the client', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01', 'rend02'], any: (up) => farm(up) })
    s.up.rend01.behave('/content/form.html', { status: 503, body: 'busy' })
    const a = await s.send('/content/form.html', {
      method: 'POST',
      body: 'a=1',
      headers: { cookie: 'renderid=rend01' }
    })
    expect(a.status).toBe(503)
    expect(s.up.rend01.last!.headers.expect).toBeUndefined()
    expect(s.up.rend02.count).toBe(0)
  })

  it('without /failover a 503 from the render reaches the client', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01', 'rend02'], any: (up) => farm(up) })
    s.up.rend01.behave('/content/p.html', { status: 503, body: 'busy' })
    const a = await s.send('/content/p.html', { headers: { cookie: 'renderid=rend01' } })
    expect(a.status).toBe(503)
    expect(s.up.rend02.count).toBe(0)
  })

  it('a refused connection to the first render is retried on the second', async () => {
    const port = await deadPort()
    const t = await stackForThisTest({
      upstreams: ['rend02'],
      any: (up) => farm({ ...up, rend01: { port } as CountingUpstream })
    })
    const a = await t.send('/content/p.html')
    expect(a.status).toBe(200)
    expect(t.up.rend02.count).toBe(1)
    const render = a.trace.stages.find((x) => x.stage === 'render')!
    expect(JSON.stringify(render.detail)).toContain(`127.0.0.1:${port}`)
  })

  it('R6: every render refusing connections answers 503 with "Unable to connect to any backend in farm publish"', async () => {
    const p1 = await deadPort()
    const p2 = await deadPort()
    const s = await stackForThisTest({
      any: () =>
        farm(
          { rend01: { port: p1 } as CountingUpstream, rend02: { port: p2 } as CountingUpstream },
          '/numberOfRetries "2"'
        )
    })
    const a = await s.send('/content/p.html')
    expect(a.status).toBe(503)
    const render = a.trace.stages.find((x) => x.stage === 'render')!
    expect(render.log?.join('\n')).toContain('Unable to connect to any backend in farm publish')
    expect((render.detail as { attempts: unknown[] }).attempts).toHaveLength(4)
    // No render answered: the log line names none (AMS: '"GET /favicon.ico" 503 - 54234ms authorfarm/-').
    expect(dispatcherLogLine(a.trace)).toMatch(/"GET \/content\/p.html" 503 \d+ms \[publish\/-\] \[action none\]/)
  })

  it('R5: /receiveTimeout with a render that never sends headers answers 504', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01'], any: (up) => farm(up, '', ['rend01']) })
    s.up.rend01.behave('/content/slow.html', { hang: true })
    const a = await s.send('/content/slow.html')
    expect(a.status).toBe(504)
    // The module's line once, and a log line naming no render, as for AMS's gateway timeouts.
    const render = a.trace.stages.find((x) => x.stage === 'render')!
    const log = render.log ?? []
    expect(log.slice(0, 2)).toEqual([
      `Creating new connection: 127.0.0.1:${s.up.rend01.port}`,
      `Connected to backend rend01 (127.0.0.1:${s.up.rend01.port})`
    ])
    // No module line is documented for it: the workbench's own, marked as such.
    const timedOut = `x-workbench: no response from 127.0.0.1:${s.up.rend01.port} within /receiveTimeout`
    expect(log.filter((l) => l.includes('/receiveTimeout'))).toEqual([timedOut])
    expect(log.at(-1)).toBe(timedOut)
    expect(dispatcherLogLine(a.trace)).toMatch(/"GET \/content\/slow.html" 504 \d+ms \[publish\/-\] \[action none\]/)
  })

  it('R8: a sticky path gets a renderid cookie naming the render that answered', async () => {
    const s = await stackForThisTest({
      upstreams: ['rend01', 'rend02'],
      any: (up) => farm(up, '/stickyConnectionsFor "/content/shop"')
    })
    const a = await s.send('/content/shop/cart.html')
    expect(a.status).toBe(200)
    const cookie = String(a.headers['set-cookie'] ?? '')
    expect(cookie).toMatch(/^renderid=rend0[12]; Path=\//)
    expect(cookie).not.toContain('HttpOnly')
    const b = await s.send('/content/other.html')
    expect(b.headers['set-cookie']).toBeUndefined()
  })

  it('F24: a filter-denied URL that is in the vanity list is forwarded', async () => {
    const s = await stackForThisTest({
      upstreams: ['rend01'],
      any: (up) =>
        farm(up, '/vanity_urls { /url "/libs/granite/dispatcher/content/vanityUrls.html" /delay 300 }', ['rend01'])
    })
    s.up.rend01.behave('/libs/granite/dispatcher/content/vanityUrls.html', { body: '/aboutus\n/contact\n' })
    // The list is fetched in the background at start.
    for (let i = 0; i < 50 && !s.engine.active.farms[0].vanity?.isVanity('/aboutus'); i++)
      await new Promise((r) => setTimeout(r, 20))
    const a = await s.send('/aboutus')
    expect(a.status).toBe(200)
    expect(a.trace.stages.find((x) => x.stage === 'filter')!.summary).toContain('vanity URL list')
    const b = await s.send('/other')
    expect(b.status).toBe(404)
  })

  it('a render killed in the middle of 100 concurrent requests: every request is answered, the rest go to the survivor', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01', 'rend02'], any: (up) => farm(up) })
    for (const u of [s.up.rend01, s.up.rend02]) u.behave('/content/load.html', { delayMs: 20, body: 'ok' })
    const sends = Array.from({ length: 100 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 2)).then(() => s.send('/content/load.html').then((a) => a.status))
    )
    setTimeout(() => void s.up.rend01.close(), 60)
    const statuses = await Promise.all(sends)
    expect(statuses).toHaveLength(100)
    // Requests the killed render had already accepted may fail (the module cannot resend a request the render received without /failover); none may hang.
    expect(statuses.every((st) => st === 200 || st === 502 || st === 503)).toBe(true)
    const after = await s.send('/content/load.html')
    expect(after.status).toBe(200)
    expect(s.up.rend02.count).toBeGreaterThan(0)
  })
})
