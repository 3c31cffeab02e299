/**
 * A head httpd refuses while reading it (a bad request line, a header field it will not read)
 * whose target is absolute-form: ap_parse_request_line has parsed the target before it reports
 * the fault, so r->hostname and the port are the URL's, as written (no fix_hostname: case and a
 * trailing dot kept, user information dropped), while the vhost stays the first-listed one (the
 * URL's host never chose it) and the Host header is not replaced. %{SERVER_NAME}, %{SERVER_PORT}
 * and ServerSignature's line read them, also in a local ErrorDocument's internal request. A
 * request line that ends in a bare LF is never parsed: no host from it. Debian's apache2 against
 * the workbench, byte for byte.
 */
import { describe, it } from 'vitest'
import { classicSideBySide, serverLines } from './classic'
import { expectSame, nodeParserOnly } from './conversation'
import type { RunningPair } from './harness'
import { markedVhost, TWO_VHOST_FILES } from './two-vhosts'

const names =
  '  Header always set X-Names "expr=%{SERVER_NAME}|%{SERVER_PORT}|%{HTTP_HOST}|%{REQUEST_URI}|%{QUERY_STRING}|%{THE_REQUEST}"'

/** Refused heads, each with an absolute-form target naming the second vhost. */
const REFUSED = [
  'GET http://www.a.com/a.txt HTTP/1.1\r\nHost: localhost\r\nBad Name: x\r\n\r\n',
  'HEAD http://www.a.com/a.txt HTTP/1.1\r\nHost: localhost\r\nBad Name: x\r\n\r\n',
  'GET http://WWW.A.com:8080/a.txt HTTP/1.1\r\nHost: localhost\r\nX-Bad: a\u0001b\r\n\r\n',
  'GET http://u@www.a.com./a.txt HTTP/1.1\r\nX-Bad: a\u0000b\r\nHost: localhost\r\n\r\n',
  'GET http://www.a.com:/a.txt HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n',
  'GET http://www.a.com/a.txt HTTP/1.1\r\nHost: localhost\nX: 1\r\n\r\n',
  'GET\thttp://www.a.com/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'GET http://www.a.com/a.txt HTTP/1.1 \r\nHost: localhost\r\n\r\n',
  'GET http://www.a.com/a.txt http/1.1\r\nHost: localhost\r\n\r\n',
  'GET  http://www.a.com/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'GET http://www.a.com:81/a.txt  HTTP/1.1\r\nHost: localhost\r\n\r\n'
]

describe('a refused head with an absolute-form target', () => {
  const signed = classicSideBySide(TWO_VHOST_FILES, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    'ServerSignature On',
    ...markedVhost('first', 'localhost', d, [names]),
    ...markedVhost('a', 'www.a.com', d, ['  ErrorDocument 400 /a400.html', names])
  ])
  it("is answered by the first vhost, with the URL's host and port as the server's", async () => {
    for (const head of REFUSED) await expectSame(signed, [head], 1500)
  }, 30_000)
  const local = classicSideBySide(TWO_VHOST_FILES, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    ...markedVhost('first', 'localhost', d, ['  ErrorDocument 400 /e400.html', names]),
    ...markedVhost('a', 'www.a.com', d, ['  ErrorDocument 400 /a400.html', names])
  ])
  it("gets the first vhost's local ErrorDocument, whose request keeps the URL's host", async () => {
    for (const head of REFUSED) await expectSame(local, [head], 1500)
  }, 30_000)

  // No X-Names here: its expression, reading the fields of a request line never parsed, fails
  // in httpd (a 500).
  const bare = classicSideBySide(TWO_VHOST_FILES, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    'ServerSignature On',
    ...markedVhost('first', 'localhost', d, []),
    ...markedVhost('a', 'www.a.com', d, [])
  ])
  it('names no host when its request line ends in a bare LF', async () => {
    await expectSame(bare, ['GET http://www.a.com/a.txt HTTP/1.1\nHost: localhost\n\n'], 1500)
  })
})

/**
 * Targets ap_parse_request_line refuses with the line (before any field is read): a path that
 * does not start with `/` (`foo`, `mailto:x`, `www.a.com:443`), user information before the host.
 * r->uri and r->args are apr_uri_parse's path and query (a scheme and an authority dropped),
 * r->hostname an http URL's host. Node's parser refuses some of them itself (`foo`): its canned
 * 400 had none of the first vhost's headers. On either parser, first or after a request that
 * handed the connection over to Node's.
 */
const TARGETS = [
  'GET foo HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'HEAD foo HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET foo?x#y HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET mailto:x HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET http:us/a.txt?q HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'HEAD www.a.com:443 HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET http://user@www.a.com/a.txt?q HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET http://u:p@WWW.a.com:81/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n'
]
const POST = 'POST /a.txt HTTP/1.1\r\nHost: www.a.com\r\nContent-Length: 2\r\n\r\nhi'

/**
 * Another scheme's URL passes the request line: httpd refuses it once the Host header chose the
 * vhost, whose ErrorDocument answers (r->uri the URL's path until then).
 */
const OTHER_SCHEMES = [
  'GET ftp://www.a.com/a.txt?q HTTP/1.1\r\nHost: www.a.com\r\n\r\n',
  'GET ws://u@x/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'HEAD ftp://x HTTP/1.1\r\nHost: www.a.com\r\n\r\n'
]

function targets(running: RunningPair): void {
  it('is answered by the first vhost with the path and host apr_uri_parse read', async () => {
    for (const head of TARGETS) {
      await expectSame(running, [head], 1500)
      await expectSame(running, [POST, { pause: 200 }, head], 1500)
    }
  }, 30_000)
  it("of another scheme's URL is answered by the Host's vhost, once the fields are read", async () => {
    for (const head of OTHER_SCHEMES) {
      await expectSame(running, [head], 1500)
      await expectSame(running, [POST, { pause: 200 }, head], 1500)
    }
  })
}

const signedTwo = (d: string): string[] => [
  ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
  'ServerSignature On',
  ...markedVhost('first', 'localhost', d, [names]),
  ...markedVhost('a', 'www.a.com', d, ['  ErrorDocument 400 /a400.html', names])
]

describe('a request target httpd refuses with its line', () => {
  targets(classicSideBySide(TWO_VHOST_FILES, signedTwo))
})

describe('a request target httpd refuses with its line, every head read by Node’s parser (DW_NODE_HTTP_ONLY=1)', () => {
  targets(nodeParserOnly(() => classicSideBySide(TWO_VHOST_FILES, signedTwo)))
})
