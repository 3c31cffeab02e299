/**
 * What httpd 2.4.71 (Debian's apache2, run side by side with the workbench on the same
 * configuration and files) answers, where the workbench used to differ:
 * static files behind a [PT] rewrite, path info after a file, folders without their slash,
 * OPTIONS and other methods, microsecond ETags, 304/412/416 headers, mod_deflate on HEAD and
 * ranges, and the headers of Apache's own error pages and redirects.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigCopy, embeddedConfigWithVhost } from './support/config'
import { tempDocroot } from './support/cache'

const PAGE = `<html><body>${'x'.repeat(3000)}</body></html>\n`

/** The embedded vhost without the Dispatcher (Apache serves the docroot), with `extra` added. */
async function site(extra = ''): Promise<{ s: Stack; docroot: string }> {
  const docroot = tempDocroot()
  fs.mkdirSync(path.join(docroot, 'content', 'site'), { recursive: true })
  fs.writeFileSync(path.join(docroot, 'content', 'site', 'page.html'), PAGE)
  fs.writeFileSync(path.join(docroot, 'content', 'site', 'tiny.txt'), 'tiny\n')
  fs.writeFileSync(path.join(docroot, 'content', 'index.html'), 'index\n')
  const s = await stackForThisTest({
    upstreams: ['publish'],
    configDir: embeddedConfigWithVhost(
      `${extra}
<If "%{HTTP:X-Test} == 'on'">
    Header set X-If "matched"
</If>`,
      (t) => t.replace('SetHandler dispatcher-handler', '')
    ),
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
  })
  return { s, docroot }
}

const GZIP = { 'accept-encoding': 'gzip' }

describe('static files as httpd serves them', () => {
  it('the ETag carries the file time in whole microseconds, as apr_time_t does', async () => {
    const { s, docroot } = await site()
    const file = path.join(docroot, 'content', 'site', 'tiny.txt')
    // A modification time with a fraction of a millisecond.
    // Nanoseconds, as ext4 keeps them (Node's utimes stops at microseconds).
    execFileSync('touch', ['-m', '-d', '@1700000000.070674712', file])
    const st = fs.statSync(file, { bigint: true })
    const us = (st.mtimeNs / 1000n).toString(16)
    const r = await s.send('/content/site/tiny.txt')
    expect(r.headers.etag).toBe(`"5-${us}"`)
  })

  it('a [PT] rewrite serves the file it names; a path below a file is 404, not a crash', async () => {
    const { s } = await site('RewriteRule "^/pt$" "/content/site/tiny.txt" [PT]')
    const pt = await s.send('/pt')
    expect(pt.status).toBe(200)
    expect(pt.text).toBe('tiny\n')
    // The runtime's httpd.conf names UTF-8 for text/plain (AddDefaultCharset, base-httpd.conf).
    expect(pt.headers['content-type']).toBe('text/plain; charset=UTF-8')
    expect((await s.send('/content/site/page.html/extra')).status).toBe(404)
  })

  it('AcceptPathInfo On serves the file the URL reaches before its path info; Default and Off refuse it', async () => {
    const { s } = await site('<Directory "${DOCROOT}/content/site">\n    AcceptPathInfo On\n</Directory>')
    const css = await s.send('/content/site/tiny.txt/more/of.it')
    expect(css.status).toBe(200)
    expect(css.text).toBe('tiny\n')
    expect(css.headers['content-type']).toBe('text/plain; charset=UTF-8')
    expect(css.trace.stages.map((st) => st.summary).join('\n')).toMatch(
      /AcceptPathInfo On: .*tiny\.txt is served with the path info '\/more\/of\.it'/
    )
    expect((await s.send('/content/site/page.html/')).status).toBe(200)
    // Outside that folder the default still holds.
    expect((await s.send('/content/index.html/x')).status).toBe(404)
    const off = await site(
      '<Directory "${DOCROOT}/content/site">\n    AcceptPathInfo On\n</Directory>\n<Files "page.html">\n    AcceptPathInfo Default\n</Files>'
    )
    expect((await off.s.send('/content/site/page.html/x')).status).toBe(404)
    expect((await off.s.send('/content/site/tiny.txt/x')).status).toBe(200)
  })

  it('a request header an expr= reads joins Vary when the condition is evaluated (always ones first), where later directives see it', async () => {
    const { s } = await site(
      [
        '<LocationMatch "^/content/site/">',
        '    Header always set X-A "1" "expr=-n %{HTTP:X-A}"',
        '    Header set X-B "1" "expr=-n %{HTTP:X-B}"',
        '    Header always set X-C "1" "expr=-n %{HTTP:X-C}"',
        '    Header merge Vary X-Merged',
        '    Header edit Vary "X-C" "X-C-Seen"',
        '</LocationMatch>'
      ].join('\n')
    )
    const r = await s.send('/content/site/tiny.txt')
    const tokens = String(r.headers.vary).split(/\s*,\s*/)
    const at = (t: string): number => tokens.indexOf(t)
    expect(at('X-A')).toBeGreaterThanOrEqual(0)
    expect([at('X-A') < at('X-C-Seen'), at('X-C-Seen') < at('X-B'), at('X-B') < at('X-Merged')]).toEqual([
      true,
      true,
      true
    ])
    expect(tokens).not.toContain('X-C')
  })

  it('rewriting in a folder whose Options allow no symbolic links is refused with 403 (AH00670), rules or not', async () => {
    const dir = (options: string, rules: string) =>
      site(`<Directory "\${DOCROOT}/content/site">\n    Options ${options}\n    RewriteEngine On\n${rules}</Directory>`)
    const none = await dir('None', '    RewriteRule "^a$" "tiny.txt" [L]\n')
    const refused = await none.s.send('/content/site/a')
    expect(refused.status).toBe(403)
    expect(refused.trace.stages.some((st) => st.summary.includes('(AH00670)'))).toBe(true)
    expect((await none.s.send('/content/site/tiny.txt')).status).toBe(403)
    expect((await none.s.send('/content/index.html')).status).toBe(200)
    const noRules = await dir('None', '')
    expect((await noRules.s.send('/content/site/tiny.txt')).status).toBe(403)
    const owner = await dir('SymLinksIfOwnerMatch', '    RewriteRule "^a$" "tiny.txt" [L]\n')
    const a = await owner.s.send('/content/site/a')
    expect([a.status, a.text]).toEqual([200, 'tiny\n'])
  })

  it('RequestHeader … early runs when the request is read, before mod_rewrite; the others only at fixups, after it', async () => {
    const { s } = await site(
      [
        'RequestHeader set X-Go "b" early',
        'RequestHeader set X-Late "1"',
        'RewriteCond %{HTTP:X-Go} ^b$',
        'RewriteRule "^/early-check$" "/content/index.html" [PT,L]',
        'RewriteCond %{HTTP:X-Late} ^1$',
        'RewriteRule "^/late-check$" "/content/index.html" [PT,L]',
        'RewriteRule "^/(early|late)-check$" - [R=404]'
      ].join('\n')
    )
    const early = await s.send('/early-check', { headers: { 'x-go': 'zz' } })
    expect([early.status, early.text]).toEqual([200, 'index\n'])
    expect((await s.send('/late-check')).status).toBe(404)
  })

  it('a folder without its slash is redirected (mod_dir); with it, index.html answers', async () => {
    // The embedded vhost says DirectorySlash Off in <Directory />: a later <Directory /> turns it on again.
    const { s } = await site('<Directory />\n    DirectorySlash On\n</Directory>')
    const r = await s.send('/content?a=1')
    expect(r.status).toBe(301)
    expect(r.headers.location).toMatch(/^http:\/\/[^/]+\/content\/\?a=1$/)
    // httpd's own redirects are not errors: mod_expires sets their freshness (the baseline's
    // ExpiresByType text/html A${EXPIRATION_TIME}, 300 s, for the redirect page).
    expect(r.headers['cache-control']).toBe('max-age=300')
    expect(r.headers.expires).toBeDefined()
    const index = await s.send('/content/')
    expect(index.status).toBe(200)
    expect(index.text).toBe('index\n')
  })

  it('OPTIONS is answered with Allow and no body; PUT is 405 with Allow and the method in the page', async () => {
    const { s } = await site()
    const options = await s.send('/content/site/tiny.txt', { method: 'OPTIONS' })
    expect(options.status).toBe(200)
    expect(options.headers.allow).toBe('GET,POST,OPTIONS,HEAD,TRACE')
    expect(options.headers['content-length']).toBe('0')
    expect(options.body.length).toBe(0)
    const put = await s.send('/content/site/tiny.txt', { method: 'PUT', body: '' })
    expect(put.status).toBe(405)
    expect(put.headers.allow).toBe('GET,POST,OPTIONS,HEAD,TRACE')
    expect(put.text).toContain('The requested method PUT is not allowed for this URL.')
  })

  it("a 405 sent through a local or full-URL ErrorDocument has no Allow (it is ap_send_error_response's); one with a text has", async () => {
    const local = await site('ErrorDocument 405 /content/index.html')
    const put = await local.s.send('/content/site/tiny.txt', { method: 'PUT', body: '' })
    expect([put.status, put.text, put.headers.allow]).toEqual([405, 'index\n', undefined])
    const url = await site('ErrorDocument 405 https://errors.example/405')
    const moved = await url.s.send('/content/site/tiny.txt', { method: 'PUT', body: '' })
    expect([moved.status, moved.headers.location, moved.headers.allow]).toEqual([
      302,
      'https://errors.example/405',
      undefined
    ])
    const text = await site('ErrorDocument 405 "no such method here"')
    const said = await text.s.send('/content/site/tiny.txt', { method: 'PUT', body: '' })
    expect([said.status, said.text, said.headers.allow]).toEqual([
      405,
      'no such method here',
      'GET,POST,OPTIONS,HEAD,TRACE'
    ])
  })

  it('304 keeps every header of the 200 but the type and length, and mod_deflate leaves it alone', async () => {
    const { s } = await site()
    const full = await s.send('/content/site/page.html')
    const r = await s.send('/content/site/page.html', {
      headers: { ...GZIP, 'if-none-match': String(full.headers.etag) }
    })
    expect(r.status).toBe(304)
    expect(r.headers['last-modified']).toBe(full.headers['last-modified'])
    expect(r.headers['accept-ranges']).toBe('bytes')
    expect(r.headers.etag).toBe(full.headers.etag)
    expect(r.headers['content-type']).toBeUndefined()
    // The <If>'s Vary stays; mod_deflate adds none.
    expect(r.headers.vary).toBe('X-Test')
    expect(r.headers['content-encoding']).toBeUndefined()
    // mod_expires goes by r->content_type, still the file's: the 304 carries the 200's freshness.
    expect(full.headers['cache-control']).toBe('max-age=300')
    expect(r.headers['cache-control']).toBe('max-age=300')
    expect(r.headers.expires).toBeDefined()
  })

  it('mod_expires applies to a multipart 206 by the type of the file it was cut from', async () => {
    const { s } = await site()
    const r = await s.send('/content/site/page.html', { headers: { range: 'bytes=0-1,3-4' } })
    expect(r.status).toBe(206)
    expect(r.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/)
    expect(r.headers['cache-control']).toBe('max-age=300')
    expect(r.headers.expires).toBeDefined()
  })

  it('a failed If-Match is 412 with the file headers and an empty body; an unsatisfiable range is Apache’s 416 page', async () => {
    const { s } = await site()
    const failed = await s.send('/content/site/tiny.txt', { headers: { 'if-match': '"nope"' } })
    expect(failed.status).toBe(412)
    expect(failed.headers['content-length']).toBe('0')
    expect(failed.headers['last-modified']).toBeDefined()
    expect(failed.headers.etag).toBeDefined()
    const unsatisfiable = await s.send('/content/site/page.html', { headers: { range: 'bytes=99999-' } })
    expect(unsatisfiable.status).toBe(416)
    expect(unsatisfiable.headers['content-type']).toBe('text/html; charset=iso-8859-1')
    expect(unsatisfiable.text).toContain('<title>416 Requested Range Not Satisfiable</title>')
  })

  it('mod_deflate sees the whole file: HEAD gets the gzipped length, a range for a plain client still varies', async () => {
    const { s } = await site()
    const get = await s.send('/content/site/page.html', { headers: GZIP })
    expect(get.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(get.body).toString('utf8')).toBe(PAGE)
    expect(get.headers['content-length']).toBe(String(get.body.length))
    const head = await s.send('/content/site/page.html', { method: 'HEAD', headers: GZIP })
    expect(head.headers['content-length']).toBe(String(get.body.length))
    const range = await s.send('/content/site/page.html', { headers: { range: 'bytes=0-9' } })
    expect(range.status).toBe(206)
    expect(range.headers.vary).toBe('X-Test,Accept-Encoding')
  })

  it('request-phase Vary comes before mod_deflate’s; Apache’s own error pages and redirects carry neither', async () => {
    const { s } = await site('RewriteRule "^/old$" "/content/site/page.html" [R=301,L]')
    const page = await s.send('/content/site/page.html', { headers: GZIP })
    expect(page.headers.vary).toBe('X-Test,Accept-Encoding')
    const missing = await s.send('/content/site/missing.html', { headers: GZIP })
    expect(missing.status).toBe(404)
    expect(missing.headers.vary).toBeUndefined()
    expect(missing.headers['content-encoding']).toBeUndefined()
    const moved = await s.send('/old', { headers: GZIP })
    expect(moved.status).toBe(301)
    expect(moved.headers.vary).toBeUndefined()
    expect(moved.headers['cache-control']).toBe('max-age=300')
  })

  it('a header RequestHeader adds keeps its spelling: a case-sensitive `Header echo` regex finds it', async () => {
    const { s } = await site('RequestHeader append X-Seen "1"\nHeader echo ^X-Seen$')
    expect((await s.send('/content/site/tiny.txt')).headers['x-seen']).toBe('1')
    expect((await s.send('/content/site/tiny.txt', { headers: { 'X-Seen': 'c' } })).headers['x-seen']).toBe('c, 1')
  })

  it('a rewritten query with a space is refused with 403 unless a redirect escapes it (AH10411)', async () => {
    const { s } = await site(`RewriteRule "^/pt/(.*)$" "/content/site/tiny.txt?v=$1" [PT]
RewriteRule "^/ne/(.*)$" "/content/site/tiny.txt?v=$1" [R=302,NE,L]
RewriteRule "^/r/(.*)$" "/content/site/tiny.txt?v=$1" [R=302,L]`)
    expect((await s.send('/pt/a%20b')).status).toBe(403)
    expect((await s.send('/pt/ab')).status).toBe(200)
    expect((await s.send('/ne/a%20b')).status).toBe(403)
    const r = await s.send('/r/a%20b')
    expect(r.status).toBe(302)
    expect(r.headers.location).toMatch(/\/content\/site\/tiny\.txt\?v=a%20b$/)
  })

  it('ForceType and a rewrite [T=] type the file; Header expressions see r->uri after [PT]', async () => {
    const { s } = await site(`<FilesMatch "\\.txt$">
    ForceType text/markdown
</FilesMatch>
RewriteRule "^/as-json$" "/content/site/tiny.txt" [T=application/json,PT]
Header set X-Pt "yes" "expr=%{REQUEST_URI} =~ m#^/content/site/#"`)
    const forced = await s.send('/content/site/tiny.txt')
    expect(forced.headers['content-type']).toBe('text/markdown')
    const json = await s.send('/as-json')
    expect(json.headers['content-type']).toBe('application/json')
    expect(json.headers['x-pt']).toBe('yes')
  })

  it('an ErrorDocument message is sent as text/html; adjacent ranges merge into one 206; a fragment is 400', async () => {
    const { s } = await site('ErrorDocument 404 "Nothing here"')
    const missing = await s.send('/content/site/missing.html')
    expect(missing.status).toBe(404)
    expect(missing.text).toBe('Nothing here')
    expect(missing.headers['content-type']).toBe('text/html; charset=iso-8859-1')
    const ranges = await s.send('/content/site/tiny.txt', { headers: { range: 'bytes=0-0,1-1' } })
    expect(ranges.status).toBe(206)
    expect(ranges.headers['content-range']).toBe('bytes 0-1/5')
    expect(ranges.text).toBe('ti')
    expect((await s.send('/content/site/tiny.txt#top')).status).toBe(400)
  })
})

describe("the runtime's environment", () => {
  it('%{ENV:…} and env() read it when the request has no such variable (the SDK passes ENVIRONMENT_TYPE)', async () => {
    const { s } = await site(`RewriteCond %{ENV:ENVIRONMENT_TYPE} ^dev$
RewriteRule ^/env-dev$ /content/site/tiny.txt [R=302,L]
<If "env('ENVIRONMENT_TYPE') == 'dev'">
    Header set X-Env "dev"
</If>`)
    expect((await s.send('/env-dev')).status).toBe(302)
    expect((await s.send('/content/site/tiny.txt')).headers['x-env']).toBe('dev')
  })
})

describe('AddDefaultCharset on Dispatcher answers', () => {
  it('a render answer and the cache hit after it name the default charset', async () => {
    const docroot = tempDocroot()
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir: embeddedConfigWithVhost('AddDefaultCharset UTF-8'),
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
    })
    s.up.publish.behave('/content/demo/us/en/plain.html', {
      body: '<html>plain</html>',
      headers: { 'content-type': 'text/html' }
    })
    const miss = await s.send('/content/demo/us/en/plain.html')
    expect(miss.headers['content-type']).toBe('text/html; charset=UTF-8')
    const hit = await s.send('/content/demo/us/en/plain.html')
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers['content-type']).toBe('text/html; charset=UTF-8')
  })

  it('is the runtime’s own (its httpd.conf sets UTF-8) for an AEMaaCS project that does not set it', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      configDir: embeddedConfigCopy('charset-'),
      engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot: tempDocroot() })
    })
    s.up.publish.behave('/content/demo/us/en/no-charset.html', {
      body: 'plain',
      headers: { 'content-type': 'text/html' }
    })
    const r = await s.send('/content/demo/us/en/no-charset.html')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/html; charset=UTF-8')
  })
})
