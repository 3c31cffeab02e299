/**
 * Non-ASCII text in httpd.conf and in RewriteMap files: httpd reads both as bytes and compares
 * them with `r->uri`, which holds bytes too, so `café` written in UTF-8 matches a request for
 * `/caf%C3%A9` and not one for `/caf%E9`. Sections, mod_alias, mod_rewrite patterns, conditions
 * and txt: maps, under Debian's apache2 and under the workbench.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = {
  'a.txt': 'a\n',
  'caf\u00e9.txt': 'cafe\n',
  'caf\u00e9/x.txt': 'x\n',
  'm.txt': 'caf\u00e9 yes\nk \u00fcber\n'
}

const section = (open: string, close: string, name: string): string[] => [
  open,
  `  Header always append X-Sec "${name}"`,
  close
]

const running = classicSideBySide(FILES, (d) => {
  fs.chmodSync(path.join(d, 'm.txt'), 0o644)
  return [
    ...serverLines(['mime', 'rewrite', 'headers', 'alias'], d),
    '<VirtualHost *:*>',
    '  ServerName localhost',
    `  DocumentRoot "${d}"`,
    ...section('<Files "caf\u00e9.txt">', '</Files>', 'files'),
    ...section('<LocationMatch "caf\u00e9">', '</LocationMatch>', 'location-match'),
    ...section('<Location "/caf\u00e9">', '</Location>', 'location'),
    ...section(`<Directory "${d}/caf\u00e9">`, '</Directory>', 'directory'),
    '  Redirect /r\u00e9 http://example.com/e',
    '  RewriteEngine On',
    `  RewriteMap t txt:${d}/m.txt`,
    '  RewriteRule ^/caf\u00e9$ /a.txt [L]',
    '  RewriteRule ^/m/(.*)$ http://example.test/?e=${t:$1|no} [R,L]',
    '  RewriteCond %{REQUEST_URI} =/\u00fcber',
    '  RewriteRule ^ http://example.test/cond [R,L]',
    '</VirtualHost>'
  ]
})

const REQUESTS: HttpdRequest[] = [
  '/caf%C3%A9',
  '/caf%C3%A9.txt',
  '/caf\u00c3\u00a9.txt',
  '/caf%E9.txt',
  '/caf%C3%A9/x.txt',
  '/r%C3%A9/x',
  '/m/caf%C3%A9',
  '/m/k',
  '/%C3%BCber'
].map((t): HttpdRequest => ['GET', t, {}])

describe('non-ASCII configuration text', () => {
  it('is compared as its UTF-8 bytes, as apache2 does', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

/** A DocumentRoot whose path is not ASCII: sections naming it, files below it, `-f` on them. */
const josé = classicSideBySide(
  { 'a.txt': 'a\n', 'dir/b.txt': 'b\n' },
  (d) => [
    ...serverLines(['mime', 'headers'], d).filter(
      (l) => !l.startsWith('<Directory') && !l.includes('Require') && l !== '</Directory>'
    ),
    '<Directory />',
    '  Require all denied',
    '</Directory>',
    '<VirtualHost *:*>',
    '  ServerName localhost',
    `  DocumentRoot "${d}"`,
    `  <Directory "${d}">`,
    '    Require all granted',
    '    Header always append X-Dir root',
    '  </Directory>',
    '  <Files "b.txt">',
    '    Header always append X-Files b',
    '  </Files>',
    '  <If "-f %{REQUEST_FILENAME}">',
    '    Header always set X-F file',
    '  </If>',
    '  Header always set X-Root "expr=%{DOCUMENT_ROOT}"',
    '</VirtualHost>'
  ],
  'jos\u00e9'
)

describe('a non-ASCII DocumentRoot', () => {
  it('is the same bytes to sections, files and expressions as in apache2', async () => {
    const requests = ['/a.txt', '/dir/b.txt', '/missing'].map((t): HttpdRequest => ['GET', t, {}])
    expect(await compareAll(requests, josé.apachePort, josé.enginePort)).toBe('')
  })
})

/** What httpd writes from the configuration's text: header values, variables, ErrorDocument text. */
const written = classicSideBySide({ 'a.txt': 'a\n' }, (d) => [
  ...serverLines(['mime', 'headers', 'setenvif', 'env'], d),
  'Header always set X-N "caf\u00e9"',
  'SetEnvIf Request_URI "a" V=\u00fcber',
  'SetEnv W gr\u00fc\u00df',
  'Header always set X-V "%{V}e %{W}e"',
  'Header always edit X-N "caf\u00e9" "th\u00e9"',
  'ErrorDocument 404 "nicht gef\u00fcnden"'
])

describe('non-ASCII text httpd writes', () => {
  it('goes out as its UTF-8 bytes, as apache2 writes it', async () => {
    const requests = ['/a.txt', '/nope'].map((t): HttpdRequest => ['GET', t, {}])
    expect(await compareAll(requests, written.apachePort, written.enginePort)).toBe('')
  })
})
