/**
 * httpd's `Timeout` as the workbench reads it (src/main/engine/http/request-timeout.ts): the
 * server's, a vhost's over it, httpd's 60 s without either. The wire behaviour is compared with
 * apache2 in test/httpd/connection-layer.test.ts.
 */
import { EventEmitter } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { REQTIMEOUT_DEFAULTS } from '../../../src/main/engine/config/apache/request-read-timeout'
import {
  HTTPD_TIMEOUT_MS,
  requestTimeoutMs,
  watchBodyReads,
  wholeHeadTimeoutMs
} from '../../../src/main/engine/http/request-timeout'
import { ReadClock } from '../../../src/main/engine/http/read-clock'
import { load } from '../config/apache/helpers'

function layers(conf: string, vhostLine = ''): { server: number; vhost: number } {
  const l = load({
    'httpd.conf': `ServerName a\n${conf}\n<VirtualHost *:80>\n  ServerName v\n  ${vhostLine}\n</VirtualHost>\n`
  })
  const server = l.config.server
  return {
    server: requestTimeoutMs([server]),
    vhost: requestTimeoutMs([server, l.config.virtualHosts[0].settings])
  }
}

describe('Timeout', () => {
  it('is 60 s unless set, the server’s in a vhost that sets none, and the vhost’s own over it', () => {
    expect(layers('')).toEqual({ server: HTTPD_TIMEOUT_MS, vhost: HTTPD_TIMEOUT_MS })
    expect(layers('Timeout 3')).toEqual({ server: 3000, vhost: 3000 })
    expect(layers('Timeout 3', 'TimeOut 500ms')).toEqual({ server: 3000, vhost: 500 })
    // ap_fixup_virtual_hosts: a vhost's 0 takes the main server's.
    expect(layers('Timeout 2min', 'Timeout 0')).toEqual({ server: 120_000, vhost: 120_000 })
  })
})

describe('a whole head on Node’s path', () => {
  it('is bounded only behind the read-by-read timing: past mod_reqtimeout’s header bound and its last wait', () => {
    expect(wholeHeadTimeoutMs(60_000, null)).toBe(60_000)
    expect(wholeHeadTimeoutMs(120_000, null)).toBe(120_000)
    // header=20-40: 40 s, then a last wait of at most Timeout.
    expect(wholeHeadTimeoutMs(60_000, REQTIMEOUT_DEFAULTS)).toBe(100_000)
    expect(wholeHeadTimeoutMs(1_000, REQTIMEOUT_DEFAULTS)).toBe(60_000)
  })
})

/**
 * A request on a socket with only Node's public interface: no `_unrefTimer` (which Node's HTTP
 * server calls after each parse, and which a newer Node may lack). `waits` are the socket
 * timeouts set, in order.
 */
function bareRequest(): { req: IncomingMessage; res: ServerResponse; socket: EventEmitter; waits: number[] } {
  const waits: number[] = []
  const socket = Object.assign(new EventEmitter(), {
    setTimeout(ms: number) {
      waits.push(ms)
      return socket
    }
  })
  const req = Object.assign(new EventEmitter(), {
    socket,
    complete: false,
    destroyed: false,
    push: (_chunk: unknown) => true
  })
  const res = Object.assign(new EventEmitter(), { writableFinished: false })
  return { req: req as unknown as IncomingMessage, res: res as unknown as ServerResponse, socket, waits }
}

describe('a body’s reads under mod_reqtimeout’s body=1,MinRate=500', () => {
  afterEach(() => {
    vi.useRealTimers()
  })
  const stage = { timeoutMs: 1000, maxTimeoutMs: 0, msPerByte: 2 }

  it('are seen on a socket without _unrefTimer: bytes extend the wait, a late read is a 408', () => {
    vi.useFakeTimers({ now: 0 })
    const { req, res, socket, waits } = bareRequest()
    expect('_unrefTimer' in socket).toBe(false)
    let stalled = 0
    watchBodyReads(req, res, new ReadClock(stage, 60_000, 'body'), () => stalled++)
    expect(waits).toEqual([1000])
    // 400 bytes at once: 1 s + 400 × 2 ms.
    socket.emit('data', Buffer.alloc(400))
    expect(waits).toEqual([1000, 1800])
    // 10 more at 1.9 s extend it to 1.82 s only: already past, so APR_TIMEUP.
    vi.setSystemTime(1900)
    socket.emit('data', Buffer.alloc(10))
    expect(stalled).toBe(1)
    // The socket's timer is off and the reads are no longer watched.
    expect(waits).toEqual([1000, 1800, 0])
    expect(socket.listenerCount('data')).toBe(0)
  })

  it('count the body bytes that came with the head, as one read once that parse is done', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] })
    const { req, res, waits } = bareRequest()
    watchBodyReads(req, res, new ReadClock(stage, 60_000, 'body'), () => {})
    req.push(Buffer.alloc(100))
    req.push(Buffer.alloc(150))
    await Promise.resolve()
    expect(waits).toEqual([1000, 1500])
  })
})
