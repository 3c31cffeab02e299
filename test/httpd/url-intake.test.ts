/**
 * What httpd makes of a request's URL and Host before a handler sees them
 * (dispatcher-behavior.md §3.1, §3.3): r->uri after decoding and normalisation, the query, the
 * server name, the vhost chosen. Debian's apache2 and the workbench, side by side, given the same bytes.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareRawHeads } from './harness'
import { classicSideBySide, serverLines } from './classic'
import { CORPUS, projectSideBySide } from './project'

const FILES = { 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'sp ace.txt': 's\n', 'pct%.txt': 'p\n', 'caf\u00e9.txt': 'c\n' }

const show = [
  '  RewriteEngine On',
  '  RewriteRule ^(.*)$ - [E=U:$1]',
  '  Header always set X-U "%{U}e"',
  '  Header always set X-Names "expr=%{HTTP:X-A}|%{SERVER_NAME}|%{SERVER_PORT}|%{HTTP_HOST}|%{REQUEST_URI}|%{QUERY_STRING}|%{THE_REQUEST}|%{REQUEST_METHOD}|%{REQUEST_FILENAME}"'
]

const vhost = (id: string, names: string[], d: string): string[] => [
  '<VirtualHost *:*>',
  ...names.map((n) => `  ${n}`),
  `  DocumentRoot "${d}"`,
  `  Header always set X-Vhost "${id}"`,
  ...show,
  '</VirtualHost>'
]

const H = 'Host: localhost\r\nConnection: close\r\n\r\n'
const get = (target: string, version = 'HTTP/1.1'): string => `GET ${target} ${version}\r\n${H}`
const host = (h: string | null, version = 'HTTP/1.1'): string =>
  `GET /a.txt ${version}\r\n${h === null ? '' : `Host: ${h}\r\n`}Connection: close\r\n\r\n`

const TARGETS = [
  '/a.txt',
  '//a.txt',
  '/dir//b.txt',
  '/dir/./b.txt',
  '/./a.txt',
  '/dir/../a.txt',
  '/../a.txt',
  '/dir/../../a.txt',
  '/dir/..',
  '/dir/.',
  '/%2e%2e/a.txt',
  '/dir/%2e%2e/a.txt',
  '/dir%2Fb.txt',
  '/dir%2fb.txt',
  '/a.txt%00',
  '/a%00.txt',
  '/pct%25.txt',
  '/pct%.txt',
  '/a.txt%',
  '/a.txt%2',
  '/a.txt%zz',
  '/a.txt%G0',
  '/a.txt?%',
  '/a.txt?%zz',
  '/a.txt;jsessionid=abc',
  '/a.txt;jsessionid=abc?x=1',
  '/dir;x=1/b.txt',
  '/a.txt?',
  '/a.txt??',
  '/a.txt?#',
  '/a.txt#frag',
  '/a.txt#',
  '/a.txt?x=1#frag',
  '/sp%20ace.txt',
  '/sp ace.txt',
  '/caf%C3%A9.txt',
  '/caf\u00c3\u00a9.txt',
  '/caf\u00e9.txt',
  '/a.txt\u00ff',
  '/%7Ea.txt',
  '/%41.txt',
  '/a.txt?q=%41%2F%20',
  'http://localhost/a.txt',
  'http://LOCALHOST/a.txt?x',
  'http://localhost:80/dir//b.txt',
  'http://other.example/a.txt',
  'https://localhost/a.txt',
  'http://localhost',
  'http://[::1]/a.txt',
  'http://[::1]:8080/a.txt',
  // httpd normalises before it unescapes, and reads every escape before it answers
  '/../a%00',
  '/../a%2Fb',
  '/../a%zz',
  '/a%2Fb%zz',
  '/a%00%zz',
  '/a%2F%00',
  '/a%zz%2F',
  '/x/../../a%41.txt?q=1',
  '/a.txt%zz?q=2',
  '/dir%2F..%2F..%2Fa.txt',
  '/.%2e/a.txt',
  '/dir/.%2E/a.txt',
  '/dir/%2e/b.txt',
  '/a.txt/',
  '/a.txt/.',
  '/a.txt/..',
  '/dir\\b.txt',
  '/%C0%AF',
  '/a.txt?a=%zz&b=%',
  '*',
  '/a.txt\t',
  '/a.txt\u000b'
]

const HEADS = [
  ...TARGETS.map((t) => get(t)),
  ...['/a.txt', '//a.txt', '/a.txt?', '/../a.txt', '/a.txt%zz'].map((t) => get(t, 'HTTP/1.0')),
  `get /a.txt HTTP/1.1\r\n${H}`,
  `Get /a.txt HTTP/1.1\r\n${H}`,
  `HEAD /a.txt HTTP/1.1\r\n${H}`,
  `head /a.txt HTTP/1.1\r\n${H}`,
  `POST /a.txt HTTP/1.1\r\nContent-Length: 0\r\n${H}`,
  // hosts
  ...[
    'localhost',
    'LOCALHOST',
    'localhost.',
    'localhost:8080',
    'localhost.:8080',
    'LocalHost:80',
    'www.a.com',
    'WWW.A.COM',
    'www.a.com.',
    'www.a.com:8080',
    'x.wild.com',
    'X.WILD.COM',
    'x.wild.com.',
    '[::1]',
    '[::1]:8080',
    '[::1',
    '::1',
    '[::FFFF:127.0.0.1]',
    '127.0.0.1',
    '127.0.0.1:80',
    'unknown.example',
    '',
    ' localhost',
    'local_host',
    'a..b',
    '.localhost',
    'localhost..',
    'loc alhost',
    'localhost:',
    'localhost:0',
    'localhost:65536',
    'localhost:abc',
    'localhost:080',
    'loc\u0001alhost',
    'loc\talhost',
    'localhost\u00e9',
    'xn--caf-dma.example',
    '1.2.3.4.',
    '1.2.3',
    '01.2.3.4',
    'a.1',
    'a.b1'
  ].map((h) => host(h)),
  // a header field httpd refuses: the fields before it were read, the Host among them
  `GET /a.txt?q=1 HTTP/1.1\r\nHost: www.a.com\r\nX-Bad: a\u0001b\r\nConnection: close\r\n\r\n`,
  `HEAD /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-Bad: a\u007fb\r\nConnection: close\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\nX-A: 1\r\nBad Name: x\r\nHost: www.a.com\r\nConnection: close\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-A: 1\r\nx-a: 2\r\nNoColon\r\nConnection: close\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\nHost: www.a.com\r\nX-Ok: a\u0080\tb\r\nConnection: close\r\n\r\n`,
  // refused with the request line: the header fields, Host among them, were never read
  `GET /a.txt#x HTTP/1.1\r\nHost: www.a.com\r\nConnection: close\r\n\r\n`,
  `GET /a.txt\v HTTP/1.1\r\nHost: www.a.com\r\nConnection: close\r\n\r\n`,
  host(null),
  host(null, 'HTTP/1.0'),
  host('www.a.com', 'HTTP/1.0'),
  host('', 'HTTP/1.0')
]

/** Targets whose reading depends on AllowEncodedSlashes. */
const SLASHED = [
  '/dir%2Fb.txt',
  '/dir%2fb.txt?x',
  '/a%2F%00',
  '/a%2Fb%zz',
  '/../a%2Fb',
  '/dir/..%2F..%2Fa.txt',
  '/dir%2F%2Fb.txt%00'
].map((t) => get(t))

for (const mode of ['On', 'NoDecode']) {
  describe(`AllowEncodedSlashes ${mode}`, () => {
    const running = classicSideBySide(FILES, (d) => [
      ...serverLines(['mime', 'headers', 'rewrite', 'alias', 'dir'], d),
      ...vhost('default', ['ServerName localhost', `AllowEncodedSlashes ${mode}`], d)
    ])
    it('every head gets the same answer from both', async () => {
      expect(await compareRawHeads(SLASHED, running.apachePort, running.enginePort)).toBe('')
    })
  })
}

describe('URL and Host intake under apache2 and under the workbench', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'headers', 'rewrite', 'alias', 'dir'], d),
    ...vhost('default', ['ServerName localhost'], d),
    ...vhost('a', ['ServerName www.a.com'], d),
    ...vhost('wild', ['ServerName wild.example', 'ServerAlias *.wild.com'], d),
    ...vhost('v6', ['ServerName v6.example', 'ServerAlias [::1]'], d)
  ])
  it('every head gets the same answer from both', async () => {
    expect(await compareRawHeads(HEADS, running.apachePort, running.enginePort)).toBe('')
  }, 60_000)
})

/** The same kinds of target and Host under the SDK's own vhosts (WKND's dispatcher/src: AllowEncodedSlashes NoDecode, the catch-all vhost, the baseline rewrites). */
const SDK_TARGETS = [
  '/content/wknd/us/en.html',
  '//content//wknd/us/en.html',
  '/content/wknd/./us/en.html',
  '/content/wknd/x/../us/en.html',
  '/../content/wknd/us/en.html',
  '/content/wknd/us%2Fen.html',
  '/content/wknd/us%2F..%2Fen.html',
  '/content/wknd/us/en.html%00',
  '/content/wknd/us/en%25.html',
  '/content/wknd/us/en.html;jsessionid=1',
  '/content/wknd/us/en.html?',
  '/content/wknd/us/en.html#x',
  '/content/wknd/us/en.html%',
  '/content/wknd/us/en.html%zz',
  '/content/wknd/us/en%2ehtml',
  '/us/en.html',
  '/us/en.html?a=1',
  '/',
  '/content/wknd/us/en/a.html/',
  '/content/wknd/us/en.HTML'
]
const SDK_HOSTS = [
  'localhost',
  'LOCALHOST',
  'localhost.',
  'localhost:4503',
  '[::1]',
  '[::1]:80',
  'www.wknd.site',
  'unknown.example',
  '127.0.0.1'
]
const sdkHead = (target: string, host: string | null = 'localhost', version = 'HTTP/1.1'): string =>
  `GET ${target} ${version}\r\n${host === null ? '' : `Host: ${host}\r\n`}Connection: close\r\n\r\n`

describe("URL and Host intake under the SDK's vhosts (WKND), apache2 and the workbench", () => {
  const running = projectSideBySide({
    src: path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src'),
    files: { 'content/wknd/us/en.html': '<html>en</html>\n', 'content/wknd/us/en/a.html': 'a\n' }
  })
  it('every head gets the same answer from both', async () => {
    const heads = [
      ...SDK_TARGETS.map((t) => sdkHead(t)),
      ...SDK_HOSTS.map((h) => sdkHead('/content/wknd/us/en.html', h)),
      sdkHead('/content/wknd/us/en.html', null, 'HTTP/1.0'),
      sdkHead('/content/wknd/us/en.html', null),
      sdkHead(`/${'a'.repeat(9000)}`),
      sdkHead('http://localhost/content/wknd/us/en.html', 'x')
    ]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  }, 60_000)
})

/** Absolute-form targets: the URL's host names the vhost and r->hostname, and replaces the Host header. */
const ABSOLUTE = [
  ['http://www.a.com./a.txt'],
  ['http://WWW.A.COM:8080/a.txt'],
  ['http://[::1]:80/a.txt'],
  ['http://[::1]/a.txt', null],
  ['http://www.a.com:0/a.txt'],
  ['http://www.a.com:/a.txt'],
  ['http://:80/a.txt'],
  ['http:///a.txt'],
  ['HTTP://www.a.com/a.txt'],
  ['http://www.a.com/a.txt#f'],
  ['http://www.a.com?x'],
  ['http://www.a.com/%2e%2e/a.txt'],
  ['/a.txt', 'www.a.com.:80'],
  ['/a.txt', 'www.a.com:99999'],
  ['/a.txt', '[::1]:0'],
  ['/a.txt', '[fe80::1%25eth0]'],
  ['/a.txt', '[::1]x'],
  ['/a+b.txt'],
  ['/%u0041.txt'],
  ['/a.txt?a+b=%20']
] as [string, (string | null)?][]

describe('absolute-form targets and Host ports under apache2 and under the workbench', () => {
  const running = classicSideBySide({ 'a.txt': 'a\n', 'a+b.txt': 'p\n' }, (d) => [
    ...serverLines(['mime', 'headers', 'rewrite', 'alias', 'dir'], d),
    ...vhost('default', ['ServerName localhost'], d),
    ...vhost('a', ['ServerName www.a.com'], d),
    ...vhost('v6', ['ServerName v6.example', 'ServerAlias ::1'], d)
  ])
  it('every head gets the same answer from both', async () => {
    const heads = [
      ...ABSOLUTE.map(([target, h]) =>
        h === null
          ? `GET ${target} HTTP/1.1\r\nConnection: close\r\n\r\n`
          : get(target).replace('Host: localhost', `Host: ${h ?? 'localhost'}`)
      ),
      `OPTIONS * HTTP/1.1\r\nHost: www.a.com\r\nConnection: close\r\n\r\n`,
      `OPTIONS http://www.a.com HTTP/1.1\r\n${H}`,
      `GET * HTTP/1.1\r\n${H}`
    ]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })
})
