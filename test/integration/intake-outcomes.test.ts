/**
 * dispatcher-behavior.md §3.1, §3.3, §8.2 and §8.3 through the real listener, with raw request
 * heads: which farm a Host (or an absolute-form target's host) selects, and for each outcome the
 * `X-Cache-Info` words and the dispatcher.log line — none for a request httpd refused while
 * reading it, which the Dispatcher handler never takes.
 */
import { describe, expect, it } from 'vitest'
import { dispatcherLogLine } from '../../src/shared/log-line'
import { cacheStackForThisTest } from './support/cache'
import { dispatcherAny, type FarmSpec } from './support/config'
import { stackForThisTest, type Stack } from './support/engine'
import { rawExchange } from './support/http-client'
import type { CountingUpstream } from './support/upstream'

/** A response header's value from a raw head, or undefined. */
function header(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}

const head = (target: string, host: string | null = 'localhost', version = 'HTTP/1.1'): string =>
  `GET ${target} ${version}\r\n${host === null ? '' : `Host: ${host}\r\n`}X-Dispatcher-Info: 1\r\nConnection: close\r\n\r\n`

describe('farm selection by /virtualhosts through the listener (§3.3)', () => {
  function farms(up: Record<string, CountingUpstream>): FarmSpec[] {
    const hosts: Record<string, string[]> = {
      A: ['www.a.com'],
      B: ['*.b.com'],
      C: ['www.c.com:8080'],
      Z: ['www.z.com']
    }
    return Object.entries(hosts).map(([name, virtualhosts]) => ({
      name,
      virtualhosts,
      renders: [{ host: '127.0.0.1', port: up[name].port }]
    }))
  }
  const stack = (): Promise<Stack> =>
    stackForThisTest({ upstreams: ['A', 'B', 'C', 'Z'], any: (up) => dispatcherAny(farms(up)) })

  /** The farm whose render got `request` (each render says its name in X-Upstream). */
  async function farmOf(s: Stack, request: string): Promise<string | undefined> {
    const a = await rawExchange(s.port, request)
    expect(a.status, a.statusLine).toBe(200)
    return header(a.head, 'x-upstream')
  }

  it('a host glob matches the Host header without regard to case; * runs over the labels before .b.com', async () => {
    const s = await stack()
    expect(await farmOf(s, head('/p.html', 'www.a.com'))).toBe('A')
    expect(await farmOf(s, head('/p.html', 'WWW.A.Com'))).toBe('A')
    expect(await farmOf(s, head('/p.html', 'x.b.com'))).toBe('B')
    expect(await farmOf(s, head('/p.html', 'x.y.b.com'))).toBe('B')
    // "*.b.com" wants the dot: b.com itself falls back to the last farm.
    expect(await farmOf(s, head('/p.html', 'b.com'))).toBe('Z')
  })

  it('a value with a port matches that host and port only (DC: "the port number if necessary")', async () => {
    const s = await stack()
    expect(await farmOf(s, head('/p.html', 'www.c.com:8080'))).toBe('C')
    expect(await farmOf(s, head('/p.html', 'www.c.com'))).toBe('Z')
    expect(await farmOf(s, head('/p.html', 'www.a.com:8080'))).toBe('Z')
  })

  it("an absolute-form target's host is the Host the module reads (httpd replaces the header with it)", async () => {
    const s = await stack()
    expect(await farmOf(s, head('http://www.a.com/p.html', 'www.z.com'))).toBe('A')
    expect(s.up.A.last!.url).toBe('/p.html')
    expect(s.up.A.last!.headers.host).toBe('www.a.com')
  })

  it('no Host on HTTP/1.0 matches no value: the last farm, with the warning; on HTTP/1.1 httpd refuses it first', async () => {
    const s = await stack()
    expect(await farmOf(s, head('/p10.html', null, 'HTTP/1.0'))).toBe('Z')
    expect((await s.traceOf('/p10.html')).warnings).toContain("No farm matches host '', selected last farm 'Z'")
    const before = Object.values(s.up).reduce((n, u) => n + u.count, 0)
    const refused = await rawExchange(s.port, head('/p11.html', null))
    expect(refused.status).toBe(400)
    expect(Object.values(s.up).reduce((n, u) => n + u.count, 0)).toBe(before)
    expect((await s.traceOf('/p11.html')).farm).toBeUndefined()
  })

  it('an IPv6 literal Host matches no plain host value: the last farm', async () => {
    const s = await stack()
    expect(await farmOf(s, head('/p.html', '[::1]:8080'))).toBe('Z')
  })
})

describe('X-Cache-Info and the dispatcher.log line for each outcome (§8.2, §8.3)', () => {
  it('a miss, a hit, a normalised URL, a query, a path after the extension, a filter denial', async () => {
    const s = await cacheStackForThisTest()
    const outcome = async (target: string): Promise<{ status: number; info?: string; line: string | null }> => {
      const a = await rawExchange(s.port, head(target))
      return {
        status: a.status,
        info: header(a.head, 'x-cache-info'),
        line: dispatcherLogLine(await s.traceOf(target))
      }
    }
    const page = '/content/site/en.html'
    const stored = s.nextStore(page)
    const miss = await outcome(page)
    expect(miss).toMatchObject({ status: 200, info: 'caching' })
    expect(miss.line).toMatch(/\] "GET \/content\/site\/en\.html" - \d+ms \[publish\/r0\] \[action miss\] "localhost"$/)
    await stored
    const hit = await outcome(page)
    expect(hit).toMatchObject({ status: 200, info: 'target file cached' })
    expect(hit.line).toMatch(/"GET \/content\/site\/en\.html" - \d+ms \[publish\/-\] \[action hit\]/)
    // The module's URL (%{dispatcher:uri}e) is the canonical one: slashes merged, dot segments
    // resolved, unreserved escapes decoded (§3.1).
    const canonical = await outcome('/content//site/./en%2ehtml')
    expect(canonical).toMatchObject({ status: 200, info: 'target file cached' })
    expect(canonical.line).toMatch(/"GET \/content\/site\/en\.html" - \d+ms \[publish\/-\] \[action hit\]/)
    const query = await outcome(page + '?a=1')
    expect(query).toMatchObject({ status: 200, info: 'not cacheable: request contained a query string' })
    expect(query.line).toMatch(/"GET \/content\/site\/en\.html\?a=1" - \d+ms \[publish\/r0\] \[action none\]/)
    const suffix = await outcome(page + '/a/path')
    expect(suffix).toMatchObject({ status: 200, info: 'not cacheable: request URL is missing extension' })
    const denied = await outcome('/libs/x.html')
    // X-Cache-Info on a 404 too (4.3.0, DISP-688); no module words for a filter denial: marked.
    expect(denied.status).toBe(404)
    expect(denied.info).toMatch(/^x-workbench: /)
    expect(denied.line).toMatch(/"GET \/libs\/x\.html" 404 \d+ms \[publish\/-\] \[action none\]/)
  })

  it('a request httpd refuses while reading it never reaches the module: no X-Cache-Info, no render, no log line', async () => {
    const s = await cacheStackForThisTest()
    for (const [target, status] of [
      ['/content/site/en.html#x', 400],
      ['/content/site/en.html%zz', 400],
      ['/content/../../en.html', 400],
      ['/content/site%2Fen.html', 404],
      ['/content/site/en.html%00', 404]
    ] as const) {
      const a = await rawExchange(s.port, head(target))
      expect(a.status, target).toBe(status)
      expect(header(a.head, 'x-cache-info'), target).toBeUndefined()
      expect(dispatcherLogLine(await s.traceOf(target)), target).toBeNull()
    }
    expect(s.up.publish.count).toBe(0)
  })
})
