/**
 * mod_remoteip in front of the Dispatcher (runtime/remote-ip.ts; compared with apache2 in
 * test/httpd): the client the header names is the one Apache's access checks see and the one
 * the module reports to the render, replayed requests included. An AEMaaCS configuration gets
 * the SDK image's own conf.d/remoteip.conf (resources/sdk-base): X-Forwarded-For, every
 * address a proxy, and the header set again to the client for AEM.
 */
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'

describe("the SDK image's mod_remoteip setup", () => {
  it('the render is told the client the header named, also when the decisions are replayed', async () => {
    const s = await embeddedSite()
    for (let i = 0; i < 2; i++) {
      const r = await s.send('/content/page.html?q=1', { headers: { 'x-forwarded-for': '203.0.113.9' } })
      expect(r.status).toBe(200)
      if (i === 1) expect(r.trace.replayedFrom).toBeDefined()
      // remoteip.conf sets the header to the client again; the module adds the client (§6.3).
      expect(s.up.publish.last!.headers['x-forwarded-for']).toBe('203.0.113.9, 203.0.113.9')
      const said = r.trace.stages.find((e) => e.summary.startsWith('mod_remoteip'))?.summary
      expect(said).toMatch(
        /^mod_remoteip: X-Forwarded-For \(remoteip\.conf:\d+\) makes 203\.0\.113\.9 the client \(internal proxies\); the header is removed$/
      )
    }
    // The local peer is an internal proxy, so a private address is taken too.
    const internal = await s.send('/content/page.html?q=2', { headers: { 'x-forwarded-for': '10.0.0.1' } })
    expect(internal.status).toBe(200)
    expect(s.up.publish.last!.headers['x-forwarded-for']).toBe('10.0.0.1, 10.0.0.1')
    // Without the header the client is the peer.
    await s.send('/content/page.html?q=3')
    expect(s.up.publish.last!.headers['x-forwarded-for']).toBe('127.0.0.1, 127.0.0.1')
  })

  it('a vhost that trusts only its own proxy list: a private address is not taken from an external proxy', async () => {
    const s = await embeddedSite('RemoteIPTrustedProxy 127.0.0.1')
    const refused = await s.send('/content/page.html?q=2', { headers: { 'x-forwarded-for': '10.0.0.1' } })
    expect(s.up.publish.last!.headers['x-forwarded-for']).toBe('127.0.0.1, 127.0.0.1')
    expect(refused.trace.stages.map((e) => e.summary)).toContainEqual(
      expect.stringMatching(
        /^mod_remoteip: X-Forwarded-For \(remoteip\.conf:\d+\) '10\.0\.0\.1' gives no client it trusts: the client stays 127\.0\.0\.1$/
      )
    )
  })

  it('Require ip sees the client the header named', async () => {
    const s = await embeddedSite('<Location /content/only/>\n    Require ip 203.0.113.0/24\n</Location>')
    expect((await s.send('/content/only/a.html')).status).toBe(403)
    expect((await s.send('/content/only/a.html', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200)
  })
})
