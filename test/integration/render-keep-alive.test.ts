/**
 * §6.1: the module's keep-alive lines in the render stage's trace, as aem-dispatcher-experiments'
 * dispatcher.log shows them ('Dropping socket after 1215 seconds of inactivity: 127.0.0.1:4503',
 * 'Creating new connection: 127.0.0.1:4503', 'Connected to backend rend01 (…)', the header lines,
 * then 'Storing socket for later reuse: 127.0.0.1:4503'), told from what the connection pool did.
 */
import { describe, expect, it } from 'vitest'
import { stackForThisTest } from './support/engine'
import type { CountingUpstream } from './support/upstream'

function farm(up: Record<string, CountingUpstream>, extra = ''): string {
  return `/farms { /publish {
  /virtualhosts { "*" }
  /renders { /rend01 { /hostname "127.0.0.1" /port "${up.rend01.port}" } }
  /filter { /0001 { /type "allow" /url "/content/*" } }
  ${extra}
} }
`
}

async function renderLog(
  s: Awaited<ReturnType<typeof stackForThisTest>>,
  path: string,
  post = false
): Promise<readonly string[]> {
  const a = await s.send(path, post ? { method: 'POST', body: 'a=1' } : undefined)
  expect(a.status).toBe(200)
  return a.trace.stages.find((x) => x.stage === 'render')!.log ?? []
}

/**
 * TCP connections the render accepted: the engine's start-up reachability probe (a bare connect,
 * reachability.ts) is one of them, made before the first request is answered.
 */
function opened(s: Awaited<ReturnType<typeof stackForThisTest>>): number {
  return s.up.rend01.connections - 1
}

/**
 * Waits until the render has no connection open: the workbench dropped its idle one (undici's
 * keep-alive timer). A fixed sleep a little past the timeout would race that timer on a busy
 * machine; the render, in this process, sees the close after the workbench's side handled it.
 */
async function idleDropped(s: Awaited<ReturnType<typeof stackForThisTest>>): Promise<void> {
  const until = Date.now() + 10_000
  while (s.up.rend01.openConnections > 0) {
    if (Date.now() > until) throw new Error('the kept connection was never dropped')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The drop line; N is the idle seconds when the timer fired: 1 on time, more on a busy machine. */
const dropping = (origin: string): RegExp =>
  new RegExp(`^Dropping socket after [1-9]\\d* seconds of inactivity: ${origin.replace(/\./g, '\\.')}$`)

describe("the render connection's keep-alive lines (§6.1)", () => {
  it('a new connection is created, then kept and reused by the next request', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01'], any: (up) => farm(up) })
    const origin = `127.0.0.1:${s.up.rend01.port}`
    const first = await renderLog(s, '/content/a.html')
    expect(first[0]).toBe(`Creating new connection: ${origin}`)
    expect(first[1]).toBe(`Connected to backend rend01 (${origin})`)
    expect(first[first.length - 1]).toBe(`Storing socket for later reuse: ${origin}`)
    const second = await renderLog(s, '/content/a.html')
    expect(second[0]).toBe(`Connected to backend rend01 (${origin})`)
    expect(second[second.length - 1]).toBe(`Storing socket for later reuse: ${origin}`)
    expect(second.filter((l) => l.startsWith('Creating'))).toEqual([])
    expect(opened(s)).toBe(1)
  })

  it("a render that answers 'Connection: close' has its connection closed, not stored", async () => {
    const s = await stackForThisTest({ upstreams: ['rend01'], any: (up) => farm(up) })
    const origin = `127.0.0.1:${s.up.rend01.port}`
    s.up.rend01.behave('/content/close.html', { headers: { connection: 'close' }, body: 'bye' })
    for (let n = 0; n < 2; n++) {
      const log = await renderLog(s, '/content/close.html')
      expect(log[0]).toBe(`Creating new connection: ${origin}`)
      expect(log.filter((l) => l.startsWith('Storing'))).toEqual([])
    }
    // The next answer keeps its connection again.
    const log = await renderLog(s, '/content/a.html')
    expect([log[0], log[log.length - 1]]).toEqual([
      `Creating new connection: ${origin}`,
      `Storing socket for later reuse: ${origin}`
    ])
    expect(opened(s)).toBe(3)
  })

  it('DispatcherKeepAliveTimeout 0 (or the farm\'s /keepAliveTimeout "0") keeps no connection', async () => {
    for (const setup of [
      { any: (up: Record<string, CountingUpstream>) => farm(up), conf: 'DispatcherKeepAliveTimeout 0\n' },
      { any: (up: Record<string, CountingUpstream>) => farm(up, '/keepAliveTimeout "0"'), conf: '' }
    ]) {
      const s = await stackForThisTest({
        upstreams: ['rend01'],
        any: setup.any,
        files: { 'httpd.conf': `SetHandler dispatcher-handler\n${setup.conf}` }
      })
      const origin = `127.0.0.1:${s.up.rend01.port}`
      for (let n = 0; n < 2; n++) {
        const log = await renderLog(s, '/content/a.html')
        expect(log[0]).toBe(`Creating new connection: ${origin}`)
        expect(log.filter((l) => l.startsWith('Storing') || l.startsWith('Dropping'))).toEqual([])
      }
      expect(opened(s)).toBe(2)
      expect(s.up.rend01.last!.headers.connection).toBe('close')
    }
  })

  it('a kept connection idle past the keep-alive timeout is dropped, and the next request says so', async () => {
    const s = await stackForThisTest({ upstreams: ['rend01'], any: (up) => farm(up, '/keepAliveTimeout "1"') })
    const origin = `127.0.0.1:${s.up.rend01.port}`
    const first = await renderLog(s, '/content/a.html')
    expect(first[first.length - 1]).toBe(`Storing socket for later reuse: ${origin}`)
    await idleDropped(s)
    const next = await renderLog(s, '/content/a.html')
    expect(next[0]).toMatch(dropping(origin))
    expect(next.slice(1, 3)).toEqual([`Creating new connection: ${origin}`, `Connected to backend rend01 (${origin})`])
    // Told once: the request after that reuses the new connection.
    const third = await renderLog(s, '/content/a.html')
    expect(third[0]).toBe(`Connected to backend rend01 (${origin})`)
    expect(opened(s)).toBe(2)
  })

  it('a POST under /failover, sent with Expect: 100-continue through its own client, logs the same lines', async () => {
    const s = await stackForThisTest({
      upstreams: ['rend01'],
      any: (up) => farm(up, '/failover "1"\n  /keepAliveTimeout "1"')
    })
    const origin = `127.0.0.1:${s.up.rend01.port}`
    const first = await renderLog(s, '/content/form.html', true)
    expect(s.up.rend01.last!.headers.expect).toBe('100-continue')
    expect([first[0], first[1], first[first.length - 1]]).toEqual([
      `Creating new connection: ${origin}`,
      `Connected to backend rend01 (${origin})`,
      `Storing socket for later reuse: ${origin}`
    ])
    const second = await renderLog(s, '/content/form.html', true)
    expect([second[0], second[second.length - 1]]).toEqual([
      `Connected to backend rend01 (${origin})`,
      `Storing socket for later reuse: ${origin}`
    ])
    await idleDropped(s)
    const third = await renderLog(s, '/content/form.html', true)
    expect(third[0]).toMatch(dropping(origin))
    expect(third.slice(1, 3)).toEqual([`Creating new connection: ${origin}`, `Connected to backend rend01 (${origin})`])
    expect(opened(s)).toBe(2)
  })
})
