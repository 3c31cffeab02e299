import { describe, expect, it } from 'vitest'
import { shellQuote, toCurl } from '../../../src/renderer/src/store/curl'
import { queryPairs, toHar, toHarEntry } from '../../../src/renderer/src/store/har'
import { trace } from './fixtures'

describe('HAR export', () => {
  it('is a HAR 1.2 log with one entry per request and the workbench as creator', () => {
    const har = toHar([trace(), trace({ id: '8', seq: 8 })], '1.2.3')
    expect(har.log.version).toBe('1.2')
    expect(har.log.creator).toEqual({ name: 'Dispatcher Workbench', version: '1.2.3' })
    expect(har.log.entries).toHaveLength(2)
    expect(JSON.parse(JSON.stringify(har))).toEqual(har)
  })

  it('an entry has the absolute URL, ISO start time, headers as name/value pairs and the parsed query', () => {
    const e = toHarEntry(trace())
    expect(e.request.url).toBe('http://localhost:8080/content/site/en.html?q=a%20b&x')
    expect(e.startedDateTime).toBe('2025-01-02T03:04:05.678Z')
    expect(e.request.headers).toContainEqual({ name: 'user-agent', value: "curl's agent" })
    expect(e.request.queryString).toEqual([
      { name: 'q', value: 'a b' },
      { name: 'x', value: '' }
    ])
    expect(e.request.cookies).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' }
    ])
  })

  it('repeated response headers kept joined in the trace become separate HAR headers and cookies', () => {
    const e = toHarEntry(trace())
    expect(e.response.headers.filter((h) => h.name === 'set-cookie').map((h) => h.value)).toEqual([
      'x=1; Path=/',
      'y=2'
    ])
    expect(e.response.cookies.map((c) => c.name)).toEqual(['x', 'y'])
    expect(e.response.content).toEqual({ size: 1234, mimeType: 'text/html;charset=utf-8' })
    expect(e.response.statusText).toBe('OK')
    // The status lines httpd writes, where Node's wording differs.
    const big = trace()
    big.response = { ...big.response, status: 413 }
    expect(toHarEntry(big).response.statusText).toBe('Request Entity Too Large')
  })

  it('timings add up to the total time: waiting for the render headers, then receiving', () => {
    const e = toHarEntry(trace())
    expect(e.timings.wait).toBe(25)
    expect(e.timings.receive).toBe(15)
    expect(e.timings.send + e.timings.wait + e.timings.receive).toBeCloseTo(e.time, 3)
    expect(e.serverIPAddress).toBe('127.0.0.1')
  })

  it('a blocked request without a render spends all its time in wait and has no server address', () => {
    const e = toHarEntry(
      trace({
        forwarded: undefined,
        stages: [],
        outcome: 'blocked',
        response: { status: 404, headers: {}, bytes: 196 }
      })
    )
    expect(e.timings).toMatchObject({ send: 0, wait: 40, receive: 0 })
    expect(e.serverIPAddress).toBeUndefined()
    expect(e.response.content.mimeType).toBe('x-unknown')
  })

  it('carries the workbench trace (outcome, farm, stages, forwarded request) in _dispatcher', () => {
    const d = toHarEntry(trace())._dispatcher
    expect(d.outcome).toBe('miss-uncacheable')
    expect(d.farm).toBe('publish')
    expect(d.stages.map((s) => s.stage)).toEqual(['accept', 'filter', 'render'])
    expect(d.forwarded?.render).toBe('rend01')
    expect(d).not.toHaveProperty('request')
  })

  it('a query string with a malformed escape is kept as sent', () => {
    expect(queryPairs('/a?x=%zz')).toEqual([{ name: 'x', value: '%zz' }])
  })
})

describe('copy as curl', () => {
  it('single-quotes for the shell, a quote inside becomes quote-escape-quote', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
  })

  it('has the URL, the headers except connection-level ones, and keeps the path as sent', () => {
    const cmd = toCurl(trace())
    expect(cmd).toBe(
      `curl 'http://localhost:8080/content/site/en.html?q=a%20b&x' -H 'user-agent: curl'\\''s agent' -H 'cookie: a=1; b=2' --path-as-is`
    )
  })

  it('names the method when it is not GET and uses https for a secure request', () => {
    const t = trace()
    const cmd = toCurl({ ...t, request: { ...t.request, method: 'POST', secure: true, headers: {} } })
    expect(cmd).toBe(`curl 'https://localhost:8080/content/site/en.html?q=a%20b&x' -X 'POST' --path-as-is`)
  })
})
