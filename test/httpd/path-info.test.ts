/**
 * `r->filename` and `r->path_info` after httpd's directory walk: cut after the first component
 * that is a file or is missing (`/page.html/suffix`: the file, then `/suffix`). What a section's
 * RewriteRules (which match the two joined, and add the path info back every round),
 * `%{REQUEST_FILENAME}`, `%{PATH_INFO}` and `-f` in `<If>` and `Header … expr=` see, under
 * Debian's apache2 and under the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'pd/a.txt': 'pd-a\n', 'dir/c.txt': 'c\n', 'b.html': '<p>b</p>\n' }

/** A section's RewriteRules: they match filename and path info joined, and read them apart. */
const rewriting = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'rewrite'], d),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  `  <Directory "${d}/pd">`,
  '    RewriteEngine On',
  '    RewriteBase /pd/',
  '    RewriteRule ^echo http://example.test/?f=%{REQUEST_FILENAME}&p=%{PATH_INFO} [R,L]',
  '    RewriteCond %{REQUEST_FILENAME} !-f',
  '    RewriteRule ^nf http://example.test/fallback [R,L]',
  '    RewriteRule ^n/(.*)x(.*)$ n/$1y$2 [N]',
  '    RewriteRule ^x/(.*)$ x/$1 [L]',
  // [H=] takes the redirect handler's place: the handler gets 'redirect:…', which is no file.
  '    RewriteRule ^h/(.*)$ $1 [H=text/plain,L]',
  '    RewriteCond %{REQUEST_FILENAME} !-f',
  '    RewriteRule ^a\\.txt http://example.test/not-a-file [R,L]',
  '  </Directory>',
  '</VirtualHost>'
])

/** <If> and Header expressions. */
const expressions = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'headers'], d),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  Header always set X-PI "expr=%{PATH_INFO}|%{REQUEST_FILENAME}"',
  '  <If "-f %{REQUEST_FILENAME}">',
  '    Header always set X-F file',
  '  </If>',
  '</VirtualHost>'
])

const get = (t: string): HttpdRequest => ['GET', t, {}]

describe("the directory walk's filename and path info", () => {
  it('are what per-directory rewrite rules read, as in apache2', async () => {
    const requests = [
      '/pd/echo/x/y',
      '/pd/nf/a',
      '/pd/a.txt/extra',
      '/pd/a.txt',
      '/pd/n/axb',
      '/pd/x/y',
      '/pd/h/a.txt'
    ].map(get)
    expect(await compareAll(requests, rewriting.apachePort, rewriting.enginePort)).toBe('')
  })

  it('are what <If> and Header expressions read, as in apache2', async () => {
    const requests = [
      '/dir/c.txt/extra',
      '/b.html/x.html',
      '/dir/c.txt/',
      '/dir/c.txt',
      '/dir/',
      '/missing/deeper/page.html'
    ].map(get)
    expect(await compareAll(requests, expressions.apachePort, expressions.enginePort)).toBe('')
  })
})
