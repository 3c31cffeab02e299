/**
 * How httpd frames a page it writes itself when the page is large, Debian's apache2 against
 * the workbench. ap_send_error_response writes its page with ap_rvputs into the OLD_WRITE
 * buffer (apr_brigade_write, APR_BUCKET_BUFF_SIZE 8000 bytes): a page over 8000 bytes is passed
 * on before its end, so the content-length filter never sees it whole and sets no
 * Content-Length. The client then gets it chunked on a kept connection, ended by the close on
 * one that closes. mod_proxy's "Proxy Error" page grows that large when ServerSignature
 * names a long server name (UseCanonicalName Off: the Host header's), when its reason names a
 * long host (DNS lookup failure for: …), or when an ErrorDocument text answers for it; the
 * same holds for a redirect's page naming a long Location. A status ap_die closes the
 * connection for (the 500 of a name that does not resolve) is ended by the close instead. An
 * ErrorDocument text keeps ap_proxyerror's "Proxy Error" status line, an ErrorDocument URL's
 * answer does not.
 */
import { describe, expect, it } from 'vitest'
import { askRaw, compareAll, compareRawHeads, type HttpdRequest } from './harness'
import { serverLines } from './classic'
import { proxiedSideBySide } from './raw-backend'

/** An ErrorDocument text over 8000 bytes (written by itself, one ap_rputs). */
const LONG_TEXT = 'e'.repeat(8100)

const { running } = proxiedSideBySide(
  (b, d) => [
    ...serverLines(['proxy', 'proxy_http', 'mime', 'rewrite'], d),
    'ProxyRequests Off',
    'ServerSignature On',
    'UseCanonicalName Off',
    'ProxyTimeout 5',
    `ProxyPass /p/ ${b}/b/`,
    'RewriteEngine On',
    // A host no resolver knows (RFC 6761's .invalid), named by the request.
    'RewriteRule ^/dns/([a-z.]+)$ http://$1.invalid/ [P]',
    'RewriteRule ^/to/(.*)$ http://example.com/$1 [R=302,L]',
    '<Location /ed/>',
    `  ProxyPass ${b}/b/`,
    `  ErrorDocument 502 "${LONG_TEXT}`,
    '</Location>',
    // Short: only the status line is in question (r->status_line stays "502 Proxy Error" for a
    // text; the document's own request has none, so a URL's answer says Bad Gateway).
    '<Location /eds/>',
    `  ProxyPass ${b}/b/`,
    '  ErrorDocument 502 "short text',
    '</Location>',
    '<Location /edl/>',
    `  ProxyPass ${b}/b/`,
    '  ErrorDocument 502 /err.html',
    '</Location>'
  ],
  { 'err.html': 'custom\n' }
)

/**
 * A Host of `n` letters (port 80 named, so the signature's `Port 80` does not depend on the
 * test's port). The Proxy Error page then takes about 430 bytes more: both sides of 8000 are
 * asked, away from it by more than the DOCTYPE line's difference (harness.ts).
 */
const host = (n: number): string => `${'h'.repeat(n - 8)}.example:80`
// The backend closes in its status line: ap_proxyerror's 502 "Error reading from remote server".
const CLOSES = '/p/stall/status-close'
const closing = (n: number): HttpdRequest => ['GET', CLOSES, { host: host(n) }]
const kept = (target: string, hostLine: string): string => `GET ${target} HTTP/1.1\r\nHost: ${hostLine}\r\n\r\n`
const closed = (target: string, hostLine: string): string =>
  `GET ${target} HTTP/1.1\r\nHost: ${hostLine}\r\nConnection: close\r\n\r\n`
const get = (target: string): HttpdRequest => ['GET', target, {}]
const compare = (requests: HttpdRequest[]): Promise<string> =>
  compareAll(requests, running.apachePort, running.enginePort)
/**
 * apache2's own answer to a raw request, what each comparison is about: status, reason, whether
 * it says a Content-Length, its Transfer-Encoding, and whether its page is over 8000 bytes.
 */
async function apacheFraming(head: string): Promise<[number, string, boolean, unknown, boolean]> {
  const a = await askRaw(running.apachePort, head)
  const measured = a.headers['content-length'] !== undefined
  return [a.status, a.reason, measured, a.headers['transfer-encoding'], a.body.length > 8000]
}

describe("httpd's own page over 8000 bytes", () => {
  it('goes out chunked, also to a client that closes the connection, a short one with its Content-Length', async () => {
    // compareAll's requests say Connection: close.
    expect(await compare([closing(7400), closing(7800), closing(8000)])).toBe('')
    expect(await apacheFraming(closed(CLOSES, host(7800)))).toEqual([502, 'Proxy Error', false, 'chunked', true])
    expect(await apacheFraming(closed(CLOSES, host(7400)))).toEqual([502, 'Proxy Error', true, undefined, false])
  })

  it('goes out chunked on a kept connection', async () => {
    const heads = [kept(CLOSES, host(7400)), kept(CLOSES, host(7800))]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })

  it("is ap_proxyerror's for a long host that does not resolve: a 500, ended by the close", async () => {
    const name = Array.from({ length: 128 }, () => 'a'.repeat(60)).join('.')
    expect(await compare([get('/dns/nowhere'), get(`/dns/${name}`)])).toBe('')
    const head = kept(`/dns/${name}`, 'localhost')
    expect(await compareRawHeads([head], running.apachePort, running.enginePort)).toBe('')
    expect(await apacheFraming(head)).toEqual([500, 'Proxy Error', false, undefined, true])
  })

  it('is an ErrorDocument text answering for the Proxy Error (its status line kept), or a redirect naming a long Location', async () => {
    const pages = ['/ed/', '/eds/', '/edl/'].map((p) => get(`${p}stall/status-close`))
    expect(await compare([...pages, get(`/to/${'r'.repeat(7000)}`), get(`/to/${'r'.repeat(8000)}`)])).toBe('')
    const heads = [kept('/ed/stall/status-close', 'localhost'), kept(`/to/${'r'.repeat(8000)}`, 'localhost')]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
    const ed = closed('/ed/stall/status-close', 'localhost')
    expect(await apacheFraming(ed)).toEqual([502, 'Proxy Error', false, 'chunked', true])
  })
})
