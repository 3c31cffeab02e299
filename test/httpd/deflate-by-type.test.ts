/**
 * `AddOutputFilterByType DEFLATE type…` (mod_filter): mod_deflate is in the way of the answers
 * whose type it names, the innermost context's lines replacing the outer ones' (mod_filter
 * overlays its BYTYPE:DEFLATE filter), and of no other. Debian's
 * apache2 against the workbench; gzipped bodies are compared once inflated.
 */
import { describe, expect, it } from 'vitest'
import { ask, compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'
import { proxiedSideBySide } from './raw-backend'

const BIG = '<html><body>' + 'hello world, this is compressible text. '.repeat(60) + '</body></html>\n'
const FILES = {
  'a.html': BIG,
  'b.txt': BIG,
  'c.css': BIG,
  'loc/d.txt': BIG,
  'loc/e.css': BIG,
  'tiny.html': '<p>t</p>\n'
}
const GZ = { 'accept-encoding': 'gzip' }

const running = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'deflate', 'filter', 'headers'], d),
  'AddOutputFilterByType DEFLATE text/html',
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  AddOutputFilterByType DEFLATE text/css',
  '  <Location /loc>',
  '    AddOutputFilterByType DEFLATE text/plain',
  '  </Location>',
  '</VirtualHost>'
])

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.html', GZ],
  ['GET', '/a.html', {}],
  ['HEAD', '/a.html', GZ],
  ['GET', '/b.txt', GZ],
  ['GET', '/c.css', GZ],
  ['GET', '/loc/d.txt', GZ],
  // The <Location>'s line replaces the vhost's, as the vhost's replaces the server's.
  ['GET', '/loc/e.css', GZ],
  ['GET', '/tiny.html', GZ],
  ['GET', '/a.html', { ...GZ, range: 'bytes=0-9' }],
  // A multipart range: mod_filter goes by the type of the whole answer it is cut from.
  ['GET', '/c.css', { range: 'bytes=0-9,20-29' }]
]

describe('AddOutputFilterByType DEFLATE', () => {
  it('compresses the answers of the types it names, as apache2 does', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

const proxied = proxiedSideBySide((b, d) => [
  ...serverLines(['proxy', 'proxy_http', 'mime', 'deflate', 'filter', 'headers'], d),
  'ProxyRequests Off',
  'ProxyTimeout 5',
  `ProxyPass /p/ ${b}/b/`,
  `ProxyPass /q/ ${b}/b/`,
  // (What r->status mod_headers sees: the backend's, also for an ErrorDocument mod_proxy answers.)
  '<Location /p/whole/length/text/600>',
  '  Header set X-Status "expr=%{REQUEST_STATUS}"',
  '</Location>',
  // (/q/ relays the same answers without mod_deflate.)
  '<Location /p/>',
  'AddOutputFilterByType DEFLATE text/plain',
  '</Location>',
  // ErrorDocuments that mod_proxy answers (below /p/).
  `ProxyPass /e/ ${b}/b/`,
  '<Location /e/>',
  '  ProxyErrorOverride On',
  '  ErrorDocument 404 /p/whole/length/text/600',
  '  ErrorDocument 403 /p/whole/length-later/text/40',
  '  ErrorDocument 500 /p/whole/length/text/40',
  '  ErrorDocument 401 /p/status/203',
  '  ErrorDocument 410 /p/status/404',
  '</Location>'
])

describe('AddOutputFilterByType DEFLATE on a proxied answer', () => {
  // A 200 whose body came with its head (the raw backend writes them at once) has a
  // Content-Length, framed by the backend's length or chunked, unless mod_deflate filled its
  // buffer before the end (noise of 40000 bytes); one whose body (or last chunk) came a moment
  // later goes out chunked: mod_proxy's read found nothing and passed a FLUSH.
  it('gives a Content-Length to a 200 whose body came whole, as apache2 does', async () => {
    const requests: HttpdRequest[] = [
      'length/text/600',
      'chunked/text/600',
      'chunked/text/40',
      'length/text/60000',
      'length/noise/20000',
      'chunked/noise/40000',
      'length-later/text/600',
      'chunked-later/text/600'
    ].map((t): HttpdRequest => ['GET', `/p/whole/${t}`, GZ])
    requests.push(
      ['GET', '/p/whole/length/text/600', { ...GZ, range: 'bytes=0-9' }],
      ['GET', '/p/whole/chunked/text/600', { ...GZ, range: 'bytes=0-9' }],
      ['GET', '/p/whole/length/text/600', { range: 'bytes=0-9' }],
      ['GET', '/p/whole/length/text/40', { ...GZ, range: 'bytes=0-9' }],
      ['GET', '/p/whole/length-later/text/600', { ...GZ, range: 'bytes=0-9' }],
      ['GET', '/p/whole/length/text/600', { ...GZ, range: 'bytes=0-1,4-5' }],
      ['GET', '/p/whole/length/text/600', { ...GZ, range: 'bytes=0-9', 'if-range': '"x"' }],
      ['GET', '/p/whole/length/text/600', { ...GZ, range: 'bytes=1000-2000' }]
    )
    expect(await compareAll(requests, proxied.running.apachePort, proxied.running.enginePort)).toBe('')
  })

  // A Content-Length of 68 bytes or less keeps the answer plain only when the body came with
  // the head: otherwise mod_deflate decides without it, gzipping (or adding Vary). The answer
  // to a HEAD reaches it as its end alone: an empty body, left alone whatever its length.
  it('leaves a small body alone only when it came with its head, as apache2 does', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/p/whole/length/text/40', GZ],
      ['GET', '/p/whole/length-later/text/40', GZ],
      ['GET', '/p/whole/length-later/text/68', GZ],
      ['GET', '/p/whole/length-later/text/40', {}],
      ['HEAD', '/p/whole/length-later/text/40', GZ],
      ['HEAD', '/p/whole/length/text/600', GZ],
      ['HEAD', '/p/whole/chunked/text/600', GZ],
      ['HEAD', '/p/whole/length/text/600', {}],
      ['HEAD', '/p/text/200', GZ]
    ]
    expect(await compareAll(requests, proxied.running.apachePort, proxied.running.enginePort)).toBe('')
  })

  // The byte-range filter cuts a small relayed 200 only when its first brigade holds the EOS:
  // a body that came a moment after its head follows mod_proxy's FLUSH, and the 200 goes out
  // whole (mod_deflate, in front of it, then decides without the length: gzipped, or Vary).
  // A 200 it leaves alone keeps the backend's reason phrase.
  it('cuts a range from a small relayed 200 only when its body came with its head, as apache2 does', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/q/whole/length/text/40', { range: 'bytes=0-9' }],
      ['GET', '/q/whole/length-later/text/40', { range: 'bytes=0-9' }],
      ['GET', '/q/gap', { range: 'bytes=0-3' }],
      ['GET', '/p/whole/length-later/text/40', { ...GZ, range: 'bytes=0-9' }],
      ['GET', '/p/whole/length-later/text/40', { range: 'bytes=0-9' }],
      ['GET', '/q/text/200', { range: 'items=0-9' }],
      ['GET', '/q/text/200', { range: 'bytes=0-' }]
    ]
    expect(await compareAll(requests, proxied.running.apachePort, proxied.running.enginePort)).toBe('')
  })

  // mod_proxy_http sets r->status to the backend's: an ErrorDocument it answers goes out with the
  // backend's status and reason phrase (the error's WWW-Authenticate kept), and mod_deflate sees
  // that status, deciding as for any relayed answer.
  it("sends an ErrorDocument mod_proxy answers with the backend's status, filtered as such, as apache2 does", async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/e/status/404', GZ],
      ['GET', '/e/status/403', GZ],
      ['GET', '/e/status/403', {}],
      ['GET', '/e/status/500', GZ],
      ['GET', '/e/www', GZ],
      ['GET', '/e/status/410', GZ]
    ]
    expect(await compareAll(requests, proxied.running.apachePort, proxied.running.enginePort)).toBe('')
  })

  it("leaves a proxied answer that is not a 200 alone: mod_filter's harness passes it on as it came", async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/p/text/404', GZ],
      ['GET', '/p/text/203', GZ],
      ['GET', '/p/text/500', GZ]
    ]
    expect(await compareAll(requests, proxied.running.apachePort, proxied.running.enginePort)).toBe('')
  })

  it("keeps the backend's reason phrase on the answer it compresses", async () => {
    const request: HttpdRequest = ['GET', '/p/text/200', GZ]
    const [a, w] = await Promise.all([
      ask(proxied.running.apachePort, request),
      ask(proxied.running.enginePort, request)
    ])
    expect([a.reason, a.headers['content-encoding']]).toEqual(['X', 'gzip'])
    expect([w.reason, w.headers['content-encoding']]).toEqual(['X', 'gzip'])
  })
})
