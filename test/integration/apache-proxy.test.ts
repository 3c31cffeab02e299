/**
 * mod_proxy through the real listener: `ProxyPass` in a `<Location>`, `ProxyPassMatch` in a
 * `<LocationMatch>` (the AEMaaCS baseline's `/systemready`, health probe and CRXDE locations)
 * and a rewrite `[P]` send the request straight to the backend, around the Dispatcher's
 * filter and cache, with mod_proxy_http's request headers.
 */
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigWithVhost } from './support/config'
import { tempDocroot } from './support/cache'

async function site(vhostExtra = ''): Promise<Stack> {
  const docroot = tempDocroot()
  return stackForThisTest({
    upstreams: ['publish'],
    configDir: embeddedConfigWithVhost(vhostExtra),
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
  })
}

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
    expect(got.headers['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1')
    expect(got.headers['x-forwarded-host']).toBe(`127.0.0.1:${s.port}`)
    expect(got.headers['x-forwarded-server']).toBe('publish')
    expect(r.trace.outcome).toBe('static')
    expect(renderSummary(r.trace)).toMatch(
      /^ProxyPass in <Location \/systemready> \(dispatcher_vhost\.conf:\d+\): mod_proxy forwarded to http:\/\/127\.0\.0\.1:\d+\/system\/probes\/health\?verbose=1, answered 503 in [\d.]+ ms$/
    )
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
    expect(renderSummary(r.trace)).toMatch(/mod_proxy could not reach http:\/\/127\.0\.0\.1:1\/gone\/x .*: 503$/)
  })
})
