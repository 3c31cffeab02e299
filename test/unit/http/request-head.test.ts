import { describe, expect, it } from 'vitest'
import { hasBareLf, http09Target, judgeHead } from '../../../src/main/engine/http/request-head'

const refused = { kind: 'refused', headerOnly: false }

describe("judgeHead: httpd's strict reading of a request head", () => {
  it('refuses request lines whose parts are not separated by single spaces', () => {
    for (const line of ['GET  / HTTP/1.1', 'GET /  HTTP/1.1', 'GET / HTTP/1.1 ', 'GET\t/ HTTP/1.1', ' GET / HTTP/1.1'])
      expect(judgeHead(`${line}\r\nHost: a`), line).toEqual(refused)
  })

  it('refuses a protocol that is not exactly HTTP/d.d with a major version from 1', () => {
    for (const p of ['http/1.1', 'HTTP/0.9', 'HTTP/01.1', 'HTTP/1.10', 'FOO/1.1', 'HTTP/1'])
      expect(judgeHead(`GET / ${p}\r\nHost: a`), p).toEqual(refused)
  })

  it('refuses a control character in the target', () => {
    expect(judgeHead('GET /a\x01b HTTP/1.1\r\nHost: a')).toEqual(refused)
  })

  it('sends a HEAD its 400 without a body', () => {
    expect(judgeHead('HEAD  / HTTP/1.1\r\nHost: a')).toEqual({ kind: 'refused', headerOnly: true })
    expect(judgeHead('HEAD /')).toEqual({ kind: 'refused', headerOnly: true })
  })

  it('takes an HTTP/0.9 request for GET only, its line alone', () => {
    expect(judgeHead('GET /')).toEqual({ kind: 'http09', target: '/' })
    expect(judgeHead('GET /a\r\nHost: b')).toEqual({ kind: 'http09', target: '/a' })
    expect(judgeHead('POST /')).toEqual(refused)
    expect(http09Target('\r\nGET /x\r\n')).toBe('/x')
    expect(http09Target('GET /x')).toBeNull()
    expect(http09Target('GET /x HTTP/1.1\r\n')).toBeNull()
    expect(http09Target('HEAD /x\r\n')).toBeNull()
  })

  it('refuses any line ended by a bare LF', () => {
    expect(hasBareLf('GET / HTTP/1.1\r\nHost: a\r\n')).toBe(false)
    expect(hasBareLf('GET / HTTP/1.1\nHost: a')).toBe(true)
    expect(hasBareLf('\n')).toBe(true)
    expect(judgeHead('GET / HTTP/1.1\r\nHost: a\nX: b')).toEqual(refused)
  })

  it('leaves to Node what Node reads as httpd does', () => {
    for (const head of ['GET / HTTP/1.1\r\nHost: a', 'POST /x HTTP/1.0\r\nContent-Length: 1', '\r\nGET / HTTP/2.0'])
      expect(judgeHead(head), head).toEqual({ kind: 'node' })
  })

  it('rewrites later HTTP versions as HTTP/1.1 and escapes raw bytes in the target', () => {
    expect(judgeHead('POST /caf\xc3\xa9 HTTP/1.2\r\nHost: a')).toEqual({
      kind: 'rewritten',
      head: 'POST /caf%C3%A9 HTTP/1.1\r\nHost: a'
    })
  })

  it('joins folded header lines to the line before, as httpd does', () => {
    expect(judgeHead('GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\t3\r\nY: 4')).toEqual({
      kind: 'rewritten',
      head: 'GET / HTTP/1.1\r\nHost: a\r\nX: 1 2\t3\r\nY: 4'
    })
  })

  it('drops Content-Length when Transfer-Encoding is present', () => {
    expect(judgeHead('POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nHost: a')).toEqual({
      kind: 'rewritten',
      head: 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: a'
    })
  })

  it('keeps the empty lines before the request line', () => {
    expect(judgeHead('\r\nGET / HTTP/1.5\r\nHost: a')).toEqual({
      kind: 'rewritten',
      head: '\r\nGET / HTTP/1.1\r\nHost: a'
    })
  })
})
