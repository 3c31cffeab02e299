/**
 * RewriteRules inside `<Directory>`, `<Location>` and `<If>`: mod_rewrite's per-directory rules,
 * run in the fixup phase with the section's path stripped from `r->filename`. A redirect or a
 * status is answered at once, `[P]` proxies, and a local result is an internal redirect that
 * runs the whole request again for the new URL. They used to be ignored without a word.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigWithVhost } from './support/config'
import { tempDocroot } from './support/cache'
import { loadConfig } from '../../src/main/engine/config/load'

function site(vhostExtra: (docroot: string) => string, upstreams = ['publish']): Promise<Stack & { docroot: string }> {
  return embeddedSite(vhostExtra, undefined, upstreams)
}

/** The trace's per-directory rewrite entries (named after their section) and errors. */
function rewriteEntries(trace: { stages: { stage: string; summary: string; verdict: string }[] }): string[] {
  return trace.stages
    .filter((e) => e.stage === 'rewrite' && (e.summary.startsWith('<') || e.verdict === 'error'))
    .map((e) => e.summary)
}

describe('RewriteRule in <Directory>/<Location>/<If> (per-directory rules)', () => {
  it('a <Directory> rule matches the path below the section and redirects', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}">
    RewriteRule "^content/old\\.html$" "/content/demo/us/en.html" [R=301,L]
</Directory>`
    )
    const r = await s.send('/content/old.html')
    expect(r.status).toBe(301)
    expect(r.headers.location).toMatch(/^http:\/\/[^/]+\/content\/demo\/us\/en\.html$/)
    expect(s.up.publish.count).toBe(0)
    expect(rewriteEntries(r.trace).at(-1)).toMatch(
      /^<Directory "[^"]+"> \(default\.vhost:\d+\): redirect 301 to http:\/\/\S+ by rule 1 \(default\.vhost:\d+\)$/
    )
  })

  it('a local result is an internal redirect: the Dispatcher fetches the new URL, with the query, for the same client answer', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}">
    RewriteRule "^content/old\\.html$" "content/demo/us/en.html" [L]
</Directory>`
    )
    s.up.publish.behave('/content/demo/us/en.html', { body: '<html>new page</html>' })
    const r = await s.send('/content/old.html?x=1')
    expect(r.status).toBe(200)
    expect(r.text).toContain('new page')
    expect(s.up.publish.last?.url).toBe('/content/demo/us/en.html?x=1')
    const stages = r.trace.stages.map((e) => e.stage)
    // The new request's stages follow in the same trace: accept, vhost, rewrite again, then the Dispatcher.
    expect(stages.filter((st) => st === 'accept')).toHaveLength(2)
    expect(stages).toContain('render')
    expect(rewriteEntries(r.trace)[0]).toContain('internal redirect to /content/demo/us/en.html?x=1 by rule 1')
    expect(rewriteEntries(r.trace)[1]).toContain('none rewrote the URL')
  })

  it('a rule that keeps rewriting ends with 500 after 10 internal redirects', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}">
    RewriteRule "^content/loop/(.*)$" "content/loop/x$1" [L]
</Directory>`
    )
    const r = await s.send('/content/loop/a.html')
    expect(r.status).toBe(500)
    expect(s.up.publish.count).toBe(0)
    const entries = rewriteEntries(r.trace)
    // Ten internal redirects are made; the request at depth 10 may not make another.
    expect(entries.filter((e) => e.includes(': internal redirect to'))).toHaveLength(11)
    expect(entries.at(-1)).toMatch(/^Request exceeded the limit of 10 internal redirects/)
  })

  it('a later section with a mod_rewrite directive replaces the earlier rules; RewriteOptions Inherit keeps them', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}">
    RewriteRule "(a|b|c)/old\\.html$" "/content/demo/us/en.html" [R=302,L]
</Directory>
<Location "/content/b">
    RewriteEngine On
</Location>
<Location "/content/c">
    RewriteOptions Inherit
    RewriteRule "^nothing$" "-"
</Location>`
    )
    expect((await s.send('/content/a/old.html')).status).toBe(302)
    // <Location "/content/b"> has no rules of its own: the Directory's are gone for it.
    const b = await s.send('/content/b/old.html')
    expect(b.status).not.toBe(302)
    // Inherit: its own rules first, then the inherited ones.
    const c = await s.send('/content/c/old.html')
    expect(c.status).toBe(302)
    expect(rewriteEntries(c.trace).at(-1)).toMatch(/^<Location "\/content\/c"> .*by rule 1 \(default\.vhost:\d+\)$/)
  })

  it('RewriteBase replaces the section path in the internal redirect', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}/shop">
    RewriteBase "/content/demo/us/"
    RewriteRule "^old\\.html$" "en.html" [L]
</Directory>`
    )
    // httpd's directory walk reaches <Directory …/shop> only when the folder exists.
    fs.mkdirSync(path.join(s.docroot, 'shop'))
    s.up.publish.behave('/content/demo/us/en.html', { body: 'moved' })
    const r = await s.send('/shop/old.html')
    expect(r.status).toBe(200)
    expect(s.up.publish.last?.url).toBe('/content/demo/us/en.html')
  })

  it('[END] stops the rules of the internal redirect too; [L] does not', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}">
    RewriteRule "^content/end/a\\.html$" "content/end/b.html" [END]
    RewriteRule "^content/last/a\\.html$" "content/last/b.html" [L]
    RewriteRule "^content/(end|last)/b\\.html$" "/content/demo/us/en.html" [R=302,L]
</Directory>`
    )
    s.up.publish.behave('/content/end/b.html', { body: 'b' })
    expect((await s.send('/content/end/a.html')).status).toBe(200)
    expect(s.up.publish.last?.url).toBe('/content/end/b.html')
    expect((await s.send('/content/last/a.html')).status).toBe(302)
  })

  it('rules in a section that does not turn the engine on do not run when the vhost has it off', async () => {
    const docroot = tempDocroot()
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir: embeddedConfigWithVhost(
        `<Directory "${docroot}">
    RewriteRule "^content/old\\.html$" "/content/demo/us/en.html" [R=301,L]
</Directory>
<Location "/content/on">
    RewriteEngine On
    RewriteRule "^(.*)old\\.html$" "/content/demo/us/en.html" [R=301,L]
</Location>`,
        (t) => t.replace('RewriteEngine on', 'RewriteEngine off')
      ),
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
    })
    expect((await s.send('/content/old.html')).status).not.toBe(301)
    // A <Location> path is no prefix of r->filename: the rule sees the whole file path.
    expect((await s.send('/content/on/old.html')).status).toBe(301)
  })

  it('[P] in a <LocationMatch> proxies, as the SDK frontend-static rule does', async () => {
    const s = await site(
      () => `<LocationMatch "/libs/cq/frontend-static">
    RewriteRule "^.*/libs/cq/frontend-static(/[^\\.].*)$" "http://127.0.0.1:\${AEM_PORT}/static$1" [P,L]
</LocationMatch>`
    )
    s.up.publish.behave('/static/site/app.js', { body: 'js', headers: { 'content-type': 'application/javascript' } })
    const r = await s.send('/libs/cq/frontend-static/site/app.js')
    expect(r.status).toBe(200)
    expect(r.text).toBe('js')
    expect(s.up.publish.last?.url).toBe('/static/site/app.js')
  })

  it('a bad regex in a section RewriteRule is an error at its line (httpd would not start)', () => {
    const docroot = tempDocroot()
    const dir = embeddedConfigWithVhost(`<Directory "${docroot}">
    RewriteRule "^(bad$" "/x"
</Directory>`)
    const loaded = loadConfig(dir, { docroot })
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
    expect(errors.map((d) => d.code)).toEqual(['REWRITE_BAD_REGEX'])
    expect(errors[0].pos?.file).toMatch(/default\.vhost$/)
  })

  it('RewriteBase applies to redirects too, and an inner section without one has none (checked against httpd 2.4.71)', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}/shop">
    RewriteBase "/content/demo/us/"
    RewriteRule "^moved\\.html$" "en.html" [R=302,L]
</Directory>
<Location "/shop/inner">
    RewriteRule "^.*/old\\.html$" "en.html" [R=302,L]
</Location>`
    )
    fs.mkdirSync(path.join(s.docroot, 'shop', 'inner'), { recursive: true })
    const moved = await s.send('/shop/moved.html')
    expect(moved.status).toBe(302)
    expect(moved.headers.location).toMatch(/^http:\/\/[^/]+\/content\/demo\/us\/en\.html$/)
    // The <Location>'s own prefix is added back and nothing replaces it: no inherited base.
    const inner = await s.send('/shop/inner/old.html')
    expect(inner.headers.location).toMatch(/^http:\/\/[^/]+\/shop\/inner\/en\.html$/)
  })

  it("the vhost's RewriteOptions Inherit does not reach the sections: the <Location>'s rules run alone", async () => {
    const s = await site(
      (docroot) => `RewriteOptions Inherit
<Directory "${docroot}">
    RewriteRule "old\\.html$" "/content/demo/us/en.html" [R=302,L]
</Directory>
<Location "/content/x">
    RewriteRule "^nothing$" "-"
</Location>`
    )
    // The vhost's options are server config: the directory merge starts without them (checked
    // against apache2 in test/httpd/rewrite-options-directories.test.ts).
    const r = await s.send('/content/x/old.html')
    expect(r.status).not.toBe(302)
    expect(rewriteEntries(r.trace).at(-1)).toMatch(/^<Location "\/content\/x">/)
    expect(rewriteEntries(r.trace).at(-1)).not.toMatch(/by rule/)
  })

  it('the internal redirect keeps RequestHeader changes (and applies them again) and the Vary', async () => {
    const s = await site(
      (docroot) => `RequestHeader append Referer "1"
<Directory "${docroot}">
    RewriteCond "%{HTTP:X-Dev}" "^yes$"
    RewriteRule "^content/old\\.html$" "content/demo/us/en.html" [L]
</Directory>`
    )
    await s.send('/content/old.html', { headers: { 'x-dev': 'yes' } })
    // httpd runs the fixups (RequestHeader) before its redirect handler, then again for the new request.
    expect(s.up.publish.last?.headers.referer).toBe('1, 1')
    // mod_rewrite varies on a header its conditions read (when the client sent it).
    const r = await s.send('/content/old.html', { headers: { 'x-dev': 'yes' } })
    expect(String(r.headers.vary)).toContain('X-Dev')
  })
})
