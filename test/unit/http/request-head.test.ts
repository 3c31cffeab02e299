import { describe, expect, it } from 'vitest'
import { earlyVerdict, hasBareLf, judgeHead } from '../../../src/main/engine/http/request-head'

/** The reason judgeHead gives, or null when it does not refuse the head. */
function refusal(head: string): string | null {
  const v = judgeHead(head)
  return v.kind === 'refused' ? v.reason : null
}

describe("judgeHead: httpd's strict reading of a request head", () => {
  it('refuses request lines whose parts are not separated by single spaces, and says how', () => {
    expect(refusal('GET  / HTTP/1.1\r\nHost: a')).toMatch(/more than one space/)
    expect(refusal('GET /  HTTP/1.1\r\nHost: a')).toMatch(/more than one space/)
    expect(refusal('GET / HTTP/1.1 \r\nHost: a')).toMatch(/ends with whitespace/)
    expect(refusal('GET\t/ HTTP/1.1\r\nHost: a')).toMatch(/whitespace other than a single space/)
    expect(refusal(' GET / HTTP/1.1\r\nHost: a')).toMatch(/starts with whitespace/)
  })

  it('refuses a protocol that is not exactly HTTP/d.d with a major version from 1', () => {
    for (const p of ['http/1.1', 'HTTP/0.9', 'HTTP/01.1', 'HTTP/1.10', 'FOO/1.1', 'HTTP/1'])
      expect(refusal(`GET / ${p}\r\nHost: a`), p).toMatch(new RegExp(`names the protocol '${p.replace('.', '\\.')}'`))
  })

  it('refuses a control character in the target, and shows it escaped', () => {
    expect(refusal('GET /a\x01b HTTP/1.1\r\nHost: a')).toBe(
      "the request line 'GET /a\\x01b HTTP/1.1' has a control character in its target"
    )
  })

  it("keeps the request line's words for the trace and for a HEAD's bodiless answer", () => {
    expect(judgeHead('HEAD  /x HTTP/1.1\r\nHost: a')).toMatchObject({
      kind: 'refused',
      method: 'HEAD',
      target: '/x',
      protocol: 'HTTP/1.1'
    })
    expect(judgeHead('HEAD /x')).toMatchObject({ kind: 'refused', method: 'HEAD', target: '/x', protocol: '' })
  })

  it("gives Node's parser a query with no path before it as a query on /, and keeps the target sent", () => {
    expect(judgeHead('GET ?a=b HTTP/1.1\r\nHost: a')).toEqual({
      kind: 'rewritten',
      head: 'GET /?a=b HTTP/1.1\r\nHost: a',
      line: { target: '?a=b', protocol: 'HTTP/1.1', sent: { target: '/?a=b', protocol: 'HTTP/1.1' } }
    })
  })

  it('takes an HTTP/0.9 request for GET only, its line alone', () => {
    expect(judgeHead('GET /')).toEqual({ kind: 'http09', target: '/' })
    expect(judgeHead('GET /a\r\nHost: b')).toEqual({ kind: 'http09', target: '/a' })
    expect(refusal('POST /')).toMatch(/HTTP\/0\.9 .* POST: httpd takes GET only/)
  })

  it('says what it can before the blank line: a refused or HTTP/0.9 request line, a bare LF; else waits', () => {
    expect(earlyVerdict('\r\nGET /x\r\n')).toEqual({ kind: 'http09', target: '/x' })
    expect(earlyVerdict('GET  /x HTTP/1.1\r\nHost: a\r\n')).toMatchObject({ kind: 'refused', target: '/x' })
    expect(earlyVerdict('HEAD /x\r\n')).toMatchObject({ kind: 'refused', method: 'HEAD' })
    expect(earlyVerdict('GET /x HTTP/1.1\nHost')).toMatchObject({ kind: 'refused' })
    expect(earlyVerdict('GET /x')).toBeNull()
    // A header field httpd refuses: the fields read before it go with the refusal.
    expect(judgeHead('GET /x HTTP/1.1\r\nHost: a\r\nX: 1\x01\r\nY: 2')).toMatchObject({
      kind: 'refused',
      target: '/x',
      fields: ['Host: a']
    })
    expect(judgeHead('GET /x HTTP/1.1\r\nBad Name: 1\r\nHost: a')).toMatchObject({ kind: 'refused', fields: [] })
    expect(judgeHead('GET /x HTTP/1.1\r\nHost: a\r\nNoColon')).toMatchObject({ kind: 'refused', fields: ['Host: a'] })
    expect(judgeHead('GET /x HTTP/1.1\r\nHost: a\r\nX: a\x80\tb')).toEqual({ kind: 'node' })
    // A NUL byte fails the line's read: the field before it, not yet known to be whole, is lost
    // (apache2 2.4.68: %{HTTP_HOST} empty), a bad field before that still refused first.
    expect(judgeHead('GET /x HTTP/1.1\r\nX: 1\r\nHost: a\r\nY: 1\x002')).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('NUL') as string,
      fields: ['X: 1']
    })
    expect(judgeHead('GET /x HTTP/1.1\r\nHost: a\r\n \x00')).toMatchObject({ kind: 'refused', fields: [] })
    expect(judgeHead('GET /x HTTP/1.1\r\nBad Name: 1\r\nHost: a\r\nY: \x00')).toMatchObject({
      reason: expect.stringContaining('not a token') as string,
      fields: []
    })
    // Split into its words at C's whitespace (apr_isspace), vertical tab and form feed too.
    expect(earlyVerdict('GET /x\v HTTP/1.1\r\n')).toMatchObject({ kind: 'refused', target: '/x', protocol: 'HTTP/1.1' })
    expect(earlyVerdict('GET\f/x HTTP/1.1\r\n')).toMatchObject({ kind: 'refused', method: 'GET', target: '/x' })
    expect(earlyVerdict('GET /x HTTP/1.1\r\nHost: a\r\n')).toBeNull()
  })

  it('refuses any line ended by a bare LF', () => {
    expect(hasBareLf('GET / HTTP/1.1\r\nHost: a\r\n')).toBe(false)
    expect(hasBareLf('GET / HTTP/1.1\nHost: a')).toBe(true)
    expect(hasBareLf('\n')).toBe(true)
    expect(refusal('GET / HTTP/1.1\r\nHost: a\nX: b')).toMatch(/bare LF/)
    expect(judgeHead('GET /x HTTP/1.1\nHost: a')).toMatchObject({ kind: 'refused', method: 'GET', target: '/x' })
    // Only a request line that ends so is left unparsed by httpd (ap_rgetline fails on it).
    expect(judgeHead('GET /x HTTP/1.1\nHost: a')).toMatchObject({ lineUnread: true })
    expect(judgeHead('GET /x HTTP/1.1\r\nHost: a\nX: b')).not.toHaveProperty('lineUnread')
  })

  it('leaves to Node what Node reads as httpd does', () => {
    for (const head of ['GET / HTTP/1.1\r\nHost: a', 'POST /x HTTP/1.0\r\nContent-Length: 1', '\r\nGET / HTTP/1.1'])
      expect(judgeHead(head), head).toEqual({ kind: 'node' })
    expect(judgeHead('GET / HTTP/2.0')).toMatchObject({ kind: 'rewritten' })
  })

  it('rewrites later HTTP versions (2.0 too) as HTTP/1.1 and escapes raw bytes, keeping what was sent', () => {
    expect(judgeHead('POST /caf\xc3\xa9 HTTP/1.2\r\nHost: a')).toEqual({
      kind: 'rewritten',
      head: 'POST /caf%C3%A9 HTTP/1.1\r\nHost: a',
      line: { target: '/caf\xc3\xa9', protocol: 'HTTP/1.2', sent: { target: '/caf%C3%A9', protocol: 'HTTP/1.1' } }
    })
    expect(judgeHead('POST /x HTTP/2.0\r\nHost: a')).toMatchObject({ head: 'POST /x HTTP/1.1\r\nHost: a' })
    // A scheme without an authority: Node gets the path, the engine what was sent.
    expect(judgeHead('GET http:/a/b HTTP/1.1\r\nHost: a')).toMatchObject({
      head: 'GET /a/b HTTP/1.1\r\nHost: a',
      line: { target: 'http:/a/b', sent: { target: '/a/b' } }
    })
  })

  it('joins folded header lines to the line before by one space, their blanks around the fold dropped, as httpd does', () => {
    expect(judgeHead('GET / HTTP/1.1\r\nHost: a\r\nX: 1 \t\r\n 2\r\n\t \t3\r\nY: 4')).toMatchObject({
      kind: 'rewritten',
      head: 'GET / HTTP/1.1\r\nHost: a\r\nX: 1 2 3\r\nY: 4'
    })
  })

  it('refuses a target whose path does not start with /, but for OPTIONS *', () => {
    for (const target of ['foo', 'foo?x#y', 'mailto:x', 'http:us/a', 'www.a.com:443', '*'])
      expect(refusal(`GET ${target} HTTP/1.1\r\nHost: a`), target).toMatch(/does not start with \//)
    for (const target of ['/a', '?a=b', 'http://h/a', 'http:/a', 'https://h', 'ftp://h/x'])
      expect(refusal(`GET ${target} HTTP/1.1\r\nHost: a`), target).toBeNull()
    expect(refusal('OPTIONS * HTTP/1.1\r\nHost: a')).toBeNull()
    expect(refusal('CONNECT www.a.com:443 HTTP/1.1\r\nHost: a')).toBeNull()
  })

  it('refuses a framing it cannot read with every field read, which the answer sees', () => {
    expect(judgeHead('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\nX: 1')).toMatchObject({
      kind: 'refused',
      fields: ['Host: a', 'Content-Length: x', 'X: 1']
    })
  })

  it('drops Content-Length when Transfer-Encoding is present', () => {
    expect(judgeHead('POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nHost: a')).toMatchObject({
      kind: 'rewritten',
      head: 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: a'
    })
  })

  it('keeps the empty lines before the request line', () => {
    expect(judgeHead('\r\nGET / HTTP/1.5\r\nHost: a')).toMatchObject({
      kind: 'rewritten',
      head: '\r\nGET / HTTP/1.1\r\nHost: a'
    })
  })
})
