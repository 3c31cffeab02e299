import http from 'node:http'
import net from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dispatcher } from 'undici'
import {
  dispatchProxied,
  NO_HEAD_TO_REPLACE,
  type ProxyRequest
} from '../../../src/main/engine/pipeline/proxy-transport'
import { keepHeadBytes, readHeadAsHttpd, type WithBackendHead } from '../../../src/main/engine/http/backend-head'

/** A backend that records each request head as it came (latin1) and answers 200 `ok`. */
let server: net.Server
let port = 0
const heads: string[] = []
beforeAll(async () => {
  server = net.createServer((sock) => {
    let buf = ''
    sock.on('data', (c: Buffer) => {
      buf += c.toString('latin1')
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      heads.push(buf.slice(0, end + 4))
      buf = ''
      sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as net.AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** The status the handler got, or the error's code. */
function send(opts: Partial<ProxyRequest>): Promise<string> {
  return new Promise((resolve) => {
    const handler: Dispatcher.DispatchHandler = {
      onResponseStart: (_c, status) => resolve(String(status)),
      onResponseError: (_c, err) => resolve((err as { code?: string }).code ?? err.message)
    }
    dispatchProxied(
      {
        origin: `http://127.0.0.1:${port}`,
        path: '/b/x',
        method: 'GET',
        headers: [],
        body: undefined,
        timeoutMs: 5000,
        close: true,
        expectContinue: false,
        ...opts
      },
      handler
    )
  })
}

describe('dispatchProxied (node:http writing the head as mod_proxy_http writes it)', () => {
  it('writes the lines byte for byte, DEL, control characters and obs-text included, Host first and Connection last', async () => {
    heads.length = 0
    // What `RequestHeader set X-Foo %{FOO}e` sends after `[E=FOO:$1]` took a %7F from the URL.
    const value = 'a\x7f\x01\xe9b'
    expect(await send({ method: 'GET', headers: ['X-Foo', value, 'Content-Length', '0'] })).toBe('200')
    expect(heads).toEqual([
      `GET /b/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Foo: ${value}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`
    ])
  })

  it('hands a request node:http refuses to make to the handler, as undici dispatch does, instead of throwing', async () => {
    expect(await send({ path: '/b/a b' })).toBe('ERR_UNESCAPED_CHARACTERS')
    expect(await send({ origin: 'http://a b' })).toBe('ERR_INVALID_URL')
  })

  it('refuses to send, loudly, under a node:http that composes its head only later', async () => {
    // node's private `_storeHeader` made lazy, as a newer Node might: the head httpd's replaces
    // is not there when the request is made, so no request must go out at all.
    const proto = http.OutgoingMessage.prototype as unknown as { _storeHeader: (...a: unknown[]) => void }
    const store = proto._storeHeader
    proto._storeHeader = function (this: unknown, ...args: unknown[]) {
      if (new Error().stack?.includes('new ClientRequest')) return
      return store.apply(this, args)
    }
    heads.length = 0
    try {
      expect(await send({ method: 'POST', headers: ['X-Foo', 'a'], body: Readable.from([Buffer.from('ab')]) })).toBe(
        NO_HEAD_TO_REPLACE
      )
    } finally {
      proto._storeHeader = store
    }
    expect(heads).toEqual([])
  })
})

describe('readHeadAsHttpd (ap_proxy_read_headers on a head node:http refuses)', () => {
  const read = (head: string): ReturnType<typeof readHeadAsHttpd> => readHeadAsHttpd(Buffer.from(head, 'latin1'))

  it('keeps a bare CR and control characters in a value, strips blanks around it, appends a folded line', () => {
    expect(read('HTTP/1.1 200 Fine\r\nX-A: a\rb\r\nX-B: \x0bab\r\r\nX-F: a\r\n b\x01\r\n\r\nok')).toEqual({
      status: 200,
      reason: 'Fine',
      fields: [
        ['X-A', 'a\rb'],
        ['X-B', 'ab'],
        ['X-F', 'a b\x01']
      ]
    })
  })

  it('reads past interim heads and a stray status line; null while the head is not whole', () => {
    expect(read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 X\r\nHTTP/1.0 200 OK\r\nX-A: 1\r\n\r\n')).toEqual({
      status: 404,
      reason: 'X',
      fields: [['X-A', '1']]
    })
    expect(read('HTTP/1.1 200 OK\r\nX-A: a\x01b\r\n')).toBeNull()
  })

  it('cannot read a NUL, a line without a colon or one of 8192 bytes, wherever it comes', () => {
    expect(read('HTTP/1.1 200 OK\r\nX-A: a\x01\r\nX-N: a\x00b\r\n\r\n')).toEqual({
      unreadable: 'its X-N line holds a NUL, which ap_rgetline refuses (AH10404)'
    })
    expect(read('HTTP/1.1 200 OK\r\nX-A: a\x01\r\nnocolon\r\n\r\n')).toEqual({
      unreadable: "its line 'nocolon' has no colon (AH01106)"
    })
    expect(read(`HTTP/1.1 200 OK\r\nX-L: ${'h'.repeat(8187)}\r\n\r\n`)).toEqual({
      unreadable: 'its X-L line is 8192 bytes or longer, more than httpd reads (AH10124)'
    })
    expect(read(`HTTP/1.1 200 OK\r\nX-L: ${'h'.repeat(8186)}\r\n\r\n`)).not.toHaveProperty('unreadable')
  })

  it("hands the handler the head's bytes with node's parser error, those of earlier reads too", async () => {
    const split = net.createServer((sock) =>
      sock.once('data', () => {
        sock.write('HTTP/1.1 200 OK\r\nX-A: 1\r\n')
        setTimeout(() => sock.end('X-Bad: a\x01b\r\nContent-Length: 2\r\n\r\nok', 'latin1'), 50)
      })
    )
    await new Promise<void>((resolve) => split.listen(0, '127.0.0.1', resolve))
    try {
      const err = await new Promise<Error & WithBackendHead>((resolve) =>
        dispatchProxied(
          {
            origin: `http://127.0.0.1:${(split.address() as net.AddressInfo).port}`,
            path: '/',
            method: 'GET',
            headers: [],
            body: undefined,
            timeoutMs: 5000,
            close: true,
            expectContinue: false
          },
          { onResponseError: (_c, e) => resolve(e) }
        )
      )
      expect((err as { code?: string }).code).toBe('HPE_INVALID_HEADER_TOKEN')
      expect(err.backendHead?.toString('latin1')).toBe(
        'HTTP/1.1 200 OK\r\nX-A: 1\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\n\r\nok'
      )
    } finally {
      split.close()
    }
  })
  it("replaces a kept-alive connection's destroy once, not on each request (a long-lived socket keeps fast properties)", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const once = (): Promise<{ socket: net.Socket; destroy: unknown }> =>
      new Promise((resolve, reject) => {
        const creq = http.request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume()
          res.on('end', () => {
            const socket = creq.socket as net.Socket
            resolve({ socket, destroy: Object.getOwnPropertyDescriptor(socket, 'destroy')?.value })
          })
        })
        keepHeadBytes(creq)
        creq.on('error', reject)
        creq.end()
      })
    try {
      const first = await once()
      const second = await once()
      expect(second.socket).toBe(first.socket)
      expect(first.destroy).toBeTypeOf('function')
      expect(second.destroy).toBe(first.destroy)
    } finally {
      agent.destroy()
    }
  })
})

/** A backend that answers every request with `answer` and then closes its side of the connection. */
async function closingBackend(answer: string): Promise<{ port: number; close: () => void }> {
  const backend = net.createServer((sock) => {
    sock.on('error', () => {})
    sock.once('data', () => sock.end(answer, 'latin1'))
  })
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
  return { port: (backend.address() as net.AddressInfo).port, close: () => backend.close() }
}

/**
 * What the handler got (the body's length, then `end` or the error's code or message), its
 * first read held back (paused) for `pauseMs`, as for a slow client; `abortMs`: the client goes
 * away that long after the first read.
 */
function heldBack(backendPort: number, pauseMs: number, abortMs?: number): Promise<string> {
  return new Promise((resolve) => {
    let bytes = 0
    let first = true
    const handler: Dispatcher.DispatchHandler = {
      onResponseData: (controller, chunk) => {
        bytes += chunk.length
        if (!first) return
        first = false
        controller.pause()
        setTimeout(() => controller.resume(), pauseMs)
        if (abortMs !== undefined) setTimeout(() => controller.abort(new Error('the client went away')), abortMs)
      },
      onResponseEnd: () => resolve(`${bytes} end`),
      onResponseError: (_c, err) => resolve(`${bytes} ${(err as { code?: string }).code ?? err.message}`)
    }
    const request = { origin: `http://127.0.0.1:${backendPort}`, path: '/', method: 'GET', headers: [] }
    dispatchProxied({ ...request, body: undefined, timeoutMs: 5000, close: false, expectContinue: false }, handler)
  })
}

describe('dispatchProxied and a backend that closes the connection after its whole answer', () => {
  const size = 100_000
  const whole = `HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n${'x'.repeat(size)}`

  it('relays all of the answer to a client that held it back meanwhile', async () => {
    const backend = await closingBackend(whole)
    try {
      expect(await heldBack(backend.port, 300)).toBe(`${size} end`)
    } finally {
      backend.close()
    }
  })

  it('tells the handler of a client that goes away while it holds such an answer back', async () => {
    const backend = await closingBackend(whole)
    try {
      expect(await heldBack(backend.port, 5000, 200)).toMatch(/^\d+ the client went away$/)
    } finally {
      backend.close()
    }
  })
})
