/**
 * httpd's keep-alive decision (src/main/engine/http/keep-alive.ts) on its own: the directives'
 * arguments as httpd's core reads them, and ap_set_keepalive's conditions one by one. The
 * listener tests (test/integration/keep-alive.test.ts) and the httpd differential test check
 * the same on the wire.
 */
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { emptySettings } from '../../../src/main/engine/config/apache/settings'
import {
  arrivalIndex,
  decidePersistence,
  HTTPD_KEEP_ALIVE,
  keepAlivePolicy,
  type KeepAliveRequest
} from '../../../src/main/engine/http/keep-alive'
import { parseTimeoutMs } from '../../../src/main/engine/config/apache/timeout-arg'
import { load, only } from '../config/apache/helpers'

const pos = { file: 'httpd.conf', line: 1, column: 1 }

function layer(directives: Record<string, string>): ReturnType<typeof emptySettings> {
  const s = emptySettings()
  for (const [name, arg] of Object.entries(directives)) s.other[name] = { value: [arg], pos }
  return s
}

const HTTP11: KeepAliveRequest = { method: 'GET', protocol: 'HTTP/1.1', connection: undefined }
const TOKEN: KeepAliveRequest = { ...HTTP11, connection: 'keep-alive' }

/** A stand-in connection: the decision only counts answers per socket object. */
function socket(): Socket {
  return {} as Socket
}

describe('keep-alive directives', () => {
  it('are httpd’s defaults when none is set', () => {
    expect(keepAlivePolicy([layer({})])).toBe(HTTPD_KEEP_ALIVE)
    expect(HTTPD_KEEP_ALIVE).toEqual({ on: true, timeoutMs: 5000, max: 100 })
  })

  it('KeepAlive is on for anything but Off or 0; the vhost’s setting wins over the server’s', () => {
    expect(keepAlivePolicy([layer({ KeepAlive: 'OFF' })]).on).toBe(false)
    expect(keepAlivePolicy([layer({ KeepAlive: '0' })]).on).toBe(false)
    expect(keepAlivePolicy([layer({ KeepAlive: 'yes' })]).on).toBe(true)
    expect(keepAlivePolicy([layer({ KeepAlive: 'Off' }), layer({ KeepAlive: 'On' })]).on).toBe(true)
    expect(keepAlivePolicy([layer({ MaxKeepAliveRequests: '7' }), layer({ KeepAliveTimeout: '9' })])).toEqual({
      on: true,
      timeoutMs: 9000,
      max: 7
    })
  })

  it('KeepAliveTimeout takes httpd’s units; 0 turns keep-alive off', () => {
    expect(parseTimeoutMs('15')).toBe(15_000)
    expect(parseTimeoutMs('500ms')).toBe(500)
    expect(parseTimeoutMs('2mi')).toBe(120_000)
    expect(parseTimeoutMs('1h')).toBe(3_600_000)
    // Only the unit's first letters count, and no digits read as 0.
    expect(parseTimeoutMs('5sec')).toBe(5000)
    expect(parseTimeoutMs('seven')).toBe(0)
    expect(parseTimeoutMs('never')).toBeUndefined()
    expect(parseTimeoutMs('5 ')).toBeUndefined()
    expect(parseTimeoutMs('3m')).toBeUndefined()
    expect(keepAlivePolicy([layer({ KeepAliveTimeout: '0' })]).on).toBe(false)
  })

  it('a KeepAliveTimeout httpd cannot read is refused in apache2 -t’s words, with its line', () => {
    const l = load({ 'httpd.conf': 'ServerName a\nKeepAliveTimeout never\nKeepAliveTimeout 5sec\n' })
    const refused = only(l.sink.items, 'APACHE_BAD_ARGUMENT')
    expect(refused.map((d) => [d.message, d.pos?.line])).toEqual([['KeepAliveTimeout has wrong format', 2]])
  })

  it('MaxKeepAliveRequests reads as atoi does', () => {
    expect(keepAlivePolicy([layer({ MaxKeepAliveRequests: '0' })]).max).toBe(0)
    expect(keepAlivePolicy([layer({ MaxKeepAliveRequests: '12abc' })]).max).toBe(12)
    expect(keepAlivePolicy([layer({ MaxKeepAliveRequests: 'many' })]).max).toBe(0)
  })
})

describe('ap_set_keepalive', () => {
  it('keeps an HTTP/1.1 connection without a word, and says so to a client that sent the token', () => {
    expect(decidePersistence(HTTPD_KEEP_ALIVE, HTTP11, 200, {}, socket())).toEqual({
      keep: true,
      connection: null,
      keepAlive: null,
      idleMs: 5000
    })
    expect(decidePersistence(HTTPD_KEEP_ALIVE, { ...HTTP11, connection: 'Keep-Alive' }, 200, {}, socket())).toEqual({
      keep: true,
      connection: 'Keep-Alive',
      keepAlive: 'timeout=5, max=100',
      idleMs: 5000
    })
  })

  it('says how long the kept connection may idle: the policy’s KeepAliveTimeout', () => {
    const policy = { on: true, timeoutMs: 4000, max: 100 }
    expect(decidePersistence(policy, HTTP11, 200, {}, socket()).idleMs).toBe(4000)
    expect(decidePersistence(policy, TOKEN, 200, {}, socket()).idleMs).toBe(4000)
  })

  it('counts a pipelined request by its place on the connection (arrivalIndex), not the answers decided so far', () => {
    const policy = { on: true, timeoutMs: 5000, max: 3 }
    const s = socket()
    const [first, second, third] = [arrivalIndex(s), arrivalIndex(s), arrivalIndex(s)]
    // The second is decided before the first (its answer waits for the first's body).
    expect(decidePersistence(policy, TOKEN, 200, {}, s, second).keepAlive).toBe('timeout=5, max=2')
    expect(decidePersistence(policy, TOKEN, 200, {}, s, first).keepAlive).toBe('timeout=5, max=3')
    expect(decidePersistence(policy, TOKEN, 200, {}, s, third).keepAlive).toBe('timeout=5, max=1')
  })

  it('counts down per connection and closes when none are left; no max with MaxKeepAliveRequests 0', () => {
    const policy = { on: true, timeoutMs: 5000, max: 2 }
    const s = socket()
    expect(decidePersistence(policy, TOKEN, 200, {}, s).keepAlive).toBe('timeout=5, max=2')
    expect(decidePersistence(policy, TOKEN, 200, {}, s).keepAlive).toBe('timeout=5, max=1')
    expect(decidePersistence(policy, TOKEN, 200, {}, s)).toEqual({ keep: false, connection: 'close', keepAlive: null })
    // Another connection starts again.
    expect(decidePersistence(policy, TOKEN, 200, {}, socket()).keepAlive).toBe('timeout=5, max=2')
    expect(decidePersistence({ ...policy, max: 0 }, TOKEN, 200, {}, s).keepAlive).toBe('timeout=5')
  })

  it('closes after the statuses httpd drops the connection for, and keeps it after others', () => {
    for (const status of [400, 408, 411, 413, 414, 500, 501, 503])
      expect(decidePersistence(HTTPD_KEEP_ALIVE, TOKEN, status, {}, socket()).keep, String(status)).toBe(false)
    for (const status of [301, 403, 404, 410, 412, 416, 502, 504])
      expect(decidePersistence(HTTPD_KEEP_ALIVE, TOKEN, status, {}, socket()).keep, String(status)).toBe(true)
  })

  it('closes when the client or the answer asks to, adding nothing to an answer that says close itself', () => {
    expect(decidePersistence(HTTPD_KEEP_ALIVE, { ...HTTP11, connection: 'close' }, 200, {}, socket()).connection).toBe(
      'close'
    )
    expect(decidePersistence(HTTPD_KEEP_ALIVE, TOKEN, 200, { connection: 'Close' }, socket())).toEqual({
      keep: false,
      connection: null,
      keepAlive: null
    })
    expect(decidePersistence({ ...HTTPD_KEEP_ALIVE, on: false }, TOKEN, 200, {}, socket()).connection).toBe('close')
  })

  it('keeps an HTTP/1.0 connection only for a client that sent the token, on an answer of known length', () => {
    const http10 = { method: 'GET', protocol: 'HTTP/1.0', connection: undefined }
    const asking = { ...http10, connection: 'keep-alive' }
    expect(decidePersistence(HTTPD_KEEP_ALIVE, http10, 200, { 'content-length': 3 }, socket()).keep).toBe(false)
    expect(decidePersistence(HTTPD_KEEP_ALIVE, asking, 200, { 'content-length': 3 }, socket()).keep).toBe(true)
    expect(decidePersistence(HTTPD_KEEP_ALIVE, asking, 200, {}, socket()).keep).toBe(false)
    expect(decidePersistence(HTTPD_KEEP_ALIVE, { ...asking, method: 'HEAD' }, 200, {}, socket()).keep).toBe(true)
    expect(decidePersistence(HTTPD_KEEP_ALIVE, asking, 304, {}, socket()).keep).toBe(true)
  })
})
