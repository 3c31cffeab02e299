/**
 * A local `ErrorDocument 400` page for a head httpd refuses while reading it: its internal
 * request keeps the refused request's r->server (the first-listed vhost: the Host was not used
 * to choose) and r->hostname (unset), as internal_internal_redirect copies them, whatever the
 * Host header names. Debian's apache2 against the workbench, byte for byte, the close too.
 */
import { describe, it } from 'vitest'
import { classicSideBySide, serverLines } from './classic'
import { markedVhost, TWO_VHOST_FILES } from './two-vhosts'
import { expectSame } from './conversation'

/** Heads httpd refuses while reading them, each naming the second vhost in its Host. */
const REFUSED = [
  'GET /a.txt HTTP/1.1\r\nHost: www.a.com\r\nBad Name: x\r\n\r\n',
  'GET /a.txt HTTP/1.1\r\nHost: www.a.com:xx\r\n\r\n',
  'GET /a.txt HTTP/1.1\r\nHost: www.a.com\r\nNoColon\r\n\r\n',
  'HEAD /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-Bad: a\u0001b\r\n\r\n',
  'GET /a.txt#x HTTP/1.1\r\nHost: www.a.com\r\n\r\n'
]

describe('a local ErrorDocument for a refused head', () => {
  // r->hostname too is the refused request's: unset when the head was refused before the Host was read.
  const names = '  Header always set X-Names "expr=%{SERVER_NAME}|%{HTTP_HOST}|%{REQUEST_URI}"'
  const running = classicSideBySide(TWO_VHOST_FILES, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    'KeepAliveTimeout 1',
    ...markedVhost('first', 'localhost', d, [
      '  ErrorDocument 400 /e400.html',
      '  ErrorDocument 404 /e400.html',
      names
    ]),
    ...markedVhost('a', 'www.a.com', d, ['  ErrorDocument 400 /a400.html', '  ErrorDocument 404 /a400.html', names])
  ])
  it("is the first vhost's page, answered in that vhost", async () => {
    for (const head of REFUSED) await expectSame(running, [head], 1500)
  }, 30_000)
  it('of a request the Host sent to another vhost is that vhost’s, answered there', async () => {
    await expectSame(running, ['GET /missing HTTP/1.1\r\nHost: www.a.com\r\nConnection: close\r\n\r\n'], 1500)
    await expectSame(running, ['GET http://www.a.com/missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], 1500)
  })
})
