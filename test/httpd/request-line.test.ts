/**
 * Request heads as httpd reads them (request-head.ts): Debian's apache2 and the workbench, side
 * by side on WKND's configuration (project.ts), given the same bytes. httpd's default
 * `HttpProtocolOptions Strict` refuses some request lines Node's parser reads (double spaces,
 * user information, a scheme other than http) and reads some Node's parser refuses (HTTP/1.2,
 * raw UTF-8 in the target, folded header lines); it refuses a bare-LF head at once where the
 * lean listener used to wait for its timeout; and an absolute-form `http://` target names the
 * virtual host, as does a CONNECT's host:port. A method Node's parser does not know (`get`,
 * `FOO`) is read by httpd whatever else the head holds (a body, HTTP/1.0).
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareRawHeads } from './harness'
import { CORPUS, projectSideBySide } from './project'

const running = projectSideBySide({
  src: path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src'),
  files: {
    'content/wknd/us/en.html': '<html>en</html>\n',
    'content/wknd/us/en/caf\u00e9.html': '<html>cafe</html>\n'
  }
})

const END = 'Connection: close\r\n\r\n'
const H = `Host: localhost\r\n${END}`
/** `café` as a browser would send it unescaped: UTF-8 bytes, written here one per latin1 character. */
const CAFE = '/content/wknd/us/en/caf\u00c3\u00a9.html'

const HEADS: string[] = [
  // refused by httpd's strict request-line check
  `GET  /us/en.html HTTP/1.1\r\n${H}`,
  `GET /us/en.html  HTTP/1.1\r\n${H}`,
  `GET /us/en.html HTTP/1.1 \r\n${H}`,
  `GET\t/us/en.html HTTP/1.1\r\n${H}`,
  `GET /us/en.html HTTP/0.9\r\n${H}`,
  `GET /us/en.html http/1.1\r\n${H}`,
  `GET /us/en.html HTTP/01.1\r\n${H}`,
  `GET /us/en.html FOO/1.1\r\n${H}`,
  `HEAD  /us/en.html HTTP/1.1\r\n${H}`,
  `HEAD /us/en.html\r\n\r\n`,
  `POST /us/en.html\r\n\r\n`,
  `GET http://user@localhost/us/en.html HTTP/1.1\r\n${H}`,
  `GET ftp://localhost/us/en.html HTTP/1.1\r\n${H}`,
  `GET ws://localhost/us/en.html HTTP/1.1\r\n${H}`,
  `GET http://localhost:abc/us/en.html HTTP/1.1\r\n${H}`,
  `GET http:us/en.html HTTP/1.1\r\n${H}`,
  // bare line feeds: refused at once
  'GET /us/en.html HTTP/1.1\nHost: localhost\nConnection: close\n\n',
  'GET /us/en.html HTTP/1.1\r\nHost: localhost\nConnection: close\r\n\r\n',
  // read by httpd, refused by Node's parser
  `GET /us/en.html HTTP/1.2\r\n${H}`,
  `GET /us/en.html HTTP/3.0\r\n${H}`,
  `HEAD /us/en.html HTTP/9.9\r\n${H}`,
  `GET ${CAFE} HTTP/1.1\r\n${H}`,
  `POST ${CAFE} HTTP/1.1\r\nContent-Length: 0\r\n${H}`,
  `GET /us/en.html HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n b\r\n${END}`,
  `GET /us/en.html HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n\tb\r\n${END}`,
  `POST /systemready HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n${END}0\r\n\r\n`,
  // read by httpd, refused by mod_proxy (the SDK's /systemready is a ProxyPass)
  `POST /systemready HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n${END}0\r\n\r\n`,
  // absolute-form targets: an http:// URL names the virtual host (and replaces the Host header)
  `GET http://www.wknd.site/us/en.html HTTP/1.1\r\n${H}`,
  `GET HTTP://WWW.WKND.SITE:80/us/en.html HTTP/1.1\r\n${H}`,
  `GET http://www.wknd.site HTTP/1.1\r\n${H}`,
  `GET http://www.wknd.site/us/en.html HTTP/1.0\r\n\r\n`,
  `GET http://test.proxy/x HTTP/1.1\r\n${H}`,
  `GET https://www.wknd.site/us/en.html HTTP/1.1\r\n${H}`,
  `GET http:/us/en.html HTTP/1.1\r\n${H}`,
  `GET ftp:/us/en.html HTTP/1.1\r\n${H}`,
  `GET http://localhost/us/en.html HTTP/1.1\r\nHost: www.wknd.site\r\n${END}`,
  `GET http://www.wknd.site/us/en.html HTTP/1.1\r\n${END}`,
  // HTTP/0.9: the line is the whole request (no headers read), the answer its body alone
  'GET /us/en.html\r\n\r\n',
  'GET /us/en.html\r\n',
  'GET /us/en.html\r\nHost: www.wknd.site\r\n\r\n',
  'GET /missing.html\r\n',
  // a query with no path before it is read as `/?…` (apr_uri_parse leaves the path unset)
  `GET ?a=b HTTP/1.1\r\n${H}`,
  // other targets that are not a path: refused with the request line, a HEAD's 400 without a body
  `GET foo HTTP/1.1\r\n${H}`,
  `HEAD foo HTTP/1.1\r\n${H}`,
  `HEAD www.wknd.site:443 HTTP/1.1\r\n${H}`,
  `HEAD /us/en.html HTTP/1.1\r\nBad Header: x\r\n${H}`,
  `HEAD /us/en.html HTTP/1.1\r\nContent-Length: abc\r\n${H}`,
  // CONNECT (no mod_proxy_connect): a request for `/` on the virtual host its host:port names,
  // where a relative [R] target is not made absolute (fully_qualify_uri) and maps to a path
  `CONNECT www.wknd.site:443 HTTP/1.1\r\n${H}`,
  `CONNECT WWW.WKND.SITE:443 HTTP/1.1\r\n${END}`,
  `CONNECT localhost:80 HTTP/1.1\r\n${H}`,
  `CONNECT [::1]:80 HTTP/1.1\r\n${H}`,
  `CONNECT :443 HTTP/1.1\r\n${H}`,
  `CONNECT :443 HTTP/1.1\r\n${END}`,
  `CONNECT /us/en.html HTTP/1.1\r\n${H}`,
  `CONNECT www.wknd.site: HTTP/1.1\r\n${H}`,
  `CONNECT www.wknd.site:443/x HTTP/1.1\r\n${H}`,
  `CONNECT [::1] HTTP/1.1\r\n${H}`,
  `CONNECT localhost:80 HTTP/1.0\r\n\r\n`,
  `CONNECT localhost:80 HTTP/1.1\r\nContent-Length: 0\r\n${H}`,
  `CONNECT localhost:80 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /us/en.html HTTP/1.1\r\n${H}`,
  // a request line over LimitRequestLine: httpd never reads the method, so a HEAD gets the page
  `HEAD /${'a'.repeat(9000)} HTTP/1.1\r\n${H}`,
  `HEAD /${'a'.repeat(9000)} HTTP/1.0\r\n\r\n`,
  `HEAD /${'a'.repeat(9000)} HTTP/1.1\r\nX-A: 1\r\nX-A: 2\r\n${H}`,
  // methods Node's parser does not know (lower case, made up): httpd reads them (501 for most)
  `FOO /us/en.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n${END}abc`,
  `get /us/en.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n${END}abc`,
  `BREW /us/en.html HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n${END}3\r\nabc\r\n0\r\n\r\n`,
  `FOO /us/en.html HTTP/1.0\r\n\r\n`,
  `get /us/en.html HTTP/1.0\r\nHost: localhost\r\n\r\n`,
  `FOO /us/en.html HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n b\r\n${END}`,
  `FOO /content/wknd/us/en/caf\u00c3\u00a9.html HTTP/1.1\r\n${H}`,
  `FOO /us/en.html HTTP/1.2\r\n${H}`,
  // for comparison: what both parsers read alike
  `GET /us/en.html HTTP/1.1\r\n${H}`,
  `GET /us/en.html HTTP/2.0\r\n${H}`,
  `\r\nGET /us/en.html HTTP/1.1\r\n${H}`
]

describe('request heads under apache2 and under the workbench', () => {
  it('every head gets the same answer from both', async () => {
    expect(await compareRawHeads(HEADS, running.apachePort, running.enginePort)).toBe('')
  }, 60_000)
})
