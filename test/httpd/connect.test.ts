/**
 * CONNECT (no mod_proxy_connect) and OPTIONS with no path under Debian's apache2 and under the
 * workbench: a CONNECT is a request for `/` on the virtual host its host:port names, which
 * per-directory rewrite rules may redirect internally (the method stays CONNECT); an OPTIONS with
 * an empty path asks about the server, as `OPTIONS *` does. And what such refusals and rewrites
 * end in: ErrorDocuments of refused heads, and the recursion limit.
 */
import { describe, expect, it } from 'vitest'
import { compareRawHeads, loadModules } from './harness'
import { classicSideBySide } from './classic'

const running = classicSideBySide({ 'a.txt': 'a\n', 'index.html': 'index\n', 'l10/x.txt': 'x\n' }, (docroot) => [
  ...loadModules(['mime', 'rewrite', 'dir']),
  'TypesConfig /etc/mime.types',
  'ServerTokens Prod',
  `DocumentRoot "${docroot}"`,
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${docroot}"`,
  `  <Directory "${docroot}">`,
  '    Options FollowSymLinks',
  '    Require all granted',
  '    RewriteEngine On',
  '    RewriteRule ^$ /a.txt [L]',
  '  </Directory>',
  // ten internal redirects, then [F]: at LimitInternalRecursion its ErrorDocument cannot be served
  `  <Directory "${docroot}/l10">`,
  ...'abcdefghij'.split('').map((c, i) => `    RewriteRule ^${c}$ /l10/${'bcdefghijk'[i]} [L]`),
  '    RewriteRule ^k$ - [F]',
  '  </Directory>',
  '  ErrorDocument 400 /a.txt',
  '  ErrorDocument 403 /a.txt',
  '  ErrorDocument 417 /a.txt',
  '</VirtualHost>'
])

const H = 'Host: localhost\r\nConnection: close\r\n\r\n'
const HEADS = [
  `CONNECT localhost:80 HTTP/1.1\r\n${H}`,
  `CONNECT localhost:+80 HTTP/1.1\r\n${H}`,
  `CONNECT localhost:80x HTTP/1.1\r\n${H}`,
  `OPTIONS ?a=b HTTP/1.1\r\n${H}`,
  `OPTIONS http://localhost HTTP/1.1\r\n${H}`,
  `OPTIONS http://localhost?x HTTP/1.1\r\n${H}`,
  `OPTIONS * HTTP/1.1\r\n${H}`,
  `GET ?a=b HTTP/1.1\r\n${H}`,
  // a refused head or an unmet Expect is answered with the ErrorDocument, whose own request is fine
  `CONNECT localhost:80x HTTP/1.1\r\n${H}`,
  `GET /a.txt  HTTP/1.1\r\n${H}`,
  `GET /a.txt HTTP/1.1\r\nExpect: foo\r\n${H}`,
  `GET /l10/a HTTP/1.1\r\n${H}`,
  `HEAD /l10/a HTTP/1.1\r\n${H}`
]

describe('CONNECT and OPTIONS without a path', () => {
  it('get the same answers from apache2 and the workbench', async () => {
    expect(await compareRawHeads(HEADS, running.apachePort, running.enginePort)).toBe('')
  })
})
