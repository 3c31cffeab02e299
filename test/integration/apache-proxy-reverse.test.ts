/**
 * `ProxyPassReverse` through the real listener: the Location, Content-Location and URI headers
 * of an answer mod_proxy relays are mapped back to this server. Every expectation is what
 * apache2 2.4.71 answered with the same configuration (its quirks included: the vhost's
 * mappings come first whatever ProxyPass forwarded the request, and a `<LocationMatch>`'s path is
 * its regex text).
 */
import http from 'node:http'
import { describe, expect, it, onTestFinished } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { freePort } from './support/ports'

/** A backend that redirects to its `loc` query parameter (and names it in Content-Location with `cl`). */
async function redirectingBackend(): Promise<string> {
  const port = await freePort()
  const server = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams
    const cookie = q.get('cookie')
    if (cookie) res.setHeader('Set-Cookie', [cookie, 'z=1; path=/x/sub; DOMAIN=127.0.0.1.nip; Secure'])
    const loc = q.get('loc')
    if (loc) {
      res.statusCode = 302
      res.setHeader('Location', loc)
      res.setHeader('URI', loc)
      if (q.get('cl')) res.setHeader('Content-Location', q.get('cl')!)
    }
    res.end(`backend ${req.url}`)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${port}`
}

/** The headers of the answer to `path?loc=<target>` (and `cl`), as the client gets them. */
async function mapped(
  s: Awaited<ReturnType<typeof embeddedSite>>,
  path: string,
  loc: string,
  cl?: string
): Promise<http.IncomingHttpHeaders> {
  const query = `loc=${encodeURIComponent(loc)}${cl ? `&cl=${encodeURIComponent(cl)}` : ''}`
  const r = await s.send(`${path}?${query}`, { headers: { host: 'localhost' } })
  expect(r.status).toBe(302)
  return r.headers
}

describe('ProxyPassReverse', () => {
  it('maps the backend URL back to the local path, in Location, URI and Content-Location, case-insensitively', async () => {
    const b = await redirectingBackend()
    const s = await embeddedSite(
      `ProxyPass /p/ ${b}/\n  ProxyPassReverse /p/ ${b}/\n  ProxyPass /q/ ${b}/\n  <Location /loc/>\n    ProxyPass ${b}/sub/\n    ProxyPassReverse ${b}/sub/\n  </Location>`
    )
    const h = await mapped(s, '/p/x', `${b}/a/b`, `${b}/c`)
    expect(h.location).toBe('http://localhost/p/a/b')
    expect(h.uri).toBe('http://localhost/p/a/b')
    expect(h['content-location']).toBe('http://localhost/p/c')
    expect((await mapped(s, '/p/x', `${b.toUpperCase()}/a/b`)).location).toBe('http://localhost/p/a/b')
    // Not tied to the ProxyPass that forwarded: the vhost's mappings come first.
    expect((await mapped(s, '/q/x', `${b}/a/b`)).location).toBe('http://localhost/p/a/b')
    expect((await mapped(s, '/loc/x', `${b}/sub/z`)).location).toBe('http://localhost/p/sub/z')
    // What no mapping covers stays as the backend wrote it.
    expect((await mapped(s, '/p/x', 'http://elsewhere/a/b')).location).toBe('http://elsewhere/a/b')
    expect((await mapped(s, '/p/x', b)).location).toBe(b)
  })

  it('in <Location> and <LocationMatch> the section is the path (a regex as written); a [P] rewrite is mapped too', async () => {
    const b = await redirectingBackend()
    const s = await embeddedSite(
      [
        `<Location /loc/>\n    ProxyPass ${b}/sub/\n    ProxyPassReverse ${b}/sub/\n  </Location>`,
        `<LocationMatch "^/api/graphql(/default)?$">\n    ProxyPassMatch ${b}$1\n    ProxyPassReverse ${b}\n  </LocationMatch>`,
        `<LocationMatch "/gql(/default)?$">\n    ProxyPassMatch ${b}$1\n    ProxyPassReverse ${b}\n  </LocationMatch>`,
        `RewriteRule ^/rw/(.*)$ ${b}/$1 [P]`,
        `<Location /rw/>\n    ProxyPassReverse ${b}/\n  </Location>`
      ].join('\n  ')
    )
    expect((await mapped(s, '/loc/x', `${b}/sub/z`)).location).toBe('http://localhost/loc/z')
    expect((await mapped(s, '/loc/x', `${b}/other`)).location).toBe(`${b}/other`)
    expect((await mapped(s, '/api/graphql', `${b}/z`)).location).toBe('http://localhost^/api/graphql(/default)?$/z')
    expect((await mapped(s, '/gql', `${b}/z`)).location).toBe('http://localhost/gql(/default)?$/z')
    expect((await mapped(s, '/rw/x', `${b}/a/b`)).location).toBe('http://localhost/rw/a/b')
    // The section's ProxyPassMatch forwards, not its ProxyPassReverse (the last line of the section).
    expect((await s.send('/api/graphql/default')).text).toBe('backend /default')
  })

  it('a backend path (/) maps the path of any URL', async () => {
    const b = await redirectingBackend()
    const s = await embeddedSite(`ProxyPass /rel/ ${b}/\n  ProxyPassReverse /rel/ /`)
    expect((await mapped(s, '/rel/x', '/a/b')).location).toBe('http://localhost/rel/a/b')
    expect((await mapped(s, '/rel/x', 'http://other/a/b')).location).toBe('http://localhost/rel/a/b')
  })

  it('ProxyPassReverseCookiePath and CookieDomain replace the whole path= and domain= value they start', async () => {
    const b = await redirectingBackend()
    const s = await embeddedSite(
      `ProxyPass /ck/ ${b}/\n  ProxyPassReverseCookiePath /x /public\n  ProxyPassReverseCookieDomain 127.0.0.1 example.com`
    )
    const cookies = async (cookie: string): Promise<string[]> =>
      (await s.send(`/ck/a?cookie=${encodeURIComponent(cookie)}`)).headers['set-cookie'] ?? []
    expect(await cookies('a=b; Path=/x; Domain=127.0.0.1')).toEqual([
      'a=b; Path=/public; Domain=example.com',
      'z=1; path=/public; DOMAIN=example.com; Secure'
    ])
    expect((await cookies('q=1; Path=/xy; Domain=127.0.0.1'))[0]).toBe('q=1; Path=/public; Domain=example.com')
    expect((await cookies('q=1; Domain=127.0.0.1; Path=/x/deep; HttpOnly'))[0]).toBe(
      'q=1; Domain=example.com; Path=/public; HttpOnly'
    )
    expect((await cookies('q=1; PATH=/x'))[0]).toBe('q=1; PATH=/public')
    expect((await cookies('q=1; Path=/other'))[0]).toBe('q=1; Path=/other')
  })
})
