/**
 * A head httpd refuses (a header field it will not read, a request line it cannot parse) that
 * comes on a kept-alive connection, after a request answered on it or pipelined behind one:
 * apache2 answers the requests before it, then the refused head's 400 from the first-listed
 * vhost (its Header directives, its ErrorDocument) with `Connection: close`, and reads nothing
 * after it. On the workbench such a head may be read by either parser: the lean listener's
 * (after a simple request) or Node's (after a request that handed the connection over: a body,
 * HTTP/1.0, a repeated header; every head under DW_NODE_HTTP_ONLY=1).
 */
import { describe, it } from 'vitest'
import { classicSideBySide, firstAndNamedVhost } from './classic'
import { expectSame, nodeParserOnly } from './conversation'
import type { RunningPair } from './harness'

const FILES = { 'a.txt': 'a\n' }

const lines = (d: string): string[] =>
  firstAndNamedVhost(d, [
    'Header always set X-Names "expr=%{HTTP:X-A}|%{SERVER_NAME}|%{HTTP_HOST}|%{REQUEST_URI}|%{THE_REQUEST}"',
    'ErrorDocument 400 "refused here"'
  ])

const KA = 'Connection: keep-alive\r\n'
const get = (more = '', protocol = 'HTTP/1.1'): string => `GET /a.txt ${protocol}\r\nHost: www.a.com\r\n${more}\r\n`
const post = (body: string): string =>
  `POST /a.txt HTTP/1.1\r\nHost: www.a.com\r\nContent-Length: ${body.length}\r\n\r\n${body}`
/**
 * Sent before the refused head: one lean request, and four that hand the connection to Node
 * (bodies that end without a line end: the next head follows at once).
 */
const BEFORE = [get(), post('hi'), post('{"a": "x\r\ny"}'), get(KA, 'HTTP/1.0'), get('X-A: 1\r\nX-A: 2\r\n')]
/** Refused heads, each with fields read before the one refused. */
const REFUSED = [
  'GET /a.txt?q=1 HTTP/1.1\r\nHost: www.a.com\r\nX-A: 1\r\nBad Name: x\r\n\r\n',
  'HEAD /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-Bad: a\u0001b\r\n\r\n',
  'GET /a.txt HTTP/1.1\r\nX-A: 1\r\nNoColon\r\nHost: www.a.com\r\n\r\n',
  'GET /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-Bad: a\u007fb\r\n\r\n',
  'GET /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-Bad: a\u0000b\r\n\r\n',
  // request lines Node's parser reads and httpd refuses (more than one space, HTTP/0.9 with a head)
  'GET  /a.txt HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'HEAD /a.txt  HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET  http://www.a.com:81/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'GET /a.txt HTTP/0.9\r\nHost: www.a.com\r\n\r\n',
  // refused for the body's framing, once all its fields were read
  'POST /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-A: 1\r\nContent-Length: x\r\n\r\n',
  'POST /a.txt HTTP/1.1\r\nX-A: 1\r\nTransfer-Encoding: gzip\r\nHost: www.a.com\r\n\r\n'
]
/** Would be answered, were anything read after the refused head. */
const AFTER = get()

/** The same conversations, under either parser. */
function conversations(running: RunningPair): void {
  it('answers a refused first head, then closes', async () => {
    for (const refused of REFUSED) await expectSame(running, [refused + AFTER], 2000)
  })

  it('answers the head refused after an answered request, then closes', async () => {
    for (const before of BEFORE)
      for (const refused of REFUSED) await expectSame(running, [before, { pause: 200 }, refused + AFTER], 2000)
  }, 60_000)

  it('answers the head refused behind a pipelined request after that one, then closes', async () => {
    for (const before of BEFORE)
      for (const refused of REFUSED) await expectSame(running, [before + refused + AFTER], 2000)
  }, 60_000)

  it('answers an HTTP/0.9 request with its body alone, first or after others, then closes', async () => {
    const simple = 'GET /a.txt\r\n'
    await expectSame(running, [simple + '\r\n' + AFTER], 2000)
    for (const before of BEFORE) {
      await expectSame(running, [before, { pause: 200 }, simple + AFTER], 2000)
      await expectSame(running, [before + simple + '\r\n' + AFTER], 2000)
    }
  }, 30_000)

  it('answers the head refused after two answered requests, one of them pipelined', async () => {
    await expectSame(running, [post('hi') + get(), { pause: 200 }, REFUSED[0]], 2000)
    await expectSame(running, [get() + post('hi'), { pause: 200 }, REFUSED[2] + AFTER], 2000)
  })
}

describe('a refused head on a kept-alive connection', () => {
  conversations(classicSideBySide(FILES, lines))
})

describe('a refused head on a kept-alive connection, every head read by Node’s parser (DW_NODE_HTTP_ONLY=1)', () => {
  conversations(nodeParserOnly(() => classicSideBySide(FILES, lines)))
})
