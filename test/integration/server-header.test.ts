/**
 * The `Server` header, as httpd writes it (checked against apache2 2.4.71): its banner on every
 * answer, shaped by `ServerTokens` (`Prod` in the AEMaaCS baseline, so just `Apache`), over
 * whatever AEM or a `Header set Server` said; only an answer mod_proxy relays keeps the
 * backend's own. Before, the workbench sent no Server header at all, or AEM's.
 */
import http from 'node:http'
import { describe, expect, it, onTestFinished } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { stackForThisTest } from './support/engine'
import { rawExchange } from './support/http-client'
import { freePort } from './support/ports'

/** A backend for mod_proxy that names itself on /named and not elsewhere. */
async function backend(): Promise<number> {
  const port = await freePort()
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/named')) res.setHeader('Server', 'Jetty(9.4.z)')
    res.end('backend')
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return port
}

describe('the Server header', () => {
  it("is Apache's banner on the Dispatcher's answers, whatever AEM or a Header directive says", async () => {
    const s = await embeddedSite('Header always set Server "Custom"')
    s.up.publish.behave('/content/site/en.html', {
      body: '<html>en</html>',
      headers: { server: 'Jetty(9.4.z)', 'content-type': 'text/html' }
    })
    const miss = await s.send('/content/site/en.html')
    expect(miss.status).toBe(200)
    expect(miss.headers.server).toBe('Apache')
    const hit = await s.send('/content/site/en.html')
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers.server).toBe('Apache')
    expect((await s.send('/etc/passwd')).headers.server).toBe('Apache')
    // The trace shows the header as it went out.
    expect(miss.trace.response.headers.server).toBe('Apache')
  })

  it('an answer mod_proxy relays keeps the backend’s own Server header; without one it gets the banner', async () => {
    const port = await backend()
    const s = await embeddedSite(`ProxyPass "/be/" "http://127.0.0.1:${port}/"`)
    expect((await s.send('/be/named')).headers.server).toBe('Jetty(9.4.z)')
    expect((await s.send('/be/plain')).headers.server).toBe('Apache')
  })

  it('follows ServerTokens; without one (httpd: Full) it names the version httpd is emulated at', async () => {
    const any = (port: number): string =>
      `/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "${port}" } } /filter { /0 { /type "allow" /url "*" } } } }\n`
    const banner = async (httpdConf: string | null): Promise<string | undefined> => {
      // Without vhosts httpd's main server answers: the Dispatcher, where its handler is set.
      const s = await stackForThisTest({
        upstreams: ['publish'],
        any: (up) => any(up.publish.port),
        files: httpdConf === null ? {} : { 'httpd.conf': `${httpdConf}SetHandler dispatcher-handler\n` }
      })
      s.up.publish.behave('/x.html', { body: 'ok', headers: { server: 'Jetty(9.4.z)' } })
      const answer = await s.send('/x.html')
      expect(answer.status).toBe(200)
      return answer.headers.server as string | undefined
    }
    expect(await banner('ServerTokens Minor\n')).toBe('Apache/2.4')
    expect(await banner('ServerTokens Major\n')).toBe('Apache/2')
    expect(await banner('ServerTokens Min\n')).toMatch(/^Apache\/2\.4\.\d+$/)
    expect(await banner('ServerName localhost\n')).toMatch(/^Apache\/2\.4\.\d+ \(Unix\)$/)
    expect(await banner(null)).toMatch(/^Apache\/2\.4\.\d+ \(Unix\)$/)
  })

  it('is on the 400 for a request that cannot be read, with a Date', async () => {
    const s = await embeddedSite()
    const bad = await rawExchange(s.port, 'GET /x HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n')
    expect(bad.status).toBe(400)
    expect(bad.head).toMatch(/\r\nServer: Apache\r\n/)
    expect(bad.head).toMatch(/\r\nDate: \w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT\r\n/)
  })
})
