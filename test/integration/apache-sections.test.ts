/**
 * Apache's per-request configuration on the embedded AEMaaCS-shaped config:
 * - mod_expires: the SDK's `ExpiresByType text/html A${EXPIRATION_TIME}` (300 s) gives HTML
 *   answers `Cache-Control: max-age=300` and `Expires`, and `DispatcherRestrictUncacheableContent
 *   On` takes them back from answers the Dispatcher does not cache (§2, §8.1);
 * - `Header`/`RequestHeader` inside `<Location>`, `<LocationMatch>`, `<Directory>`, `<Files>`,
 *   `<If>`/`<Else>` apply to the requests those sections cover, in httpd's merge order.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/main/engine/config/load'
import { compileDiagnostics } from '../../src/main/engine/runtime/compile-check'
import { embeddedSite } from './support/embedded-site'
import { type Stack } from './support/engine'
import { embeddedConfigWithVhost } from './support/config'

const PAGE = '/content/demo/us/en/expires.html'

async function site(vhostExtra = '', edit?: (vhost: string) => string): Promise<{ s: Stack; docroot: string }> {
  const s = await embeddedSite(vhostExtra, edit)
  return { s, docroot: s.docroot }
}

function summaries(trace: { stages: { stage: string; summary: string }[] }): string[] {
  return trace.stages.filter((e) => e.stage === 'response').map((e) => e.summary)
}

describe('mod_expires (ExpiresByType text/html A300 of the SDK vhost)', () => {
  it('a cached HTML page gets max-age=300 and an Expires date, on the miss and on the hit', async () => {
    const { s } = await site()
    s.up.publish.behave(PAGE, { body: '<html>x</html>', headers: { 'content-type': 'text/html;charset=utf-8' } })
    const miss = await s.send(PAGE)
    expect(miss.trace.outcome).toBe('miss-stored')
    expect(miss.headers['cache-control']).toBe('max-age=300')
    const expires = Date.parse(String(miss.headers.expires))
    expect(expires - miss.trace.startedAt).toBeGreaterThan(298_000)
    expect(expires - miss.trace.startedAt).toBeLessThanOrEqual(300_000)
    expect(summaries(miss.trace).join('\n')).toMatch(
      /mod_expires: ExpiresByType text\/html A300 \(dispatcher_vhost\.conf:\d+\)/
    )
    const hit = await s.send(PAGE)
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers['cache-control']).toBe('max-age=300')
    expect(hit.headers.expires).toBeDefined()
  })

  it("merges into AEM's own Cache-Control, and leaves an answer that has Expires alone", async () => {
    const { s } = await site()
    s.up.publish.behave(PAGE, { body: 'x', headers: { 'content-type': 'text/html', 'cache-control': 'max-age=60' } })
    expect((await s.send(PAGE)).headers['cache-control']).toBe('max-age=60, max-age=300')
    const other = '/content/demo/us/en/dated.html'
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT'
    s.up.publish.behave(other, { body: 'x', headers: { 'content-type': 'text/html', expires: date } })
    const r = await s.send(other)
    expect(r.headers.expires).toBe(date)
    expect(r.headers['cache-control']).toBeUndefined()
  })

  it('DispatcherRestrictUncacheableContent On: an answer the Dispatcher does not cache gets none', async () => {
    const { s } = await site()
    s.up.publish.behave(PAGE, { body: 'x', headers: { 'content-type': 'text/html', dispatcher: 'no-cache' } })
    const r = await s.send(PAGE)
    expect(r.trace.outcome).toBe('miss-uncacheable')
    expect(r.headers['cache-control']).toBeUndefined()
    expect(r.headers.expires).toBeUndefined()
    expect(summaries(r.trace).join('\n')).toMatch(/DispatcherRestrictUncacheableContent On removes them/)
    // A query string makes the request uncacheable too.
    s.up.publish.behave(PAGE, { body: 'x', headers: { 'content-type': 'text/html' } })
    expect((await s.send(PAGE + '?q=1')).headers['cache-control']).toBeUndefined()
  })

  it('DispatcherRestrictUncacheableContent Off: the uncacheable answer keeps them', async () => {
    const { s } = await site('    DispatcherRestrictUncacheableContent Off')
    s.up.publish.behave(PAGE, { body: 'x', headers: { 'content-type': 'text/html', dispatcher: 'no-cache' } })
    expect((await s.send(PAGE)).headers['cache-control']).toBe('max-age=300')
  })

  it('error statuses get nothing: a render 404 the Dispatcher relays', async () => {
    const { s } = await site()
    const missing = '/content/demo/us/en/missing.html'
    s.up.publish.behave(missing, { status: 404, body: 'gone', headers: { 'content-type': 'text/html' } })
    const r = await s.send(missing)
    expect(r.status).toBe(404)
    expect(r.headers['cache-control']).toBeUndefined()
    expect(r.headers.expires).toBeUndefined()
  })

  it('other types get nothing, nor do Apache-made errors (a filter denial)', async () => {
    const { s } = await site()
    const css = '/content/demo/us/en/site.css'
    s.up.publish.behave(css, { body: 'a{}', headers: { 'content-type': 'text/css' } })
    const r = await s.send(css)
    expect(r.status).toBe(200)
    expect(r.headers['cache-control']).toBeUndefined()
    const denied = await s.send('/bin/querybuilder.json.html')
    expect(denied.status).toBe(404)
    expect(denied.headers.expires).toBeUndefined()
  })
})

describe('Header and RequestHeader in sections', () => {
  const SECTIONS = `
    <LocationMatch "^/content/.*\\.html$">
        Header set Cache-Control "max-age=200"
        Header set X-Section "locationmatch"
    </LocationMatch>
    <Location "/content/demo/us/en/special">
        Header set X-Special "yes"
        RequestHeader set Referer "special"
    </Location>
    <If "%{HTTP:X-Site} == 'a'">
        Header set X-Host "a"
    </If>
    <Else>
        Header set X-Host "other"
    </Else>
    <Directory "\${DOCROOT}/content/dam">
        Header set X-Dam "1"
    </Directory>
    <FilesMatch "\\.json$">
        Header set X-Json "1"
    </FilesMatch>`

  it('a <LocationMatch> Header runs after mod_expires and overrides its Cache-Control', async () => {
    const { s, docroot } = await site(SECTIONS)
    s.up.publish.behave(PAGE, { body: 'x', headers: { 'content-type': 'text/html' } })
    const r = await s.send(PAGE)
    expect(r.headers['cache-control']).toBe('max-age=200')
    expect(r.headers['x-section']).toBe('locationmatch')
    // The runtime's httpd.conf (its `Require all denied`), then the vhost's; the docroot's
    // <Directory> (its `Require all granted`) is the test's own docroot.
    expect(summaries(r.trace).join('\n')).toContain(
      `Apache sections: <Directory "/"> (base-httpd.conf:13), <Directory "/"> (default.vhost:30), <Directory "${docroot}"> (default.vhost:50), <LocationMatch "^/content/.*\\.html$"> (default.vhost:72), <Else> (default.vhost:83)`
    )
    // The vhost's own and the <Directory /> ones still apply.
    expect(r.headers['x-vhost']).toBe('publish')
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN')
    // In a folder the cache does not have yet.
    const json = '/content/demo/de/home.model.json'
    s.up.publish.behave(json, { body: '{}', headers: { 'content-type': 'application/json' } })
    const j = await s.send(json)
    expect(j.status).toBe(200)
    expect(j.headers['x-section']).toBeUndefined()
    // httpd's walk stops at the first missing folder: <FilesMatch> sees "de", not the page, until it is cached.
    expect(j.headers['x-json']).toBeUndefined()
    const hit = await s.send(json)
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers['x-json']).toBe('1')
  })

  it('<Location> matches on a segment boundary, and its RequestHeader reaches the render', async () => {
    const { s } = await site(SECTIONS)
    const inside = '/content/demo/us/en/special/page.html'
    s.up.publish.behave(inside, { body: 'x', headers: { 'content-type': 'text/html' } })
    const r = await s.send(inside)
    expect(r.headers['x-special']).toBe('yes')
    expect(s.up.publish.requests.find((q) => q.url === inside)?.headers.referer).toBe('special')
    const beside = '/content/demo/us/en/special.html'
    s.up.publish.behave(beside, { body: 'x', headers: { 'content-type': 'text/html' } })
    const b = await s.send(beside)
    expect(b.headers['x-special']).toBeUndefined()
    expect(s.up.publish.requests.find((q) => q.url === beside)?.headers.referer).toBeUndefined()
  })

  it('<If>/<Else> decide per request and add what they read to Vary', async () => {
    const { s } = await site(SECTIONS)
    s.up.publish.behave(PAGE, { body: 'x', headers: { 'content-type': 'text/html', dispatcher: 'no-cache' } })
    const a = await s.send(PAGE, { headers: { 'x-site': 'a' } })
    expect(a.headers['x-host']).toBe('a')
    expect(String(a.headers.vary)).toMatch(/X-Site/i)
    const b = await s.send(PAGE, { headers: { 'x-site': 'b' } })
    expect(b.headers['x-host']).toBe('other')
  })

  it('<Directory> below the docroot applies once that folder exists (httpd stops its walk at a missing one)', async () => {
    const { s, docroot } = await site(SECTIONS)
    const asset = '/content/dam/demo/a.png'
    s.up.publish.behave(asset, { body: 'x', headers: { 'content-type': 'image/png', dispatcher: 'no-cache' } })
    const before = await s.send(asset)
    expect(before.status).toBe(200)
    expect(before.headers['x-dam']).toBeUndefined()
    fs.mkdirSync(path.join(docroot, 'content', 'dam'), { recursive: true })
    expect((await s.send(asset)).headers['x-dam']).toBe('1')
  })
})

describe('what httpd had merged when it answered', () => {
  it('a rewrite [R] or [F] is answered from the translate hook: <Location> sections apply, <Directory> ones do not', async () => {
    const { s } = await site(`
    RewriteRule "^/old$" "/content/demo/us/en.html" [R=301,L]
    RewriteRule "^/secret" - [F]
    <Location "/">
        Header always set X-Location "1"
    </Location>
    <Location "/secret">
        ErrorDocument 403 "location says no"
    </Location>
    <Directory "/">
        Header always set X-Directory "1"
        ErrorDocument 403 "directory says no"
    </Directory>`)
    const moved = await s.send('/old')
    expect(moved.status).toBe(301)
    expect(moved.headers['x-location']).toBe('1')
    // <Directory "/"> (the embedded one's X-Frame-Options included) is merged only after translation.
    expect(moved.headers['x-directory']).toBeUndefined()
    expect(moved.headers['x-frame-options']).toBeUndefined()
    const denied = await s.send('/secret/page.html')
    expect(denied.status).toBe(403)
    expect(denied.text).toBe('location says no')
    expect(denied.headers['x-directory']).toBeUndefined()
    // A Dispatcher answer went through the directory walk: both apply.
    s.up.publish.behave(PAGE, { body: 'x', headers: { 'content-type': 'text/html' } })
    const page = await s.send(PAGE)
    expect(page.headers['x-location']).toBe('1')
    expect(page.headers['x-directory']).toBe('1')
  })

  it("an Apache-made 404 that Header directives run on keeps the error page's Content-Type and Content-Length", async () => {
    const { s } = await site()
    const denied = await s.send('/bin/querybuilder.json')
    expect(denied.status).toBe(404)
    expect(denied.headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(denied.headers['content-type']).toBe('text/html; charset=iso-8859-1')
    expect(Number(denied.headers['content-length'])).toBe(denied.body.length)
  })

  it('mod_proxy skips the directory walk: a ProxyPass answer gets <Location> headers only', async () => {
    const { s } = await site(`
    <Location "/systemready">
        Header always set X-Probe "1"
    </Location>`)
    s.up.publish.behave('/system/probes/health', { body: 'ok' })
    const r = await s.send('/systemready')
    expect(r.status).toBe(200)
    expect(r.headers['x-probe']).toBe('1')
    expect(r.headers['x-frame-options']).toBeUndefined()
  })

  it('with DispatcherUseProcessedURL Off, a [PT] result is still the URI httpd walks its sections with', async () => {
    const { s } = await site(
      `
    RewriteRule "^/s/(.*)$" "/content/demo/$1" [PT,L]
    <Location "/content/demo">
        Header always set X-Walked "rewritten"
    </Location>
    <Location "/s">
        Header always set X-Walked "original"
    </Location>`,
      (t) => t.replace('DispatcherUseProcessedURL On', 'DispatcherUseProcessedURL Off')
    )
    const r = await s.send('/s/us/en.html')
    // The Dispatcher filters the URL it was sent (no filter allows /s/) ...
    expect(r.status).toBe(404)
    expect(r.trace.stages.find((e) => e.stage === 'filter')?.summary).toContain('/s/us/en.html')
    // ... while httpd's own sections see /content/demo/us/en.html.
    expect(r.headers['x-walked']).toBe('rewritten')
  })

  it('a repeated request (decisions replayed) walks the same sections as the first', async () => {
    const { s } = await site(
      `
    RewriteRule "^/content/demo/us/en/a\\.html$" "/content/demo/us/en/b.html" [PT,L]
    <Location "/content/demo/us/en/b.html">
        Header set X-Section "b"
    </Location>`,
      (t) => t.replace('DispatcherUseProcessedURL On', 'DispatcherUseProcessedURL Off')
    )
    s.up.publish.behave('/content/demo/us/en/a.html', {
      body: 'a',
      headers: { 'content-type': 'text/html', dispatcher: 'no-cache' }
    })
    const first = await s.send('/content/demo/us/en/a.html')
    expect(first.headers['x-section']).toBe('b')
    const again = await s.send('/content/demo/us/en/a.html')
    expect(again.trace.replayedFrom).toBe(first.trace.id)
    expect(again.headers['x-section']).toBe('b')
  })

  it('a rewrite to a file path without [PT] changes r->filename only: <Directory> sections follow it', async () => {
    const { s, docroot } = await site(`
    RewriteRule "^/nopt/(.*)$" "/content/demo/$1" [L]
    <Directory "\${DOCROOT}/content/demo">
        Header always set X-Dir "demo"
    </Directory>`)
    fs.mkdirSync(path.join(docroot, 'content', 'demo'), { recursive: true })
    const r = await s.send('/nopt/page.html')
    // The Dispatcher keeps r->uri, which no filter allows ...
    expect(r.status).toBe(404)
    expect(r.trace.stages.find((e) => e.stage === 'filter')?.summary).toContain('/nopt/page.html')
    // ... while httpd's directory walk started from the rewritten file name.
    expect(r.headers['x-dir']).toBe('demo')
  })
})

describe('checking sections and mod_expires', () => {
  it('a bad expires code and a section regex that does not compile are errors at their line', () => {
    const dir = embeddedConfigWithVhost(
      `    ExpiresByType text/css "access plus 3 fortnights"\n    <LocationMatch "^/(unclosed">\n        Header set X-A "1"\n    </LocationMatch>`
    )
    const loaded = loadConfig(dir)
    const found = compileDiagnostics(loaded).filter((d) => d.severity === 'error')
    const vhostFile = path.join(dir, 'conf.d', 'enabled_vhosts', 'default.vhost')
    const lines = fs.readFileSync(vhostFile, 'utf8').split('\n')
    const expiresLine = lines.findIndex((l) => l.includes('fortnights')) + 1
    const sectionLine = lines.findIndex((l) => l.includes('unclosed')) + 1
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'APACHE_BAD_EXPIRES',
          message: expect.stringContaining("unrecognised <type>'fortnights'"),
          pos: expect.objectContaining({ line: expiresLine })
        }),
        expect.objectContaining({ code: 'SECTION_BAD_REGEX', pos: expect.objectContaining({ line: sectionLine }) })
      ])
    )
  })

  it('Alias is said to be not emulated, at its line; access rules (emulated since) are not', () => {
    const dir = embeddedConfigWithVhost(
      `    Alias "/downloads" "/srv/downloads"\n    <Location "/admin">\n        Require ip 10.0.0.0/8\n    </Location>\n    <Location "/open">\n        Require all granted\n    </Location>`
    )
    const found = compileDiagnostics(loadConfig(dir)).filter((d) => d.code === 'MODEL_NOT_EMULATED')
    const lines = fs.readFileSync(path.join(dir, 'conf.d', 'enabled_vhosts', 'default.vhost'), 'utf8').split('\n')
    expect(found).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(
          /^Alias "\/downloads" "\/srv\/downloads" is not emulated: the workbench serves no files/
        ),
        pos: expect.objectContaining({ line: lines.findIndex((l) => l.includes('Alias "/downloads"')) + 1 })
      })
    ])
  })
})

describe('mod_env (SetEnv, PassEnv, UnsetEnv)', () => {
  it("a Dispatcher answer's Header directives see the variables of the vhost and of the sections that apply, merged inner after outer", async () => {
    const s = await embeddedSite(`SetEnv SITE_TIER gold
SetEnv DROPPED yes
UnsetEnv DROPPED
<Location "/content/demo/">
    SetEnv SITE_TIER platinum
</Location>
Header always set X-Tier "%{SITE_TIER}e|%{DROPPED}e"`)
    s.up.publish.behave('/content/demo/us/en.html', { body: 'page' })
    s.up.publish.behave('/content/other.html', { body: 'other' })
    expect((await s.send('/content/demo/us/en.html')).headers['x-tier']).toBe('platinum|(null)')
    expect((await s.send('/content/other.html')).headers['x-tier']).toBe('gold|(null)')
  })
})
