/**
 * `RewriteMap` through the real listener: a `txt:` map file next to the vhost (loaded with the
 * configuration, read again on reload) and the `int:tolower` function, as projects use them for
 * vanity redirects.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { stackForThisTest } from './support/engine'
import { embeddedConfigWithVhost } from './support/config'
import { dispatcherLogLine } from '../../src/shared/log-line'

describe('RewriteMap', () => {
  it('a txt: map and int:tolower drive a redirect; a key the map lacks takes the default', async () => {
    const configDir = embeddedConfigWithVhost(`RewriteMap legacy "txt:conf.d/rewrites/legacy.map"
RewriteMap lc int:tolower
RewriteRule "^/go/(.+)$" "\${legacy:\${lc:$1}|/content/demo/us/en.html}" [R=301,L]`)
    fs.writeFileSync(
      path.join(configDir, 'conf.d', 'rewrites', 'legacy.map'),
      '# old campaign names\nsummer /content/demo/us/en/adventures.html\nwinter   /content/demo/us/en/ski.html # trailing note\n'
    )
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir,
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    const summer = await s.send('/go/SUMMER')
    expect(summer.status).toBe(301)
    expect(summer.headers.location).toBe(`http://127.0.0.1:${s.port}/content/demo/us/en/adventures.html`)
    expect((await s.send('/go/winter')).headers.location).toMatch(/\/content\/demo\/us\/en\/ski\.html$/)
    expect((await s.send('/go/spring')).headers.location).toMatch(/\/content\/demo\/us\/en\.html$/)
    expect(s.up.publish.count).toBe(0)
  })
})

describe("the Dispatcher's URI in the trace and its log line", () => {
  it('is the path a [PT] rewrite made, not the URL the client sent, on a replayed run too', async () => {
    const configDir = embeddedConfigWithVhost(`RewriteRule "^/short$" "/content/demo/us/en.html" [PT,L]`)
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir,
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    for (const run of [1, 2]) {
      const after = run === 1 ? 0 : (await s.traceOf('/short?x=1')).seq
      expect((await s.send('/short?x=1')).status).toBe(200)
      const t = await s.traceOf('/short?x=1', after)
      expect(t.replayedFrom !== undefined).toBe(run === 2)
      expect(t.effectiveUrl).toBe('/content/demo/us/en.html?x=1')
      expect(dispatcherLogLine(t)).toContain('"GET /content/demo/us/en.html?x=1"')
    }
  })
})

describe('%{API_VERSION}', () => {
  it("is the emulated 2.4.63's module magic number, major:minor, in a rule (the major alone in an expression)", async () => {
    const configDir =
      embeddedConfigWithVhost(`RewriteRule "^/api$" "/content/demo/us/en.html?v=%{API_VERSION}" [R=302,L]
Header always set X-Api "expr=%{API_VERSION}"`)
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir,
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    const res = await s.send('/api')
    expect(res.headers.location).toMatch(/\?v=20120211:139$/)
    expect(res.headers['x-api']).toBe('20120211')
  })
})

describe('a substitution naming this server', () => {
  const rules = `RewriteRule "^/here$" "http://Shop.Example.com/content/demo/us/en.html" [PT,L]
RewriteRule "^/there$" "http://elsewhere.org/content/demo/us/en.html" [L]
RewriteRule "^/otherport$" "http://shop.example.com:8081/content/demo/us/en.html" [L]`

  it('is reduced to a local path when a ServerAlias wildcard claims its host on the port the ServerName names; anything else redirects', async () => {
    const configDir = embeddedConfigWithVhost(rules, (t) =>
      t
        .replace('ServerAlias "*"', 'ServerAlias "*.example.com"')
        .replace('ServerName "publish"', 'ServerName "publish:80"')
    )
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir,
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    s.up.publish.behave('/content/demo/us/en.html', { body: 'home', headers: { 'content-type': 'text/html' } })
    const host = { host: 'shop.example.com' }
    const here = await s.send('/here', { headers: host })
    expect(here.status).toBe(200)
    expect(here.text).toBe('home')
    expect(s.up.publish.last?.url).toBe('/content/demo/us/en.html')
    const there = await s.send('/there', { headers: host })
    expect(there.status).toBe(302)
    expect(there.headers.location).toBe('http://elsewhere.org/content/demo/us/en.html')
    const otherPort = await s.send('/otherport', { headers: host })
    expect(otherPort.status).toBe(302)
    expect(otherPort.headers.location).toBe('http://shop.example.com:8081/content/demo/us/en.html')
  })

  it('is not reduced by name when the ServerName names no port (its port is 0): [PT] then hands httpd a full URL, a 400', async () => {
    const configDir = embeddedConfigWithVhost(rules, (t) => t.replace('ServerAlias "*"', 'ServerAlias "*.example.com"'))
    const s = await stackForThisTest({ upstreams: ['publish'], configDir })
    const here = await s.send('/here', { headers: { host: 'shop.example.com' } })
    expect(here.status).toBe(400)
    expect(s.up.publish.count).toBe(0)
  })
})

describe('non-ASCII paths in redirects (r->uri holds bytes)', () => {
  it('an [R] target built from a captured %C3%A9 is escaped once; a UTF-8 literal of the configuration as its bytes', async () => {
    const configDir = embeddedConfigWithVhost(
      'RewriteRule "^/fr/(.+)$" "/content/demo/fr/$1" [R=301,L]\nRewriteRule "^/lit$" "/content/demo/été.html" [R=302,L]'
    )
    const s = await stackForThisTest({ upstreams: ['publish'], configDir })
    const captured = await s.send('/fr/%C3%A9t%C3%A9.html')
    expect(captured.status).toBe(301)
    expect(captured.headers.location).toMatch(/\/content\/demo\/fr\/%c3%a9t%c3%a9\.html$/)
    const literal = await s.send('/lit')
    expect(literal.headers.location).toMatch(/\/content\/demo\/%c3%a9t%c3%a9\.html$/)
  })
})

describe('the query a rule gives httpd (r->args)', () => {
  it('with DispatcherUseProcessedURL Off the Dispatcher keeps the URL it got, while <If> sections read the new query', async () => {
    const configDir = embeddedConfigWithVhost(`DispatcherUseProcessedURL Off
RewriteRule "^/content/demo/q\\.html$" "/content/demo/us/en.html?from=q" [PT,L]
<If "%{QUERY_STRING} == 'from=q'">
    Header set X-Args "from=q"
</If>`)
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir,
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    s.up.publish.behave('/content/demo/q.html', { body: 'as received' })
    const r = await s.send('/content/demo/q.html')
    expect(r.text).toBe('as received')
    expect(s.up.publish.last!.url).toBe('/content/demo/q.html')
    expect(r.headers['x-args']).toBe('from=q')
  })
})

describe('a rule list that loops with [N] to the limit', () => {
  it("answers 500 as an error, not as blocked, says httpd's reason, and keeps a bounded trace", async () => {
    const configDir = embeddedConfigWithVhost(`RewriteRule "^/loop(.*)$" "/loop$1" [N]`)
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir,
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
    })
    expect((await s.send('/loop/a1')).status).toBe(500)
    const t = await s.traceOf('/loop/a1')
    expect(t.outcome).toBe('error')
    expect(t.stages.filter((e) => e.stage === 'rewrite').at(-1)?.summary).toMatch(
      /^answered 500 by rule \d+ \(default\.vhost:\d+\): RewriteRule '\^\/loop\(\.\*\)\$' and URI '\/loop\/a1' exceeded maximum number of rounds \(10000\) via the \[N\] flag$/
    )
    expect(JSON.stringify(t).length).toBeLessThan(50_000)
    expect(s.up.publish.count).toBe(0)
  })
})
