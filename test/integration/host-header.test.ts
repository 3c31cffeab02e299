/**
 * The Host header through the real listener: what httpd cannot read (fix_hostname, strict) is
 * a 400 before any virtual host is matched by name, as are an empty Host on HTTP/1.1 and two
 * Host lines; HTTP/1.0 needs no host name. Compared with apache2 2.4.71 (test/httpd/ams.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { rawExchange } from './support/http-client'

const request = (hostLines: string, version = '1.1'): string =>
  `GET /content/demo/us/en.html HTTP/${version}\r\n${hostLines}Connection: close\r\n\r\n`

describe('the Host header', () => {
  it('a host name httpd cannot read, an empty one on HTTP/1.1 and two Host lines get 400; AEM is never asked', async () => {
    const s = await embeddedSite()
    s.up.publish.behave('/content/demo/us/en.html', { body: 'page', headers: { 'content-type': 'text/html' } })
    for (const host of ['a/b', '123', 'a..b', 'a:0', 'a b', 'x.1com', ''])
      expect((await rawExchange(s.port, request(`Host: ${host}\r\n`))).status, host).toBe(400)
    const two = await rawExchange(s.port, request('Host: publish\r\nHost: other\r\n'))
    expect(two.status).toBe(400)
    expect(two.body).toContain('Bad Request')
    expect(s.up.publish.count).toBe(0)

    for (const host of ['publish', 'a_b', 'www.example.com.', '[::1]:80', '1.2.3.4'])
      expect((await rawExchange(s.port, request(`Host: ${host}\r\n`))).status, host).toBe(200)
    expect((await rawExchange(s.port, request('Host: \r\n', '1.0'))).status).toBe(200)
    expect((await rawExchange(s.port, request('', '1.0'))).status).toBe(200)
  })
})
