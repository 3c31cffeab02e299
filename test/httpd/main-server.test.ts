/**
 * httpd's main server answers on a port no `<VirtualHost>` takes: a one-file httpd.conf without
 * vhosts (the classic Dispatcher install), or RHEL's main server beside ssl.conf's
 * `_default_:443` vhost. Its own rewrite rules, headers and sections apply, under Debian's
 * apache2 and under the workbench alike.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'index.html': 'index\n', 'ssl/x.txt': 'ssl\n', 'x.txt': 'main\n' }

function mainServer(docroot: string): string[] {
  return [
    ...serverLines(['mime', 'rewrite', 'headers', 'dir', 'authz_host'], docroot),
    'Header set X-Main yes',
    'RewriteEngine On',
    'RewriteRule ^/$ /a.txt [R,L]',
    'RewriteRule ^/b$ /a.txt [PT,L]',
    '<Location "/x.txt">',
    '  Header set X-Location main',
    '</Location>'
  ]
}

const REQUESTS: HttpdRequest[] = [
  ['GET', '/', {}],
  ['GET', '/b', {}],
  ['GET', '/a.txt', {}],
  ['GET', '/x.txt', {}],
  ['GET', '/x.txt', { host: 'other.example' }],
  ['GET', '/missing', {}]
]

describe('a configuration without <VirtualHost>', () => {
  const running = classicSideBySide(FILES, mainServer)
  it('is served by the main server: its rewrite rules, headers and sections apply', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

describe('a configuration whose only <VirtualHost> is on another port', () => {
  const running = classicSideBySide(FILES, (docroot) => [
    ...mainServer(docroot),
    '<VirtualHost *:443>',
    `  DocumentRoot "${docroot}/ssl"`,
    '  Header set X-Vhost ssl',
    '</VirtualHost>'
  ])
  it('is served by the main server, not that vhost', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
