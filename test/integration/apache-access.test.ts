/**
 * Apache's access control through the real listener, on the embedded AEMaaCS-shaped config:
 * `Require` (mod_authz_core, mod_authz_host) and `Order`/`Allow`/`Deny`/`Satisfy`
 * (mod_access_compat) in sections decide before the Dispatcher does. A refused request never
 * reaches the filter or AEM; the trace names the directive. (test/httpd compares the same
 * directives with Debian's apache2 answer for answer.)
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/main/engine/config/load'
import { compileDiagnostics } from '../../src/main/engine/runtime/compile-check'
import { embeddedSite } from './support/embedded-site'
import { stackForThisTest } from './support/engine'

const PAGE = '/content/demo/us/en/page.html'

const site = embeddedSite

function stage(trace: {
  stages: { stage: string; verdict: string; summary: string; log?: readonly string[]; source?: { line: number } }[]
}) {
  return trace.stages.find((e) => e.stage === 'access')
}

describe('Require in sections, before the Dispatcher', () => {
  it('<Location> Require all denied: Apache answers 403 itself; no filter runs and AEM is not asked', async () => {
    const s = await site(`    <Location "/content/demo/us/en/private">\n        Require all denied\n    </Location>`)
    const r = await s.send('/content/demo/us/en/private/page.html')
    expect(r.status).toBe(403)
    expect(r.text).toContain("You don't have permission to access this resource.")
    expect(s.up.publish.count).toBe(0)
    expect(r.trace.outcome).toBe('blocked')
    expect(r.trace.stages.map((e) => e.stage)).not.toContain('filter')
    const a = stage(r.trace)!
    expect(a.verdict).toBe('stop')
    expect(a.summary).toMatch(/^Apache denies access \(403 Forbidden\): Require all denied \(default\.vhost:\d+\)$/)
    expect(a.source?.line).toBeGreaterThan(0)
    // The rest of the site is granted by the docroot's <Directory> and goes on to AEM.
    s.up.publish.behave(PAGE, { body: 'ok', headers: { 'content-type': 'text/html' } })
    const ok = await s.send(PAGE)
    expect(ok.status).toBe(200)
    expect(stage(ok.trace)?.summary).toMatch(/^Apache grants access: Require all granted \(default\.vhost:\d+\)$/)
  })

  it('ErrorDocument 403 of the vhost answers the refusal', async () => {
    const s = await site(
      `    ErrorDocument 403 "Not for you"\n    <Location "/content/demo/us/en/private">\n        Require all denied\n    </Location>`
    )
    const r = await s.send('/content/demo/us/en/private/page.html')
    expect(r.status).toBe(403)
    expect(r.text).toBe('Not for you')
  })

  it('without a grant for the docroot, <Directory /> Require all denied refuses every page (as the SDK does)', async () => {
    const s = await site(`    <Directory />\n        Require all denied\n    </Directory>`, (t) =>
      t.replace(/<Directory "\$\{DOCROOT\}">[\s\S]*?<\/Directory>/, '')
    )
    const r = await s.send(PAGE)
    expect(r.status).toBe(403)
    expect(s.up.publish.count).toBe(0)
    expect(stage(r.trace)!.log!.at(-1)).toMatch(
      /^AH01630: client denied by server configuration: \/.*\/content\/demo\/us\/en\/page\.html$/
    )
    // `check` says so at the vhost, before any request is made.
    const pitfall = compileDiagnostics(loadConfig(s.engine.configInput)).find(
      (d) => d.code === 'PITFALL_DOCROOT_REFUSED'
    )
    expect(pitfall?.message).toMatch(
      /^Apache refuses this virtual host's documents: Apache denies access \(403 Forbidden\): Require all denied \(default\.vhost:\d+\)\. Grant its DocumentRoot/
    )
    expect(pitfall?.pos?.file).toMatch(/default\.vhost$/)
  })

  it('a request mod_proxy takes sees only <Location>/<If>: a <Directory> denial does not stop /systemready', async () => {
    const s = await site(`    <Directory />\n        Require all denied\n    </Directory>`, (t) =>
      t.replace(/<Directory "\$\{DOCROOT\}">[\s\S]*?<\/Directory>/, '')
    )
    s.up.publish.behave('/system/probes/health', { body: 'up' })
    const r = await s.send('/systemready')
    expect(r.status).toBe(200)
    expect(r.text).toBe('up')
  })

  it('a rewrite to a file path outside the docroot is refused by <Directory /> (the docroot grant does not cover it)', async () => {
    const s = await site('    RewriteRule "^/outside$" "/etc/hostname"')
    const r = await s.send('/outside')
    expect(r.status).toBe(403)
    expect(stage(r.trace)?.summary).toMatch(/Require all denied \(base-httpd\.conf:\d+\)/)
  })

  it('Require expr and Require env read the request; the answer changes with the header', async () => {
    const s = await site(`    SetEnvIf X-Team "^dev$" TEAM_OK
    <Location "/content/demo/us/en/expr.html">
        Require expr "%{HTTP:X-Key} == 'k1'"
    </Location>
    <Location "/content/demo/us/en/env.html">
        Require env TEAM_OK
    </Location>`)
    s.up.publish.behave('/content/demo/us/en/expr.html', { body: 'e', headers: { 'content-type': 'text/html' } })
    expect((await s.send('/content/demo/us/en/expr.html')).status).toBe(403)
    expect((await s.send('/content/demo/us/en/expr.html', { headers: { 'x-key': 'k1' } })).status).toBe(200)
    expect((await s.send('/content/demo/us/en/env.html')).status).toBe(403)
    // The header an expression read goes into Vary of the answer.
    const keyed = await s.send('/content/demo/us/en/expr.html', { headers: { 'x-key': 'k1' } })
    expect(String(keyed.headers.vary)).toMatch(/X-Key/i)
    const dev = await s.send('/content/demo/us/en/env.html', { headers: { 'x-team': 'dev' } })
    expect(dev.status).not.toBe(403)
    expect(stage(dev.trace)?.summary).toMatch(/Require env TEAM_OK/)
  })

  it('BrowserMatch and BrowserMatchNoCase set variables from the User-Agent, as SetEnvIf User-Agent does', async () => {
    const s = await site(`    BrowserMatch "MSIE (\\d)" msie=$1
    BrowserMatchNoCase "bot" crawler
    Header always set X-Env "msie=%{msie}e crawler=%{crawler}e"`)
    const ie = await s.send('/content/demo/us/en.html', {
      headers: { 'user-agent': 'Mozilla/4.0 (compatible; MSIE 6.0)' }
    })
    expect(ie.headers['x-env']).toBe('msie=6 crawler=(null)')
    const bot = await s.send('/content/demo/us/en.html', { headers: { 'user-agent': 'GoogleBOT/2.1' } })
    expect(bot.headers['x-env']).toBe('msie=(null) crawler=1')
  })

  it('<Limit OPTIONS> Order deny,allow / Deny from all (the AMS security.conf) refuses OPTIONS only', async () => {
    const s = await site(`    <Directory />
        <Limit OPTIONS>
            Order deny,allow
            Deny from all
        </Limit>
    </Directory>`)
    const options = await s.send(PAGE, { method: 'OPTIONS' })
    expect(options.status).toBe(403)
    expect(stage(options.trace)?.summary).toMatch(/Deny from all, Order deny,allow \(default\.vhost:\d+\)/)
    s.up.publish.behave(PAGE, { body: 'ok', headers: { 'content-type': 'text/html' } })
    expect((await s.send(PAGE)).status).toBe(200)
  })

  it('Require ip and Require local see the loopback client the workbench serves', async () => {
    const s = await site(`    <Location "/content/demo/us/en/office.html">
        Require ip 10.0.0.0/8
    </Location>
    <Location "/content/demo/us/en/local.html">
        Require local
    </Location>`)
    expect((await s.send('/content/demo/us/en/office.html')).status).toBe(403)
    expect((await s.send('/content/demo/us/en/local.html')).status).not.toBe(403)
  })

  it('a configuration without access directives (dispatcher.any alone) adds no access entry to the trace', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) =>
        `/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "${up.publish.port}" } } /filter { /0 { /type "allow" /url "*" } } } }\n`
    })
    s.up.publish.behave(PAGE, { body: 'ok', headers: { 'content-type': 'text/html' } })
    const r = await s.send(PAGE)
    expect(r.status).toBe(200)
    expect(stage(r.trace)).toBeUndefined()
  })
})

describe('AuthType Basic with an AuthUserFile', () => {
  it('asks for credentials, checks the password file, and lets the user through to AEM', async () => {
    const s = await site(`    <Location "/content/demo/us/en/members">
        AuthType Basic
        AuthName "Members"
        AuthUserFile conf.d/auth/users.htpasswd
        Require valid-user
    </Location>`)
    fs.mkdirSync(path.join(s.engine.configInput, 'conf.d', 'auth'), { recursive: true })
    fs.writeFileSync(
      path.join(s.engine.configInput, 'conf.d', 'auth', 'users.htpasswd'),
      'alice:$apr1$AmFdfMuC$AnFX/c2CO1bji2UXYaZ8j/\n'
    )
    const PAGE_M = '/content/demo/us/en/members/page.html'
    const anonymous = await s.send(PAGE_M)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="Members"')
    expect(stage(anonymous.trace)?.summary).toMatch(/^Apache asks for credentials \(401 Unauthorized\)/)
    const basic = (user: string): Record<string, string> => ({
      authorization: 'Basic ' + Buffer.from(user).toString('base64')
    })
    expect((await s.send(PAGE_M, { headers: basic('alice:wrong') })).status).toBe(401)
    s.up.publish.behave(PAGE_M, { body: 'members', headers: { 'content-type': 'text/html' } })
    const alice = await s.send(PAGE_M, { headers: basic('alice:s3cret') })
    expect(alice.status).toBe(200)
    expect(alice.text).toBe('members')
    expect(stage(alice.trace)?.summary).toMatch(/Require valid-user for user alice/)
  })
})
