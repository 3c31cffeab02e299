/**
 * The Cache view's Flush sends the invalidation request AEM's flush agent sends (§7.1) through
 * the proxy's own listener, with a Host that selects the chosen farm by its `/virtualhosts`
 * (§3.3), so it is logged and traced like any request and `/allowedClients` judges it (§7.2);
 * what it did is read from that request's trace.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { LocalEngineApi } from '../../src/main/engine/engine-api'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const PAGE = '/content/site/en/page'

/**
 * Three farms, each with its own docroot: `/catchall` ("*") first, so bottom-up it takes only
 * what the others do not; `/site` by name and subdomain; `/locked`, whose `/allowedClients`
 * refuses everyone, the loopback client included; `/prefixed`, chosen by a URI prefix too.
 */
async function start(
  host?: string
): Promise<{ api: LocalEngineApi; engine: Engine; docroots: Record<string, string> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cache-view-flush-'))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  const docroots: Record<string, string> = {}
  const farm = (name: string, hosts: string, allowed: string): string => {
    const docroot = path.join(dir, name)
    fs.mkdirSync(path.join(docroot, 'content/site/en'), { recursive: true })
    fs.writeFileSync(path.join(docroot, `${PAGE}.html`), 'page')
    fs.writeFileSync(path.join(docroot, `${PAGE}.model.json`), '{}')
    docroots[name] = docroot
    return `/${name} {
    /virtualhosts { ${hosts} }
    /renders { /0 { /hostname "127.0.0.1" /port "9" } }
    /filter { /0001 { /type "deny" /url "*" } }
    /cache {
      /docroot "${docroot}"
      /statfileslevel "2"
      /rules { /0 { /glob "*" /type "allow" } }
      /allowedClients { ${allowed} }
    }
  }`
  }
  const loopback = `/0 { /glob "*" /type "deny" } /1 { /glob "127.0.0.1" /type "allow" }`
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    `/farms {
  ${farm('catchall', '"*"', loopback)}
  ${farm('site', '"www.site.example" "*.site.example"', loopback)}
  ${farm('locked', '"locked.example"', '/0 { /glob "*" /type "deny" }')}
  ${farm('prefixed', '"flush.example/path1/*"', loopback)}
}
`
  )
  const engine = new Engine({ config: path.join(dir, 'dispatcher.any'), port: 0, watch: false, host })
  cleanups.push(() => engine.stop())
  await engine.start()
  return { api: new LocalEngineApi(engine), engine, docroots }
}

describe("the Cache view's Flush", () => {
  it("sends POST /dispatcher/invalidate.cache with the flush agent's headers through the listener, logged and traced", async () => {
    const { api, docroots } = await start()
    // The preview states the request before it is sent: line, headers, and the farm its Host selects by which value.
    const { request } = await api.previewFlush('site', PAGE, 'Activate')
    const sent = await api.flush('site', PAGE, 'Activate')
    expect(sent.status).toBe(200)
    expect(sent.request.target).toBe('/dispatcher/invalidate.cache')
    expect(sent.request.headers).toEqual([
      ['Host', 'www.site.example'],
      ['CQ-Action', 'Activate'],
      ['CQ-Handle', PAGE],
      ['CQ-Path', PAGE],
      ['Content-Type', 'application/octet-stream'],
      ['Content-Length', '0']
    ])
    expect(request).toMatchObject({ method: 'POST', target: sent.request.target, headers: sent.request.headers })
    expect(request?.farm).toBe('site')
    expect(request?.value?.value).toBe('www.site.example')
    expect(request?.value?.pos?.line).toBe(14)
    expect(request?.flushFarmNote).toBeUndefined()
    expect(sent.hostReason).toContain("'www.site.example'")
    // The request is in the log, as the Requests view lists it, and its trace is the one the UI reads.
    const { traces } = await api.listTraces()
    expect(traces.map((t) => [t.method, t.url, t.host, t.farm, t.status, t.outcome])).toEqual([
      ['POST', '/dispatcher/invalidate.cache', 'www.site.example', 'site', 200, 'flush']
    ])
    expect(sent.traceId).toBe(traces[0].id)
    const trace = (await api.getTrace(traces[0].id))!.trace
    expect(trace.request.headers['cq-handle']).toBe(PAGE)
    expect(trace.request.headers['content-length']).toBe('0')
    // What it did, from the trace: the page's renderings deleted, the .stat files on its path touched.
    expect(sent.report?.deleted.sort()).toEqual([`${PAGE}.html`, `${PAGE}.model.json`])
    expect(sent.report?.statfilesTouched).toEqual(['/.stat', '/content/.stat', '/content/site/.stat'])
    expect(fs.existsSync(path.join(docroots.site, `${PAGE}.html`))).toBe(false)
    expect(fs.existsSync(path.join(docroots.catchall, `${PAGE}.html`))).toBe(true)
  })

  it("two identical flushes sent at once each read their own request's trace, told apart by the connection it came on", async () => {
    const { api } = await start()
    const sent = await Promise.all([api.flush('site', PAGE, 'Activate'), api.flush('site', PAGE, 'Activate')])
    const { traces } = await api.listTraces()
    expect(traces).toHaveLength(2)
    expect(sent.map((s) => s.traceId).sort()).toEqual(traces.map((t) => t.id).sort())
    for (const s of sent) {
      const flushStage = (await api.getTrace(s.traceId!))!.trace.stages.find((x) => x.stage === 'flush')!
      expect(s.summary).toBe(flushStage.summary)
      expect(s.report).toEqual(flushStage.detail)
    }
    // Whichever ran first deleted the page's renderings; the other found none left.
    expect(sent.map((s) => s.report!.deleted.length).sort()).toEqual([0, 2])
  })

  it('is sent on an IPv6 listener too (the address without its URL brackets), where /allowedClients judges ::1', async () => {
    const { api } = await start('::1')
    const sent = await api.flush('site', PAGE, 'Activate')
    expect(sent.status).toBe(403)
    expect(sent.summary).toMatch(/^Flushing rejected from ::1/)
  })

  it('picks a Host each farm is selected by, bottom-up: a catch-all farm above others gets one no other farm takes', async () => {
    const { api, docroots } = await start()
    const sent = await api.flush('catchall', PAGE, 'Activate')
    expect(sent.status).toBe(200)
    expect(sent.request.headers[0]).toEqual(['Host', 'localhost'])
    expect(fs.existsSync(path.join(docroots.catchall, `${PAGE}.html`))).toBe(false)
    expect(fs.existsSync(path.join(docroots.site, `${PAGE}.html`))).toBe(true)
  })

  it('sends the request under the URI prefix of a value that has one (/path1/invalidate.cache, §3.3)', async () => {
    const { api, docroots } = await start()
    const sent = await api.flush('prefixed', PAGE, 'Activate')
    expect(sent.status).toBe(200)
    expect(sent.request.target).toBe('/path1/dispatcher/invalidate.cache')
    expect(sent.request.headers[0]).toEqual(['Host', 'flush.example'])
    expect(sent.hostReason).toContain("'flush.example/path1/*' is the first /virtualhosts value")
    expect(fs.existsSync(path.join(docroots.prefixed, `${PAGE}.html`))).toBe(false)
  })

  it("shows the Dispatcher's 403 and why when /allowedClients refuses the loopback client, and nothing is flushed", async () => {
    const { api, docroots } = await start()
    const sent = await api.flush('locked', PAGE, 'Activate')
    expect(sent.status).toBe(403)
    expect(sent.report).toBeNull()
    expect(sent.summary).toBe(
      "Flushing rejected from 127.0.0.1: /allowedClients does not allow 127.0.0.1 (the connection's address), answered 403"
    )
    expect(sent.request.headers[0]).toEqual(['Host', 'locked.example'])
    expect((await api.listTraces()).traces.map((t) => [t.url, t.status])).toEqual([
      ['/dispatcher/invalidate.cache', 403]
    ])
    expect(fs.existsSync(path.join(docroots.locked, `${PAGE}.html`))).toBe(true)
    expect(fs.existsSync(path.join(docroots.locked, '.stat'))).toBe(false)
  })

  it('sends CQ-Action-Scope: ResourceOnly when asked: the files go, no .stat is touched, as the preview says', async () => {
    const { api, docroots } = await start()
    const preview = await api.previewFlush('site', PAGE, 'Activate', true)
    expect(preview.resourceOnly).toBe(true)
    expect(preview.statfiles).toEqual([])
    const sent = await api.flush('site', PAGE, 'Activate', true)
    expect(sent.request.headers).toContainEqual(['CQ-Action-Scope', 'ResourceOnly'])
    expect(sent.report?.resourceOnly).toBe(true)
    expect(sent.report?.statfilesTouched).toEqual([])
    expect(sent.report?.deleted.sort()).toEqual(preview.deletions.map((d) => d.relPath).sort())
    expect(fs.existsSync(path.join(docroots.site, '.stat'))).toBe(false)
    expect(fs.existsSync(path.join(docroots.site, `${PAGE}.html`))).toBe(false)
  })
})

/**
 * AMS's layout (dispatcher-behavior.md §3.3 notes): the publish farm and a flush farm,
 * `/virtualhosts { "flush" }`, caching into the same docroot, the flush farm with its own
 * /allowedClients; AEM's flush agent sends `Host: flush`. `/otherfarm`, with a docroot of its
 * own, keeps its own Host.
 */
async function startAms(
  flushAllowed = '/0 { /glob "*" /type "deny" } /1 { /glob "127.0.0.1" /type "allow" }'
): Promise<{
  api: LocalEngineApi
  docroot: string
  config: string
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cache-view-flush-ams-'))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  const docroot = path.join(dir, 'html')
  const other = path.join(dir, 'other')
  for (const root of [docroot, other]) {
    fs.mkdirSync(path.join(root, 'content/site/en'), { recursive: true })
    fs.writeFileSync(path.join(root, `${PAGE}.html`), 'page')
  }
  const cache = (root: string, allowed: string): string => `/cache {
      /docroot "${root}"
      /statfileslevel "2"
      /rules { /0 { /glob "*" /type "allow" } }
      /allowedClients { ${allowed} }
    }`
  const config = path.join(dir, 'dispatcher.any')
  fs.writeFileSync(
    config,
    `/farms {
  /publishflushfarm {
    /virtualhosts {
      "flush"
    }
    /renders { /rend01 { /hostname "127.0.0.1" /port "0" } }
    /filter { /0001 { /type "deny" /glob "*" } }
    ${cache(docroot, flushAllowed)}
  }
  /otherfarm {
    /virtualhosts { "other.example" }
    /renders { /0 { /hostname "127.0.0.1" /port "9" } }
    /filter { /0001 { /type "deny" /url "*" } }
    ${cache(other, '/0 { /glob "127.0.0.1" /type "allow" }')}
  }
  /publishfarm {
    /virtualhosts { "www.example.com" }
    /renders { /0 { /hostname "127.0.0.1" /port "9" } }
    /filter { /0001 { /type "deny" /url "*" } }
    ${cache(docroot, '/0 { /glob "*" /type "deny" }')}
  }
}
`
  )
  const engine = new Engine({ config, port: 0, watch: false })
  cleanups.push(() => engine.stop())
  await engine.start()
  return { api: new LocalEngineApi(engine), docroot, config }
}

describe("the Cache view's Flush on AMS (a flush farm sharing the docroot)", () => {
  it("sends Host: flush, as AMS's flush agent does, and the preview says so before sending", async () => {
    const { api, docroot, config } = await startAms()
    const preview = await api.previewFlush('publishfarm', PAGE, 'Activate')
    expect(preview.request).toEqual({
      method: 'POST',
      target: '/dispatcher/invalidate.cache',
      headers: [
        ['Host', 'flush'],
        ['CQ-Action', 'Activate'],
        ['CQ-Handle', PAGE],
        ['CQ-Path', PAGE],
        ['Content-Type', 'application/octet-stream'],
        ['Content-Length', '0']
      ],
      farm: 'publishflushfarm',
      value: { value: 'flush', pos: expect.objectContaining({ file: config, line: 4 }) },
      hostReason: expect.stringContaining("'flush'"),
      flushFarmNote: "as AMS's flush agent: Host: flush → /publishflushfarm, same docroot as /publishfarm"
    })
    expect(preview.statfiles).toEqual(['/.stat', '/content/.stat', '/content/site/.stat'])
    // The publish farm's own /allowedClients refuses everyone: only the flush farm's lets the loopback client flush.
    const sent = await api.flush('publishfarm', PAGE, 'Activate')
    expect(sent.status).toBe(200)
    expect(sent.request.headers).toEqual(preview.request!.headers)
    expect(sent.summary).not.toContain('reached farm')
    expect(sent.report?.deleted).toEqual([`${PAGE}.html`])
    const { traces } = await api.listTraces()
    expect(traces.map((t) => [t.host, t.farm, t.status])).toEqual([['flush', 'publishflushfarm', 200]])
    expect(fs.existsSync(path.join(docroot, `${PAGE}.html`))).toBe(false)
  })

  it("the flush farm's /allowedClients judges it, as it judges the agent's: a 403 from /publishflushfarm", async () => {
    const { api, docroot } = await startAms('/0 { /glob "*" /type "deny" }')
    const sent = await api.flush('publishfarm', PAGE, 'Activate')
    expect([sent.status, sent.request.headers[0]]).toEqual([403, ['Host', 'flush']])
    expect(sent.summary).toMatch(/^Flushing rejected from 127\.0\.0\.1/)
    expect(fs.existsSync(path.join(docroot, `${PAGE}.html`))).toBe(true)
  })

  it('a farm with a docroot of its own keeps its own Host; the flush farm itself is flushed by its own', async () => {
    const { api } = await startAms()
    const other = (await api.previewFlush('otherfarm', PAGE, 'Activate')).request
    expect([other?.headers[0], other?.farm, other?.flushFarmNote]).toEqual([
      ['Host', 'other.example'],
      'otherfarm',
      undefined
    ])
    const flushFarm = (await api.previewFlush('publishflushfarm', PAGE, 'Activate')).request
    expect([flushFarm?.headers[0], flushFarm?.farm, flushFarm?.flushFarmNote]).toEqual([
      ['Host', 'flush'],
      'publishflushfarm',
      undefined
    ])
  })
})
