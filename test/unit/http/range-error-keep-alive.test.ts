/**
 * The byte-range filter's 416 page and keep-alive (keep-alive.ts decideForRangeError):
 * ap_set_keepalive runs twice on such a request, as apache2 2.4.68 shows on the wire
 * (test/httpd/unmeasured-errors.test.ts): once for the measured answer, once for the page.
 */
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import {
  arrivalIndex,
  CLOSE_CONNECTION,
  CLOSE_UNFRAMED,
  decideForRangeError,
  decidePersistence,
  type KeepAliveRequest
} from '../../../src/main/engine/http/keep-alive'

const POLICY = { on: true, timeoutMs: 1000, max: 3 }
const TOKEN: KeepAliveRequest = { method: 'GET', protocol: 'HTTP/1.1', connection: 'keep-alive' }
const PAGE = { 'content-type': 'text/html; charset=iso-8859-1' }

/** A stand-in connection: the decision only counts answers per socket object. */
function socket(): Socket {
  return {} as Socket
}

describe('keep-alive for the byte-range filter’s 416', () => {
  it('counts the request twice: a kept 416 says one request fewer is left', () => {
    const s = socket()
    expect(decideForRangeError(POLICY, TOKEN, PAGE, s).keepAlive).toBe('timeout=1, max=2')
    expect(decidePersistence(POLICY, TOKEN, 200, {}, s).keepAlive).toBe('timeout=1, max=1')
    expect(decidePersistence(POLICY, TOKEN, 200, {}, s)).toEqual(CLOSE_CONNECTION)
  })

  it('closes the 416 keep-alive’s last request would have, saying so (it goes out chunked)', () => {
    const s = socket()
    decidePersistence(POLICY, TOKEN, 200, {}, s)
    decidePersistence(POLICY, TOKEN, 200, {}, s)
    expect(decideForRangeError(POLICY, TOKEN, PAGE, s)).toBe(CLOSE_CONNECTION)
  })

  it('ends by the close the 416 to a client that closes, or to HTTP/1.0 (no chunks)', () => {
    expect(decideForRangeError(POLICY, { ...TOKEN, connection: 'close' }, PAGE, socket())).toBe(CLOSE_UNFRAMED)
    expect(decideForRangeError(POLICY, { ...TOKEN, protocol: 'HTTP/1.0', connection: undefined }, PAGE, socket())).toBe(
      CLOSE_UNFRAMED
    )
    // HTTP/1.0 with the token: the measured answer was kept, the page cannot be.
    expect(decideForRangeError(POLICY, { ...TOKEN, protocol: 'HTTP/1.0' }, PAGE, socket())).toBe(CLOSE_UNFRAMED)
  })

  it('counts the second run for requests Node’s path numbered after the 416', () => {
    const s = socket()
    const [first, second, third] = [arrivalIndex(s), arrivalIndex(s), arrivalIndex(s)]
    expect(decideForRangeError(POLICY, TOKEN, PAGE, s, first).keepAlive).toBe('timeout=1, max=2')
    expect(decidePersistence(POLICY, TOKEN, 200, {}, s, second).keepAlive).toBe('timeout=1, max=1')
    expect(decidePersistence(POLICY, TOKEN, 200, {}, s, third)).toEqual(CLOSE_CONNECTION)
  })
})
