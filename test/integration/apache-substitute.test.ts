/**
 * mod_substitute in front of the Dispatcher, as AEM projects set it up to shorten links
 * (`Substitute "s|/content/site/en|/en|n"` with `AddOutputFilterByType SUBSTITUTE text/html`):
 * the cache keeps what the render sent, and every answer — the miss and the hits — goes out
 * rewritten, without a Content-Length, then gzipped by the embedded vhost's DEFLATE.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'

const PAGE = '/content/demo/us/en/links.html'
const HTML =
  '<html><body>\n<a href="/content/demo/us/en/about.html">About</a>\n<a href="/content/demo/us/en.html">Home</a>\n</body></html>\n'
const SHORT = '<html><body>\n<a href="/en/about.html">About</a>\n<a href="/en.html">Home</a>\n</body></html>\n'
const LINES = ['Substitute "s|/content/demo/us/en|/en|n"', 'AddOutputFilterByType SUBSTITUTE text/html'].join('\n')

describe('mod_substitute (AddOutputFilterByType SUBSTITUTE text/html)', () => {
  it("rewrites the miss and the hit, while the cache keeps the render's bytes", async () => {
    const s = await embeddedSite(LINES)
    s.up.publish.behave(PAGE, { body: HTML, headers: { 'content-type': 'text/html;charset=utf-8' } })
    const miss = await s.send(PAGE)
    expect(miss.trace.outcome).toBe('miss-stored')
    expect(miss.text).toBe(SHORT)
    expect(miss.headers['content-length']).toBeUndefined()
    expect(miss.headers['transfer-encoding']).toBe('chunked')
    expect(miss.trace.stages.filter((e) => e.stage === 'response').map((e) => e.summary)).toContainEqual(
      expect.stringMatching(
        /^mod_substitute rewrites the answer's lines: AddOutputFilterByType SUBSTITUTE text\/html \(default\.vhost:\d+\), 1 pattern$/
      )
    )
    expect(fs.readFileSync(path.join(s.docroot, PAGE), 'utf8')).toBe(HTML)

    const hit = await s.send(PAGE)
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.text).toBe(SHORT)
    expect(hit.headers['content-length']).toBeUndefined()

    const gz = await s.send(PAGE, { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gz.body).toString('utf8')).toBe(SHORT)

    // Other types pass untouched.
    s.up.publish.behave('/etc.clientlibs/demo/style.css', {
      body: HTML,
      headers: { 'content-type': 'text/css' }
    })
    const json = await s.send('/etc.clientlibs/demo/style.css')
    expect(json.text).toBe(HTML)
    expect(Number(json.headers['content-length'])).toBe(HTML.length)
  })

  it('a line longer than SubstituteMaxLineLength makes the answer a 500', async () => {
    const s = await embeddedSite([LINES, 'SubstituteMaxLineLength 40'].join('\n'))
    s.up.publish.behave(PAGE, { body: 'x'.repeat(100), headers: { 'content-type': 'text/html' } })
    const res = await s.send(PAGE)
    expect(res.status).toBe(500)
    expect(res.text).toContain('<title>500 Internal Server Error</title>')
  })

  it("a line that would crash httpd's child drops the connection, and the trace says so instead of a 200", async () => {
    const s = await embeddedSite(
      ['Substitute "s/z/Z/"', 'Substitute "s/^a//"', 'AddOutputFilterByType SUBSTITUTE text/html'].join('\n')
    )
    s.up.publish.behave(PAGE, { body: 'ab\n', headers: { 'content-type': 'text/html' } })
    await expect(s.send(PAGE)).rejects.toThrow()
    const trace = await s.traceOf(PAGE)
    expect(trace.outcome).toBe('error')
    expect(trace.stages.map((e) => e.summary)).toContainEqual(expect.stringMatching(/child process would crash/))
  })
})
