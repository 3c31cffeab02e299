/**
 * The backend both servers' mod_proxy forwards to in the httpd differential test. It answers
 * with what it received (method, target, headers with their names in lower case and sorted,
 * the body), so comparing the two answers compares the forwarded requests too; a few paths
 * answer in particular ways (a redirect, a status, a Server header, a chunked body, cookies,
 * a Proxy-Authenticate header, a 204 with a length, a 304 and a 204 that name a length they do not
 * send, a dropped connection, no Content-Type).
 */
import http from 'node:http'

export interface Backend {
  port: number
  close(): Promise<void>
}

/** Headers whose value is the forwarding connection's own: the same for both servers only in shape. */
const CONNECTION_OWN = new Set(['connection', 'keep-alive'])

export async function startBackend(port: number): Promise<Backend> {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://backend')
      const to = url.searchParams.get('to')
      if (to !== null) {
        res.statusCode = 302
        res.setHeader('Location', to)
      }
      const status = /^\/status\/(\d{3})/.exec(url.pathname)?.[1]
      if (status) res.statusCode = Number(status)
      if (url.pathname.startsWith('/named')) res.setHeader('Server', 'Jetty(9.4.z)')
      if (url.pathname.startsWith('/cookie')) res.setHeader('Set-Cookie', ['a=1; Path=/x; Domain=127.0.0.1', 'b=2'])
      if (url.pathname.startsWith('/proxyauth')) res.setHeader('Proxy-Authenticate', 'Basic realm="b"')
      if (url.pathname.startsWith('/broken')) return req.socket.destroy()
      // A backend's 304/204 that still names a length (Jetty, some CDNs): no body follows.
      if (url.pathname.startsWith('/nm304') || url.pathname.startsWith('/len204')) {
        res.writeHead(url.pathname.startsWith('/nm304') ? 304 : 204, {
          'Content-Length': '1234',
          'Content-Type': 'text/html;charset=utf-8',
          ETag: '"v1"',
          'Last-Modified': 'Tue, 03 Nov 2026 10:00:00 GMT',
          'Cache-Control': 'max-age=60',
          Expires: 'Tue, 03 Nov 2026 11:00:00 GMT',
          'Content-Location': '/nm304/where',
          Vary: 'Accept-Encoding',
          'Set-Cookie': 'n=1',
          'X-Custom': 'kept?'
        })
        return res.end()
      }
      if (url.pathname.startsWith('/empty204')) {
        res.writeHead(204, { 'Content-Length': '0', 'Content-Type': 'text/plain' })
        return res.end()
      }
      // No Content-Type (Jetty's empty redirect): mod_mime's type for the URL stands.
      if (url.pathname.startsWith('/untyped')) {
        if (to === null) res.statusCode = 200
        return res.end(url.pathname.includes('empty') ? undefined : 'untyped\n')
      }
      const headers = Object.entries(req.headers)
        .filter(([k]) => !CONNECTION_OWN.has(k))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}: ${String(v)}`)
      const body = [`${req.method} ${req.url}`, ...headers, '', Buffer.concat(parts).toString('latin1')].join('\n')
      res.setHeader('Content-Type', 'text/plain')
      if (url.pathname.startsWith('/chunked')) {
        res.write(body.slice(0, 10))
        res.end(body.slice(10))
      } else res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) }
}
