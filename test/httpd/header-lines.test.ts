/**
 * `Header` lines as httpd's apr tables keep them: a line per `add`, in the order written, a
 * name's lines apart when others came between; `Header always` lines (err_headers_out, which
 * ap_http_header_filter overlays first) apart from plain ones of the same name (headers_out);
 * `set` changing a line where it stands; each line spelled as its first writer spelled it (a
 * directive as the configuration does, httpd's own `ETag` as httpd does); `RequestHeader add`
 * leaving a request header on lines of its own. Debian's apache2 against the workbench, a
 * section per case.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, compareRawHeads, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const CASES: Record<string, string[]> = {
  interleaved: ['Header add X-A 1', 'Header add X-B 2', 'Header add X-A 3'],
  'always-and-onsuccess': [
    'Header always set X-A 1',
    'Header set X-A 2',
    'Header set X-B 3',
    'Header always set X-C 4'
  ],
  'always-add-between': ['Header set X-A 2', 'Header always add X-A 1', 'Header always add X-B 1', 'Header add X-A 5'],
  'set-in-place': ['Header add X-A 1', 'Header add X-B 2', 'Header add X-A 3', 'Header set X-A 9'],
  spelling: ['Header set x-lower 1', 'Header add X-LOWER 2', 'Header always add X-Lower 3', 'Header set etag foo'],
  'unset-then-add': ['Header add X-A 1', 'Header add X-B 2', 'Header unset X-A', 'Header add x-a 3'],
  echo: ['Header echo ^X-E', 'Header add X-B 2', 'Header always echo ^x-e'],
  // ap_set_keepalive merges its word into the answer's own Connection line.
  connection: ['Header set Connection foo', 'Header add X-B 2'],
  'always-connection': ['Header always set Connection keep-alive'],
  'connection-close': ['Header set Connection close'],
  // … and sets its Keep-Alive value on the answer's own Keep-Alive line.
  'keep-alive': ['Header set Keep-Alive x', 'Header add X-B 2'],
  'always-keep-alive': ['Header always set Keep-Alive y'],
  // The Vary the conditions read is merged into headers_out as they are evaluated (the always
  // one's first), and ap_http_header_filter makes one line of the Vary lines where the first stood.
  'vary-lines': [
    'Header always set X-V 1 "expr=%{req:X-Q} == \'q\'"',
    'Header add Vary X-Z',
    'Header add X-V 2 "expr=%{req:X-P} == \'p\'"'
  ],
  // The joined line keeps the name its first line was written with.
  'vary-spelling': ['Header add vary X-A', 'Header add Vary X-B'],
  // No directive here: httpd's own ETag is not spelled as `Header set etag` elsewhere writes it.
  plain: [],
  // An ErrorDocument's page: its request's lines.
  // RequestHeader add puts a name on a line of its own in r->headers_in (httpd merges only what
  // the client sent): echo copies each line, %{req:…} reads the first (apr_table_get).
  'request-add': [
    'RequestHeader add X-R two',
    'RequestHeader add X-S s',
    'RequestHeader add X-R three',
    'Header set X-Seen "expr=%{req:X-R}"',
    'Header echo ^X-R',
    // The page's request shares r->headers_in, and its fixups add again.
    'ErrorDocument 404 /request-add/a.txt'
  ],
  errordoc: [
    'ErrorDocument 404 /errordoc/a.txt',
    'Header always add X-A 1',
    'Header always add X-B 2',
    'Header always add X-A 3'
  ]
}

const running = classicSideBySide(
  { ...Object.fromEntries(Object.keys(CASES).map((name) => [`${name}/a.txt`, `${name}\n`])), 'rewritten/b.txt': 'b\n' },
  (docroot) => [
    ...serverLines(['mime', 'headers', 'rewrite'], docroot),
    // An early line, then a per-directory rewrite's internal redirect: the new request shares
    // r->headers_in, lines and all.
    'RequestHeader add X-Early one early',
    'RequestHeader add X-Early two early',
    `<Directory "${docroot}/rewritten">`,
    '  RewriteEngine On',
    '  RewriteRule ^a\\.txt$ b.txt',
    '  Header set X-Early-Seen "expr=%{req:X-Early}"',
    '  Header echo ^X-Early$',
    '</Directory>',
    // Kept-alive connections are read until the server closes them.
    'KeepAliveTimeout 1',
    ...Object.entries(CASES).flatMap(([name, lines]) => [
      `<Location "/${name}/">`,
      ...lines.map((l) => `  ${l}`),
      '</Location>'
    ])
  ]
)

const REQUESTS: HttpdRequest[] = [
  ...Object.keys(CASES).map((name): HttpdRequest => ['GET', `/${name}/a.txt`, { 'X-E-One': '1', 'x-e-two': '2' }]),
  // Apache's own 404: only `Header always` runs, on what err_headers_out had.
  ['GET', '/always-and-onsuccess/missing', {}],
  ['GET', '/echo/missing', { 'X-E-One': '1', 'x-e-two': '2' }],
  ['GET', '/errordoc/missing', {}],
  ['GET', '/request-add/a.txt', { 'X-R': 'one' }],
  ['GET', '/request-add/a.txt', { 'X-R': 'one', 'x-r': 'again' }],
  ['GET', '/request-add/missing', { 'X-R': 'one' }],
  ['GET', '/rewritten/a.txt', {}],
  ['GET', '/vary-lines/a.txt', { 'X-Q': 'q', 'X-P': 'p' }]
]

describe('Header directives line by line', () => {
  it('leave the lines in the order and spelling apache2 writes them', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
  // HTTP/1.0 is answered on Node's path (http/lean-listener.ts), the rest on the lean one.
  it("and so on Node's path", async () => {
    const heads = Object.keys(CASES).map((name) => `GET /${name}/a.txt HTTP/1.0\r\nX-E-One: 1\r\n\r\n`)
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })
  it('take the Connection and Keep-Alive words of a kept-alive answer as apache2 does', async () => {
    const names = ['connection', 'always-connection', 'connection-close', 'keep-alive', 'always-keep-alive']
    const heads = names.flatMap((name) => [
      `GET /${name}/a.txt HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`,
      `GET /${name}/a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
      `GET /${name}/a.txt HTTP/1.0\r\n\r\n`
    ])
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })
})
