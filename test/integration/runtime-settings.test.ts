/**
 * Runtime settings: where AEM answers, the SDK run mode and the farm used when no
 * `/virtualhosts` value matches (§3.3: the 4.3.x module takes the last farm, the docs name the
 * first; the switch picks either). They come from `--aem`/`--run-mode`/`--fallback-farm`, or from
 * the UI's Runtime form, which reloads the configuration with them.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { LocalEngineApi } from '../../src/main/engine/engine-api'
import { startHeadlessServer } from '../../src/main/headless/server'
import { stackForThisTest } from './support/engine'
import { embeddedConfigWithVhost } from './support/config'
import { tempDocroot } from './support/cache'
import { runCli } from './support/cli'

const TWO_FARMS = (port: number): string => `
/farms {
  /site-a { /virtualhosts { "a.example.com" } /renders { /0 { /hostname "127.0.0.1" /port "${port}" } }
            /filter { /0 { /type "allow" /url "*" } } }
  /site-b { /virtualhosts { "b.example.com" } /renders { /0 { /hostname "127.0.0.1" /port "${port}" } }
            /filter { /0 { /type "allow" /url "*" } } }
}`

describe('--aem for a classic dispatcher.any', () => {
  it('sets AEM_HOST/AEM_PORT as well as PUBLISH_IP/PUBLISH_PORT: plain farms often name their render as the SDK does', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: () => `/farms { /f { /virtualhosts { "*" } /filter { /0 { /type "allow" /url "*" } }
        /renders { /0 { /hostname "\${AEM_HOST}" /port "\${AEM_PORT}" } } } }`,
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    expect((await s.send('/page.html')).status).toBe(200)
    expect(s.up.publish.count).toBe(1)
  })
})

describe('the farm used when no /virtualhosts value matches', () => {
  it('is the last farm by default, with the module warning, and the first with fallbackFarm "first"', async () => {
    const last = await stackForThisTest({ upstreams: ['publish'], any: (up) => TWO_FARMS(up.publish.port) })
    const r = await last.send('/page.html', { headers: { host: 'other.example.com' } })
    expect(r.trace.farm).toBe('site-b')
    expect(r.trace.warnings).toContain("No farm matches host 'other.example.com', selected last farm 'site-b'")

    const first = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => TWO_FARMS(up.publish.port),
      engine: () => ({ fallbackFarm: 'first' })
    })
    const f = await first.send('/page.html', { headers: { host: 'other.example.com' } })
    expect(f.trace.farm).toBe('site-a')
    expect(f.trace.warnings).toContain("No farm matches host 'other.example.com', selected first farm 'site-a'")
    // A host that matches still decides, whatever the fallback.
    expect((await first.send('/page.html', { headers: { host: 'b.example.com' } })).trace.farm).toBe('site-b')
  })

  it('explain --fallback-farm first says which farm and why; a bad value is a usage error', async () => {
    const s = await stackForThisTest({ upstreams: ['publish'], any: (up) => TWO_FARMS(up.publish.port) })
    const dir = s.config!.dir
    const out = await runCli(['explain', dir, 'GET', '/x.html', '--host', 'nowhere', '--fallback-farm', 'first'])
    expect(out.code).toBe(0)
    expect(out.stdout).toMatch(/farm\s+pass\s+No farm matches host 'nowhere', selected first farm 'site-a'/)
    const bad = await runCli(['explain', dir, 'GET', '/x.html', '--fallback-farm', 'middle'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--fallback-farm expects last or first, got "middle"')
  })
})

describe('setRuntime (the UI Runtime form)', () => {
  it('points the renders elsewhere, switches the run mode and the fallback, and reports them in the status', async () => {
    const docroot = tempDocroot()
    const s = await stackForThisTest({
      upstreams: ['publish', 'author'],
      configDir: embeddedConfigWithVhost(''),
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
    })
    const api = new LocalEngineApi(s.engine)
    const before = await api.getConfigStatus()
    expect(before.runtime).toEqual({ aem: `127.0.0.1:${s.up.publish.port}`, runMode: 'dev', fallbackFarm: 'last' })
    // The run mode shows as the Define the SDK makes of it.
    expect(Object.keys(before.variables)).toContain('ENVIRONMENT_DEV')

    const after = await api.setRuntime({ aem: `127.0.0.1:${s.up.author.port}`, runMode: 'prod', fallbackFarm: 'first' })
    expect(after.lastReload.ok).toBe(true)
    expect(after.generation).toBe(before.generation + 1)
    expect(after.runtime).toEqual({ aem: `127.0.0.1:${s.up.author.port}`, runMode: 'prod', fallbackFarm: 'first' })
    expect(Object.keys(after.variables)).toContain('ENVIRONMENT_PROD')
    expect(Object.keys(after.variables)).not.toContain('ENVIRONMENT_DEV')
    expect(after.variables.AEM_PORT).toBe(String(s.up.author.port))

    await s.send('/content/demo/us/en.html')
    expect(s.up.author.count).toBe(1)
    expect(s.up.publish.count).toBe(0)

    // null: the configuration's own address again (AEM_HOST/AEM_PORT of its variables).
    const own = await api.setRuntime({ aem: null })
    expect(own.runtime.aem).toBeNull()
    expect(own.runtime.runMode).toBe('prod')
  })

  it('refuses bad values with 400 and the reason, changing nothing', async () => {
    const s = await stackForThisTest({ upstreams: ['publish'], configDir: embeddedConfigWithVhost('') })
    const api = new LocalEngineApi(s.engine)
    const ui = await startHeadlessServer({ api, port: 0 })
    onTestFinished(() => ui.close())
    const generation = (await api.getConfigStatus()).generation
    for (const [body, message] of [
      [{ aem: 'localhost' }, 'AEM render expects host:port, got "localhost"'],
      [{ runMode: 'qa' }, 'run mode expects dev, stage, prod, got "qa"'],
      [{ fallbackFarm: 7 }, 'setRuntime: fallbackFarm must be a string']
    ] as const) {
      const r = await fetch(`http://127.0.0.1:${ui.port}/api/config/runtime`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ui.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body)
      })
      expect(r.status).toBe(400)
      expect(((await r.json()) as { error: string }).error).toContain(message)
    }
    expect((await api.getConfigStatus()).generation).toBe(generation)
  })
})
