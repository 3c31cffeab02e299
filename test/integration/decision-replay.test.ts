/**
 * Decision replay (src/main/engine/pipeline/replay.ts) through the real listener, on a copy
 * of the embedded AEMaaCS configuration with its rewrite rules: an identical request head
 * replays the decisions up to the cache stage and answers exactly as the first did; a rule
 * that reads the clock, the client's port or the file system, a different header, or a
 * reloaded configuration means the stages run again.
 */
import fs from 'node:fs'
import path from 'node:path'
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import type { RequestTrace } from '../../src/shared/trace'
import type { HeadersTrace } from '../../src/shared/trace-apache'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigCopy } from './support/config'

/** The embedded configuration with `rules` appended to its site rewrite rules. */
function configWith(rules: string): string {
  const dir = embeddedConfigCopy('replay-')
  fs.appendFileSync(path.join(dir, 'conf.d/rewrites/rewrite.rules'), `\n${rules}\n`)
  return dir
}

function stack(rules = ''): Promise<Stack> {
  return stackForThisTest({
    upstreams: ['publish'],
    configDir: configWith(rules),
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
  })
}

/** What the stages before the cache stage decided, as the user reads it in the trace (timings aside). */
function decisions(t: RequestTrace): unknown {
  const upToCache = t.stages.slice(
    0,
    t.stages.findIndex((s) => s.stage === 'cache')
  )
  return {
    farm: t.farm,
    vhost: t.vhost,
    decidingRule: t.decidingRule,
    warnings: t.warnings,
    stages: upToCache.map((s) => ({ ...s, durationMs: undefined }))
  }
}

/** `n` identical requests over one kept-alive connection (as a browser reloading a page sends them). */
async function sendRepeated(
  s: Stack,
  target: string,
  n: number,
  opts: { headers?: Record<string, string> } = {}
): Promise<Awaited<ReturnType<Stack['send']>>[]> {
  const keep = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const runs = []
    for (let i = 0; i < n; i++) runs.push(await s.send(target, { ...opts, agent: keep }))
    return runs
  } finally {
    keep.destroy()
  }
}

describe('decision replay', () => {
  it('an identical request replays the decisions and gets the same answer and trace', async () => {
    const s = await stack('RewriteRule "^/old\\.html$" "/content/demo/us/en.html" [PT,L]')
    const [first, second] = await sendRepeated(s, '/old.html', 2)
    expect(first.trace.replayedFrom).toBeUndefined()
    expect(second.trace.replayedFrom).toBe(first.trace.id)
    expect(second.status).toBe(first.status)
    expect(second.text).toBe(first.text)
    expect(decisions(second.trace)).toEqual(decisions(first.trace))
    // The rewritten URL was fetched and stored once; the replayed request found it in the cache.
    expect(first.trace.outcome).toBe('miss-stored')
    expect(second.trace.outcome).toBe('hit')
    expect(s.up.publish.requests.filter((r) => r.url === '/content/demo/us/en.html')).toHaveLength(1)
    const replayed = second.trace.stages.filter((st) => st.durationMs === 0).map((st) => st.stage)
    expect(replayed).toEqual(expect.arrayContaining(['rewrite', 'filter']))
  })

  it('a different header value, method or client connection option is a different request', async () => {
    const s = await stack()
    const a = await s.send('/content/demo/us/en.html', { headers: { 'x-a': '1' } })
    const b = await s.send('/content/demo/us/en.html', { headers: { 'x-a': '2' } })
    const c = await s.send('/content/demo/us/en.html', { method: 'HEAD', headers: { 'x-a': '1' } })
    expect(a.trace.replayedFrom).toBeUndefined()
    expect(b.trace.replayedFrom).toBeUndefined()
    expect(c.trace.replayedFrom).toBeUndefined()
    const d = await s.send('/content/demo/us/en.html', { headers: { 'x-a': '2' } })
    expect(d.trace.replayedFrom).toBe(b.trace.id)
  })

  const notReplayed: [string, string][] = [
    [
      'the clock (%{TIME_SEC})',
      'RewriteCond %{TIME_SEC} >-1\nRewriteRule "^/t\\.html$" "/content/demo/us/en.html" [PT,L]'
    ],
    ['the client port', 'RewriteCond %{REMOTE_PORT} >0\nRewriteRule "^/t\\.html$" "/content/demo/us/en.html" [PT,L]'],
    [
      'the file system (-f)',
      'RewriteCond %{DOCUMENT_ROOT}/nothing.html !-f\nRewriteRule "^/t\\.html$" "/content/demo/us/en.html" [PT,L]'
    ],
    ['a cookie lifetime', 'RewriteRule "^/t\\.html$" "/content/demo/us/en.html" [PT,L,CO=seen:1:localhost:10]']
  ]
  for (const [what, rules] of notReplayed) {
    it(`a decision that read ${what} is taken again every time`, async () => {
      const s = await stack(rules)
      const first = await s.send('/t.html')
      const second = await s.send('/t.html')
      expect(first.status).toBe(200)
      expect(s.up.publish.last?.url).toBe('/content/demo/us/en.html')
      expect(second.trace.replayedFrom).toBeUndefined()
      // The rewrite stage ran again (a replayed entry shows 0 ms).
      expect(second.trace.stages.find((st) => st.stage === 'rewrite')!.durationMs).toBeGreaterThan(0)
    })
  }

  it('a reloaded configuration decides again', async () => {
    const s = await stack('RewriteRule "^/r\\.html$" "/content/demo/us/en.html" [PT,L]')
    await s.send('/r.html')
    expect((await s.send('/r.html')).trace.replayedFrom).toBeDefined()
    const rules = path.join(s.engine.configInput, 'conf.d/rewrites/rewrite.rules')
    fs.appendFileSync(rules, '\nRewriteRule "^/r\\.html$" "/content/demo/us/en/adventures.html" [PT,L]\n')
    fs.writeFileSync(
      rules,
      fs.readFileSync(rules, 'utf8').replace('"^/r\\.html$" "/content/demo/us/en.html"', '"^/x$" "/y"')
    )
    expect(s.engine.reload().ok).toBe(true)
    const after = await s.send('/r.html')
    expect(after.trace.replayedFrom).toBeUndefined()
    expect(s.up.publish.requests.map((r) => r.url)).toContain('/content/demo/us/en/adventures.html')
  })

  it('a replayed request that reaches the render sends it the same header lines as the run it replays', async () => {
    const s = await stack()
    const page = '/content/demo/us/en/about.html'
    s.up.publish.behave(page, { body: 'fresh', headers: { 'content-type': 'text/html', dispatcher: 'no-cache' } })
    const headers = { 'accept-language': 'de', 'x-forwarded-for': '203.0.113.7' }
    const runs = await sendRepeated(s, page, 3, { headers })
    expect(runs.map((r) => r.trace.replayedFrom)).toEqual([undefined, runs[0].trace.id, runs[0].trace.id])
    const sent = s.up.publish.requests.filter((r) => r.url === page).map((r) => r.headers)
    expect(sent).toHaveLength(3)
    for (const h of sent) {
      expect(h['accept-language']).toBe('de')
      // The image's remoteip.conf makes the header's address the client and sets the header to
      // it again; the module then adds the client (dispatcher-behavior.md §6.3).
      expect(h['x-forwarded-for']).toBe('203.0.113.7, 203.0.113.7')
      expect(h.via).toMatch(/^1\.1 127\.0\.0\.1:\d+ \(dispatcher\)$/)
    }
    expect(sent[1]).toEqual(sent[0])
    expect(sent[2]).toEqual(sent[0])
    expect(runs[2].trace.forwarded).toEqual(runs[0].trace.forwarded)
  })

  it('the Header directives of a served request are explained when its trace is read, as they ran', async () => {
    const s = await stack('Header set X-Lazy "one" "expr=%{REQUEST_STATUS} == 200"\nHeader append X-Lazy "two"')
    const runs = await sendRepeated(s, '/content/demo/us/en.html', 2)
    expect(runs[1].trace.replayedFrom).toBe(runs[0].trace.id)
    for (const r of runs) {
      expect(r.headers['x-lazy']).toBe('one, two')
      const stage = r.trace.stages.find((st) => st.summary.startsWith('Header directives applied'))
      const entries = (stage?.detail as HeadersTrace).entries.filter((e) => e.header === 'X-Lazy')
      expect(entries.map((e) => [e.action, e.applied, e.value, e.after])).toEqual([
        ['set', true, 'one', ['one']],
        ['append', true, 'two', ['one, two']]
      ])
      expect(entries[0].condition).toMatchObject({ result: true })
    }
  })

  it('a replayed request still knows the spelling of the headers RequestHeader added (Header echo)', async () => {
    const s = await stack('RequestHeader set X-Added-Here "yes"\nHeader echo "^X-Added"')
    const runs = await sendRepeated(s, '/content/demo/us/en.html', 2)
    expect(runs[1].trace.replayedFrom).toBe(runs[0].trace.id)
    // r->headers_in keeps the name as RequestHeader spelled it, and echo's pattern is matched against that spelling.
    for (const r of runs) expect(r.headers['x-added-here']).toBe('yes')
  })

  it('a replayed request keeps the lines RequestHeader add made (apr_table_get reads the first)', async () => {
    const s = await stack(
      'RequestHeader add X-Twice "one"\nRequestHeader add X-Twice "two"\nHeader set X-First "expr=%{req:X-Twice}"'
    )
    const runs = await sendRepeated(s, '/content/demo/us/en.html', 2)
    expect(runs[1].trace.replayedFrom).toBe(runs[0].trace.id)
    for (const r of runs) expect(r.headers['x-first']).toBe('one')
  })
})

describe('the Header directives’ outcome for a replayed head', () => {
  const PAGE = '/content/demo/us/en/remembered.html'
  /** Every request reaches the render (a cache hit would answer with the stored headers only). */
  const UNCACHED = { 'content-type': 'text/html', dispatcher: 'no-cache' }

  it('is made once and handed to the next replays, whose traces still explain it', async () => {
    const s = await stack('Header set X-Remembered "one" "expr=%{REQUEST_STATUS} == 200"\nHeader merge Vary Origin')
    s.up.publish.behave(PAGE, { body: 'page', headers: { ...UNCACHED, vary: 'Accept-Encoding' } })
    const runs = await sendRepeated(s, PAGE, 4)
    for (const r of runs) {
      expect(r.headers['x-remembered']).toBe('one')
      expect(r.headers.vary).toBe('Accept-Encoding,Origin')
      const stage = r.trace.stages.find((st) => st.summary.startsWith('Header directives applied'))
      const entries = (stage?.detail as HeadersTrace).entries.filter((e) => e.header === 'X-Remembered')
      expect(entries.map((e) => [e.action, e.applied, e.value])).toEqual([['set', true, 'one']])
    }
    // The first replay ran the directives; the next ones got the same (frozen) headers without running them.
    expect(runs[3].trace.replayedFrom).toBe(runs[0].trace.id)
    expect(runs[3].trace.response.headers).toBe(runs[2].trace.response.headers)
    expect(Object.isFrozen(runs[2].trace.response.headers)).toBe(true)
  })

  it('is made again when a header the render sent or the status changes', async () => {
    const s = await stack('Header edit X-Val "^a" "b"\nHeader set X-Ok "yes" "expr=%{REQUEST_STATUS} == 200"')
    const answers: [number, unknown, unknown][] = []
    const keep = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      for (const [status, value] of [
        [200, 'a1'],
        [200, 'a1'],
        [200, 'a1'],
        [200, 'a2'],
        [404, 'a2'],
        [200, 'a2']
      ] as const) {
        s.up.publish.behave(PAGE, { status, body: 'x', headers: { ...UNCACHED, 'x-val': value } })
        const r = await s.send(PAGE, { agent: keep })
        answers.push([r.status, r.headers['x-val'], r.headers['x-ok']])
      }
    } finally {
      keep.destroy()
    }
    expect(answers).toEqual([
      [200, 'b1', 'yes'],
      [200, 'b1', 'yes'],
      [200, 'b1', 'yes'],
      [200, 'b2', 'yes'],
      [404, 'b2', undefined],
      [200, 'b2', 'yes']
    ])
  })

  it('is never remembered for a directive that reads the clock', async () => {
    const s = await stack('Header set X-Time "%t"')
    s.up.publish.behave(PAGE, { body: 'page', headers: UNCACHED })
    const runs = await sendRepeated(s, PAGE, 4)
    const times = runs.map((r) => r.headers['x-time'])
    for (const t of times) expect(t).toMatch(/^t=\d{16}$/)
    expect(new Set(times).size).toBe(4)
  })
})
