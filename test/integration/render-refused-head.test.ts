/**
 * A render that answers with a header line httpd's header filter refuses (a control character,
 * DEL or a bare CR in a value, a name that is no token): mod_dispatcher reads the head with its
 * own reader and copies the fields into r->headers_out, so check_headers (httpd 2.4.24+)
 * answers ap_die's 500 (AH02430, AH02429, AH02428), as apache2 does for mod_proxy's answer
 * (test/httpd/proxy-answers.test.ts). The render answered: no retry, no connection failure, no
 * 503, and nothing of it is stored. A head httpd cannot read at all (a NUL) stays a failed
 * attempt. The raw render is test/httpd/raw-backend.ts's (`/b/fields/<status>?<lines>`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { dispatcherLogLine } from '../../src/shared/log-line'
import type { RenderDetail, RequestTrace } from '../../src/shared/trace'
import { startRawBackend, type RawBackend } from '../httpd/raw-backend'
import { cacheSection, tempDocroot } from './support/cache'
import { dispatcherAny } from './support/config'
import { stackForThisTest, type Stack } from './support/engine'
import { freePort } from './support/ports'

async function rawRender(): Promise<RawBackend> {
  const backend = await startRawBackend(await freePort())
  onTestFinished(() => backend.close())
  return backend
}

/** A stack whose one farm, publish, has `backend` for its render (`extra`: more of the farm). */
function publishStack(backend: RawBackend, extra?: string): Promise<Stack> {
  return stackForThisTest({
    any: dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: backend.port }], extra }]),
    files: { 'httpd.conf': 'SetHandler dispatcher-handler\n' }
  })
}

/** The render stage's summary of an answer's trace. */
function renderSummary(answer: { trace: RequestTrace }): string | undefined {
  return answer.trace.stages.find((st) => st.stage === 'render')?.summary
}

/** The render stage's summary for X-Bad: a\x01b on a 200. */
const REFUSED_01 =
  /answered 200, whose X-Bad header value 'a\\x01b' holds a control character, which httpd's header filter refuses \(AH02430\): 500$/

/** `/b/fields/<status>.html?<line>`: the render's answer carries that header line (%XX a byte). */
function fields(status: number, line: string): string {
  return `/b/fields/${status}.html?${line.replaceAll(' ', '%20')}`
}

describe("a render's header httpd's header filter refuses", () => {
  it('is a 500 at once, not a connection failure: no retry, the render counted as answering, nothing stored', async () => {
    const backend = await rawRender()
    const docroot = tempDocroot()
    // The query is ignored for the cache, so the answer would be stored if it were taken.
    const s = await publishStack(
      backend,
      cacheSection(docroot, { ignoreUrlParams: '/0001 { /glob "*" /type "allow" }' })
    )
    const started = performance.now()
    const a = await s.send(fields(200, 'X-Bad: a%01b'))
    expect(a.status).toBe(500)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(a.text).toContain('<title>500 Internal Server Error</title>')
    expect(a.text).not.toContain('Additionally')
    expect(a.headers['content-length']).toBeUndefined()
    expect(a.headers.connection).toBe('close')
    expect(a.headers['x-bad']).toBeUndefined()
    // Sent once: the render answered, so nothing is retried.
    expect(backend.records).toHaveLength(1)
    const render = a.trace.stages.find((st) => st.stage === 'render')!
    expect(render.verdict).toBe('stop')
    expect(render.summary).toBe(
      `render /r0 (127.0.0.1:${backend.port}) answered 200, whose X-Bad header value 'a\\x01b' holds a control character, which httpd's header filter refuses (AH02430): 500`
    )
    expect(render.log).toContain(`Connected to backend r0 (127.0.0.1:${backend.port})`)
    expect(render.log?.some((l) => l.startsWith('Unable to connect'))).toBe(false)
    const detail = render.detail as RenderDetail
    expect(detail.attempts.map((x) => x.result)).toEqual(['HTTP 200'])
    expect(a.trace.outcome).toBe('error')
    expect(dispatcherLogLine(a.trace)).toMatch(
      /"GET \/b\/fields\/200\.html\?X-Bad:%20a%01b" 500 \d+ms \[publish\/r0\] \[action none\]/
    )
    const cache = a.trace.stages.filter((st) => st.stage === 'cache').map((st) => st.summary)
    expect(cache).toContain("not stored: httpd's header filter refused the render's answer for /b/fields/200.html")
    expect(fs.existsSync(path.join(docroot, 'b/fields/200.html'))).toBe(false)
  })

  it("names the render's status when it is not 200, and refuses a name that is no token, an empty one and DEL", async () => {
    const backend = await rawRender()
    const s = await publishStack(backend)
    // With r->status the render's 404, ap_die takes the 500 for a recursive error.
    const missing = await s.send(fields(404, 'X-Bad: a%01b'))
    expect(missing.status).toBe(500)
    expect(missing.text).toContain('Additionally, a 404 Not Found\nerror was encountered')
    const summary = async (target: string): Promise<string | undefined> => renderSummary(await s.send(target))
    expect(await summary(fields(200, 'X B: ab'))).toMatch(
      /answered 200, whose header name 'X B' is no token, .*\(AH02429\): 500$/
    )
    expect(await summary(fields(200, ': ab'))).toMatch(
      /answered 200, which has a header line without a name \(AH02428\): 500$/
    )
    expect(await summary(fields(200, 'X-Bad: a%7Fb'))).toMatch(
      /whose X-Bad header value 'a\\x7fb' holds a control character/
    )
    expect(backend.records).toHaveLength(4)
  })

  it('is read on a connection kept from an earlier answer, whose bytes are not taken for its head', async () => {
    const backend = await rawRender()
    const s = await publishStack(backend)
    const ok = await s.send(fields(200, 'X-Ok: a'))
    expect([ok.status, ok.text]).toEqual([200, 'ok\n'])
    const bad = await s.send(fields(200, 'X-Bad: a%0Db'))
    expect(bad.status).toBe(500)
    expect(renderSummary(bad)).toContain("answered 200, whose X-Bad header value 'a\\rb' holds a control character")
  })

  it('is read to its end when the refused line comes in a read before the rest of the head', async () => {
    // llhttp refuses the 0x01 in the first read; httpd reads on to the blank line and refuses
    // the field then. The render answered: no retry, and its connection is not kept.
    const backend = await rawRender()
    const s = await publishStack(backend, '/numberOfRetries "1"')
    const a = await s.send(`/b/fields-later/200.html?X-Bad:%20a%01b`)
    expect(a.status).toBe(500)
    expect(renderSummary(a)).toMatch(REFUSED_01)
    expect(backend.records).toHaveLength(1)
  })

  it('is the same 500 for a request sent with Expect: 100-continue under /failover (node:http reads that answer)', async () => {
    const backend = await rawRender()
    const s = await publishStack(backend, '/failover "1"')
    const a = await s.send(fields(200, 'X-Bad: a%01b'), { method: 'POST', body: 'form=1' })
    expect(a.status).toBe(500)
    expect(a.headers.connection).toBe('close')
    expect(backend.records.map((r) => [/expect: 100-continue/i.test(r.head), r.body])).toEqual([[true, 'form=1']])
    expect(renderSummary(a)).toMatch(REFUSED_01)
    // node's parser, too, refuses the line in a read before the rest of the head, read to its end.
    const later = await s.send('/b/fields-later/200.html?X-Bad:%20a%01b', { method: 'POST', body: 'form=1' })
    expect(later.status).toBe(500)
    expect(backend.records).toHaveLength(2)
  })

  it('a head httpd cannot read (a NUL) stays a failed attempt: the farm has no render that answered, 503', async () => {
    const backend = await rawRender()
    const s = await publishStack(backend, '/numberOfRetries "1"')
    const a = await s.send(fields(200, 'X-Bad: a%00b'))
    expect(a.status).toBe(503)
    expect(renderSummary(a)).toContain('Unable to connect to any backend in farm publish')
  })
})
