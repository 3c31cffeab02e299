/**
 * Whether a connection stays open, and what the answer says about it, as httpd decides
 * (src/main/engine/http/keep-alive.ts, ap_set_keepalive): nothing to an HTTP/1.1 client that
 * sent no keep-alive token, `Keep-Alive: timeout=5, max=N` and `Connection: Keep-Alive` to one
 * that did, `Connection: close` and a closed connection after MaxKeepAliveRequests answers,
 * after a status httpd drops the connection for, and with `KeepAlive Off`. The figures are
 * what Debian's apache2 2.4 answers to the same requests.
 */
import { describe, expect, it } from 'vitest'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigCopy } from './support/config'
import { Conversation } from './support/http-client'

const PAGE = '/content/demo/us/en/keep-alive.html'

async function keepAliveStack(): Promise<Stack> {
  const s = await stackForThisTest({
    upstreams: ['publish'],
    configDir: embeddedConfigCopy('keep-alive-'),
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
  })
  s.up.publish.behave(PAGE, { body: 'kept', headers: { 'content-type': 'text/html' } })
  return s
}

function conversation(s: Stack): Conversation {
  return new Conversation(s.port)
}

const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`
/** A request Node's HTTP server answers (the lean listener takes only plain GET and HEAD). */
const options = (target: string, extra = ''): string => `OPTIONS ${target} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`

/** The head's `Connection` and `Keep-Alive` lines, as written. */
function connectionLines(head: string): string[] {
  return head.split('\r\n').filter((l) => /^(connection|keep-alive):/i.test(l))
}

describe('keep-alive as httpd decides it', () => {
  it('says nothing to an HTTP/1.1 client without a keep-alive token, and closes after the 101st answer', async () => {
    const s = await keepAliveStack()
    const c = conversation(s)
    try {
      for (let i = 1; i <= 100; i++) {
        // Both listeners count the same connection: every tenth request goes to Node's path.
        const r = await c.exchange(i % 10 === 5 ? options(PAGE) : get(PAGE))
        expect(connectionLines(r.head), `answer ${i}`).toEqual([])
      }
      const last = await c.exchange(get(PAGE))
      expect(last.status).toBe(200)
      expect(connectionLines(last.head)).toEqual(['Connection: close'])
      expect(await c.closesWithin(2000)).toBe(true)
    } finally {
      c.close()
    }
  })

  it('answers a keep-alive token with the timeout and the answers left, counting down', async () => {
    const s = await keepAliveStack()
    const c = conversation(s)
    try {
      const ka = 'Connection: keep-alive\r\n'
      // In httpd's order: ap_set_keepalive sets Keep-Alive, then merges the token into Connection.
      expect(connectionLines((await c.exchange(get(PAGE, ka))).head)).toEqual([
        'Keep-Alive: timeout=5, max=100',
        'Connection: Keep-Alive'
      ])
      expect(connectionLines((await c.exchange(get(PAGE, ka))).head)).toContain('Keep-Alive: timeout=5, max=99')
      expect(connectionLines((await c.exchange(options(PAGE, ka))).head)).toContain('Keep-Alive: timeout=5, max=98')
      expect(c.closed).toBe(false)
    } finally {
      c.close()
    }
  })

  it('closes an HTTP/1.0 connection unless the client asks to keep it', async () => {
    const s = await keepAliveStack()
    const plain = conversation(s)
    const asking = conversation(s)
    try {
      const r = await plain.exchange(`GET ${PAGE} HTTP/1.0\r\nHost: localhost\r\n\r\n`)
      expect(r.status).toBe(200)
      expect(connectionLines(r.head)).toEqual(['Connection: close'])
      expect(await plain.closesWithin(2000)).toBe(true)
      const k = await asking.exchange(`GET ${PAGE} HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`)
      expect(connectionLines(k.head)).toEqual(['Keep-Alive: timeout=5, max=100', 'Connection: Keep-Alive'])
      expect(await asking.closesWithin(200)).toBe(false)
    } finally {
      plain.close()
      asking.close()
    }
  })

  it('follows the vhost’s MaxKeepAliveRequests and KeepAliveTimeout, the server’s where it sets none, and KeepAlive Off', async () => {
    // AEMaaCS refuses these directives in a project (the SDK validator): an AMS-style httpd.conf.
    const httpdConf = [
      'MaxKeepAliveRequests 50',
      'KeepAliveTimeout 7',
      '<VirtualHost *:80>',
      '  ServerName localhost',
      '  SetHandler dispatcher-handler',
      '  MaxKeepAliveRequests 2',
      '  KeepAliveTimeout 9',
      '</VirtualHost>',
      '<VirtualHost *:80>',
      '  ServerName inherits.test',
      '  SetHandler dispatcher-handler',
      '</VirtualHost>',
      '<VirtualHost *:80>',
      '  ServerName off.test',
      '  SetHandler dispatcher-handler',
      '  KeepAlive Off',
      '</VirtualHost>',
      ''
    ].join('\n')
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        `/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "${up.publish.port}" } } /filter { /0 { /type "allow" /url "*" } } } }\n`,
      files: { 'httpd.conf': httpdConf }
    })
    s.up.publish.behave('/x.html', { body: 'ok' })
    const ka = 'Connection: keep-alive\r\n'
    const c = conversation(s)
    try {
      expect(connectionLines((await c.exchange(get('/x.html', ka))).head)).toContain('Keep-Alive: timeout=9, max=2')
      expect(connectionLines((await c.exchange(get('/x.html', ka))).head)).toContain('Keep-Alive: timeout=9, max=1')
      expect(connectionLines((await c.exchange(get('/x.html', ka))).head)).toEqual(['Connection: close'])
      expect(await c.closesWithin(2000)).toBe(true)
    } finally {
      c.close()
    }
    const inherits = conversation(s)
    const off = conversation(s)
    try {
      const r = await inherits.exchange(get('/x.html', ka).replace('Host: localhost', 'Host: inherits.test'))
      expect(connectionLines(r.head)).toContain('Keep-Alive: timeout=7, max=50')
      const o = await off.exchange(get('/x.html').replace('Host: localhost', 'Host: off.test'))
      expect(o.status).toBe(200)
      expect(connectionLines(o.head)).toEqual(['Connection: close'])
      expect(await off.closesWithin(2000)).toBe(true)
    } finally {
      inherits.close()
      off.close()
    }
  })

  it('closes after a status httpd drops the connection for (a render’s 500, 503), not after a 404 or 502', async () => {
    const s = await keepAliveStack()
    s.up.publish.behave('/content/demo/us/en/missing.html', { status: 404, body: 'no' })
    s.up.publish.behave('/content/demo/us/en/bad-gateway.html', { status: 502, body: 'bad' })
    s.up.publish.behave('/content/demo/us/en/broken.html', { status: 500, body: 'broken' })
    s.up.publish.behave('/content/demo/us/en/unavailable.html', { status: 503, body: 'down' })
    const c = conversation(s)
    try {
      for (const page of ['missing', 'bad-gateway']) {
        const r = await c.exchange(get(`/content/demo/us/en/${page}.html`))
        expect(connectionLines(r.head), page).toEqual([])
      }
      const broken = await c.exchange(get('/content/demo/us/en/broken.html'))
      expect(broken.status).toBe(500)
      expect(connectionLines(broken.head)).toEqual(['Connection: close'])
      expect(await c.closesWithin(2000)).toBe(true)
    } finally {
      c.close()
    }
    const u = conversation(s)
    try {
      const r = await u.exchange(get('/content/demo/us/en/unavailable.html', 'Connection: keep-alive\r\n'))
      expect(r.status).toBe(503)
      expect(connectionLines(r.head)).toEqual(['Connection: close'])
      expect(await u.closesWithin(2000)).toBe(true)
    } finally {
      u.close()
    }
  })
})
