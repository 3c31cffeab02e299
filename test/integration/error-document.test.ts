import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

async function start(
  errorDocument: string,
  pages: Record<string, [number, string]>
): Promise<{ url: string; hits: string[]; engine: Engine }> {
  const hits: string[] = []
  const up = http.createServer((req, res) => {
    hits.push(req.url ?? '')
    const [status, body] = pages[req.url ?? ''] ?? [404, 'render 404']
    res.writeHead(status, { 'content-type': 'text/html' }).end(body)
  })
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise((r) => up.close(r)))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-errordoc-'))
  const port = (up.address() as AddressInfo).port
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    `/farms { /site {
  /virtualhosts { "*" }
  /renders { /0 { /hostname "127.0.0.1" /port "${port}" } }
  /filter { /0001 { /type "deny" /url "*" } /0002 { /type "allow" /url "/content/*" } }
} }
`
  )
  fs.writeFileSync(
    path.join(dir, 'httpd.conf'),
    `<VirtualHost *:80>
  ServerName site
  ServerAlias "*"
  DocumentRoot "${dir}"
  ${errorDocument}
  <Directory />
    SetHandler dispatcher-handler
  </Directory>
</VirtualHost>
`
  )
  const engine = new Engine({ config: path.join(dir, 'dispatcher.any'), port: 0, watch: false })
  cleanups.push(() => engine.stop())
  return { url: await engine.start(), hits, engine }
}

describe('ErrorDocument', () => {
  it('a filter denial with ErrorDocument 404 /content/errors/404.html answers 404 with that page, fetched through the Dispatcher', async () => {
    const s = await start('ErrorDocument 404 /content/errors/404.html', {
      '/content/errors/404.html': [200, '<h1>Our own 404</h1>']
    })
    const res = await fetch(`${s.url}/libs/secret.html`)
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('<h1>Our own 404</h1>')
    expect(s.hits).toEqual(['/content/errors/404.html'])
  })

  it("the trace counts the ErrorDocument's body as the bytes sent (the request log's size)", async () => {
    const s = await start('ErrorDocument 404 /content/errors/404.html', {
      '/content/errors/404.html': [200, '<h1>Our own 404</h1>']
    })
    const res = await fetch(`${s.url}/libs/secret.html`)
    expect(res.status).toBe(404)
    expect((await res.arrayBuffer()).byteLength).toBe(20)
    const trace = s.engine.traces.find((t) => t.request.url === '/libs/secret.html')
    expect(trace?.response.status).toBe(404)
    expect(trace?.response.bytes).toBe(20)
  })

  it("an ErrorDocument whose answer's head httpd's header filter refuses is traced as refused, not as its 200 and bytes", async () => {
    const s = await start(
      'ErrorDocument 400 /content/errors/400.html\n  Header always set X-Req "expr=%{THE_REQUEST}"',
      {
        '/content/errors/400.html': [200, '<h1>Our own 400</h1>']
      }
    )
    const { port } = new URL(s.url)
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write('GET /a\u0001b HTTP/1.1\r\nHost: site\r\n\r\n', 'latin1')
      )
      let got = ''
      socket.on('data', (d) => (got += d.toString('latin1')))
      socket.on('error', reject)
      socket.on('close', () => resolve(got))
    })
    // apache2's answer (test/httpd/header-filter-own-values.test.ts): the minimal one, no body.
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(answer).toContain('Content-Length: 0\r\n')
    const trace = s.engine.traces.find((t) => t.request.url.startsWith('/a'))!
    expect(trace.response.bytes).toBe(0)
    const doc = trace.stages.filter((e) => e.summary.startsWith('ErrorDocument 400'))
    expect(doc.map((e) => [e.verdict, e.summary])).toEqual([
      [
        'error',
        "ErrorDocument 400 /content/errors/400.html: its answer's head was refused by httpd's header filter; this request's own page went out instead"
      ]
    ])
  })

  it('when the error document itself fails, Apache says so on its own 404 page', async () => {
    const s = await start('ErrorDocument 404 /content/errors/missing.html', {})
    const res = await fetch(`${s.url}/libs/secret.html`)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain(
      'Additionally, a 404 Not Found\nerror was encountered while trying to use an ErrorDocument'
    )
  })

  it('a quoted text ErrorDocument is sent as the body', async () => {
    const s = await start('ErrorDocument 404 "Nothing here"', {})
    const res = await fetch(`${s.url}/libs/secret.html`)
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('Nothing here')
  })

  it('an ErrorDocument with a full URL redirects to it', async () => {
    const s = await start('ErrorDocument 404 https://example.com/not-found', {})
    const res = await fetch(`${s.url}/libs/secret.html`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/not-found')
  })

  it('an ErrorDocument inside <LocationMatch> applies only to the URLs it matches (httpd merges it per request)', async () => {
    const s = await start('<LocationMatch "\\.html$">\n    ErrorDocument 404 "no such page"\n  </LocationMatch>', {})
    const html = await fetch(`${s.url}/libs/secret.html`)
    expect(html.status).toBe(404)
    expect(await html.text()).toBe('no such page')
    const json = await fetch(`${s.url}/libs/secret.json`)
    expect(json.status).toBe(404)
    expect(await json.text()).toContain('Not Found')
  })

  it('ErrorDocument 404 default inside a section restores httpd’s own page over the vhost’s', async () => {
    const s = await start(
      'ErrorDocument 404 "Nothing here"\n  <LocationMatch "\\.json$">\n    ErrorDocument 404 default\n  </LocationMatch>',
      {}
    )
    expect(await (await fetch(`${s.url}/libs/secret.html`)).text()).toBe('Nothing here')
    const json = await fetch(`${s.url}/libs/secret.json`)
    expect(json.status).toBe(404)
    expect(await json.text()).toContain('<h1>Not Found</h1>')
  })

  it('mod_expires leaves the ErrorDocument answer alone: its body is fetched with the error status', async () => {
    const s = await start(
      'ErrorDocument 404 /content/errors/404.html\n  ExpiresActive On\n  ExpiresByType text/html A300',
      { '/content/errors/404.html': [200, '<h1>Our own 404</h1>'], '/content/page.html': [200, 'page'] }
    )
    const res = await fetch(`${s.url}/libs/secret.html`)
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('<h1>Our own 404</h1>')
    expect(res.headers.get('cache-control')).toBeNull()
    expect(res.headers.get('expires')).toBeNull()
    // The same rule applies to a 200 of that vhost.
    expect((await fetch(`${s.url}/content/page.html`)).headers.get('cache-control')).toBe('max-age=300')
  })
})
