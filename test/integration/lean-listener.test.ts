/**
 * The lean listener answers simple requests itself and hands everything else to Node's HTTP
 * server. What a client receives must not depend on which of the two answered: the same
 * answers are written through both and compared byte for byte (the Date line aside).
 */
import http, { type OutgoingHttpHeaders } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReadClock } from '../../src/main/engine/http/read-clock'
import { installLeanListener } from '../../src/main/engine/http/lean-listener'
import { parseSimpleRequest, type SimpleRequest } from '../../src/main/engine/http/simple-request'

interface Answer {
  status: number
  headers: OutgoingHttpHeaders
  /** Body chunks written one by one (streamed), then `end` with `last`. */
  chunks?: string[]
  last?: string
  /** Answer after this many ms (an answer that waits for a render). */
  delayMs?: number
}

/** What the servers answer, by path. */
const ANSWERS: Record<string, Answer> = {
  '/plain': { status: 200, headers: { 'Content-Type': 'text/html', 'Content-Length': '5' }, last: 'hello' },
  '/chunked': { status: 200, headers: { 'Content-Type': 'text/plain' }, chunks: ['one ', 'two '], last: 'three' },
  '/empty-chunked': { status: 200, headers: {} },
  '/not-modified': { status: 304, headers: { ETag: '"x"' } },
  '/no-content': { status: 204, headers: {} },
  '/no-content-te': { status: 204, headers: { 'Transfer-Encoding': 'chunked' } },
  '/close': { status: 400, headers: { 'Content-Length': '3', Connection: 'close' }, last: 'bad' },
  '/cookies': {
    status: 302,
    headers: { Location: '/x', 'Set-Cookie': ['a=1; Path=/', 'b=2'], 'Content-Length': 0 },
    last: ''
  },
  '/own-date': { status: 200, headers: { Date: 'Thu, 01 Jan 1970 00:00:00 GMT', 'Content-Length': '2' }, last: 'ok' },
  '/late': { status: 503, headers: { 'Content-Type': 'text/plain' }, last: 'later', delayMs: 20 },
  '/slow': { status: 200, headers: { 'Content-Length': '4' }, last: 'slow', delayMs: 400 },
  '/numbers': { status: 200, headers: { 'content-length': 4, 'x-count': 7 }, last: 'four' },
  '/unknown-status': { status: 299, headers: { 'Content-Length': '0' } },
  '/te': { status: 200, headers: { 'Transfer-Encoding': 'chunked' }, last: 'body' },
  '/bad-header': { status: 200, headers: { 'X-Bad': 'a\u0001b' } }
}

interface Writer {
  head(status: number, headers: OutgoingHttpHeaders): void
  write(chunk: Buffer): boolean
  end(body?: Buffer | string): void
}

/** Every path either server started to answer. */
const answered: string[] = []

function respond(path: string, w: Writer): void {
  answered.push(path)
  const a = ANSWERS[path.split('?')[0]] ?? ANSWERS['/plain']
  const go = (): void => {
    try {
      w.head(a.status, a.headers)
    } catch (e) {
      // Both sides refuse an invalid header the same way: the test answers with the error code.
      const code = (e as { code?: string }).code ?? 'error'
      w.head(500, { 'Content-Length': String(code.length) })
      w.end(code)
      return
    }
    for (const c of a.chunks ?? []) w.write(Buffer.from(c))
    w.end(a.last)
  }
  if (a.delayMs) setTimeout(go, a.delayMs)
  else go()
}

const leanHits: string[] = []
/** The requests the lean listener handed to its handler, as it handed them. */
const leanRequests: SimpleRequest[] = []

async function startServer(
  lean: boolean,
  keepAliveTimeout = 5000
): Promise<{ port: number; server: http.Server; close(): void }> {
  const server = http.createServer({ keepAliveTimeout, requireHostHeader: false }, (req, res) => {
    respond(req.url ?? '/', {
      head: (s, h) => res.writeHead(s, h),
      write: (c) => res.write(c),
      end: (b) => res.end(b)
    })
  })
  // As the proxy's own handler (server.ts): bytes after a closing request are ignored.
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    if (e.code !== 'HPE_CLOSED_CONNECTION') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
  })
  // As the proxy's own server: a half-closed client still gets its answers.
  ;(server as http.Server & { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true
  const installed = lean
    ? installLeanListener(server, {
        handle(request, _socket, reply) {
          leanHits.push(request.target)
          leanRequests.push(request)
          respond(request.target, reply)
        },
        headTimeoutAnswer: () => 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
        headClock: () => new ReadClock(null, server.headersTimeout, 'head')
      })
    : false
  if (lean) expect(installed).not.toBe(false)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close() {
      if (installed) installed.close()
      server.closeAllConnections()
      server.close()
    }
  }
}

/** Writes `raw` (in the given pieces), reads until the server closes or `quietMs` pass without data. */
function exchange(port: number, pieces: string[], quietMs = 150): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let got = ''
    let timer: NodeJS.Timeout | undefined
    const finish = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(got)
    }
    const arm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(finish, quietMs)
    }
    socket.on('data', (d) => {
      got += d.toString('latin1')
      arm()
    })
    socket.on('close', finish)
    socket.on('error', reject)
    socket.on('connect', async () => {
      for (const p of pieces) {
        socket.write(p)
        await new Promise((r) => setTimeout(r, 5))
      }
      arm()
    })
  })
}

const withoutDates = (s: string): string => s.replace(/\r\nDate: [^\r]*(?=\r\n)/g, '\r\nDate: <now>')

let node: Awaited<ReturnType<typeof startServer>>
let lean: Awaited<ReturnType<typeof startServer>>

beforeAll(async () => {
  node = await startServer(false)
  lean = await startServer(true)
})
afterAll(() => {
  node.close()
  lean.close()
})

/**
 * Node keeps the reason phrase of a `writeHead` that threw (an invalid header) for the next
 * one ("500 OK"); the lean reply gives the status its own. Only that phrase may differ.
 */
const comparable = (s: string): string => withoutDates(s).replace(/^HTTP\/1\.1 500 [^\r]*/, 'HTTP/1.1 500 <reason>')

async function sameOnBoth(pieces: string[], quietMs?: number): Promise<string> {
  const [a, b] = await Promise.all([exchange(node.port, pieces, quietMs), exchange(lean.port, pieces, quietMs)])
  expect(comparable(b)).toBe(comparable(a))
  return b
}

const get = (path: string, extra = '', method = 'GET'): string =>
  `${method} ${path} HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\n${extra}\r\n`

describe('the lean listener answers exactly as Node does', () => {
  for (const path of Object.keys(ANSWERS).filter((p) => p !== '/slow')) {
    for (const method of ['GET', 'HEAD']) {
      it(`${method} ${path}`, async () => {
        leanHits.length = 0
        const out = await sameOnBoth([get(path, '', method)])
        expect(out.startsWith('HTTP/1.1 ')).toBe(true)
        expect(leanHits).toEqual([path])
      })
    }
  }

  it('with Connection: close from the client, and with an explicit keep-alive', async () => {
    leanHits.length = 0
    await sameOnBoth([get('/plain', 'Connection: close\r\n')])
    await sameOnBoth([get('/chunked', 'Connection: Keep-Alive\r\n')])
    expect(leanHits).toEqual(['/plain', '/chunked'])
  })

  it('several requests on one connection, pipelined in one write and one by one', async () => {
    leanHits.length = 0
    const three = get('/plain') + get('/late') + get('/chunked')
    const out = await sameOnBoth([three])
    expect(out.match(/HTTP\/1\.1 /g)).toHaveLength(3)
    await sameOnBoth([get('/late'), get('/cookies'), get('/plain')])
    expect(leanHits).toEqual(['/plain', '/late', '/chunked', '/late', '/cookies', '/plain'])
  })

  it('a request split across several packets', async () => {
    const r = get('/plain', 'Accept: */*\r\n')
    await sameOnBoth([r.slice(0, 7), r.slice(7, 30), r.slice(30)])
  })

  it('hands over to Node mid-connection: a POST with a body, then simple requests again', async () => {
    leanHits.length = 0
    const post = 'POST /plain HTTP/1.1\r\nHost: example.com\r\nContent-Length: 4\r\n\r\nbody'
    const out = await sameOnBoth([get('/plain'), post, get('/chunked')])
    expect(out.match(/HTTP\/1\.1 200/g)).toHaveLength(3)
    // The first request was the lean listener's; from the POST on, the connection is Node's.
    expect(leanHits).toEqual(['/plain'])
  })

  it('leaves malformed requests, HTTP/1.0 and unusual headers to Node', async () => {
    leanHits.length = 0
    await sameOnBoth(['GET /plain HTTP/1.0\r\nHost: example.com\r\n\r\n'])
    await sameOnBoth(['DELETE /plain HTTP/1.1\r\nHost: example.com\r\n\r\n'])
    await sameOnBoth([get('/plain', 'Expect: 100-continue\r\n')])
    await sameOnBoth([get('/plain', 'X-A: 1\r\nx-a: 2\r\n')])
    await sameOnBoth([get('/plain', 'Connection: upgrade\r\nUpgrade: websocket\r\n')])
    expect(leanHits).toEqual([])
  })

  it("refuses a header field httpd refuses itself, with the fields read before it, for the pipeline's 400", async () => {
    leanRequests.length = 0
    await exchange(lean.port, ['GET /plain?q HTTP/1.1\r\nHost: example.com\r\nX-A: 1\r\nBad Header: x\r\n\r\n'])
    expect(leanRequests).toHaveLength(1)
    expect(leanRequests[0]).toMatchObject({
      method: 'GET',
      target: '/plain?q',
      headers: { host: 'example.com', 'x-a': '1' },
      rawHeaders: ['Host', 'example.com', 'X-A', '1'],
      keepAlive: false
    })
    expect(leanRequests[0].refused).toMatch(/name that is not a token/)
  })

  const halfClosed = (port: number, raw: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(raw))
      let got = ''
      socket.on('data', (d) => (got += d.toString('latin1')))
      socket.on('close', () => resolve(got))
      socket.on('error', reject)
    })

  it('a client that half-closes after its request gets the whole answer, then the connection closes', async () => {
    const a = await halfClosed(node.port, get('/plain'))
    expect(withoutDates(await halfClosed(lean.port, get('/plain')))).toBe(withoutDates(a))
    expect(a).toContain('hello')
  })

  it('a half-closed client gets an answer that comes later too', async () => {
    const a = await halfClosed(node.port, get('/late'))
    expect(withoutDates(await halfClosed(lean.port, get('/late')))).toBe(withoutDates(a))
    expect(a).toContain('later')
  })

  it('after an answer that closes the connection, a pipelined request is not run', async () => {
    for (const port of [node.port, lean.port]) {
      answered.length = 0
      const out = await halfClosed(port, get('/plain', 'Connection: close\r\n') + get('/te'))
      await new Promise((r) => setTimeout(r, 50))
      expect(out.match(/HTTP\/1\.1 /g)).toHaveLength(1)
      expect(answered).toEqual(['/plain'])
    }
  })

  it('Proxy-Connection and more than 100 header lines are left to Node', async () => {
    leanHits.length = 0
    await sameOnBoth([get('/plain', 'Proxy-Connection: close\r\n')])
    const many = Array.from({ length: 101 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')
    await sameOnBoth([get('/plain', many)])
    expect(leanHits).toEqual([])
  })

  it('an incomplete request ended by the client is answered by Node (400)', async () => {
    const raw = 'GET /plain HTTP/1.1\r\nHost: exa'
    const a = await halfClosed(node.port, raw)
    expect(await halfClosed(lean.port, raw)).toBe(a)
    expect(a).toMatch(/^HTTP\/1\.1 400/)
  })

  it('an incomplete request waits on both', async () => {
    expect(await sameOnBoth(['GET /plain HTTP/1.1\r\nHost: exa'], 300)).toBe('')
  })
})

describe('idle connections', () => {
  /** Milliseconds from connecting until the server closes the connection, and what it sent. */
  function openUntilClosed(port: number, raw: string): Promise<{ ms: number; got: string }> {
    return new Promise((resolve, reject) => {
      const started = Date.now()
      const socket = net.connect(port, '127.0.0.1', () => socket.write(raw))
      let got = ''
      socket.on('data', (d) => (got += d.toString('latin1')))
      socket.on('close', () => resolve({ ms: Date.now() - started, got }))
      socket.on('error', reject)
      setTimeout(() => socket.destroy(), 5000)
    })
  }

  it('closes a keep-alive connection after the keep-alive timeout, and never during a slow answer', async () => {
    const both = [await startServer(false, 200), await startServer(true, 200)]
    try {
      for (const s of both) {
        const quick = await openUntilClosed(s.port, get('/plain'))
        expect(quick.got).toContain('hello')
        expect(quick.ms).toBeLessThan(2000)
        // The second answer takes twice the keep-alive timeout: it still arrives whole.
        const slow = await openUntilClosed(s.port, get('/plain') + get('/slow'))
        expect(slow.got).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*hello[\s\S]*\r\n\r\nslow$/)
      }
    } finally {
      for (const s of both) s.close()
    }
  })
})

describe('simple requests are parsed as Node parses them', () => {
  const heads = [
    'GET / HTTP/1.1\r\nHost: a',
    'HEAD /x?y=1&z=%20 HTTP/1.1\r\nHost: a:8080\r\nAccept:   text/html  \r\nX-Empty:\r\nCookie: a=1; b=2',
    'GET /a#b HTTP/1.1\r\nhost: a\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*',
    'GET /%2e%2e/etc HTTP/1.1\r\nHost: a\r\nConnection: close'
  ]
  for (const head of heads) {
    it(JSON.stringify(head.split('\r\n')[0]), async () => {
      const simple = parseSimpleRequest(head)
      expect(simple).not.toBeNull()
      const seen = await new Promise<{ method: string; url: string; headers: unknown; raw: string[] }>((resolve) => {
        const s = http.createServer({ requireHostHeader: false }, (req, res) => {
          resolve({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, raw: req.rawHeaders })
          res.end()
          s.close()
        })
        s.listen(0, '127.0.0.1', () => {
          const c = net.connect((s.address() as AddressInfo).port, '127.0.0.1', () => c.write(head + '\r\n\r\n'))
          c.on('data', () => c.destroy())
          c.on('error', () => undefined)
        })
      })
      expect(simple!.method).toBe(seen.method)
      expect(simple!.target).toBe(seen.url)
      expect(simple!.headers).toEqual(seen.headers)
      expect(simple!.rawHeaders).toEqual(seen.raw)
    })
  }

  it('a bodiless request whose method Node does not parse is simple (httpd takes any token: DEBUG, get)', () => {
    expect(parseSimpleRequest('DEBUG /a HTTP/1.1\r\nHost: a')).toMatchObject({ method: 'DEBUG', target: '/a' })
    expect(parseSimpleRequest('get /a HTTP/1.1\r\nHost: a')).toMatchObject({ method: 'get' })
    // Methods Node knows stay with Node; so does an unknown one with a body, or one that is no token.
    expect(parseSimpleRequest('DELETE /a HTTP/1.1\r\nHost: a')).toBeNull()
    expect(parseSimpleRequest('DEBUG /a HTTP/1.1\r\nHost: a\r\nContent-Length: 1')).toBeNull()
    expect(parseSimpleRequest('DE(BUG /a HTTP/1.1\r\nHost: a')).toBeNull()
  })

  it("takes a bodiless CONNECT in any form, which Node's server would hand to a tunnel handler", () => {
    expect(parseSimpleRequest('CONNECT example.com:443 HTTP/1.1\r\nHost: a')).toMatchObject({
      method: 'CONNECT',
      target: 'example.com:443'
    })
    expect(parseSimpleRequest('CONNECT /a HTTP/1.1\r\nHost: a')).toMatchObject({ target: '/a' })
    expect(parseSimpleRequest('CONNECT example.com:443 HTTP/1.1\r\nContent-Length: 0')).toBeNull()
    expect(parseSimpleRequest('GET example.com:443 HTTP/1.1\r\nHost: a')).toBeNull()
  })

  it('is not simple: bodies, repeated or folded headers, odd whitespace, bytes beyond ASCII', () => {
    for (const head of [
      'POST / HTTP/1.1\r\nHost: a',
      'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0',
      'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked',
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b',
      'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2',
      'GET  / HTTP/1.1\r\nHost: a',
      'GET / HTTP/1.0\r\nHost: a',
      'GET http://a/ HTTP/1.1\r\nHost: a',
      'GET / HTTP/1.1\r\nHost: a\r\nX: caf\u00e9',
      'GET / HTTP/1.1\r\nHost: a\r\nX:\ttab',
      'GET / HTTP/1.1\nHost: a',
      'GET / HTTP/1.1\r\nHost : a',
      'GET / HTTP/1.1\r\nConnection: keep-alive, upgrade'
    ])
      expect(parseSimpleRequest(head), JSON.stringify(head)).toBeNull()
  })
})
