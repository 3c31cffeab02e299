/**
 * `RewriteEngine` inside `<Location>`, `<LocationMatch>` and `<If>` decides whether the vhost's
 * rewrite rules run (mod_rewrite's translate hook reads the state merged from those sections;
 * `<Directory>` is merged only later and has no say). The AEMaaCS baseline relies on it to
 * keep a project's rules away from `/system/probes/health`, `/systemready` and CRXDE.
 */
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { type Stack } from './support/engine'

function site(vhostExtra: string, engine = 'on'): Promise<Stack> {
  return embeddedSite(vhostExtra, (t) => t.replace('RewriteEngine on', `RewriteEngine ${engine}`))
}

function rewriteSummary(trace: { stages: { stage: string; summary: string }[] }): string {
  return trace.stages.find((e) => e.stage === 'rewrite')?.summary ?? ''
}

describe('RewriteEngine in <Location>/<LocationMatch>/<If>', () => {
  it('the SDK-style <Location "/system/probes/health"> RewriteEngine Off keeps a catch-all rule away from the probe', async () => {
    const s = await site('RewriteRule "^/system/(.*)$" "/content/demo/us/en.html" [PT,L]')
    s.up.publish.behave('/system/probes/health', { body: '{"status":"up"}' })
    const r = await s.send('/system/probes/health')
    expect(r.status).toBe(200)
    expect(s.up.publish.last?.url).toBe('/system/probes/health')
    expect(rewriteSummary(r.trace)).toMatch(
      /^RewriteEngine Off in <Location "\/system\/probes\/health"> \(dispatcher_vhost\.conf:\d+\): the vhost's \d+ rewrite rule\(s\) do not run for this URL$/
    )
    // Anything else under /system is still rewritten by the same rule.
    const other = await s.send('/system/other')
    expect(rewriteSummary(other.trace)).toMatch(/rewrote|rewritten/)
  })

  it('an <If> that matches the request turns the rules off for it only', async () => {
    const s = await site(`RewriteRule "^/content/demo/us/old\\.html$" "/content/demo/us/en.html" [R=301,L]
<If "%{HTTP:X-No-Rewrite} == 'yes'">
    RewriteEngine Off
</If>`)
    expect((await s.send('/content/demo/us/old.html')).status).toBe(301)
    const off = await s.send('/content/demo/us/old.html', { headers: { 'x-no-rewrite': 'yes' } })
    expect(off.status).toBe(200)
    expect(rewriteSummary(off.trace)).toMatch(/^RewriteEngine Off in <If "%\{HTTP:X-No-Rewrite\} == 'yes'">/)
    // The <If> read a request header: httpd adds it to Vary (of answers that are not its own error pages).
    expect(String(off.headers.vary)).toMatch(/X-No-Rewrite/i)
  })

  it('a <LocationMatch> is tested against the URI as it arrived, and the innermost setting wins', async () => {
    const s = await site(`RewriteRule "^/old(.*)$" "/content/demo/us/en.html" [R=301,L]
<LocationMatch "^/old">
    RewriteEngine Off
</LocationMatch>
<Location "/old/again">
    RewriteEngine On
</Location>`)
    const off = await s.send('/old/x')
    expect(off.status).not.toBe(301)
    expect(rewriteSummary(off.trace)).toContain('RewriteEngine Off in <LocationMatch "^/old">')
    expect((await s.send('/old/again/x')).status).toBe(301)
  })

  it('<Directory> is merged after the translation: its RewriteEngine Off does not stop the vhost rules', async () => {
    const s = await site(`RewriteRule "^/old$" "/content/demo/us/en.html" [R=301,L]
<Directory "/">
    RewriteEngine Off
</Directory>`)
    expect((await s.send('/old')).status).toBe(301)
  })

  it('with the vhost engine off, a <Location> that turns it on runs the vhost rules there', async () => {
    const s = await site(
      `RewriteRule "^/(on|off)/old$" "/content/demo/us/en.html" [R=301,L]
<Location "/on">
    RewriteEngine On
</Location>`,
      'off'
    )
    expect((await s.send('/on/old')).status).toBe(301)
    const off = await s.send('/off/old')
    expect(off.status).not.toBe(301)
    expect(rewriteSummary(off.trace)).toMatch(/^RewriteEngine is off for this virtual host/)
  })
})
