/**
 * Request heads the lean listener reads as httpd does (request-head.ts) before Node's parser
 * sees them: refused at once where httpd refuses them, passed on where httpd reads what Node's
 * parser would refuse. The differential suite (test/httpd/request-line.test.ts) compares the
 * same heads with apache2; these tests need no apache2.
 */
import net from 'node:net'
import v8 from 'node:v8'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { dispatcherAny } from './support/config'
import { stackForThisTest } from './support/engine'

/**
 * Writes `head` as latin1 and resolves with everything answered once the server closes, or
 * once `ms` pass (the socket is then closed). Several answers may come (pipelining), so this is
 * not support/http-client's `rawExchange`, which reads one.
 */
function raw(port: number, head: string, ms?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head, 'latin1'))
    let answer = ''
    socket.on('data', (d) => (answer += d.toString('latin1')))
    socket.on('error', reject)
    const timer = ms === undefined ? undefined : setTimeout(() => socket.destroy(), ms)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answer)
    })
  })
}

/** `filter`: the farm's rules (by default everything is allowed but `/deny/*`). */
async function stack(filter = '/0001 { /type "allow" /url "*" } /0002 { /type "deny" /url "/deny/*" }') {
  return stackForThisTest({
    upstreams: ['publish'],
    any: (up) => dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: up.publish.port }], filter }]),
    // A head httpd refuses must not wait for this.
    engine: { headersTimeoutMs: 60_000 }
  })
}

describe('request heads as httpd reads them', () => {
  it('a header repeated in the head reaches the render once, its values joined with ", " (Cookie too), as httpd holds it', async () => {
    const s = await stack()
    const answer = await raw(
      s.port,
      'GET /content/a.html HTTP/1.1\r\nHost: localhost\r\nCookie: a=1\r\nUser-Agent: one\r\nCookie: b=2\r\nUser-Agent: two\r\nConnection: close\r\n\r\n'
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    const got = s.up.publish.last!
    expect(got.headers.cookie).toBe('a=1, b=2')
    expect(got.headers['user-agent']).toBe('one, two')
    expect(got.rawHeaders.filter((n) => n.toLowerCase() === 'cookie')).toHaveLength(1)
  })

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

  it('skips empty lines before a request line, however many, also between pipelined requests', async () => {
    const s = await stack()
    const one = await raw(
      s.port,
      '\r\n\r\n\r\nGET /content/a.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    )
    expect(one).toMatch(/^HTTP\/1\.1 200 /)
    const two = await raw(
      s.port,
      'GET /content/a.html HTTP/1.1\r\nHost: localhost\r\n\r\n\r\n\r\n\r\nGET /content/b.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    )
    expect(two.match(/HTTP\/1\.1 200 /g)).toHaveLength(2)
    expect(s.up.publish.requests.map((r) => r.url)).toEqual(['/content/a.html', '/content/a.html', '/content/b.html'])
  })

  it('refuses a bad request line as soon as it is complete, before the rest of the head', async () => {
    const s = await stack()
    // The blank line never comes: httpd answers the request line alone.
    const answer = await raw(s.port, 'GET  /content/a.html HTTP/1.1\r\nHost: localhost\r\n', 3000)
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
  })

  it("keeps what was sent on Node's path: raw target bytes and a later HTTP version reach the engine as they came", async () => {
    const s = await stack()
    const post = await raw(
      s.port,
      'POST /deny/caf\xc3\xa9.html HTTP/1.5\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
    )
    expect(post).toMatch(/^HTTP\/1\.1 404 /)
    const trace = await s.traceOf('/deny/caf\xc3\xa9.html')
    expect(trace.request.protocol).toBe('HTTP/1.5')
    expect(trace.stages.find((st) => st.stage === 'filter')?.summary).toContain('/deny/caf\xc3\xa9.html')
  })

  it("keeps an HTTP/2.0 connection alive on Node's path, as httpd reads 2.0 like 1.1", async () => {
    const s = await stack()
    const both = await raw(
      s.port,
      'POST /content/form.html HTTP/2.0\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n' +
        'GET /content/a.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    )
    expect(both.match(/HTTP\/1\.1 200 /g)).toHaveLength(2)
  })

  it('an absolute http:// target with two Host headers is served: the URL names the host, one Host line goes on', async () => {
    const s = await stack()
    const answer = await raw(
      s.port,
      'GET http://www.example.com/content/a.html HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n'
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(s.up.publish.requests[0].headers.host).toBe('www.example.com')
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

  it("answers a HEAD that Node's parser refuses without a body, as httpd does", async () => {
    const s = await stack()
    for (const head of [
      'HEAD /content/a.html HTTP/1.1\r\nBad Header: x\r\nHost: localhost\r\n\r\n',
      'HEAD foo HTTP/1.1\r\nHost: localhost\r\n\r\n'
    ]) {
      const answer = await raw(s.port, head, 5000)
      expect(answer, head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
      expect(answer, head).not.toContain('Content-Length')
      expect(answer.endsWith('\r\n\r\n'), head).toBe(true)
    }
    const get = await raw(s.port, 'GET /content/a.html HTTP/1.1\r\nBad Header: x\r\nHost: localhost\r\n\r\n', 5000)
    expect(get).toContain('<title>400 Bad Request</title>')
  })

  it("judges the HEAD-ness of the head Node's parser failed on, not of the first in the packet", async () => {
    const s = await stack()
    const bad = 'Bad Header: x\r\nHost: localhost\r\n\r\n'
    const afterHead = await raw(
      s.port,
      `HEAD /content/a.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /content/b.html HTTP/1.1\r\n${bad}`,
      5000
    )
    // The HEAD's own answer first, then the refused head's.
    expect(afterHead).toMatch(/^HTTP\/1\.1 200 [^]*HTTP\/1\.1 400 /)
    expect(afterHead).toContain('<title>400 Bad Request</title>')
    const afterPost = await raw(
      s.port,
      `POST /content/a.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nx\r\nHEAD /content/b.html HTTP/1.1\r\n${bad}`,
      5000
    )
    // The POST's answer (the test render's body ends without a line end), then the refused head's.
    expect(afterPost).toMatch(/^HTTP\/1\.1 200 [^]*HTTP\/1\.1 400 /)
    expect(afterPost).not.toContain('<title>400 Bad Request</title>')
    // The failing head's own request line decides, malformed as it may be.
    const badLine = await raw(
      s.port,
      'HEAD /content/a.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n',
      5000
    )
    expect(badLine).toContain('<title>400 Bad Request</title>')
  })

  it("answers a head Node's parser fails on after a kept-alive request as the lean listener does: the pipeline's 400, after the answer before it, and nothing more", async () => {
    const s = await stack()
    const post = 'POST /content/a.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi'
    const refused = 'GET /content/refused.html?q HTTP/1.1\r\nHost: localhost\r\nX-A: 1\r\nBad Header: x\r\n\r\n'
    const after = 'GET /content/after.html HTTP/1.1\r\nHost: localhost\r\n\r\n'
    const answer = await raw(s.port, post + refused + after, 5000)
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*HTTP\/1\.1 400 Bad Request\r\n/)
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toHaveLength(2)
    expect(answer.slice(answer.indexOf('HTTP/1.1 400'))).toContain('Connection: close\r\n')
    const trace = await s.traceOf('/content/refused.html?q')
    expect(trace.response.status).toBe(400)
    expect(trace.stages[0].summary).toContain('has a name that is not a token')
    expect(s.up.publish.requests.map((r) => r.url)).toEqual(['/content/a.html'])
  })

  it("judges a pipelined head whose bad field comes in a later packet from its own start (the HEAD's 400 has no body)", async () => {
    const s = await stack()
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(s.port, '127.0.0.1', () => {
        socket.write(
          'POST /content/a.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi' +
            'HEAD /content/b.html?split HTTP/1.1\r\nHost: localhost\r\nX: 1',
          'latin1'
        )
        setTimeout(() => socket.write('\r\nBad Name: x\r\n\r\n', 'latin1'), 50)
      })
      let got = ''
      socket.on('data', (d) => (got += d.toString('latin1')))
      socket.on('error', reject)
      const timer = setTimeout(() => socket.destroy(), 5000)
      socket.on('close', () => {
        clearTimeout(timer)
        resolve(got)
      })
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200 [^]*HTTP\/1\.1 400 Bad Request\r\n/)
    // Judged as the HEAD it is: its 400 has no body.
    expect(answer).not.toContain('<title>400 Bad Request</title>')
    const trace = await s.traceOf('/content/b.html?split')
    expect([trace.request.method, trace.response.status]).toEqual(['HEAD', 400])
  })

  // A guard against a quadratic trim (a regex over the run of blanks took 5 s for 50 KB, with
  // the event loop blocked): the time allowed is thousands of times what the loop takes.
  it(
    'refuses a head with a long run of blanks inside a field value as fast as any other',
    { timeout: 3000 },
    async () => {
      const s = await stack()
      const blanks = ' '.repeat(60_000)
      const lean = await raw(
        s.port,
        `GET /a.html HTTP/1.1\r\nHost: localhost\r\nX: a${blanks}x\r\nBad Name: x\r\n\r\n`,
        2500
      )
      expect(lean).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    }
  )

  it('holds no part of a body that keeps coming after its answer (a denied POST Node drains)', async () => {
    const s = await stack()
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    const size = 64 * 1024 * 1024
    gc()
    const before = process.memoryUsage().arrayBuffers
    let held = 0
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(s.port, '127.0.0.1', () =>
        socket.write(
          'GET /a.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\nx' +
            `POST /deny/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${size}\r\n\r\n`
        )
      )
      let got = ''
      let sending = false
      socket.on('error', reject)
      socket.on('data', async (d) => {
        got += d.toString('latin1')
        if (sending || (got.match(/HTTP\/1\.1 \d{3} /g) ?? []).length < 2) return
        sending = true
        const chunk = Buffer.alloc(1024 * 1024, 'a')
        for (let i = 0; i < size / chunk.length; i++)
          if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r))
        setTimeout(() => {
          gc()
          held = process.memoryUsage().arrayBuffers - before
          socket.destroy()
          resolve()
        }, 500)
      })
    })
    // Before: the whole 64 MB body was held until the next head or its timeout.
    expect(held).toBeLessThan(size / 4)
  })

  it('explains a HEAD over LimitRequestLine as served: the 414 page has its length', async () => {
    const s = await stack()
    const trace = s.engine.explain({ method: 'HEAD', url: `/${'a'.repeat(9000)}` })
    expect(trace.response.status).toBe(414)
    expect(Number(trace.response.headers['content-length'])).toBeGreaterThan(0)
  })

  it('reads a query with no path before it as a query on /', async () => {
    const s = await stack()
    const answer = await raw(s.port, 'GET ?a=b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(s.up.publish.requests.map((r) => r.url)).toEqual(['/?a=b'])
  })

  it("answers a CONNECT as a request for / (the filter decides), on the lean path and on Node's", async () => {
    const s = await stack('/0001 { /type "deny" /url "*" } /0002 { /type "allow" /method "GET" /url "*" }')
    // Kept alive like any answer: the GET after it on the same connection is answered too.
    const both = await raw(
      s.port,
      'CONNECT www.example.com:443 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /content/a.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    )
    expect(both).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/)
    expect(both).toContain('HTTP/1.1 200 OK\r\n')
    const trace = await s.traceOf('www.example.com:443')
    expect(trace.request.method).toBe('CONNECT')
    expect(trace.stages.find((st) => st.stage === 'filter')?.verdict).toBe('stop')
    // HTTP/1.0 goes to Node's parser, which hands a CONNECT over as a tunnel: answered, then closed.
    const old = await raw(s.port, 'CONNECT www.example.com:443 HTTP/1.0\r\n\r\n', 5000)
    expect(old).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/)
    expect(old).toContain('Connection: close\r\n')
    // A CONNECT target that is not host:port is refused with the request line.
    expect(await raw(s.port, 'CONNECT /content/a.html HTTP/1.1\r\nHost: localhost\r\n\r\n', 5000)).toMatch(
      /^HTTP\/1\.1 400 Bad Request\r\n/
    )
    expect(s.up.publish.requests.map((r) => r.url)).toEqual(['/content/a.html'])
  })

  it('does not forward a CONNECT to a ProxyPass backend either: 502 at once, where it used to wait for a tunnel', async () => {
    // A backend that takes the connection and never answers: a forwarded CONNECT would wait on it.
    const silent = net.createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as net.AddressInfo).port
    try {
      const s = await stackForThisTest({
        upstreams: ['publish'],
        any: (up) => dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: up.publish.port }] }]),
        files: { 'httpd.conf': `ProxyPass "/" "http://127.0.0.1:${port}/"\n` }
      })
      const answer = await raw(
        s.port,
        'CONNECT localhost:80 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
        3000
      )
      expect(answer).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/)
      const render = (await s.traceOf('localhost:80')).stages.find((st) => st.stage === 'render')
      expect(render?.summary).toContain(`mod_proxy would forward this CONNECT to http://127.0.0.1:${port}/`)
    } finally {
      silent.close()
    }
  })

  it('does not forward a CONNECT the filter allows: 502 at once, with the reason in the trace', async () => {
    const s = await stack()
    const answer = await raw(s.port, 'CONNECT localhost:80 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/)
    const render = (await s.traceOf('localhost:80')).stages.find((st) => st.stage === 'render')
    expect(render?.summary).toContain('would forward this CONNECT')
    expect(s.up.publish.requests).toHaveLength(0)
  })
})
