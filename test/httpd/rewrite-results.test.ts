/**
 * What mod_rewrite (2.4.63 and later) does with a server-context result, Debian's apache2
 * against the workbench: the "?" that starts the query must be one the substitution wrote (one an
 * expansion made is refused, AH10508, even without a %3f in the request); a result without a
 * leading slash gets one ("add root prefix"); the leading slashes of a local result are one
 * unless `[UNC]`; `/.` is a first segment that exists; and `[CO=]` writes HttpOnly only after
 * secure. `%{THE_REQUEST}` stays the client's request line in an internal redirect.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'b.html': '<p>b</p>\n', 'dir/c.txt': 'c\n', 'dir/sub/d.txt': 'd\n' }
const get = (target: string, headers: Record<string, string> = {}): HttpdRequest => ['GET', target, headers]

describe('a server-context rewrite result', () => {
  const running = classicSideBySide(FILES, (d) => {
    fs.writeFileSync(path.join(d, '../map.txt'), 'q /new?x=1\np /a.txt\nr x?y\n')
    return [
      ...serverLines(['mime', 'rewrite', 'headers'], d),
      '<VirtualHost *:*>',
      '  ServerName localhost',
      `  DocumentRoot "${d}"`,
      `  RewriteMap m txt:${d}/../map.txt`,
      '  RewriteEngine On',
      '  RewriteRule ^/m/(.*)$ ${m:$1} [R=301,L]',
      '  RewriteRule ^/mi/(.*)$ ${m:$1|/a.txt} [L]',
      '  RewriteRule ^/lit/(.*)$ /go?to=${m:$1} [R,L]',
      '  RewriteRule ^/after/(.*)$ /a${m:$1} [R,L]',
      '  RewriteRule ^/allow/(.*)$ ${m:$1} [R,L,UnsafeAllow3F]',
      '  RewriteRule ^/h$ %{HTTP:X-Target} [R,L]',
      '  RewriteCond %{QUERY_STRING} ^u=(.*)$',
      '  RewriteRule ^/c$ %1 [R,L]',
      '  RewriteRule ^/rel$ a.txt [L]',
      '  RewriteRule ^/reldir/(.*)$ dir/$1 [L]',
      '  RewriteRule ^/relr$ a.txt [R,L]',
      '  RewriteRule ^/relpt$ a.txt [PT,L]',
      '  RewriteRule ^/pre/(.*)$ /%{ENV:UNSET}/$1 [L]',
      '  RewriteRule ^/tri/(.*)$ ///$1 [L]',
      '  RewriteRule ^/mid/(.*)$ /dir/%{ENV:UNSET}/$1 [L]',
      '  RewriteRule ^/unc/(.*)$ /%{ENV:UNSET}/$1 [L,UNC]',
      '  RewriteRule ^/rr/(.*)$ /%{ENV:UNSET}/$1 [R,L]',
      '  RewriteRule ^/slit/(.*)$ ///$1',
      '  RewriteRule ^///(.*)$ /b.html [L]',
      '  RewriteRule ^/dotseg$ /./a.txt [L]',
      '  RewriteRule ^/co1$ /a.txt [CO=k1:v:localhost:0:/:false:true,L]',
      '  RewriteRule ^/co2$ /a.txt [CO=k2:v:localhost:0:/:0:1:Lax,L]',
      '  RewriteRule ^/co3$ /a.txt [CO=k3:v:localhost:0:/:true:true,L]',
      '</VirtualHost>'
    ]
  })

  it('refuses a "?" an expansion made, and takes one the substitution wrote', async () => {
    const requests = [
      get('/m/q'),
      get('/mi/q'),
      get('/m/p'),
      get('/lit/q'),
      get('/after/r'),
      get('/allow/q'),
      get('/h', { 'x-target': '/z?q=1' }),
      get('/c?u=/x?y')
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })

  it('gives a result without a leading slash one', async () => {
    expect(
      await compareAll(
        [get('/rel'), get('/reldir/c.txt'), get('/relr'), get('/relpt')],
        running.apachePort,
        running.enginePort
      )
    ).toBe('')
  })

  it('makes the leading slashes of a local result one, unless [UNC] or written so (not a redirect)', async () => {
    const requests = [
      get('/pre/a.txt'),
      get('/pre/dir/c.txt'),
      get('/tri/a.txt'),
      get('/mid/c.txt'),
      get('/unc/a.txt'),
      get('/rr/a.txt'),
      get('/lit/a.txt')
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })

  it('takes "/." as a first segment that exists', async () => {
    expect(await compareAll([get('/dotseg')], running.apachePort, running.enginePort)).toBe('')
  })

  it('[CO] writes HttpOnly only after secure', async () => {
    expect(await compareAll([get('/co1'), get('/co2'), get('/co3')], running.apachePort, running.enginePort)).toBe('')
  })
})

describe('THE_REQUEST in an internal redirect', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'rewrite', 'headers'], d),
    '<VirtualHost *:*>',
    '  ServerName localhost',
    `  DocumentRoot "${d}"`,
    '  ErrorDocument 404 /errors/404.html',
    '  RewriteEngine On',
    '  RewriteRule ^/errors/ /b.html [E=ERR:%{THE_REQUEST},PT]',
    `  <Directory "${d}/dir">`,
    '    RewriteEngine On',
    '    RewriteBase /dir/',
    // The usual "hide the extension" pair: the internal redirect to c.txt is not sent back.
    '    RewriteCond %{THE_REQUEST} \\s/+dir/([^.?\\s]+)\\.txt[\\s?]',
    '    RewriteRule ^ /dir/%1 [R=301,L]',
    '    RewriteCond %{REQUEST_FILENAME}.txt -f',
    '    RewriteRule ^(.+)$ $1.txt [L]',
    '  </Directory>',
    '  Header always set X-Err "%{ERR}e"',
    '</VirtualHost>'
  ])

  it("is the client's request line after a directory rewrite and in an ErrorDocument's request", async () => {
    const requests = [get('/dir/c'), get('/dir/sub/d'), get('/dir/c.txt'), get('/nope?q=1')]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
