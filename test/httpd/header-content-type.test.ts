/**
 * `Header … Content-Type`: httpd writes the Content-Type line from r->content_type after
 * mod_headers has run, so `set`, `setifempty`, `edit` and `unset` (which change
 * r->content_type) decide it — once, also for `always` — and what `add`, `append` and `merge`
 * did to the rows is lost. Debian's apache2 against the workbench, a section per case.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const CASES: Record<string, string> = {
  set: 'Header set Content-Type text/x-a',
  'always-set': 'Header always set Content-Type text/x-a',
  'always-unset': 'Header always unset Content-Type',
  unset: 'Header unset Content-Type',
  'always-edit': 'Header always edit Content-Type "^text/(.*)$" "application/$1"',
  edit: 'Header edit Content-Type "^text/(.*)$" "application/$1"',
  append: 'Header append Content-Type "charset=x"',
  'always-append': 'Header always append Content-Type "charset=x"',
  add: 'Header add Content-Type text/x-b',
  merge: 'Header merge Content-Type text/plain',
  'set-then-read': 'Header set Content-Type text/x-a\n  Header set X-CT "expr=%{CONTENT_TYPE}"',
  'unset-then-add': 'Header unset Content-Type\n  Header add Content-Type text/x-b',
  'always-add': 'Header always add Content-Type text/x-b',
  // A file's type is no row of headers_out while mod_headers runs: this reads nothing.
  'read-response':
    'Header always set X-R "expr=%{resp:Content-Type}"\n  Header set X-H "1" "expr=%{resp:Content-Type} =~ m#text/#"'
}

const FILES = {
  ...Object.fromEntries(Object.keys(CASES).map((name) => [`${name}/a.txt`, `${name}\n`])),
  // A file mod_mime names no type for.
  'add/untyped.zzq': 'u\n',
  'always-add/untyped.zzq': 'u\n'
}

const running = classicSideBySide(FILES, (docroot) => [
  ...serverLines(['mime', 'headers'], docroot),
  ...Object.entries(CASES).flatMap(([name, line]) => [`<Location "/${name}/">`, `  ${line}`, '</Location>'])
])

const NOW = new Date().toUTCString()

const REQUESTS: HttpdRequest[] = [
  ...Object.keys(CASES).map((name): HttpdRequest => ['GET', `/${name}/a.txt`, {}]),
  ['GET', '/always-set/missing', {}],
  ['GET', '/read-response/missing', {}],
  ['GET', '/add/untyped.zzq', {}],
  ['GET', '/always-add/untyped.zzq', {}],
  // 304s get no line from r->content_type: what the rows say goes out. (The files are a minute old.)
  ['GET', '/always-add/a.txt', { 'if-modified-since': NOW }],
  ['GET', '/always-edit/a.txt', { 'if-modified-since': NOW }],
  ['GET', '/unset-then-add/a.txt', { 'if-modified-since': NOW }],
  ['HEAD', '/always-set/a.txt', {}]
]

describe('Header directives on Content-Type', () => {
  it('leave the one Content-Type line r->content_type makes, as apache2 does', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
