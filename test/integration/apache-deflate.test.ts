/**
 * mod_deflate through the real listener, as the embedded AEMaaCS-shaped vhost sets it up
 * (`SetOutputFilter DEFLATE` and `SetEnvIfNoCase Request_URI \.(?:gif|jpe?g|png)$ no-gzip
 * dont-vary` in `<Directory />`): what a browser sending `Accept-Encoding: gzip` gets.
 */
import crypto from 'node:crypto'
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { patternBuffer } from './support/upstream'

const GZIP = { 'accept-encoding': 'gzip, deflate, br' }
const PAGE = '/content/demo/us/en/deflate.html'
const HTML = `<html><body>${'<p>Dispatcher Workbench compresses like mod_deflate.</p>'.repeat(40)}</body></html>`

function responseLines(trace: { stages: { stage: string; summary: string }[] }): string[] {
  return trace.stages.filter((e) => e.stage === 'response').map((e) => e.summary)
}

const site = embeddedSite

describe('mod_deflate (SetOutputFilter DEFLATE in <Directory />)', () => {
  it('a miss and then the hit go out gzipped, the hit with a Content-Length and an ETag suffixed -gzip', async () => {
    const s = await site()
    s.up.publish.behave(PAGE, { body: HTML, headers: { 'content-type': 'text/html;charset=utf-8' } })
    const miss = await s.send(PAGE, { headers: GZIP })
    expect(miss.trace.outcome).toBe('miss-stored')
    expect(miss.headers['content-encoding']).toBe('gzip')
    expect(miss.headers.vary).toMatch(/Accept-Encoding/)
    expect(zlib.gunzipSync(miss.body).toString('utf8')).toBe(HTML)
    expect(miss.trace.response.headers['content-encoding']).toBe('gzip')
    expect(responseLines(miss.trace)).toContainEqual(
      expect.stringMatching(
        /^mod_deflate gzips the answer: SetOutputFilter DEFLATE \(default\.vhost:\d+\), the client accepts gzip$/
      )
    )

    const hit = await s.send(PAGE, { headers: GZIP })
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers['content-encoding']).toBe('gzip')
    expect(Number(hit.headers['content-length'])).toBe(hit.body.length)
    expect(hit.body.length).toBeLessThan(HTML.length / 4)
    // (Weak while the file is less than a second old, as Apache makes it.)
    expect(hit.headers.etag).toMatch(/^(W\/)?"[0-9a-f]+-[0-9a-f]+-gzip"$/)
    expect(zlib.gunzipSync(hit.body).toString('utf8')).toBe(HTML)
    // HEAD: no body, but the length the GET's gzipped body has (httpd filters HEAD bodies too).
    const head = await s.send(PAGE, { method: 'HEAD', headers: GZIP })
    expect(head.headers['content-encoding']).toBe('gzip')
    expect(Number(head.headers['content-length'])).toBe(hit.body.length)
    expect(head.body.length).toBe(0)
  })

  it('a client that does not accept gzip gets the plain answer, still with Vary: Accept-Encoding', async () => {
    const s = await site()
    s.up.publish.behave(PAGE, { body: HTML, headers: { 'content-type': 'text/html' } })
    await s.send(PAGE)
    const hit = await s.send(PAGE, { headers: { 'accept-encoding': 'identity' } })
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers['content-encoding']).toBeUndefined()
    expect(hit.headers.vary).toBe('Accept-Encoding')
    expect(hit.text).toBe(HTML)
    expect(responseLines(hit.trace)).toContainEqual(expect.stringMatching(/the client does not accept gzip/))
    expect(Number(hit.headers['content-length'])).toBe(HTML.length)
    expect(hit.headers.etag).not.toMatch(/-gzip"$/)
  })

  it('left alone, without Vary: images (no-gzip from SetEnvIfNoCase), tiny answers, answers already encoded', async () => {
    const s = await site()
    const png = '/content/dam/demo/big.png'
    s.up.publish.behave(png, { body: patternBuffer(0, 5000), headers: { 'content-type': 'image/png' } })
    const image = await s.send(png, { headers: GZIP })
    expect(image.headers['content-encoding']).toBeUndefined()
    expect(image.headers.vary).toBeUndefined()
    expect(image.body.length).toBe(5000)
    expect(responseLines(image.trace)).toContainEqual(
      expect.stringMatching(/^mod_deflate leaves the answer alone: no-gzip is set/)
    )

    const tiny = '/content/demo/us/en/tiny.html'
    s.up.publish.behave(tiny, { body: '<p>ok</p>', headers: { 'content-type': 'text/html' } })
    await s.send(tiny, { headers: GZIP })
    const tinyHit = await s.send(tiny, { headers: GZIP })
    expect(tinyHit.trace.outcome).toBe('hit')
    expect(tinyHit.headers['content-encoding']).toBeUndefined()
    expect(tinyHit.headers.vary).toBeUndefined()

    const br = '/content/demo/us/en/encoded.html'
    s.up.publish.behave(br, {
      body: Buffer.from('already compressed by AEM, as the render says'.repeat(5)),
      headers: { 'content-type': 'text/html', 'content-encoding': 'br', dispatcher: 'no-cache' }
    })
    const encoded = await s.send(br, { headers: GZIP })
    expect(encoded.headers['content-encoding']).toBe('br')
    expect(encoded.headers.vary).toBeUndefined()
  })

  it('not filtered: answers made before the handler (a rewrite [R]), proxied ones (no directory walk, so no <Directory /> filter), and Apache error pages such as the Dispatcher 404 (httpd 2.4.71 sends them past the resource filters)', async () => {
    const s = await site('RewriteRule "^/moved$" "/content/demo/us/en.html" [R=301,L]')
    const moved = await s.send('/moved', { headers: GZIP })
    expect(moved.status).toBe(301)
    expect(moved.headers['content-encoding']).toBeUndefined()
    expect(moved.headers.vary).toBeUndefined()

    s.up.publish.behave('/system/probes/health', { body: JSON.stringify({ status: 'up', checks: HTML }) })
    const probe = await s.send('/systemready', { headers: GZIP })
    expect(probe.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(probe.text).status).toBe('up')

    const denied = await s.send('/bin/querybuilder.json', { headers: GZIP })
    expect(denied.status).toBe(404)
    expect(denied.headers['content-encoding']).toBeUndefined()
    expect(denied.headers.vary).toBeUndefined()
    expect(denied.text).toContain('404 Not Found')
  })

  it('a large answer streams through the compressor intact, and HEAD gets the headers without a body', async () => {
    const s = await site()
    const big = '/content/demo/us/en/big.html'
    const body = Buffer.from(
      JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `item ${i}` })) })
    )
    s.up.publish.behave(big, { body, headers: { 'content-type': 'text/html' } })
    const r = await s.send(big, { headers: GZIP })
    expect(r.status).toBe(200)
    expect(zlib.gunzipSync(r.body).equals(body)).toBe(true)
    const head = await s.send(big, { method: 'HEAD', headers: GZIP })
    expect(head.trace.outcome).toBe('hit')
    expect(head.headers['content-encoding']).toBe('gzip')
    expect(head.headers['content-length']).toBeUndefined()
    expect(head.body.length).toBe(0)
  })

  it('Header directives run after mod_deflate: `Header set Vary` replaces its Vary; gzip;q=0 is a refusal', async () => {
    const s = await site('Header set Vary "Origin"')
    s.up.publish.behave(PAGE, { body: HTML, headers: { 'content-type': 'text/html' } })
    const r = await s.send(PAGE, { headers: GZIP })
    expect(r.headers['content-encoding']).toBe('gzip')
    expect(r.headers.vary).toBe('Origin')
    const refused = await s.send(PAGE, { headers: { 'accept-encoding': 'gzip;q=0, identity' } })
    expect(refused.headers['content-encoding']).toBeUndefined()
    expect(refused.text).toBe(HTML)
  })

  it("an ErrorDocument's body after a rewrite [F] goes through the filter (its internal request reaches a handler)", async () => {
    const s = await site('RewriteRule "^/forbidden$" - [F]\nErrorDocument 403 /content/demo/us/en/errors/403.html')
    s.up.publish.behave('/content/demo/us/en/errors/403.html', { body: HTML, headers: { 'content-type': 'text/html' } })
    const r = await s.send('/forbidden', { headers: GZIP })
    expect(r.status).toBe(403)
    expect(r.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(r.body).toString('utf8')).toBe(HTML)
  })

  it('a large proxied answer compressed by a <Location> filter is not held up by backpressure', async () => {
    const s = await site('<Location "/systemready">\n    SetOutputFilter DEFLATE\n</Location>')
    const body = Buffer.from('{"status":"up","detail":"' + 'x'.repeat(40_000) + '"}')
    s.up.publish.behave('/system/probes/health', { body, headers: { 'content-type': 'application/json' } })
    const r = await s.send('/systemready', { headers: GZIP })
    expect(r.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(r.body).equals(body)).toBe(true)
  })

  it("a Range on a hit is cut from the gzipped bytes when they come in one pass, as httpd's byte-range filter runs after mod_deflate", async () => {
    const s = await site()
    s.up.publish.behave(PAGE, { body: HTML, headers: { 'content-type': 'text/html' } })
    await s.send(PAGE)
    const whole = await s.send(PAGE, { headers: GZIP })
    const ranged = await s.send(PAGE, { headers: { ...GZIP, range: 'bytes=0-9' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers['content-encoding']).toBe('gzip')
    expect(ranged.headers['content-range']).toBe(`bytes 0-9/${whole.body.length}`)
    expect(ranged.body.equals(whole.body.subarray(0, 10))).toBe(true)
    expect(ranged.trace.response.status).toBe(206)
    // Without gzip the handler's own range answer stands.
    const plain = await s.send(PAGE, { headers: { range: 'bytes=0-9' } })
    expect(plain.status).toBe(206)
    expect(plain.text).toBe(HTML.slice(0, 10))
    // A range past the gzipped end: the byte-range filter's 416, answered with Apache's own page.
    const past = await s.send(PAGE, { headers: { ...GZIP, range: `bytes=${whole.body.length}-` } })
    expect(past.status).toBe(416)
    expect(past.headers['content-encoding']).toBeUndefined()
    expect(past.text).toContain('<title>416 Requested Range Not Satisfiable</title>')

    // Gzipped bytes that do not fit one pass: the whole compressed answer, 200 (why PDF and video seeking break).
    const pdf = '/content/dam/demo/guide.pdf'
    const random = crypto.randomBytes(150_000)
    s.up.publish.behave(pdf, { body: random, headers: { 'content-type': 'application/pdf' } })
    await s.send(pdf)
    const seek = await s.send(pdf, { headers: { ...GZIP, range: 'bytes=1000-1999' } })
    expect(seek.status).toBe(200)
    expect(seek.headers['content-encoding']).toBe('gzip')
    expect(seek.headers['content-range']).toBeUndefined()
    expect(zlib.gunzipSync(seek.body).equals(random)).toBe(true)
  })
})
