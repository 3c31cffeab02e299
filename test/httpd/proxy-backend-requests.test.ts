/**
 * What the backend gets from mod_proxy_http, Debian's apache2 against the workbench, both
 * forwarding to one raw backend (raw-backend.ts) that records each request as it came: a
 * ProxyPassMatch whose URL is substituted (`$N`, WKND's persisted GraphQL queries) has no worker
 * to reuse, so its backend connection closes; a plain ProxyPass keeps it, for a HEAD too (undici
 * would close after a HEAD unless told). A chunked request body is prefetched: one that ends
 * within MAX_MEM_SPOOL - 80 bytes goes on with a Content-Length, a longer one chunked, and
 * `proxy-sendcl` spools any to send a Content-Length. A client's `Expect: 100-continue` goes on
 * to the backend, and the client's own `100 Continue` waits for the backend's.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { ask, compareRawHeads, dechunk, type HttpdRequest } from './harness'
import { serverLines } from './classic'
import { proxiedSideBySide, type Recorded } from './raw-backend'

const { running, backend: raw } = proxiedSideBySide((b, d) => [
  ...serverLines(['proxy', 'proxy_http', 'mime', 'env', 'headers', 'rewrite'], d),
  'ProxyRequests Off',
  `ProxyPass /p/ ${b}/b/`,
  '<Location /add/>',
  `  ProxyPass ${b}/b/`,
  '  RequestHeader add X-A 1',
  '  RequestHeader add x-a 2',
  '</Location>',
  `ProxyPass /deaf/ ${b}/b/deaf/`,
  '<Location /sendcl/>',
  `  ProxyPass ${b}/b/`,
  '  SetEnv proxy-sendcl 1',
  '</Location>',
  `ProxyPassMatch ^/gql/(.*)$ ${b}/b/echo/graphql/execute.json/$1`,
  `ProxyPassMatch ^/whole/.*$ ${b}/b/echo`,
  // Shares the worker …/b/echo the line before defined (which takes its URL): kept.
  `ProxyPassMatch ^/shared/(.*)$ ${b}/b/echo/$1`,
  '<Location /unx/>',
  `  ProxyPass ${b}/b/`,
  '  RequestHeader unset Expect',
  '</Location>',
  '<Location /setx/>',
  `  ProxyPass ${b}/b/`,
  '  RequestHeader set Expect foo',
  '</Location>',
  '<Location /noc/>',
  '  Proxy100Continue Off',
  '</Location>',
  `ProxyPass /noc/ ${b}/b/`,
  '<Location /rh/>',
  '  RequestHeader set X-U "expr=%{unescape:%{QUERY_STRING}}"',
  '</Location>',
  `ProxyPass /rh/ ${b}/b/`,
  '<Location /nka/>',
  '  SetEnv proxy-nokeepalive 1',
  '</Location>',
  `ProxyPass /nka/ ${b}/b/`,
  `ProxyPass /h/ ${b}/h/`,
  `ProxyPassMatch ^/short/(.*)$ ${b}/h/echo/$1`,
  `ProxyPassMatch ^/reuse/(.*)$ ${b}/e/$1 enablereuse=on`,
  `ProxyPass /noreuse/ ${b}/f/ disablereuse=On`,
  // The last of the two parameters decides.
  `ProxyPass /reuse-last/ ${b}/g/ disablereuse=on enablereuse=on`,
  `ProxyPass /noreuse-last/ ${b}/i/ enablereuse=on disablereuse=on`,
  'RewriteEngine On',
  `RewriteRule ^/rw/(.*)$ ${b}/b/$1 [P]`,
  `RewriteRule ^/rw-other/(.*)$ ${b.replace('127.0.0.1', 'localhost')}/b/$1 [P]`
])

/** What the backend received for `req` from apache2, then from the workbench. */
async function forwarded(req: HttpdRequest): Promise<{ apache: Recorded[]; workbench: Recorded[] }> {
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50))
  const backend = raw()
  backend.records.length = 0
  await ask(running.apachePort, req)
  await settle()
  const apache = backend.records.splice(0)
  await ask(running.enginePort, req)
  await settle()
  return { apache, workbench: backend.records.splice(0) }
}

/** The request line and the Connection header of the first recorded request. */
function lineAndConnection(r: Recorded[]): [string | undefined, string[]] {
  const lines = r[0]?.head.split('\r\n') ?? []
  const connection = lines
    .slice(1)
    .filter((l) => l.slice(0, l.indexOf(':')).toLowerCase() === 'connection')
    .map((l) =>
      l
        .slice(l.indexOf(':') + 1)
        .trim()
        .toLowerCase()
    )
  return [lines[0], connection]
}

describe("the backend's connection", () => {
  it('is kept or closed as the worker that takes the URL says (proxy-workers.ts) or proxy-nokeepalive, HEAD too', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/gql/wknd-shared/adventures-all;slug=x', {}],
      ['GET', '/whole/a', {}],
      ['GET', '/p/echo', {}],
      ['HEAD', '/p/echo', {}],
      // …/h/echo/x is shorter than the worker …/h/echo/$1: the plain worker …/h/ takes it.
      ['GET', '/short/x', {}],
      ['GET', '/short/xy', {}],
      ['GET', '/shared/xy', {}],
      ['GET', '/reuse/x', {}],
      ['GET', '/noreuse/x', {}],
      ['GET', '/reuse-last/x', {}],
      ['GET', '/noreuse-last/x', {}],
      ['GET', '/rw/echo', {}],
      ['GET', '/nka/echo', {}],
      // No worker names the host: mod_proxy's generic one, which never keeps a connection.
      ['GET', '/rw-other/echo', {}]
    ]
    for (const req of requests) {
      const { apache, workbench } = await forwarded(req)
      expect(lineAndConnection(workbench), `${req[0]} ${req[1]}`).toEqual(lineAndConnection(apache))
    }
  })
})

/** The first recorded request's header lines as written: names spelled, ordered, Host and Connection included. */
function headerLines(r: Recorded[]): string[] {
  return r[0]?.head.split('\r\n').slice(1) ?? []
}

describe("the backend's header lines", () => {
  it('are Host, r->headers_in line by line in its order and spelling with the X-Forwarded-* merged or appended, the framing, and Connection', async () => {
    const requests: HttpdRequest[] = [
      // RequestHeader add puts a name on lines of its own; the client's repeats are one line.
      ['GET', '/add/echo', { 'X-A': '0' }],
      ['GET', '/add/echo', {}],
      ['GET', '/p/echo', { 'X-A': '0\r\nx-a: 9\r\nUser-Agent: ua\r\naccept: */*' }],
      [
        'GET',
        '/p/echo',
        {
          'x-forwarded-host': 'h0\r\nX-Forwarded-Server: s0\r\nMax-Forwards: 5\r\nVia: 1.0 x',
          'Keep-Alive': '5\r\nTE: trailers\r\nConnection: TE\r\nX-Dropped: 1\r\nConnection: x-dropped'
        }
      ],
      ['POST', '/p/echo', { 'Content-Type': 'text/x', 'Transfer-Encoding': 'chunked', ':body': chunked(5) }],
      // add_cl passes a client's Content-Length: 0 on whatever the method.
      ...['GET', 'HEAD', 'DELETE', 'OPTIONS', 'POST'].map((m): HttpdRequest => [
        m,
        '/p/echo',
        { 'Content-Length': '0' }
      ]),
      ['POST', '/add/echo', { Expect: '100-continue', 'X-A': '0', 'Content-Length': '5', ':body': 'hello' }],
      ['POST', '/p/echo', { Expect: '100-continue', 'Content-Length': '05', ':body': 'hello' }],
      // r->expecting_100 was set as the head was read: mod_proxy gives the Expect back its token.
      ['POST', '/unx/echo', { Expect: '100-continue', 'Content-Length': '5', ':body': 'hello' }],
      ['POST', '/setx/echo', { Expect: '100-continue', 'Content-Length': '5', ':body': 'hello' }],
      // A folded line is joined by one space, the blanks around the fold dropped.
      ['GET', '/p/echo', { 'X-F': 'a\r\n  folded' }],
      ['GET', '/p/echo', { 'X-F': 'a \t\r\n\t b\r\n c' }],
      // obs-text goes on byte for byte, through either way of sending.
      ['GET', '/p/echo', { 'X-T': 'a\xe9\x80\xffb' }],
      ['POST', '/p/echo', { Expect: '100-continue', 'X-T': 'a\xe9b', 'Content-Length': '5', ':body': 'hello' }]
    ]
    for (const req of requests) {
      const { apache, workbench } = await forwarded(req)
      expect(headerLines(workbench), `${req[0]} ${req[1]} ${JSON.stringify(req[2])}`).toEqual(headerLines(apache))
    }
  })

  it("hold a client's value as it came: a tab or obs-text goes on, a control character or DEL is httpd's 400 (HttpProtocolOptions Strict)", async () => {
    for (const byte of [0x09, 0x80, 0xe9, 0xff, 0x01, 0x08, 0x0b, 0x0c, 0x1f, 0x7f]) {
      const req: HttpdRequest = ['GET', '/p/echo', { 'X-T': `a${String.fromCharCode(byte)}b` }]
      const apacheAnswer = await ask(running.apachePort, req)
      const workbenchAnswer = await ask(running.enginePort, req)
      expect(apacheAnswer.status, byte.toString(16)).toBe(byte === 0x09 || byte >= 0x80 ? 200 : 400)
      const { apache, workbench } = await forwarded(req)
      expect([workbenchAnswer.status, headerLines(workbench)], byte.toString(16)).toEqual([
        apacheAnswer.status,
        headerLines(apache)
      ])
    }
  })

  it('pass on a value RequestHeader made with a control character or DEL as it is, where the client could not send one', async () => {
    // httpd's own checks are on the client's head (a 400 for these under HttpProtocolOptions
    // Strict); ap_proxy_create_hdrbrgade writes r->headers_in as it finds it, a CR or LF too.
    for (const byte of ['%7f', '%01', '%0b', '%1f', '%0d', '%0a', '%e9', '%00']) {
      const req: HttpdRequest = ['GET', `/rh/echo?a${byte}b`, {}]
      const apacheAnswer = await ask(running.apachePort, req)
      const workbenchAnswer = await ask(running.enginePort, req)
      const { apache, workbench } = await forwarded(req)
      expect([workbenchAnswer.status, headerLines(workbench)], byte).toEqual([apacheAnswer.status, headerLines(apache)])
    }
  })
})

/** `size` bytes of body in chunks of at most 4000 bytes, and the last chunk. */
function chunked(size: number): string {
  let out = ''
  for (let left = size; left > 0; left -= 4000) {
    const n = Math.min(4000, left)
    out += `${n.toString(16)}\r\n${'a'.repeat(n)}\r\n`
  }
  return `${out}0\r\n\r\n`
}

/** How the first recorded request's body was framed (its Content-Length or Transfer-Encoding line) and its content's length. */
function framing(r: Recorded[]): string {
  const lines = r[0]?.head.split('\r\n').slice(1) ?? []
  const field = (name: string): string | undefined =>
    lines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.toLowerCase()
  const te = field('transfer-encoding')
  const body = Buffer.from(r[0]?.body ?? '', 'latin1')
  return `${te ?? field('content-length') ?? 'unframed'}, ${(te ? dechunk(body) : body).length} bytes`
}

describe("the backend's request body", () => {
  it('is framed as mod_proxy_http frames it: a chunked body within the prefetch gets a Content-Length', async () => {
    const requests: HttpdRequest[] = [
      ...[100, 16303, 16304, 16384, 20000, 70000].map((n): HttpdRequest => [
        'POST',
        '/p/echo',
        { 'Transfer-Encoding': 'chunked', ':body': chunked(n) }
      ]),
      ['POST', '/p/echo', { 'Content-Length': '20000', ':body': 'a'.repeat(20000) }],
      ['POST', '/sendcl/echo', { 'Transfer-Encoding': 'chunked', ':body': chunked(20000) }]
    ]
    for (const req of requests) {
      const { apache, workbench } = await forwarded(req)
      expect(framing(workbench), `${req[1]} ${req[2][':body'].length}`).toBe(framing(apache))
    }
  })
})

/** The first recorded request's Expect line (lower-cased) and how its body was framed. */
function expectAndFraming(r: Recorded[]): string {
  const line = r[0]?.head.split('\r\n').find((l) => l.toLowerCase().startsWith('expect:'))
  return `${line?.toLowerCase() ?? 'no expect'}; ${framing(r)}`
}

/**
 * What the client gets within `ms` of sending `head` alone (its body held back as a client
 * waiting on a 100 holds it), or until the server closes the connection.
 */
function withinWait(port: number, head: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head, 'latin1'))
    let got = ''
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(got))
    setTimeout(() => {
      socket.destroy()
      resolve(got)
    }, ms)
  })
}

describe('Expect: 100-continue', () => {
  it('goes on to the backend, with or without a body', async () => {
    const expecting = { Expect: '100-continue' }
    const requests: HttpdRequest[] = [
      ['POST', '/p/echo', { ...expecting, 'Content-Length': '5', ':body': 'hello' }],
      ...[100, 16303, 16304, 16384, 16385, 20000].map((n): HttpdRequest => [
        'POST',
        '/p/echo',
        { ...expecting, 'Transfer-Encoding': 'chunked', ':body': chunked(n) }
      ]),
      ['GET', '/p/echo', expecting]
    ]
    for (const req of requests) {
      const { apache, workbench } = await forwarded(req)
      expect(expectAndFraming(workbench), `${req[0]} ${JSON.stringify(req[2]).slice(0, 70)}`).toBe(
        expectAndFraming(apache)
      )
    }
  })

  it('is answered to the client once the backend answered it, and not before', async () => {
    const head = (path: string, framing: string): string =>
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n${framing}\r\nConnection: close\r\n\r\n`
    for (const path of ['/p/echo', '/deaf/x'])
      for (const framing of ['Content-Length: 5', 'Transfer-Encoding: chunked']) {
        const [apache, workbench] = await Promise.all([
          withinWait(running.apachePort, head(path, framing), 700),
          withinWait(running.enginePort, head(path, framing), 700)
        ])
        expect(workbench, `${path} ${framing}`).toBe(apache)
      }
  })
})

describe('Expect: 100-continue without a body, or from an HTTP/1.0 client', () => {
  it("relays the backend's 100 to an HTTP/1.1 client, and closes the connection when no 100 went out", async () => {
    // A request after it on the connection shows whether the connection stayed open.
    const next = 'GET /x.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    const expecting = (line: string, fields: string, body = ''): string =>
      `${line}\r\nHost: localhost\r\nExpect: 100-continue\r\n${fields}\r\n${body}${next}`
    const cases = [
      expecting('GET /p/echo HTTP/1.1', ''),
      expecting('GET /p/echo HTTP/1.1', 'Content-Length: 0\r\n'),
      expecting('POST /p/echo HTTP/1.1', 'Content-Length: 0\r\n'),
      expecting('GET /deaf/x HTTP/1.1', ''),
      expecting('GET /x.txt HTTP/1.1', ''),
      expecting('GET /x.txt HTTP/1.0', 'Connection: keep-alive\r\n'),
      expecting('POST /p/echo HTTP/1.0', 'Connection: keep-alive\r\nContent-Length: 5\r\n', 'hello'),
      // Proxy100Continue Off: the Expect stays here, and httpd's own 100 goes out as the body is read.
      expecting('GET /noc/echo HTTP/1.1', ''),
      expecting('POST /noc/echo HTTP/1.1', 'Content-Length: 5\r\n', 'hello')
    ]
    const backend = raw()
    const undated = (got: string): string => got.replace(/^Date: .*\r\n/gm, '')
    for (const request of cases) {
      const seen = async (port: number): Promise<[string, string]> => {
        backend.records.length = 0
        const got = undated(await withinWait(port, request, 1500))
        return [got, expectAndFraming(backend.records.splice(0))]
      }
      const apache = await seen(running.apachePort)
      expect(await seen(running.enginePort), JSON.stringify(request)).toEqual(apache)
    }
  })
})

// ap_send_interim_response writes an interim head's fields as ap_proxy_read_headers read them:
// no header filter checks them, and the final answer goes on after it. A NUL or a line without
// a colon is ap_proxy_read_headers' failure all the same: httpd's 502.
describe('an interim answer with a byte the header filter would refuse', () => {
  it('is relayed as it came (a 100 to a client that asked for it), and the final answer after it', async () => {
    const query = (lines: string): string => lines.replaceAll(' ', '%20')
    const request = (line: string, fields = '', body = ''): string =>
      `${line}\r\nHost: localhost\r\n${fields}Connection: close\r\n\r\n${body}`
    const expecting = 'Expect: 100-continue\r\nContent-Length: 5\r\n'
    const cases = [
      request(`GET /p/interim/103?${query('X-Bad: a%01b')} HTTP/1.1`),
      request(`GET /p/interim/103?${query('X-Bad: a%01b')} HTTP/1.0`),
      request(`GET /p/interim/103?${query('X Bad: ab&X-Del: a%7Fb&X-Cr: a%0Db&X-Fold: a&%20b%01')} HTTP/1.1`),
      request(`GET /p/interim/100?${query('X-Bad: a%01b')} HTTP/1.1`),
      request(`GET /p/interim/100?${query('X-Bad: a%01b')} HTTP/1.1`, 'Expect: 100-continue\r\n'),
      request(`POST /p/interim/100?${query('X-Bad: a%01b')} HTTP/1.1`, expecting, 'hello'),
      // The client waits for the 100 before it sends its body: the 100 goes out alone.
      request(`POST /p/interim/100?${query('X-Bad: a%01b')} HTTP/1.1`, expecting),
      request(`POST /p/interim/100?${query('X-Bad: a%01b')} HTTP/1.1`, 'Content-Length: 5\r\n', 'hello')
    ]
    const undated = (got: string): string => got.replace(/^Date: .*\r\n/gm, '')
    for (const head of cases) {
      const apache = undated(await withinWait(running.apachePort, head, 1500))
      expect(undated(await withinWait(running.enginePort, head, 1500)), JSON.stringify(head)).toBe(apache)
    }
    // httpd's 502 page (the harness compares it without its DOCTYPE line).
    const failing = ['X-Bad: a%01b&X-Nul: a%00b', 'X-Bad: a%01b&nocolon'].map((l) =>
      request(`GET /p/interim/103?${query(l)} HTTP/1.1`)
    )
    expect(await compareRawHeads(failing, running.apachePort, running.enginePort)).toBe('')
  })
})

// A short Timeout: how long mod_proxy waits for a backend's 100 Continue, and the client's body reads.
const short = proxiedSideBySide((b, d) => [
  ...serverLines(['proxy', 'proxy_http', 'mime'], d),
  'Timeout 2',
  'ProxyRequests Off',
  `ProxyPass /deaf/ ${b}/b/deaf/`
])

describe('Expect: 100-continue to a backend that never sends 100', () => {
  it("is mod_proxy's 503 once Timeout passed, not the client's 408 (the client rightly waits for the 100)", async () => {
    const head =
      'POST /deaf/x HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n'
    const [apache, workbench] = await Promise.all([
      withinWait(short.running.apachePort, head, 3500),
      withinWait(short.running.enginePort, head, 3500)
    ])
    expect(apache.split('\r\n')[0]).toBe('HTTP/1.1 503 Proxy Error')
    // (The emulated 2.4.63 writes the older DOCTYPE line.)
    const page = (raw: string): string => raw.slice(raw.indexOf('\r\n\r\n')).replace(/<!DOCTYPE[^>]*>/, '<!DOCTYPE>')
    expect([workbench.split('\r\n')[0], page(workbench)]).toEqual([apache.split('\r\n')[0], page(apache)])
  })
})

const via = proxiedSideBySide((b, d) => [
  ...serverLines(['proxy', 'proxy_http', 'mime', 'env'], d),
  'ProxyRequests Off',
  'ProxyVia On',
  '<Location /rfc/>',
  '  SetEnv proxy-interim-response RFC',
  '</Location>',
  '<Location /sup/>',
  '  SetEnv proxy-interim-response Suppress',
  '</Location>',
  `ProxyPass /rfc/ ${b}/b/`,
  `ProxyPass /sup/ ${b}/b/`,
  `ProxyPass /p/ ${b}/b/`
])

/** What the client and then the backend got for `head` (the client's answers undated), apache2's and the workbench's. */
async function clientAndBackend(head: string): Promise<{ apache: string[]; workbench: string[] }> {
  const backend = via.backend()
  const seen = async (port: number): Promise<string[]> => {
    backend.records.length = 0
    const got = (await withinWait(port, head, 1500)).replace(/^Date: .*\r\n/gm, '')
    return [got, ...backend.records.splice(0).map((r) => r.head)]
  }
  const apache = await seen(via.running.apachePort)
  return { apache, workbench: await seen(via.running.enginePort) }
}

describe('ProxyVia On', () => {
  it("adds its entry to the 100 Continue it relays, which keeps the backend's reason phrase and lines but the hop-by-hop ones", async () => {
    const expecting = (line: string, fields = ''): string =>
      `${line}\r\nHost: localhost\r\nExpect: 100-continue\r\n${fields}Connection: close\r\n\r\n`
    // /b/continue-lines answers the Expect with `100 Go On` and lines of its own (raw-backend.ts).
    for (const head of [
      expecting('GET /p/continue-lines HTTP/1.1'),
      expecting('GET /p/echo HTTP/1.1'),
      expecting('POST /p/echo HTTP/1.1', 'Content-Length: 0\r\n')
    ]) {
      const { apache, workbench } = await clientAndBackend(head)
      expect(workbench, JSON.stringify(head)).toEqual(apache)
    }
  })

  it('relays the interim answers proxy-interim-response lets through, to an HTTP/1.1 client', async () => {
    const request = (line: string, fields = '', body = ''): string =>
      `${line}\r\nHost: localhost\r\n${fields}Connection: close\r\n\r\n${body}`
    // /b/hints answers with a 103 and a 102 before its 200 (raw-backend.ts).
    for (const head of [
      request('GET /p/hints HTTP/1.1'),
      request('GET /p/hints HTTP/1.0'),
      // RFC: a 100 the client did not ask for goes on too; any other value: no interim answer.
      request('GET /rfc/continue HTTP/1.1'),
      request('GET /rfc/hints HTTP/1.1'),
      request('GET /sup/hints HTTP/1.1'),
      request('GET /sup/echo HTTP/1.1', 'Expect: 100-continue\r\n'),
      // A body that came with the head is prefetched without blocking: httpd sends no 100 of its own.
      request('POST /sup/echo HTTP/1.1', 'Expect: 100-continue\r\nContent-Length: 5\r\n', 'hello'),
      request('POST /p/echo HTTP/1.1', 'Expect: 100-continue\r\nContent-Length: 5\r\n', 'hello'),
      request(
        'POST /p/echo HTTP/1.1',
        'Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n',
        '5\r\nhello\r\n0\r\n\r\n'
      )
    ]) {
      const { apache, workbench } = await clientAndBackend(head)
      expect(workbench, JSON.stringify(head)).toEqual(apache)
    }
  })

  it("names the client's protocol version, on the request to the backend and on the answer", async () => {
    for (const head of [
      'GET /p/echo HTTP/1.0\r\nHost: localhost\r\n\r\n',
      'GET /p/echo HTTP/1.0\r\nHost: localhost\r\nVia: 1.0 x\r\n\r\n',
      'GET /p/continue HTTP/1.0\r\nHost: localhost\r\n\r\n'
    ]) {
      const { apache, workbench } = await clientAndBackend(head)
      expect(workbench, JSON.stringify(head)).toEqual(apache)
    }
  })
})

describe('an encoded control character in the path', () => {
  it("is forwarded as ap_proxy_canonenc re-encodes it, upper-case hex, and the backend's answer relayed", async () => {
    for (const path of ['/p/a%0db', '/p/a%0ab', '/p/a%00b', '/p/a%7fb']) {
      const req: HttpdRequest = ['GET', path, {}]
      const apacheAnswer = await ask(running.apachePort, req)
      const workbenchAnswer = await ask(running.enginePort, req)
      const { apache, workbench } = await forwarded(req)
      expect([workbenchAnswer.status, lineAndConnection(workbench)[0]], path).toEqual([
        apacheAnswer.status,
        lineAndConnection(apache)[0]
      ])
    }
  })
})
