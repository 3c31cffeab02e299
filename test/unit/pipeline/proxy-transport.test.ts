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
