/**
 * mod_alias's Redirect through the real listener, on the embedded AEMaaCS-shaped config: after
 * the vhost's rewrite rules (a [PT] result is what it matches), before the Dispatcher, with the
 * query string carried over and the trace naming the directive. test/httpd compares the same
 * directives with Debian's apache2.
 */
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'

const site = embeddedSite

function rewriteSummary(trace: { stages: { stage: string; summary: string }[] }): string {
  return trace.stages.filter((e) => e.stage === 'rewrite').at(-1)?.summary ?? ''
}

describe('mod_alias Redirect', () => {
  it('Redirect permanent: the rest of the path and the query string follow; AEM is not asked', async () => {
    const s = await site('    Redirect permanent /old-site https://www.example.com/new-site')
    const r = await s.send('/old-site/us/en/page.html?ref=1')
    expect(r.status).toBe(301)
    expect(r.headers.location).toBe('https://www.example.com/new-site/us/en/page.html?ref=1')
    expect(s.up.publish.count).toBe(0)
    expect(r.trace.outcome).toBe('redirect')
    expect(rewriteSummary(r.trace)).toMatch(
      /^mod_alias: Redirect 301 \/old-site https:\/\/www\.example\.com\/new-site \(default\.vhost:\d+\): 301 to https:\/\/www\.example\.com\/new-site\/us\/en\/page\.html\?ref=1$/
    )
    // Not a segment boundary: no redirect.
    expect((await s.send('/old-siteX/page.html')).status).not.toBe(301)
  })

  it('RedirectMatch substitutes $N; a relative target is made absolute with the request host', async () => {
    const s = await site('    RedirectMatch 302 "^/products/(.*)\\\\.htm$" "/content/demo/us/en/$1.html"')
    const r = await s.send('/products/shoes.htm', { headers: { host: 'shop.example:8080' } })
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('http://shop.example:8080/content/demo/us/en/shoes.html')
  })

  it('Redirect gone answers 410; the page is Apache’s own', async () => {
    const s = await site('    Redirect gone /retired')
    const r = await s.send('/retired/page.html')
    expect(r.status).toBe(410)
    expect(r.text).toContain('<title>410 Gone</title>')
  })

  it('the target form in a <Location> covers every request of the section', async () => {
    const s = await site(
      '    <Location "/campaign">\n        Redirect "https://www.example.com/summer"\n    </Location>'
    )
    const r = await s.send('/campaign/x.html')
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('https://www.example.com/summer')
  })

  it('a [PT] rewrite result is what Redirect matches; a ProxyPass location is not redirected', async () => {
    const s = await site(
      '    RewriteRule ^/go$ /old-site [PT]\n    Redirect /old-site https://www.example.com/new\n    Redirect /systemready https://www.example.com/never'
    )
    const r = await s.send('/go')
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('https://www.example.com/new')
    s.up.publish.behave('/system/probes/health', { body: 'up' })
    const probe = await s.send('/systemready')
    expect(probe.status).toBe(200)
    expect(probe.text).toBe('up')
  })
})
