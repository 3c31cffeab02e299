/**
 * A `Header` that writes THE_REQUEST into the answer when the request line holds a control
 * character: httpd's header filter (check_headers) refuses the value (AH02430) and ap_die's
 * answer, refused again, goes out as its minimal one (no body, Content-Length 0, the connection
 * closed). A request line refused for it (HttpProtocolOptions Strict), with and without a local
 * ErrorDocument 400, and an escape the URI decodes into one. Debian's apache2 against the workbench, byte for
 * byte, the close too.
 */
import { describe, it } from 'vitest'
import { classicSideBySide, serverLines } from './classic'
import { markedVhost, TWO_VHOST_FILES } from './two-vhosts'
import { expectSame, nodeParserOnly } from './conversation'
import type { RunningPair } from './harness'

/** Request lines with a control character in the target (refused by HttpProtocolOptions Strict). */
const CONTROL = [
  'GET /a\u0001b HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET /a\u0001b HTTP/1.1\r\nHost: www.a.com\r\nConnection: close\r\n\r\n',
  'GET /a.txt?\u001f HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'HEAD /a\u007fb HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET /a\u0001b HTTP/1.0\r\n\r\n'
]

describe('THE_REQUEST in a Header when the request line holds a control character', () => {
  const req = '  Header always set X-Req "expr=%{THE_REQUEST}"'
  const running = classicSideBySide(TWO_VHOST_FILES, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    'KeepAliveTimeout 1',
    ...markedVhost('first', 'localhost', d, [req]),
    ...markedVhost('a', 'www.a.com', d, [req])
  ])
  it('answers as apache2 does', async () => {
    for (const head of CONTROL) await expectSame(running, [head], 1500)
  }, 30_000)
})

describe('THE_REQUEST in a Header, with a local ErrorDocument 400', () => {
  const more = ['  Header always set X-Req "expr=%{THE_REQUEST}"', '  ErrorDocument 400 /e400.html']
  const running = classicSideBySide(TWO_VHOST_FILES, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    'KeepAliveTimeout 1',
    ...markedVhost('first', 'localhost', d, more),
    ...markedVhost('a', 'www.a.com', d, more)
  ])
  it('answers as apache2 does', async () => {
    for (const head of CONTROL) await expectSame(running, [head], 1500)
  }, 30_000)
})

const decodedLines = (d: string): string[] => [
  ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
  'KeepAliveTimeout 1',
  ...markedVhost('first', 'localhost', d, ['  Header always set X-Uri "expr=%{REQUEST_URI}"']),
  ...markedVhost('a', 'www.a.com', d, ['  Header set X-Ok "expr=%{REQUEST_URI}"'])
]
const DECODED_FILES = { ...TWO_VHOST_FILES, 'c\u0001d.txt': 'c\n' }

/** The first vhost writes r->uri into every answer (always), the second into a success only. */
function decoded(running: RunningPair): void {
  it('answers as apache2 does', async () => {
    for (const host of ['localhost', 'www.a.com'])
      for (const target of ['/a%01b', '/c%01d.txt', '/c%01d.txt?x', '/a.txt'])
        for (const method of ['GET', 'HEAD'])
          await expectSame(running, [`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`], 1500)
  }, 30_000)
}

describe('a control character decoded from the target into a Header', () => {
  decoded(classicSideBySide(DECODED_FILES, decodedLines))
})

describe('a control character decoded from the target into a Header, every head read by Node’s parser', () => {
  decoded(nodeParserOnly(() => classicSideBySide(DECODED_FILES, decodedLines)))
})
