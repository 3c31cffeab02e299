/**
 * A request for a folder that Apache answers itself, through the real listener: mod_dir's
 * trailing-slash redirect (or none, with the AEMaaCS baseline's `DirectorySlash Off`), its
 * DirectoryIndex list, and mod_autoindex's answer for a folder without an index: 403 unless
 * `Options Indexes` applies, then the listing as httpd 2.4.71 writes it. Compared side by side
 * with apache2 in test/httpd (differential.test.ts); here, what a user sees and the trace.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { writeConfig } from './support/config'
import { runCli } from './support/cli'
import { tempDocroot } from './support/cache'
import { stackForThisTest } from './support/engine'

/** The embedded vhost without the Dispatcher (Apache serves the docroot), with `extra` added. */
function site(extra: (docroot: string) => string = () => ''): ReturnType<typeof embeddedSite> {
  return embeddedSite(extra, (t) => t.replace('SetHandler dispatcher-handler', ''))
}

const BASE = Date.UTC(2024, 2, 5, 14, 7, 0)

/** The n-th file's time as a listing shows it: the server's local time, to the minute. */
function at(n: number): string {
  const d = new Date(BASE + n * 60_000)
  const two = (x: number): string => String(x).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

/** Files with a fixed modification time (2024-03-05 14:07 UTC and a minute apart), a folder last. */
function folder(dir: string, files: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true })
  const base = BASE
  Object.entries(files).forEach(([name, body], i) => {
    const file = path.join(dir, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, body)
    fs.utimesSync(file, new Date(base + i * 60_000), new Date(base + i * 60_000))
  })
  for (const e of fs.readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) fs.utimesSync(path.join(dir, e.name), new Date(base), new Date(base))
}

type Trace = { stages: { stage: string; summary: string; log?: readonly string[] }[] }

const renderLines = (t: Trace): string[] => t.stages.filter((s) => s.stage === 'render').map((s) => s.summary)

describe('a folder Apache serves itself (mod_dir, mod_autoindex)', () => {
  it("the baseline's DirectorySlash Off: no redirect for a folder without its slash; without an index and without Options Indexes it is 403 (AH01276), not 404", async () => {
    const s = await site()
    folder(path.join(s.docroot, 'content', 'site'), { 'a.html': 'a' })
    const noSlash = await s.send('/content/site')
    expect(noSlash.status).toBe(403)
    expect(noSlash.headers.location).toBeUndefined()
    const lines = renderLines(noSlash.trace)
    expect(lines[0]).toMatch(
      /^mod_dir: .*content\/site is a folder and the URL has no trailing slash; DirectorySlash Off \(default\.vhost:\d+\): no redirect, the handler gets the folder$/
    )
    expect(lines[1]).toMatch(
      /mod_autoindex: .*content\/site is a folder without an index, and Options does not include Indexes \(Options at default\.vhost:\d+\): 403$/
    )
    const log = noSlash.trace.stages.find((e) => e.summary.includes('mod_autoindex'))?.log ?? []
    expect(log).toEqual([
      expect.stringMatching(
        /^AH01276: Cannot serve directory .*\/content\/site: No matching DirectoryIndex \(none\) found, and server-generated directory index forbidden by Options directive$/
      )
    ])
    const slash = await s.send('/content/site/')
    expect(slash.status).toBe(403)
    expect(renderLines(slash.trace)[0]).toMatch(/^mod_dir: no DirectoryIndex file \(index\.html, the default\) in /)
    expect(s.up.publish.count).toBe(0)
  })

  it('DirectorySlash On redirects (301) with the query kept and the path escaped as httpd does', async () => {
    const s = await site(() => '<Directory />\n    DirectorySlash On\n</Directory>')
    folder(path.join(s.docroot, 'café folder'), { 'index.html': 'x' })
    const r = await s.send('/caf%C3%A9%20folder?a=1&b')
    expect(r.status).toBe(301)
    expect(r.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/caf%c3%a9%20folder\/\?a=1&b$/)
    expect(renderLines(r.trace)[0]).toMatch(/DirectorySlash On \(default\.vhost:\d+\) redirects \(301\) to http/)
  })

  it('a scheme in ServerName ("https://publish") is the scheme of self-referential URLs, and 443 its default port', async () => {
    const s = await embeddedSite(
      () => '<Directory />\n    DirectorySlash On\n</Directory>\nHeader always set X-Scheme "expr=%{REQUEST_SCHEME}"',
      (t) =>
        t.replace('SetHandler dispatcher-handler', '').replace('ServerName "publish"', 'ServerName "https://publish"')
    )
    folder(path.join(s.docroot, 'content', 'site'), { 'index.html': 'x' })
    const r = await s.send('/content/site?a=1', { headers: { host: 'www.example.com' } })
    expect(r.status).toBe(301)
    expect(r.headers.location).toBe('https://www.example.com/content/site/?a=1')
    expect(r.headers['x-scheme']).toBe('https')
    const withPort = await s.send('/content/site', { headers: { host: 'www.example.com:8443' } })
    expect(withPort.headers.location).toBe('https://www.example.com:8443/content/site/')
  })

  it('DirectoryIndex: the first name that is a file answers (with the sections of its own URI); disabled: none does', async () => {
    const s = await site(
      (docroot) => `<Directory "${docroot}/multi">
    DirectoryIndex missing.html second.html
</Directory>
<Directory "${docroot}/off">
    DirectoryIndex disabled
</Directory>
<Files "second.html">
    Header set X-Second "yes"
</Files>`
    )
    folder(path.join(s.docroot, 'multi'), { 'second.html': 'second', 'index.html': 'not this one' })
    folder(path.join(s.docroot, 'off'), { 'index.html': 'never' })
    const multi = await s.send('/multi/')
    expect(multi.status).toBe(200)
    expect(multi.text).toBe('second')
    expect(multi.headers['x-second']).toBe('yes')
    expect(renderLines(multi.trace)[0]).toMatch(
      /^mod_dir: DirectoryIndex missing\.html second\.html \(default\.vhost:\d+\): second\.html answers for the folder \(internal redirect to \/multi\/second\.html\)$/
    )
    const off = await s.send('/off/')
    expect(off.status).toBe(403)
    expect(off.text).not.toContain('never')
  })

  it("the trace says what the vhost's RewriteRules did to an index name's subrequest", async () => {
    const s = await site(() => 'RewriteRule "^/mapped/index\\.html$" /mapped/home.html [L]')
    folder(path.join(s.docroot, 'mapped'), { 'index.html': 'not this one', 'home.html': 'home' })
    const r = await s.send('/mapped/')
    expect(r.status).toBe(200)
    expect(r.text).toBe('home')
    expect(renderLines(r.trace)[0]).toMatch(
      /^mod_dir: DirectoryIndex index\.html, the default: index\.html answers for the folder \(internal redirect to \/mapped\/index\.html\); in the subrequest the vhost's RewriteRules: .* \(file .*\/mapped\/home\.html\)$/
    )
  })

  it('Options +Indexes in a section: the default listing, a plain <ul> sorted by name, byte for byte', async () => {
    const s = await site((docroot) => `<Directory "${docroot}/pub">\n    Options +Indexes\n</Directory>`)
    folder(path.join(s.docroot, 'pub'), { 'b.txt': 'b', 'a b.txt': 'a', 'x:y.txt': 'x', 'sub/c.txt': 'c' })
    const r = await s.send('/pub/')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/html;charset=ISO-8859-1')
    expect(r.text).toBe(
      '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n' +
        '<html>\n <head>\n  <title>Index of /pub</title>\n </head>\n <body>\n<h1>Index of /pub</h1>\n' +
        '<ul><li><a href="/"> Parent Directory</a></li>\n' +
        '<li><a href="a%20b.txt"> a b.txt</a></li>\n' +
        '<li><a href="b.txt"> b.txt</a></li>\n' +
        '<li><a href="sub/"> sub/</a></li>\n' +
        '<li><a href="./x:y.txt"> x:y.txt</a></li>\n' +
        '</ul>\n</body></html>\n'
    )
    expect(r.headers['content-length']).toBe(String(r.body.length))
    expect(renderLines(r.trace).at(-1)).toMatch(
      /mod_autoindex lists .*pub \(Options Indexes at default\.vhost:\d+\): 5 entries as a plain list, sorted by name ascending: 200$/
    )
  })

  it("IndexOptions FancyIndexing HTMLTable with Debian's icons (an AMS-style httpd.conf): a table with icons, dates, sizes; ?C=M;O=D sorts by date, newest first", async () => {
    // mod_autoindex's directives are not allowed in an AEMaaCS vhost: an httpd.conf of its own.
    const docroot = tempDocroot()
    const cfg = writeConfig(
      '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "9" } } /filter { /0 { /type "allow" /url "*" } } } }\n',
      {
        'httpd.conf': `<VirtualHost *:*>
  ServerName localhost
  DocumentRoot "${docroot}"
  <Directory "${docroot}/pub">
    Options +Indexes
  </Directory>
  IndexOptions FancyIndexing VersionSort HTMLTable NameWidth=* DescriptionWidth=* Charset=UTF-8
  AddIconByType (TXT,/icons/text.gif) text/*
  AddIcon /icons/back.gif ..
  AddIcon /icons/folder.gif ^^DIRECTORY^^
  AddIcon /icons/blank.gif ^^BLANKICON^^
  DefaultIcon /icons/unknown.gif
  IndexIgnore .??* *~
</VirtualHost>
`
      }
    )
    onTestFinished(() => cfg.remove())
    const s = await stackForThisTest({ configDir: cfg.anyFile })
    folder(path.join(docroot, 'pub'), {
      'file10.txt': 'x'.repeat(2000),
      'file2.txt': 'y',
      '.hidden': 'h',
      'data.bin': 'z'
    })
    const r = await s.send('/pub/')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/html;charset=UTF-8')
    const rows = r.text.split('\n').filter((l) => l.startsWith('<tr>'))
    expect(rows).toEqual([
      '<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>',
      `<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="data.bin">data.bin</a></td><td align="right">${at(3)}  </td><td align="right">  1 </td><td>&nbsp;</td></tr>`,
      `<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="file2.txt">file2.txt</a></td><td align="right">${at(1)}  </td><td align="right">  1 </td><td>&nbsp;</td></tr>`,
      `<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="file10.txt">file10.txt</a></td><td align="right">${at(0)}  </td><td align="right">2.0K</td><td>&nbsp;</td></tr>`
    ])
    expect(r.text).toContain('<th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th>')
    const byDate = await s.send('/pub/?C=M;O=D')
    const names = [...byDate.text.matchAll(/<td><a href="([^"]+)">/g)].map((m) => m[1])
    expect(names).toEqual(['/', 'data.bin', 'file2.txt', 'file10.txt'])
    expect(byDate.text).toContain('<th><a href="?C=M;O=A">Last modified</a></th>')
    expect(renderLines(byDate.trace).at(-1)).toMatch(
      /as an HTML table \(IndexOptions at httpd\.conf:7\), sorted by date descending: 200$/
    )
  })

  it('check: the directives are refused with the words apache2 -t uses', async () => {
    const cfg = writeConfig(
      `/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "localhost" /port "4503" } } } }\n`,
      {
        'httpd.conf': [
          'DispatcherConfig dispatcher.any',
          '<VirtualHost *:80>',
          '  ServerName a',
          '  DirectorySlash maybe',
          '  Options FollowSymLinks -Indexes',
          '  IndexOptions FancyIndexing NameWidth=3',
          '  AddIcon (TXT /icons/text.gif .txt',
          '  IndexOrderDefault Upwards Name',
          '  DirectoryIndexRedirect 200',
          '  Options +Indexes',
          '  IndexOptions FancyIndexing HTMLTable',
          '</VirtualHost>',
          ''
        ].join('\n')
      }
    )
    const r = await runCli(['check', path.join(cfg.dir, 'httpd.conf')], 60_000)
    expect(r.code).toBe(1)
    const errors = r.stdout.split('\n').filter((l) => / error APACHE_BAD_ARGUMENT /.test(l))
    expect(errors.map((l) => l.replace(/^.*httpd\.conf:(\d+):\d+: error APACHE_BAD_ARGUMENT /, '$1 '))).toEqual([
      '4 DirectorySlash must be On or Off',
      '5 Either all Options must start with + or -, or no Option may.',
      '6 NameWidth value must be greater than 5',
      '7 missing closing paren',
      "8 First keyword must be 'Ascending' or 'Descending'",
      '9 DirectoryIndexRedirect only accepts values between 300 and 399'
    ])
  })
})
