/**
 * Request heads the lean listener reads as httpd does (request-head.ts) before Node's parser
 * sees them: refused at once where httpd refuses them, passed on where httpd reads what Node's
 * parser would refuse. The differential suite (test/httpd/request-line.test.ts) compares the
 * same heads with apache2; these tests need no apache2.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { dispatcherAny } from './support/config'
import { stackForThisTest } from './support/engine'

/** Writes `head` as latin1 and resolves with everything answered once the server closes. */
function raw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head, 'latin1'))
    let answer = ''
    socket.on('data', (d) => (answer += d.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => resolve(answer))
  })
}

async function stack() {
  return stackForThisTest({
    upstreams: ['publish'],
    any: (up) =>
      dispatcherAny([
        {
          name: 'publish',
          renders: [{ host: '127.0.0.1', port: up.publish.port }],
          filter: '/0001 { /type "allow" /url "*" } /0002 { /type "deny" /url "/deny/*" }'
        }
      ]),
    // A head httpd refuses must not wait for this.
    engine: { headersTimeoutMs: 60_000 }
  })
}

describe('request heads as httpd reads them', () => {
  it('refuses a head with a bare LF at once, with 400, instead of waiting for the headers timeout', async () => {
    const s = await stack()
    const answer = await raw(s.port, 'GET /content/a.html HTTP/1.1\nHost: localhost\n\n')
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(answer).toContain('Connection: close\r\n')
    expect(answer).toContain('<title>400 Bad Request</title>')
    expect(s.up.publish.requests).toHaveLength(0)
  })

  it('refuses a request line with two spaces, and answers a HEAD with the head alone', async () => {
    const s = await stack()
    const get = await raw(s.port, 'GET  /content/a.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect(get).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    const head = await raw(s.port, 'HEAD  /content/a.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(head).not.toContain('Content-Length')
    expect(head.endsWith('\r\n\r\n')).toBe(true)
    expect(s.up.publish.requests).toHaveLength(0)
  })

  it('leaves a trace that says why httpd refused the head', async () => {
    const s = await stack()
    await raw(s.port, 'GET  /content/double.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
    const trace = await s.traceOf('/content/double.html')
    expect(trace.response.status).toBe(400)
    expect(trace.outcome).toBe('blocked')
    expect(trace.stages[0]).toMatchObject({ stage: 'accept', verdict: 'stop' })
    expect(trace.stages[0].summary).toContain(
      "httpd refuses the request: the request line 'GET  /content/double.html HTTP/1.1' separates its parts with more than one space"
    )
    await raw(s.port, 'GET /content/lf.html HTTP/1.1\nHost: localhost\n\n')
    expect((await s.traceOf('/content/lf.html')).stages[0].summary).toContain('bare LF')
  })

  it('forwards what httpd reads and Node would refuse: HTTP/1.2, raw UTF-8 in the target, folded lines', async () => {
    const s = await stack()
    const close = 'Host: localhost\r\nConnection: close\r\n\r\n'
    expect(await raw(s.port, `GET /content/a.html HTTP/1.2\r\n${close}`)).toMatch(/^HTTP\/1\.1 200 /)
    // Read and judged by the filter (the test's renders, Node servers, would refuse the raw bytes).
    expect(await raw(s.port, `GET /deny/caf\xc3\xa9.html HTTP/1.1\r\n${close}`)).toMatch(/^HTTP\/1\.1 404 /)
    const trace = await s.traceOf('/deny/caf\xc3\xa9.html')
    expect(trace.stages.find((st) => st.stage === 'filter')?.verdict).toBe('stop')
    const folded = `POST /content/form.html HTTP/1.1\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n${close}`
    expect(await raw(s.port, folded)).toMatch(/^HTTP\/1\.1 200 /)
    const seen = s.up.publish.requests
    expect(seen.map((r) => r.url)).toEqual(['/content/a.html', '/content/form.html'])
    expect(seen[1].headers['x-folded']).toBe('a b')
  })

  it('chooses the virtual host by an absolute http:// target and rewrites the Host header to match', async () => {
    const s = await stack()
    const answer = await raw(
      s.port,
      'GET http://WWW.Example.COM:8080/content/a.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(s.up.publish.requests[0].headers.host).toBe('www.example.com:8080')
  })
})
