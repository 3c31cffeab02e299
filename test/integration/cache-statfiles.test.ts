/**
 * Statfiles and invalidation (dispatcher-behavior.md §5.5, §7, worked examples §12.4) through
 * HTTP flush requests on the real listener: which `.stat` files a flush of the handle
 * `/content/site/en/page` touches, what it deletes, and whether later requests are answered
 * from the cache or go to the render again.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Outcome, RequestTrace } from '../../src/shared/trace'
import { toExplainJson } from '../../src/cli/explain-json'
import { cacheStackForThisTest, statfilesIn, tempDocroot, type CacheStack } from './support/cache'

const HANDLE = '/content/site/en/page'
const A = '/content/site/en/a.html'
const B = '/content/site/fr/b.html'
const C = '/content/other/c.html'
const DATA = '/content/site/en/data.json'

function logOf(trace: RequestTrace): string[] {
  return trace.stages.flatMap((s) => s.log ?? [])
}

/** Whether the next GET of `target` is delivered from the cache (and the render is left alone). */
async function servedFromCache(s: CacheStack, target: string): Promise<boolean> {
  const before = s.up.publish.count
  const a = await s.get(target)
  expect(a.status, target).toBe(200)
  return s.up.publish.count === before
}

async function primeAll(s: CacheStack, targets: string[]): Promise<void> {
  for (const t of targets) await s.prime(t)
}

describe('§12.4 S1–S5: the .stat files an Activate of /content/site/en/page touches, by /statfileslevel', () => {
  const cases: [string, number, string[]][] = [
    ['S1', 0, ['/.stat']],
    ['S2', 1, ['/.stat', '/content/.stat']],
    ['S3', 2, ['/.stat', '/content/.stat', '/content/site/.stat']],
    ['S4', 3, ['/.stat', '/content/.stat', '/content/site/.stat', '/content/site/en/.stat']],
    ['S5', 6, ['/.stat', '/content/.stat', '/content/site/.stat', '/content/site/en/.stat']]
  ]
  for (const [name, level, touched] of cases) {
    it(`${name}: /statfileslevel "${level}" touches ${touched.join(', ')}; every cached .html without a deeper .stat of its own is stale, .json is not`, async () => {
      const s = await cacheStackForThisTest({ statfileslevel: level })
      await primeAll(s, [A, B, C, DATA])
      expect(statfilesIn(s.docroot)).toEqual([])
      const f = await s.flush({ handle: HANDLE })
      expect(f.status).toBe(200)
      expect(f.trace.outcome).toBe('flush')
      expect(statfilesIn(s.docroot)).toEqual(touched)
      // The handle's own folder gets no .stat (UNCERTAIN default, §5.5.2).
      expect(s.exists(`${HANDLE}/.stat`)).toBe(false)
      for (const html of [A, B, C]) {
        const stale = await s.get(html)
        expect(stale.headers['x-cache-info'], html).toBe('caching: stat file is more recent')
      }
      expect(await servedFromCache(s, DATA)).toBe(true)
    })
  }

  it('S4: /content/site/fr/b.html stays fresh when /content/site/fr/.stat exists (it governs b.html instead of /content/site/.stat)', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    expect((await s.flush({ handle: '/content/site/fr/earlier' })).status).toBe(200)
    expect(s.exists('/content/site/fr/.stat')).toBe(true)
    await primeAll(s, [A, B])
    await s.flush({ handle: HANDLE })
    expect(await servedFromCache(s, B)).toBe(true)
    expect(await servedFromCache(s, A)).toBe(false)
  })

  it('S4: a file cached before any flush and with no .stat anywhere is fresh', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    await s.prime(A)
    expect(await servedFromCache(s, A)).toBe(true)
  })
})

describe('§12.4 S6–S8: what a flush deletes', () => {
  const PAGE_FILES = [
    `${HANDLE}.html`,
    `${HANDLE}.model.json`,
    `${HANDLE}/_jcr_content/par.html`,
    `${HANDLE}/child.html`
  ]
  const NEIGHBOURS = ['/content/site/en/pages.html', '/content/site/en/page2.html']

  async function populated(o: Parameters<typeof cacheStackForThisTest>[0] = {}): Promise<CacheStack> {
    const s = await cacheStackForThisTest({ statfileslevel: 3, headers: ['Content-Type'], ...o })
    await primeAll(s, [...PAGE_FILES, ...NEIGHBOURS])
    expect(s.exists(`${HANDLE}.html.h`)).toBe(true)
    return s
  }

  it('S6: Activate deletes page.* (with their .h companions) and page/_jcr_content/, keeps page/ and the neighbours, and touches the .stat files of S4', async () => {
    const s = await populated()
    expect((await s.flush({ handle: HANDLE })).status).toBe(200)
    expect(s.exists(`${HANDLE}.html`)).toBe(false)
    expect(s.exists(`${HANDLE}.html.h`)).toBe(false)
    expect(s.exists(`${HANDLE}.model.json`)).toBe(false)
    expect(s.exists(`${HANDLE}/_jcr_content`)).toBe(false)
    expect(s.exists(`${HANDLE}/child.html`)).toBe(true)
    for (const n of NEIGHBOURS) expect(s.exists(n), n).toBe(true)
    expect(statfilesIn(s.docroot)).toEqual([
      '/.stat',
      '/content/.stat',
      '/content/site/.stat',
      '/content/site/en/.stat'
    ])
    // Deleted files go to the render again; so does a neighbour, stale by its .stat.
    expect(await servedFromCache(s, `${HANDLE}.model.json`)).toBe(false)
    expect(await servedFromCache(s, NEIGHBOURS[0])).toBe(false)
  })

  for (const action of ['Delete', 'Deactivate']) {
    it(`S7: ${action} also removes the handle's folder page/ with everything in it`, async () => {
      const s = await populated()
      expect((await s.flush({ action, handle: HANDLE })).status).toBe(200)
      expect(s.exists(`${HANDLE}.html`)).toBe(false)
      expect(s.exists(`${HANDLE}.model.json`)).toBe(false)
      expect(s.exists(HANDLE)).toBe(false)
      for (const n of NEIGHBOURS) expect(s.exists(n), n).toBe(true)
      expect(statfilesIn(s.docroot)).toEqual([
        '/.stat',
        '/content/.stat',
        '/content/site/.stat',
        '/content/site/en/.stat'
      ])
    })
  }

  it('S8: Activate with CQ-Action-Scope: ResourceOnly touches no .stat file and only deletes what S6 deletes; other pages stay fresh', async () => {
    const s = await populated()
    expect((await s.flush({ handle: HANDLE, scope: 'ResourceOnly' })).status).toBe(200)
    expect(statfilesIn(s.docroot)).toEqual([])
    expect(s.exists(`${HANDLE}.html`)).toBe(false)
    expect(s.exists(`${HANDLE}/_jcr_content`)).toBe(false)
    expect(s.exists(`${HANDLE}/child.html`)).toBe(true)
    expect(await servedFromCache(s, NEIGHBOURS[0])).toBe(true)
    expect(await servedFromCache(s, `${HANDLE}/child.html`)).toBe(true)
    expect(await servedFromCache(s, `${HANDLE}.html`)).toBe(false)
  })

  it('a handle with an extension (/content/dam/logo.png) deletes that exact file', async () => {
    const s = await cacheStackForThisTest()
    await primeAll(s, ['/content/dam/logo.png', '/content/dam/other.png'])
    expect((await s.flush({ handle: '/content/dam/logo.png' })).status).toBe(200)
    expect(s.exists('/content/dam/logo.png')).toBe(false)
    expect(s.exists('/content/dam/other.png')).toBe(true)
  })
})

describe('§12.4 S9–S12: what stays, who may flush, grace period, re-fetch', () => {
  it('S9: data.json, cached before the Activate and not matched by /invalidate, is still delivered from the cache', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    await primeAll(s, [DATA, A])
    await s.flush({ handle: HANDLE })
    const json = await s.get(DATA)
    expect(json.headers['x-cache-info']).toBe('target file cached')
    expect(await servedFromCache(s, A)).toBe(false)
  })

  it('S10: a flush from a client /allowedClients denies is answered 403 "Flushing rejected from 127.0.0.1" and changes nothing', async () => {
    const s = await cacheStackForThisTest({
      allowedClients: `/0 { /glob "*" /type "allow" } /1 { /glob "127.0.0.1" /type "deny" }`
    })
    await primeAll(s, [`${HANDLE}.html`, A])
    const f = await s.flush({ handle: HANDLE })
    expect(f.status).toBe(403)
    expect(logOf(f.trace).some((l) => l.includes('Flushing rejected from 127.0.0.1'))).toBe(true)
    expect(statfilesIn(s.docroot)).toEqual([])
    expect(s.exists(`${HANDLE}.html`)).toBe(true)
    expect(await servedFromCache(s, A)).toBe(true)
  })

  it('S10: without /allowedClients anyone may flush', async () => {
    const s = await cacheStackForThisTest({ allowedClients: null })
    expect((await s.flush({ handle: HANDLE })).status).toBe(200)
    expect(s.exists('/.stat')).toBe(true)
  })

  it('S11: with /gracePeriod "1" a stale /content/site/x.html is still delivered right after the Activate, and fetched again once the grace period is over', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 2, gracePeriod: 1 })
    const X = '/content/site/x.html'
    await s.prime(X)
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: HANDLE })
    const flushedAt = Date.now()
    expect(statfilesIn(s.docroot)).toEqual(['/.stat', '/content/.stat', '/content/site/.stat'])
    expect(await servedFromCache(s, X)).toBe(true)
    await new Promise((r) => setTimeout(r, Math.max(0, flushedAt + 1000 - Date.now()) + 100))
    const after = await s.get(X)
    expect(after.headers['x-cache-info']).toBe('caching: stat file is more recent')
    expect(s.up.publish.last!.url).toBe(X)
  })

  it('S11: repeated activations inside the grace period keep the page servable', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 2, gracePeriod: 1 })
    const X = '/content/site/x.html'
    await s.prime(X)
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 300))
      await s.flush({ handle: HANDLE })
      expect(await servedFromCache(s, X), `after activation ${i + 1}`).toBe(true)
    }
  })

  it("S12: a flush whose body lists /content/site/en.html replaces it with the render's new version before answering", async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    const EN = '/content/site/en.html'
    s.up.publish.behave(EN, { body: 'version 1' })
    await s.prime(EN)
    expect(s.read(EN)).toBe('version 1')
    s.up.publish.behave(EN, { body: 'version 2' })
    const before = s.up.publish.count
    const f = await s.flush({ handle: HANDLE, body: `${EN}\n`, headers: { 'content-type': 'text/plain' } })
    expect(f.status).toBe(200)
    expect(s.up.publish.count).toBe(before + 1)
    expect(s.up.publish.last!.url).toBe(EN)
    expect(s.read(EN)).toBe('version 2')
    expect(statfilesIn(s.docroot)).toEqual([
      '/.stat',
      '/content/.stat',
      '/content/site/.stat',
      '/content/site/en/.stat'
    ])
    const hit = await s.get(EN)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(hit.text).toBe('version 2')
    expect(s.up.publish.count).toBe(before + 1)
  })
})

/** How a flush /allowedClients lets through ends its summary: the address it judged (stages/flush-client.ts). */
const ALLOWED = "; /allowedClients allows 127.0.0.1 (the connection's address)"

describe('explain of a flush (§7.3)', () => {
  it('names the .stat files the flush would touch and the entries it would delete, and changes nothing', async () => {
    const s = await cacheStackForThisTest({ statfileslevel: 3 })
    for (const t of ['/content/site/en/page.html', '/content/site/en/page.model.json', '/content/site/en/page/x.html'])
      await s.prime(t)
    const explain = (headers: Record<string, string>) =>
      s.engine
        .explain({ method: 'POST', url: '/dispatcher/invalidate.cache', headers })
        .stages.find((e) => e.stage === 'flush')!
    const del = explain({ 'cq-action': 'Delete', 'cq-handle': HANDLE })
    expect(del.summary).toBe(
      `would invalidate ${HANDLE} (Delete): touch /.stat, /content/.stat, /content/site/.stat, /content/site/en/.stat;` +
        ' delete /content/site/en/page, /content/site/en/page.html, /content/site/en/page.model.json' +
        ALLOWED
    )
    const resourceOnly = explain({ 'cq-action': 'Activate', 'cq-handle': HANDLE, 'cq-action-scope': 'ResourceOnly' })
    expect(resourceOnly.summary).toBe(
      `would invalidate ${HANDLE} (Activate): touch no .stat file (CQ-Action-Scope: ResourceOnly);` +
        ' delete /content/site/en/page.html, /content/site/en/page.model.json' +
        ALLOWED
    )
    expect(explain({ 'cq-action': 'Test' }).summary).toBe(
      'would answer the connection test (CQ-Action: Test): nothing invalidated' + ALLOWED
    )
    expect(statfilesIn(s.docroot)).toEqual([])
    expect(s.exists('/content/site/en/page.html')).toBe(true)
  })
})

/**
 * What `explain --json` says of a flush request and what the listener answers the same request:
 * status, outcome and Content-Type, explained first (explain changes nothing in the cache).
 */
async function explainedAndServed(
  s: CacheStack,
  method: 'GET' | 'POST',
  headers: Record<string, string>
): Promise<{ explained: unknown[]; served: unknown[] }> {
  const trace = s.engine.explain({ method, url: '/dispatcher/invalidate.cache', headers })
  const json = toExplainJson(trace)
  const answer = await s.send('/dispatcher/invalidate.cache', { method, headers, body: '' })
  return {
    explained: [json.status, json.outcome, trace.response.headers['content-type']],
    served: [answer.status, answer.trace.outcome, answer.headers['content-type']]
  }
}

describe('explain of a flush answers with the status serving it gives (§7.2, §7.3 step 6)', () => {
  // Only a flush carried out has the 'flush' outcome: a refused one must not read as a success.
  const cases: [string, 'GET' | 'POST', Record<string, string>, number, Outcome][] = [
    ['an Activate', 'POST', { 'cq-action': 'Activate', 'cq-handle': HANDLE }, 200, 'flush'],
    ['an Activate sent as a GET', 'GET', { 'cq-action': 'Activate', 'cq-handle': HANDLE }, 200, 'flush'],
    ['a Delete', 'POST', { 'cq-action': 'Delete', 'cq-handle': HANDLE }, 200, 'flush'],
    ['the connection test (CQ-Action: Test)', 'POST', { 'cq-action': 'Test' }, 200, 'flush'],
    ['an Activate without CQ-Handle', 'POST', { 'cq-action': 'Activate' }, 400, 'error']
  ]
  for (const [what, method, headers, status, outcome] of cases) {
    it(`${what} from an allowed client: ${status}, outcome ${outcome}`, async () => {
      const s = await cacheStackForThisTest({ statfileslevel: 3 })
      await s.prime(`${HANDLE}.html`)
      const r = await explainedAndServed(s, method, headers)
      expect(r.served.slice(0, 2)).toEqual([status, outcome])
      expect(r.explained).toEqual(r.served)
    })
  }

  it('an Activate from a client /allowedClients denies: 403, outcome blocked', async () => {
    const s = await cacheStackForThisTest({
      allowedClients: `/0 { /glob "*" /type "allow" } /1 { /glob "127.0.0.1" /type "deny" }`
    })
    const r = await explainedAndServed(s, 'POST', { 'cq-action': 'Activate', 'cq-handle': HANDLE })
    expect(r.served.slice(0, 2)).toEqual([403, 'blocked'])
    expect(r.explained).toEqual(r.served)
  })

  it('an Activate for a farm whose /docroot does not exist: 404, outcome error', async () => {
    const missing = path.join(os.tmpdir(), `dw-no-docroot-${process.pid}-${Date.now()}`)
    const s = await cacheStackForThisTest({ docroot: missing })
    const r = await explainedAndServed(s, 'POST', { 'cq-action': 'Activate', 'cq-handle': HANDLE })
    expect(r.served.slice(0, 2)).toEqual([404, 'error'])
    expect(r.explained).toEqual(r.served)
  })
})

describe('§7: the rest of the flush protocol', () => {
  it("CQ-Action: Test (the agent's connection test) answers 200 and touches nothing", async () => {
    const s = await cacheStackForThisTest()
    await s.prime(A)
    const f = await s.flush({ action: 'Test', handle: '/content' })
    expect(f.status).toBe(200)
    expect(f.trace.stages.find((e) => e.stage === 'flush')!.summary).toBe(
      'connection test (CQ-Action: Test) answered: nothing invalidated' + ALLOWED
    )
    expect(statfilesIn(s.docroot)).toEqual([])
    expect(await servedFromCache(s, A)).toBe(true)
  })

  it('a flush request is handled before the filters: filter F denies POST /dispatcher/invalidate.cache, yet the flush works', async () => {
    const s = await cacheStackForThisTest()
    const plain = await s.send('/dispatcher/invalidate.cache', { method: 'POST', body: '' })
    expect(plain.status).toBe(404)
    expect((await s.flush({ handle: HANDLE })).status).toBe(200)
  })

  it('/invalidateHandler runs the configured program with the handle, the action and the scope', async () => {
    const dir = tempDocroot()
    const out = path.join(dir, 'handler.out')
    const script = path.join(dir, 'handler.sh')
    fs.writeFileSync(script, `#!/bin/sh\necho "$@" >> "${out}"\n`, { mode: 0o755 })
    const s = await cacheStackForThisTest({ invalidateHandler: script })
    expect((await s.flush({ handle: HANDLE })).status).toBe(200)
    expect((await s.flush({ action: 'Delete', handle: '/content/site/fr', scope: 'ResourceOnly' })).status).toBe(200)
    const deadline = Date.now() + 2000
    while (!fs.existsSync(out) || fs.readFileSync(out, 'utf8').split('\n').length < 3) {
      if (Date.now() > deadline) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(
      fs
        .readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.trimEnd())
    ).toEqual([`${HANDLE} Activate`, '/content/site/fr Delete ResourceOnly'])
  })
})
