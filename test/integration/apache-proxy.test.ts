/**
 * mod_proxy through the real listener: `ProxyPass` in a `<Location>`, `ProxyPassMatch` in a
 * `<LocationMatch>` (the AEMaaCS baseline's `/systemready`, health probe and CRXDE locations)
 * and a rewrite `[P]` send the request straight to the backend, around the Dispatcher's
 * filter and cache, with mod_proxy_http's request headers.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { dispatcherAny } from './support/config'
import { rawExchange } from './support/http-client'
import { stackForThisTest } from './support/engine'
import { freePort } from './support/ports'
import { selfSignedServer } from './support/tls'

const site = embeddedSite

function renderSummary(trace: { stages: { stage: string; summary: string }[] }): string {
  return trace.stages.find((e) => e.stage === 'render')?.summary ?? ''
}

describe('mod_proxy locations and [P]', () => {
  it('<Location "/systemready"> ProxyPass …/system/probes/health: the path is mapped, the query kept, the answer relayed', async () => {
    const s = await site()
    s.up.publish.behave('/system/probes/health', {
      status: 503,
      body: '{"status":"starting"}',
      headers: { 'content-type': 'application/json', 'x-probe': 'aem' }
    })
    const r = await s.send('/systemready?verbose=1', { headers: { 'x-forwarded-for': '10.0.0.9' } })
    expect(r.status).toBe(503)
    expect(r.text).toBe('{"status":"starting"}')
    expect(r.headers['x-probe']).toBe('aem')
    const got = s.up.publish.last!
    expect(got.url).toBe('/system/probes/health?verbose=1')
    expect(got.headers.host).toBe(`127.0.0.1:${s.up.publish.port}`)
    // The image's remoteip.conf: 10.0.0.9 from a local proxy is the client, the header is set to
    // it again, and mod_proxy adds r->useragent_ip (as apache2 does: test/httpd/wknd.test.ts).
    expect(got.headers['x-forwarded-for']).toBe('10.0.0.9, 10.0.0.9')
    expect(got.headers['x-forwarded-host']).toBe(`127.0.0.1:${s.port}`)
    expect(got.headers['x-forwarded-server']).toBe('publish')
    expect(r.trace.outcome).toBe('proxied')
    expect(renderSummary(r.trace)).toMatch(
      /^ProxyPass in <Location \/systemready> \(dispatcher_vhost\.conf:\d+\): mod_proxy forwarded to http:\/\/127\.0\.0\.1:\d+\/system\/probes\/health\?verbose=1, answered 503 in [\d.]+ ms$/
    )
  })

  it('the byte-range filter cuts a small relayed 200 (it arrives in the first read) and leaves a large or chunked one whole', async () => {
    const s = await site()
    s.up.publish.behave('/system/probes/health', { body: '0123456789', headers: { 'content-type': 'text/plain' } })
    const one = await s.send('/systemready', { headers: { range: 'bytes=2-4' } })
    expect(one.status).toBe(206)
    expect(one.text).toBe('234')
    expect(one.headers['content-range']).toBe('bytes 2-4/10')
    expect(one.headers['content-length']).toBe('3')
    expect(
      one.trace.stages.some((e) => e.summary.startsWith('the byte-range filter cuts the 10-byte answer: 206'))
    ).toBe(true)
    const two = await s.send('/systemready', { headers: { range: 'bytes=0-1,8-9' } })
    expect(two.status).toBe(206)
    expect(two.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/)
    expect(two.text).toContain('Content-range: bytes 8-9/10')
    expect((await s.send('/systemready', { headers: { range: 'bytes=50-' } })).status).toBe(416)
    expect((await s.send('/systemready', { headers: { range: 'bytes=0-1', 'if-range': '"other"' } })).status).toBe(200)
    // Past mod_proxy's 8 KiB read, or without a length: the whole answer.
    s.up.publish.behave('/system/probes/health', { body: 'x'.repeat(9000) })
    const big = await s.send('/systemready', { headers: { range: 'bytes=0-1' } })
    expect([big.status, big.body.length]).toEqual([200, 9000])
    s.up.publish.behave('/system/probes/health', { bodyBytes: 100 })
    expect((await s.send('/systemready', { headers: { range: 'bytes=0-1' } })).status).toBe(200)
  })

  it("a [CO] cookie goes out before the answer's own lines (err_headers_out first), with no Header directive about", async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        dispatcherAny([
          {
            name: 'publish',
            renders: [{ host: '127.0.0.1', port: up.publish.port }],
            filter: '/0001 { /type "allow" /url "*" }'
          }
        ]),
      files: {
        'httpd.conf':
          '<VirtualHost *:80>\n  ServerName localhost\n  <Location />\n    SetHandler dispatcher-handler\n  </Location>\n' +
          '  RewriteEngine On\n  RewriteRule "^/cookie$" - [CO=n:v:localhost]\n</VirtualHost>\n'
      }
    })
    s.up.publish.behave('/cookie', {
      body: 'c',
      headers: { 'content-type': 'text/plain', 'x-from': 'aem', 'set-cookie': 'aem=1; Path=/' }
    })
    const { head } = await rawExchange(s.port, 'GET /cookie HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    const names = head
      .split('\r\n')
      .slice(1)
      .map((l) => l.slice(0, l.indexOf(':')).toLowerCase())
    expect(names.slice(0, 3)).toEqual(['date', 'server', 'set-cookie'])
    expect(names).toContain('x-from')
    // The answer's own cookie is kept (it used to be lost), after the [CO] one.
    expect(head.match(/^Set-Cookie: .*$/gim)?.map((l) => l.slice(12))).toEqual([
      'n=v; path=/; domain=localhost',
      'aem=1; Path=/'
    ])
  })

  it('ProxyIOBufferSize (AMS; the Cloud does not allow it) sets how much the first read brings, never below 8192 bytes', async () => {
    // A classic configuration: dispatcher.any with an httpd.conf beside it.
    const classic = (size: number) =>
      stackForThisTest({
        upstreams: ['publish'],
        any: (up) => dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: up.publish.port }] }]),
        files: (up) => ({
          'httpd.conf': `ProxyIOBufferSize ${size}\n<VirtualHost *:80>\n  ServerName localhost\n  ProxyPass "/probe" "http://127.0.0.1:${up.publish.port}/probe"\n</VirtualHost>\n`
        })
      })
    const small = await classic(1024)
    small.up.publish.behave('/probe', { body: 'y'.repeat(2000) })
    expect((await small.send('/probe', { headers: { range: 'bytes=0-1' } })).status).toBe(206)
    const large = await classic(16384)
    large.up.publish.behave('/probe', { body: 'y'.repeat(9000) })
    const cut = await large.send('/probe', { headers: { range: 'bytes=0-1' } })
    expect([cut.status, cut.text]).toEqual([206, 'yy'])
  })

  it('<LocationMatch "^/crx/(de|server)/"> ProxyPassMatch: a POST body reaches AEM whole, though no filter allows /crx', async () => {
    const s = await site()
    s.up.publish.behave('/crx/server/crx.default/jcr:root/content.json', { body: 'saved' })
    const body = crypto.randomBytes(200_000)
    const r = await s.send('/crx/server/crx.default/jcr:root/content.json', { method: 'POST', body })
    expect(r.status).toBe(200)
    expect(r.text).toBe('saved')
    const got = s.up.publish.last!
    expect(got.method).toBe('POST')
    expect(got.bodyLength).toBe(body.length)
    expect(got.bodySha256).toBe(crypto.createHash('sha256').update(body).digest('hex'))
    expect(r.trace.stages.some((e) => e.stage === 'filter')).toBe(false)
  })

  it('a [PT] rule that sets a query hands it to the ProxyPass that takes the request (r->args), replayed requests too', async () => {
    const s = await site(
      [
        'RewriteRule "^/api/(.*)$" "/backend/$1?via=pt" [PT]',
        'ProxyPass "/backend/" "http://${AEM_HOST}:${AEM_PORT}/bin/api/"'
      ].join('\n')
    )
    s.up.publish.behave('/bin/api/items', { body: 'items' })
    for (let i = 0; i < 2; i++) {
      const r = await s.send('/api/items?dropped=1')
      expect(r.text).toBe('items')
      expect(s.up.publish.last!.url).toBe('/bin/api/items?via=pt')
    }
  })

  it('a RewriteRule [P] forwards to the URL it builds, query string included', async () => {
    const s = await site('RewriteRule "^/legacy/(.*)$" "http://${AEM_HOST}:${AEM_PORT}/content/demo/$1" [P,L]')
    s.up.publish.behave('/content/demo/old.html', { body: 'legacy page' })
    const r = await s.send('/legacy/old.html?a=1')
    expect(r.status).toBe(200)
    expect(r.text).toBe('legacy page')
    expect(s.up.publish.last!.url).toBe('/content/demo/old.html?a=1')
    expect(renderSummary(r.trace)).toMatch(/^a RewriteRule with \[P\]: mod_proxy forwarded to /)
  })

  it('a backend that cannot be reached gives 503, as mod_proxy does', async () => {
    const s = await site('<Location "/gone">\n    ProxyPass http://127.0.0.1:1/gone\n</Location>')
    const r = await s.send('/gone/x')
    expect(r.status).toBe(503)
    expect(renderSummary(r.trace)).toMatch(
      /mod_proxy could not get an answer from http:\/\/127\.0\.0\.1:1\/gone\/x .*: 503$/
    )
  })

  it('after a failed connect the backend is tried again on the next request (httpd 2.4.71 keeps no worker error state)', async () => {
    const port = await freePort()
    const s = await site(`<Location "/later">
    ProxyPass http://127.0.0.1:${port}/later retry=60
</Location>`)
    expect((await s.send('/later')).status).toBe(503)
    const backend = http.createServer((req, res) => res.end(`back: ${req.url}`))
    await new Promise<void>((resolve) => backend.listen(port, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => backend.close(() => resolve())))
    const later = await s.send('/later')
    expect(later.status).toBe(200)
    expect(later.text).toBe('back: /later')
  })

  it('a backend that does not answer within the ProxyPass timeout= (or ProxyTimeout) gives 502', async () => {
    const port = await freePort()
    const silent = http.createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => (silent.closeAllConnections(), silent.close(() => resolve()))))
    const s = await site(`ProxyTimeout 1
<Location "/slow">
    ProxyPass http://127.0.0.1:${port}/slow timeout=1
</Location>
<Location "/slow2">
    ProxyPass http://127.0.0.1:${port}/slow2
</Location>`)
    const started = Date.now()
    expect((await s.send('/slow')).status).toBe(502)
    expect((await s.send('/slow2')).status).toBe(502)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('an https backend with a self-signed certificate is used when SSLProxyEngine is on (SSLProxyVerify none); without it 500', async () => {
    const port = await selfSignedServer((req, res) => res.end(`tls: ${req.url}`))
    const on = await site(`SSLProxyEngine on\nProxyPass /tls/ https://127.0.0.1:${port}/`)
    const r = await on.send('/tls/x')
    expect(r.status).toBe(200)
    expect(r.text).toBe('tls: /x')
    const off = await site(`ProxyPass /tls/ https://127.0.0.1:${port}/`)
    const refused = await off.send('/tls/x')
    expect(refused.status).toBe(500)
    // Nothing went to a backend: mod_proxy's own failure, not a proxied answer.
    expect(refused.trace.outcome).toBe('error')
  })

  it("a backend header httpd's header filter refuses is its 500, a NUL its 502, and the trace says why", async () => {
    const port = await freePort()
    // Answers with the header line the path names, a control character, a bare CR or a NUL in it.
    const lines: Record<string, string> = { '/ctl': 'X-Bad: a\x01b', '/cr': 'X-Bad: a\rb', '/nul': 'X-Bad: a\x00b' }
    const raw = net.createServer((sock) =>
      sock.once('data', (d: Buffer) => {
        const line =
          lines[
            d
              .toString('latin1')
              .split(' ')[1]
              .replace(/^\/raw/, '')
          ]
        sock.end(`HTTP/1.1 200 OK\r\n${line}\r\nContent-Length: 2\r\n\r\nok`, 'latin1')
      })
    )
    await new Promise<void>((resolve) => raw.listen(port, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => raw.close(() => resolve())))
    const s = await site(`ProxyPass /raw/ http://127.0.0.1:${port}/raw/`)
    const ctl = await s.send('/raw/ctl')
    expect(ctl.status).toBe(500)
    expect(ctl.headers['content-length']).toBeUndefined()
    expect(ctl.trace.outcome).toBe('error')
    expect(renderSummary(ctl.trace)).toMatch(
      /^ProxyPass .*: the backend answered 200, whose X-Bad header value 'a\\x01b' holds a control character, which httpd's header filter refuses \(AH02430\): 500$/
    )
    expect(renderSummary((await s.send('/raw/cr')).trace)).toContain(
      "X-Bad header value 'a\\rb' holds a control character"
    )
    const nul = await s.send('/raw/nul')
    expect(nul.status).toBe(502)
    expect(renderSummary(nul.trace)).toMatch(
      /: httpd cannot read the head http:\/\/127\.0\.0\.1:\d+\/raw\/nul answered: its X-Bad line holds a NUL, which ap_rgetline refuses \(AH10404\): 502$/
    )
  })

  it('an answer whose first line is no status line is relayed as HTTP/0.9, one httpd cannot read is its 502, and the trace says so', async () => {
    const port = await freePort()
    const answers: Record<string, string> = { '/simple': 'hello\nworld\n', '/http2': 'HTTP/2.0 200 OK\r\n\r\n' }
    const raw = net.createServer((sock) =>
      sock.once('data', (d: Buffer) => sock.end(answers[d.toString('latin1').split(' ')[1]], 'latin1'))
    )
    await new Promise<void>((resolve) => raw.listen(port, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => raw.close(() => resolve())))
    const s = await site(`ProxyPass /raw/ http://127.0.0.1:${port}/`)
    const simple = await s.send('/raw/simple')
    expect(simple.status).toBe(200)
    expect(simple.text).toBe('helloworld\n')
    expect(simple.trace.outcome).toBe('proxied')
    expect(renderSummary(simple.trace)).toMatch(
      /: mod_proxy forwarded to http:\/\/127\.0\.0\.1:\d+\/simple, whose answer's first line is no status line: httpd takes it for HTTP\/0\.9 and relays a 200 without header lines/
    )
    const http2 = await s.send('/raw/http2')
    expect(http2.status).toBe(502)
    expect(http2.trace.outcome).toBe('error')
    expect(renderSummary(http2.trace)).toMatch(
      /: httpd cannot read the status line http:\/\/127\.0\.0\.1:\d+\/http2 answered: Corrupt status line returned by remote server: HTTP\/2\.0 200 OK: 502$/
    )
  })

  it('a host name that does not resolve gives "500 Proxy Error" with only the reason on the page, as apache2 2.4.71 answers', async () => {
    const s = await site('<Location "/nowhere">\n    ProxyPass http://no-such-backend.invalid/x\n</Location>')
    const r = await s.send('/nowhere')
    expect(r.status).toBe(500)
    expect(r.text).toContain(
      '<h1>Proxy Error</h1>\nThe proxy server could not handle the request<p>Reason: <strong>DNS lookup failure for: no-such-backend.invalid</strong></p><p />\n</body></html>'
    )
  })
})

const AEM = 'http://${AEM_HOST}:${AEM_PORT}'

describe("mod_proxy's choice of ProxyPass", () => {
  it('server-level ProxyPass: the first match in configuration order wins, and a matching "!" ends the search', async () => {
    const s = await site(`ProxyPass /app/static !
ProxyPass /app/special ${AEM}/special-backend
ProxyPass /app ${AEM}/app-backend`)
    s.up.publish.behave('/special-backend/x', { body: 'special' })
    s.up.publish.behave('/app-backend/special/x', { body: 'app' })
    expect((await s.send('/app/special/x')).text).toBe('special')
    const excluded = await s.send('/app/static/site.css')
    expect(excluded.trace.outcome).not.toBe('proxied')
    expect(s.up.publish.requests.map((q) => q.url)).toEqual(['/special-backend/x'])
  })

  it('a prefix matches on a segment boundary; the rest of the URI is appended as it is, the query string kept', async () => {
    const s = await site(`ProxyPass /api ${AEM}/backend`)
    s.up.publish.behave('/backend/v1/items', { body: 'items' })
    // httpd merges the slashes of r->uri (MergeSlashes) before any translation.
    const r = await s.send('/api//v1/items?page=2')
    expect(r.text).toBe('items')
    expect(s.up.publish.last?.url).toBe('/backend/v1/items?page=2')
    const other = await s.send('/apiary.html')
    expect(other.trace.outcome).not.toBe('proxied')
  })

  it('the <Location> form is consulted before the server-level list', async () => {
    const s = await site(`ProxyPass / ${AEM}/catch-all/`)
    s.up.publish.behave('/system/probes/health', { body: 'probe' })
    expect((await s.send('/systemready')).text).toBe('probe')
  })

  it('ProxyPassMatch: a target with $N is used as substituted, one without gets the whole URI', async () => {
    const s = await site(`ProxyPassMatch "^/img/(.*)\\.png$" "${AEM}/dam/$1.png"
ProxyPassMatch "^/feed/" "${AEM}"`)
    s.up.publish.behave('/dam/logo.png', { body: 'png' })
    s.up.publish.behave('/feed/news', { body: 'feed' })
    expect((await s.send('/img/logo.png')).text).toBe('png')
    expect((await s.send('/feed/news')).text).toBe('feed')
  })

  it('the path goes to the backend re-encoded (ap_proxy_canonenc); nocanon sends the request target as received', async () => {
    const s = await site(`RewriteRule "^/legacy/(.*)$" "${AEM}/c/$1" [P,L]
<LocationMatch "^/raw/">
    ProxyPassMatch ${AEM} nocanon
</LocationMatch>`)
    // (A decoded %3F would be refused: since 2.4.60 mod_rewrite answers 403 without [UnsafeAllow3F].)
    await s.send('/legacy/a%23b%20c%3b')
    expect(s.up.publish.last?.url).toBe('/c/a%23b%20c;')
    // The vhost has AllowEncodedSlashes NoDecode: %2F stays as it came; a stray '%' (from %25) is 400.
    await s.send('/legacy/x%2Fy%2f')
    expect(s.up.publish.last?.url).toBe('/c/x%2Fy%2f')
    const count = s.up.publish.count
    const stray = await s.send('/legacy/a%25')
    expect(stray.status).toBe(400)
    expect(s.up.publish.count).toBe(count)
    // Refused by mod_proxy before any backend was asked: not a proxied answer.
    expect(stray.trace.outcome).toBe('blocked')
    await s.send('/raw/a%3bb%2Fc?x=%41')
    expect(s.up.publish.last?.url).toBe('/raw/a%3bb%2Fc?x=%41')
  })

  it('nocanon with a query string: the raw target does not match the same way, so httpd proxies it canonically', async () => {
    const s = await site(`<Location "/raw">\n    ProxyPass ${AEM}/raw nocanon\n</Location>`)
    s.up.publish.behave('/raw', { body: 'raw' })
    expect((await s.send('/raw?x=%41')).text).toBe('raw')
    expect(s.up.publish.last?.url).toBe('/raw?x=%41')
  })

  it('with DispatcherUseProcessedURL Off a [PT] result is what ProxyPass sees; a rewrite to a file path without [PT] is never proxied', async () => {
    const s = await site(
      `RewriteRule "^/h$" "/api/health" [PT]
RewriteRule "^/api/old$" "/api/new"
ProxyPass /api ${AEM}/backend`,
      (t) => t.replace('DispatcherUseProcessedURL On', 'DispatcherUseProcessedURL Off')
    )
    s.up.publish.behave('/backend/health', { body: 'healthy' })
    expect((await s.send('/h')).text).toBe('healthy')
    const notProxied = await s.send('/api/old')
    expect(notProxied.trace.outcome).not.toBe('proxied')
    expect(s.up.publish.requests.map((q) => q.url)).toEqual(['/backend/health'])
  })
})

describe('mod_proxy_http on the wire', () => {
  it('headers the client named in Connection are not passed on', async () => {
    const s = await site()
    s.up.publish.behave('/system/probes/health', { body: 'ok' })
    await s.send('/systemready', { headers: { connection: 'keep-alive, X-Hop', 'x-hop': '1', 'x-end': '2' } })
    expect(s.up.publish.last?.headers['x-hop']).toBeUndefined()
    expect(s.up.publish.last?.headers['x-end']).toBe('2')
  })

  it('a backend that breaks off mid-answer: the client connection is dropped, not ended as if complete', async () => {
    const s = await site(`<Location "/broken">\n    ProxyPass ${AEM}/broken\n</Location>`)
    s.up.publish.behave('/broken', { body: 'hello, and then nothing', breakAfterBytes: 5 })
    await expect(s.send('/broken')).rejects.toThrow()
  })
})
