/**
 * What the client gets from mod_proxy_http when the backend's answer is unusual, Debian's
 * apache2 against the workbench, both forwarding to one raw backend (raw-backend.ts): the
 * backend's reason phrase goes out (and titles ProxyErrorOverride's page), a 401 that
 * ProxyErrorOverride answers keeps the backend's WWW-Authenticate, a header line over
 * 8191 bytes, a head that cannot be read or one the backend closes after its status line is
 * httpd's own 502 Bad Gateway, and a `[P,NE]` URL holding a space is refused with 403;
 * ProxyPassReverseCookiePath and
 * ProxyPassReverseCookieDomain map the last `path=` and `domain=` of a Set-Cookie; the answer
 * to a HEAD keeps the backend's Transfer-Encoding; an interim 100 the client did not ask for is
 * read past; a header line with a control character (a bare CR, DEL) in its value or a name that
 * is no token is read, and refused by httpd's header filter with a 500, a NUL is a 502; a first
 * line that is no status line is an HTTP/0.9 answer, relayed as a 200, and one httpd cannot read
 * as a status line (a second empty line before it, HTTP/2.0) ap_proxyerror's 502.
 */
import { describe, expect, it } from 'vitest'
import { askRaw, compareAll, compareRawHeads, type HttpdRequest } from './harness'
import { serverLines } from './classic'
import { proxiedSideBySide } from './raw-backend'

const { running } = proxiedSideBySide((b, d) => [
  ...serverLines(['proxy', 'proxy_http', 'headers', 'rewrite', 'mime'], d),
  'ProxyRequests Off',
  'ProxyTimeout 5',
  'RewriteEngine On',
  `ProxyPass /p/ ${b}/b/`,
  'ProxyPassReverseCookiePath /b/ /p/',
  'ProxyPassReverseCookieDomain backend.internal example.com',
  `RewriteRule ^/rwne/(.*)$ ${b}/b/echo/$1 [P,NE]`,
  '<Location /eo/>',
  `  ProxyPass ${b}/b/`,
  '  ProxyErrorOverride On',
  '</Location>'
])

const get = (target: string): HttpdRequest => ['GET', target, {}]
const compare = (requests: HttpdRequest[]): Promise<string> =>
  compareAll(requests, running.apachePort, running.enginePort)

describe("mod_proxy_http and the backend's answer", () => {
  it("keeps the backend's reason phrase, also in ProxyErrorOverride's page", async () => {
    expect(await compare([get('/p/reason'), get('/p/status/404'), get('/p/status/299'), get('/eo/status/404')])).toBe(
      ''
    )
  })

  it("keeps the backend's WWW-Authenticate when ProxyErrorOverride answers a 401", async () => {
    expect(await compare([get('/eo/www')])).toBe('')
  })

  it('refuses a [P,NE] URL that holds a space', async () => {
    expect(await compare([get('/rwne/a%20b'), get('/rwne/a%2520b')])).toBe('')
  })

  it('answers 502 Bad Gateway for a header line longer than httpd reads (8191 bytes) or a head it cannot read', async () => {
    const lengths = [8180, 8183, 8184, 8200, 20000]
    expect(await compare(lengths.map((n) => get(`/p/huge/${n}`)))).toBe('')
  })

  // Closed after the status line, ap_proxy_read_headers cannot read on (AH10404, AH01106):
  // httpd's own page; closed in the status line, ap_proxyerror's (AH01102, AH00898).
  it('answers 502 for a backend that closes before the end of its head, its page by where it closed', async () => {
    expect(await compare([get('/p/stall/status-close'), get('/p/stall/line-close')])).toBe('')
  })

  it('maps the last path= and domain= of a Set-Cookie', async () => {
    const cookies = [
      'a=1; path=/b/x; path=/b/y',
      'a=1; path=/b/x; path=/o',
      'a=1; path=/o; Path=/b/y',
      'a=1; xpath=/b/x;path=/b/y',
      'a=1; path=/b/x; domain=backend.internal; path=/b/y; Domain=BACKEND.internal.x',
      'a=1; domain=backend.internal; domain=other'
    ]
    expect(await compare(cookies.map((c) => get(`/p/cookie?${encodeURIComponent(c)}`)))).toBe('')
  })

  it('reads on past a 100 Continue nobody asked for to the final answer, and relays that', async () => {
    const post: HttpdRequest = ['POST', '/p/continue', { 'Content-Length': '2', ':body': 'ab' }]
    expect(await compare([get('/p/continue'), post])).toBe('')
  })

  it("answers 500 for a backend header httpd's header filter refuses, 502 for one it cannot read", async () => {
    // One header line each, %XX as the byte: a control character (at the start, inside, at the
    // end), a bare CR, a vertical tab, DEL, in a value; a control character or a space in a
    // name; no name; a folded value ending in one. httpd reads them all (ap_proxy_read_headers)
    // and check_headers refuses them: 500, unmeasured, the connection closed (AH02428-AH02430).
    const refused = [
      'X-Bad: a%01b',
      'X-Bad: %01ab',
      'X-Bad: ab%01',
      'X-Bad: a%0Db',
      'X-Bad: a%0Bb',
      'X-Bad: a%7Fb',
      'X-B%01ad: ab',
      'X Bad: ab',
      ': ab',
      'X-Fold: a&%20b%01',
      'Set-Cookie: a=%01',
      'X-Ok: a&HTTP/1.0 200 OK&X-Bad: a%01b'
    ]
    // A NUL is ap_rgetline's EINVAL (AH10404), a line without a colon ProxyBadHeader's error
    // (AH01106), both before any header is checked: httpd's 502.
    const unreadable = ['X-Bad: a%00b', 'X-Bad: a%01b&X-Nul: a%00b', 'X-Bad: a%01b&nocolon']
    const query = (lines: string): string => lines.replaceAll(' ', '%20')
    const get = (status: number, lines: string): HttpdRequest => ['GET', `/p/fields/${status}?${query(lines)}`, {}]
    expect(
      await compare([
        ...refused.map((l) => get(200, l)),
        ...unreadable.map((l) => get(200, l)),
        // Another status than 200 is in r->status when ap_die makes the 500: its page names it.
        get(404, 'X-Bad: a%01b'),
        // The refused line in a read before the rest of the head: httpd reads on to its end.
        ['GET', `/p/fields-later/200?${query('X-Bad: a%01b')}`, {}],
        ['GET', `/p/fields-later/200?${query('X-Bad: a%01b&X-Nul: a%00b')}`, {}],
        ['HEAD', `/p/fields/200?${query('X-Bad: a%01b')}`, {}],
        // ProxyErrorOverride answers itself without the backend's fields, but a 401's
        // WWW-Authenticate, which is checked: its 500 names the 401.
        ['GET', `/eo/fields/404?${query('X-Bad: a%01b')}`, {}],
        ['GET', `/eo/fields/401?${query('WWW-Authenticate: Basic%01')}`, {}]
      ])
    ).toBe('')
    // A client that keeps its connection: the 500 closes it all the same.
    const kept = (lines: string): string => `GET /p/fields/200?${query(lines)} HTTP/1.1\r\nHost: localhost\r\n\r\n`
    expect(await compareRawHeads([kept('X-Bad: a%01b')], running.apachePort, running.enginePort)).toBe('')
  })

  // raw-backend.ts's FIRST_LINES, then the backend closes the connection.
  it('relays an answer whose first line is no status line as HTTP/0.9: a 200 of the bytes the backend sent', async () => {
    // The first line (its line end dropped, cut to 8191 bytes) and all after it; one empty line
    // before it is skipped, and so is an interim answer (its 100 read past).
    const simple = ['hello', 'html', 'abc', 'short', 'icy', 'blank', 'cr', 'long', 'split', 'interim', 'blankok']
    const requests = simple.map((n) => get(`/p/first/${n}`))
    // mod_mime's type for the URL; a HEAD's Content-Length counts the first line.
    requests.push(get('/p/first/hello.html'), ['HEAD', '/p/first/hello', {}])
    expect(await compare(requests)).toBe('')
    // A client that keeps its connection keeps it: the answer goes chunked (or with its length).
    const kept = (method: string): string => `${method} /p/first/hello HTTP/1.1\r\nHost: localhost\r\n\r\n`
    expect(await compareRawHeads([kept('GET'), kept('HEAD')], running.apachePort, running.enginePort)).toBe('')
  })

  // ap_proxyerror's page (AH01102 or AH00898): two empty lines, a NUL, no LF before the backend
  // closes, or a status line whose major version is not 1.
  it("answers ap_proxyerror's 502 for a first line httpd cannot read as a status line", async () => {
    const refused = ['blanks', 'blanksok', 'nolf', 'nul', 'http2']
    expect(await compare(refused.map((n) => get(`/p/first/${n}`)))).toBe('')
  })

  // The final head's status line is read as the first one is: after an interim answer (a 100, a
  // 103 relayed first), split over two reads, or too long for httpd's buffer though it begins
  // with HTTP/1 (all relayed as 200 before: only the first read was looked at, and not one that
  // began with HTTP/1).
  it("answers ap_proxyerror's 502 for a final status line httpd cannot read after an interim answer or split over reads", async () => {
    const refused = ['interimhttp2', 'interimblanks', 'splithttp2']
    expect(await compare(refused.map((n) => get(`/p/first/${n}`)))).toBe('')
    // The 103 goes out first; the 502 page comes after it (the emulated 2.4.63 writes the older
    // DOCTYPE line). The page of an 8200-byte reason: apache2 streams it chunked, the workbench
    // with its length, so its status, reason and text are compared.
    const page = (text: string): string =>
      text
        .replace(/^Date: .*\r\n/gm, '')
        .replace(/^Content-Length: .*\r\n/gm, '')
        .replace(/<!DOCTYPE[^>]*>/, '<!DOCTYPE>')
    for (const name of ['hintshttp2', 'longstatus']) {
      const request = `GET /p/first/${name} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`
      const [a, w] = await Promise.all([askRaw(running.apachePort, request), askRaw(running.enginePort, request)])
      expect([w.status, w.reason, page(w.body.toString('latin1'))], name).toEqual([
        a.status,
        a.reason,
        page(a.body.toString('latin1'))
      ])
    }
  })

  // Bytes after a whole answer, in the read that ends it: garbage, a line that looks like an
  // HTTP/0.9 answer, the body of a HEAD's answer. httpd relays the answer it read and does not
  // keep the connection (the workbench sent nothing and dropped the client's connection: node's
  // parser refused the bytes after the answer and that error failed it).
  it('relays a whole answer the backend sent more bytes after', async () => {
    const requests: HttpdRequest[] = ['trailing', 'trailing09'].flatMap((n) => [
      get(`/p/first/${n}`),
      ['HEAD', `/p/first/${n}`, {}] as HttpdRequest
    ])
    expect(await compare(requests)).toBe('')
    const kept = (method: string): string => `${method} /p/first/trailing HTTP/1.1\r\nHost: localhost\r\n\r\n`
    expect(await compareRawHeads([kept('HEAD')], running.apachePort, running.enginePort)).toBe('')
  })

  it("keeps the backend's Transfer-Encoding on a HEAD's answer", async () => {
    const head = (target: string): HttpdRequest => ['HEAD', target, {}]
    expect(await compare([head('/p/chunked'), head('/p/echo'), get('/p/chunked')])).toBe('')
  })
})
