/**
 * dispatcher-behavior.md §12.2 through the real listener: one counting upstream per farm,
 * so the farm `/virtualhosts` chose (§3.3) is seen in which render got the request.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/main/engine/config/load'
import type { FarmResult } from '../../src/shared/trace-match'
import { dispatcherAny, embeddedConfigCopy, embeddedConfigWithVhost, farmText, type FarmSpec } from './support/config'
import { stackForThisTest, type Stack } from './support/engine'
import type { CountingUpstream } from './support/upstream'

/** Farms named after their upstreams, each with one render pointing at its own upstream. */
function farms(up: Record<string, CountingUpstream>, hosts: Record<string, string[]>): FarmSpec[] {
  return Object.entries(hosts).map(([name, virtualhosts]) => ({
    name,
    virtualhosts,
    renders: [{ host: '127.0.0.1', port: up[name].port }]
  }))
}

/** Sends the request and checks that exactly the upstream of `farm` received it. */
async function expectFarm(s: Stack, target: string, host: string, farm: string): Promise<void> {
  const before = Object.fromEntries(Object.entries(s.up).map(([n, u]) => [n, u.count]))
  const a = await s.send(target, { headers: { host } })
  expect(a.status).toBe(200)
  expect(a.headers['x-upstream']).toBe(farm)
  for (const [name, u] of Object.entries(s.up))
    expect(u.count, `requests seen by ${name}`).toBe(before[name] + (name === farm ? 1 : 0))
  expect(s.up[farm].last!.url).toBe(target)
  expect(a.trace.farm).toBe(farm)
}

describe('§12.2 farm selection through the listener', () => {
  const v1 = (): Promise<Stack> =>
    stackForThisTest({
      upstreams: ['A', 'B'],
      any: (up) => dispatcherAny(farms(up, { A: ['www.mycompany.com'], B: ['www.mycompany.com/products/*'] }))
    })

  it('V1 Host www.mycompany.com /products/gloves.html goes to B, whose host and URI both match (farms walked bottom-up)', async () => {
    const s = await v1()
    await expectFarm(s, '/products/gloves.html', 'www.mycompany.com', 'B')
    const t = await s.traceOf('/products/gloves.html')
    expect(t.warnings).toEqual([])
    expect(t.stages.find((st) => st.stage === 'farm')!.source).toMatchObject({
      file: s.config!.anyFile,
      line: s.config!.lineOf('"www.mycompany.com/products/*"')
    })
  })

  it("V2 Host www.mycompany.com /about.html goes to A: B's URI part does not match", async () => {
    const s = await v1()
    await expectFarm(s, '/about.html', 'www.mycompany.com', 'A')
  })

  it("V3 Host other.com matches no farm: the last farm B answers, with the module's warning in the trace", async () => {
    const s = await stackForThisTest({
      upstreams: ['A', 'B'],
      any: (up) => dispatcherAny(farms(up, { A: ['www.a.com'], B: ['www.b.com'] }))
    })
    await expectFarm(s, '/page.html', 'other.com', 'B')
    const t = await s.traceOf('/page.html')
    const warning = "No farm matches host 'other.com', selected last farm 'B'"
    expect(t.warnings).toContain(warning)
    expect(t.stages.find((st) => st.stage === 'farm')!.summary).toBe(warning)
  })

  it('V4 "http://*" takes a plain-HTTP request through the listener; "https://*" takes an HTTPS one (explained, the listener is HTTP only)', async () => {
    const s = await stackForThisTest({
      upstreams: ['secure', 'nonsecure'],
      any: (up) => dispatcherAny(farms(up, { secure: ['https://*'], nonsecure: ['http://*'] }))
    })
    await expectFarm(s, '/page.html', 'localhost', 'nonsecure')
    expect(s.engine.explain({ method: 'GET', url: 'https://localhost/page.html' }).farm).toBe('secure')
    expect(s.engine.explain({ method: 'GET', url: 'http://localhost/page.html' }).farm).toBe('nonsecure')
  })

  it('V5 of enabled_farms/a.farm and b.farm, both "*", b (included last) takes every request', async () => {
    const s = await stackForThisTest({
      upstreams: ['a', 'b'],
      any: '/farms {\n  $include "enabled_farms/*.farm"\n}\n',
      files: (up) =>
        Object.fromEntries(
          Object.entries(up).map(([name, u]) => [
            `enabled_farms/${name}.farm`,
            farmText({ name, virtualhosts: ['*'], renders: [{ host: '127.0.0.1', port: u.port }] }) + '\n'
          ])
        )
    })
    expect(s.engine.active.farmModels.map((f) => f.name)).toEqual(['a', 'b'])
    await expectFarm(s, '/content/x.html', 'anything.example', 'b')
    await expectFarm(s, '/other.json', 'localhost', 'b')
  })

  it('V6 Host www.a.com:8080 does not match "www.a.com" (the port is compared too): fallback to the last farm', async () => {
    const s = await stackForThisTest({
      upstreams: ['A', 'B'],
      any: (up) => dispatcherAny(farms(up, { A: ['www.a.com'], B: ['www.b.com'] }))
    })
    await expectFarm(s, '/with-port.html', 'www.a.com:8080', 'B')
    expect((await s.traceOf('/with-port.html')).warnings).toContain(
      "No farm matches host 'www.a.com:8080', selected last farm 'B'"
    )
    await expectFarm(s, '/without-port.html', 'www.a.com', 'A')
  })

  it("V6 through the listener: the farm stage's one line and the value's row say the port is why (the decision stays B)", async () => {
    const s = await stackForThisTest({
      upstreams: ['A', 'B'],
      any: (up) => dispatcherAny(farms(up, { A: ['www.a.com'], B: ['www.b.com'] }))
    })
    await expectFarm(s, '/browser.html', 'www.a.com:8080', 'B')
    const stage = (await s.traceOf('/browser.html')).stages.find((st) => st.stage === 'farm')!
    expect(stage.summary).toBe(
      "No farm matches host 'www.a.com:8080', selected last farm 'B'; 'www.a.com' (/A) would match without the port: " +
        "the port is part of the compared host, 'www.a.com:*' matches any port"
    )
    const rows = (stage.detail as FarmResult).checked.map((c) => [c.value, c.portHint ?? null])
    expect(rows).toEqual([
      ['www.b.com', null],
      [
        'www.a.com',
        "does not match 'www.a.com:8080': the port is part of the compared host; 'www.a.com:8080' (this port) or 'www.a.com:*' (any port) would match"
      ]
    ])
  })
})

describe('DispatcherUseForwardedHost (§2, §6.3)', () => {
  /** The embedded AEMaaCS configuration plus a farm for `other.example`, checked first (bottom-up). */
  function withOtherFarm(): string {
    const dir = embeddedConfigCopy('fwd-host-')
    const farms = path.join(dir, 'conf.dispatcher.d', 'enabled_farms')
    fs.writeFileSync(
      path.join(farms, 'other.farm'),
      fs
        .readFileSync(path.join(farms, 'default.farm'), 'utf8')
        .replace('/publishfarm {', '/otherfarm {')
        .replace('$include "../virtualhosts/virtualhosts.any"', '"other.example"')
    )
    return dir
  }

  async function send(setting: string): Promise<{ farm?: string; renderHost?: string; log: readonly string[] }> {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir: withOtherFarm(),
      engine: (up) => ({
        aem: { host: '127.0.0.1', port: up.publish.port },
        env: { FORWARDED_HOST_SETTING: setting }
      })
    })
    const a = await s.send('/content/demo/us/en.html', {
      headers: { host: 'localhost', 'x-forwarded-host': 'other.example, cdn.example' }
    })
    expect(a.status).toBe(200)
    const farmStage = a.trace.stages.find((e) => e.stage === 'farm')!
    const fetched = s.up.publish.last
    expect(fetched?.url).toBe('/content/demo/us/en.html')
    return { farm: a.trace.farm, renderHost: fetched?.headers.host, log: farmStage.log ?? [] }
  }

  it('On: the first X-Forwarded-Host item is the Host for /virtualhosts and for the render', async () => {
    const r = await send('On')
    expect(r.farm).toBe('otherfarm')
    expect(r.renderHost).toBe('other.example')
    expect(r.log[0]).toBe('Host replaced by X-Forwarded-Host: other.example')
  })

  it('On: what the response phase reads of Host is the forwarded one, also when RequestHeader add left a name on two lines', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir: embeddedConfigWithVhost('RequestHeader add X-R two\nHeader set X-Seen-Host "expr=%{req:Host}"'),
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, env: { FORWARDED_HOST_SETTING: 'On' } })
    })
    const a = await s.send('/content/demo/us/en.html', {
      headers: { host: 'localhost', 'x-forwarded-host': 'fwd.example', 'x-r': 'one' }
    })
    expect(a.status).toBe(200)
    expect(a.headers['x-seen-host']).toBe('fwd.example')
  })

  it("Off (the SDK's default): the client's Host decides and is sent", async () => {
    const r = await send('Off')
    expect(r.farm).toBe('publishfarm')
    expect(r.renderHost).toBe('localhost')
  })

  it('an edge-key file, which the workbench does not emulate, is reported by the load', () => {
    const loaded = loadConfig(withOtherFarm(), { env: { FORWARDED_HOST_SETTING: '/etc/httpd/conf.d/edge.key' } })
    const w = loaded.diagnostics.find((d) => d.message.startsWith('DispatcherUseForwardedHost'))
    expect(w?.severity).toBe('warning')
    expect(w?.pos?.file).toMatch(/dispatcher_vhost\.conf$/)
  })

  it('an edge-key file named inside a nested section is reported too, once', () => {
    const dir = withOtherFarm()
    const vhost = path.join(dir, 'conf.d', 'enabled_vhosts', 'default.vhost')
    const text = fs.readFileSync(vhost, 'utf8')
    fs.rmSync(vhost)
    fs.writeFileSync(
      vhost,
      text.replace(
        '</VirtualHost>',
        '  <Location "/content">\n    <If "true">\n      DispatcherUseForwardedHost /etc/httpd/edge.key\n    </If>\n  </Location>\n</VirtualHost>'
      )
    )
    const found = loadConfig(dir).diagnostics.filter((d) => d.message.includes('/etc/httpd/edge.key'))
    expect(found).toHaveLength(1)
    expect(found[0].pos?.file).toBe(vhost)
  })
})
