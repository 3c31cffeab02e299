/**
 * Which address /allowedClients judges a flush by (dispatcher-behavior.md §7.2), and that the
 * trace says it. The embedded configuration's remoteip.conf (the AEMaaCS image's) makes the
 * X-Forwarded-For address "the client" for Apache; the flush stage matches the connection's
 * peer instead (stages/flush-client.ts says why), so a header cannot widen /allowedClients.
 * The flush stage names the address checked and that it is the connection's, when serving
 * and in explain alike, where `--client` is the connection's address.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { StageTrace } from '../../src/shared/trace'
import { tempDocroot } from './support/cache'
import { embeddedConfigWithVhost } from './support/config'
import { embeddedSite } from './support/embedded-site'
import { stackForThisTest } from './support/engine'

const FLUSH = { 'cq-action': 'Activate', 'cq-handle': '/content/demo/us/en' }
const stage = (stages: StageTrace[], name: string): StageTrace[] => stages.filter((s) => s.stage === name)

/** The embedded configuration whose farm allows `glob` to flush, and no longer 127.0.0.1 (its render's, AEM_IP's, address). */
async function allowingOnly(glob: string) {
  const configDir = embeddedConfigWithVhost('')
  const farm = path.join(configDir, 'conf.dispatcher.d/enabled_farms/default.farm')
  const text = fs.readFileSync(farm, 'utf8')
  const rules = `/0100 { /glob "127.0.0.1" /type "deny" } /0101 { /glob "${glob}" /type "allow" }`
  fs.writeFileSync(farm, text.replace('/0100 { /glob "127.0.0.1" /type "allow" }', rules))
  const docroot = tempDocroot()
  return stackForThisTest({
    upstreams: ['publish'],
    configDir,
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
  })
}

describe('/allowedClients judges the connection, and the flush stage says so', () => {
  it('a flush from 127.0.0.1 with X-Forwarded-For: 10.1.1.1 passes /allowedClients "127.0.0.1": the trace names 127.0.0.1, the connection, not mod_remoteip\'s 10.1.1.1', async () => {
    const s = await embeddedSite()
    const r = await s.send('/dispatcher/invalidate.cache', {
      method: 'POST',
      headers: { ...FLUSH, 'x-forwarded-for': '10.1.1.1' }
    })
    expect(r.status).toBe(200)
    expect(stage(r.trace.stages, 'accept').map((a) => a.summary)).toContainEqual(
      expect.stringMatching(/^mod_remoteip: X-Forwarded-For \(remoteip\.conf:\d+\) makes 10\.1\.1\.1 the client/)
    )
    const [flush] = stage(r.trace.stages, 'flush')
    expect(flush.summary).toBe(
      "Activate /content/demo/us/en: 3 .stat touched, 0 deleted; /allowedClients allows 127.0.0.1 (the connection's address, not mod_remoteip's client 10.1.1.1)"
    )
    expect((flush.detail as { allowedClients: unknown }).allowedClients).toEqual({
      checked: '127.0.0.1',
      of: 'connection',
      remoteIpClient: '10.1.1.1',
      configured: true,
      allowed: true
    })
  })

  it('without mod_remoteip taking a header, the summary still names the address checked', async () => {
    const s = await embeddedSite()
    const r = await s.send('/dispatcher/invalidate.cache', { method: 'POST', headers: FLUSH })
    const [flush] = stage(r.trace.stages, 'flush')
    expect(flush.summary).toMatch(/; \/allowedClients allows 127\.0\.0\.1 \(the connection's address\)$/)
    expect((flush.detail as { allowedClients: { remoteIpClient: string | null } }).allowedClients.remoteIpClient).toBe(
      null
    )
  })

  it('/allowedClients "10.1.1.1" refuses a flush from 127.0.0.1 that says X-Forwarded-For: 10.1.1.1, naming the address it judged', async () => {
    const s = await allowingOnly('10.1.1.1')
    const r = await s.send('/dispatcher/invalidate.cache', {
      method: 'POST',
      headers: { ...FLUSH, 'x-forwarded-for': '10.1.1.1' }
    })
    expect(r.status).toBe(403)
    const [flush] = stage(r.trace.stages, 'flush')
    expect(flush.summary).toBe(
      "Flushing rejected from 127.0.0.1: /allowedClients does not allow 127.0.0.1 (the connection's address, not mod_remoteip's client 10.1.1.1), answered 403"
    )
    expect(flush.log).toEqual(['Flushing rejected from 127.0.0.1'])
    expect((flush.detail as { allowedClients: { allowed: boolean } }).allowedClients.allowed).toBe(false)
  })

  it("explain's client is the connection's address, said in the same words", async () => {
    const s = await allowingOnly('10.1.1.1')
    const explain = (client: string, headers: Record<string, string>) =>
      stage(
        s.engine.explain({
          method: 'POST',
          url: '/dispatcher/invalidate.cache',
          client,
          headers: { ...FLUSH, ...headers }
        }).stages,
        'flush'
      )[0].summary
    expect(explain('10.1.1.1', {})).toMatch(
      /^would invalidate \/content\/demo\/us\/en \(Activate\): .*; \/allowedClients allows 10\.1\.1\.1 \(the connection's address\)$/
    )
    expect(explain('127.0.0.1', { 'x-forwarded-for': '10.1.1.1' })).toBe(
      "Flushing rejected from 127.0.0.1: /allowedClients does not allow 127.0.0.1 (the connection's address, not mod_remoteip's client 10.1.1.1), answered 403"
    )
  })
})
