/**
 * mod_rewrite's `reduce_uri`: a substitution that is a full URL naming this very server becomes
 * a local path (an internal rewrite), any other full URL a redirect. httpd asks
 * `ap_matches_request_vhost`: the host as written in `<VirtualHost>` (with its port), else the
 * ServerName or a ServerAlias on the server's own port — the ServerName's, 0 when it names
 * none, so a vhost whose ServerName has no port never reduces by name. Under Debian's apache2
 * and under the workbench, vhost by vhost.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n' }

const RULES = [
  'RewriteEngine On',
  'RewriteRule ^/name$ http://localhost/a.txt',
  'RewriteRule ^/name80$ http://localhost:80/a.txt',
  'RewriteRule ^/name8080$ http://localhost:8080/a.txt',
  'RewriteRule ^/upper$ http://LOCALHOST/a.txt',
  'RewriteRule ^/alias$ http://www.example.test/a.txt',
  'RewriteRule ^/ip$ http://127.0.0.1/a.txt',
  'RewriteRule ^/ip80$ http://127.0.0.1:80/a.txt',
  'RewriteRule ^/star$ http://*/a.txt',
  'RewriteRule ^/https$ https://localhost/a.txt',
  'RewriteRule ^/bare$ http://localhost',
  'RewriteRule ^/bareport$ http://localhost:80',
  'RewriteRule ^/wrap$ http://localhost:65616/a.txt',
  'RewriteRule ^/host$ http://%{HTTP_HOST}/a.txt',
  // Not reduced, [PT] hands core a full URL: "Invalid URI in request", 400.
  'RewriteRule ^/pt$ http://localhost/a.txt [PT]'
]

const REQUESTS: HttpdRequest[] = [
  ...[
    '/name',
    '/name80',
    '/name8080',
    '/upper',
    '/alias',
    '/ip',
    '/ip80',
    '/star',
    '/https',
    '/bare',
    '/bareport',
    '/wrap'
  ].map((t): HttpdRequest => ['GET', t, {}]),
  ['GET', '/host', {}],
  ['GET', '/pt', {}],
  ['GET', '/host', { host: 'localhost:80' }],
  ['GET', '/host', { host: 'www.example.test' }]
]

function vhostCase(name: string, open: string[], close: string[], extra: string[] = []): void {
  describe(name, () => {
    const running = classicSideBySide(FILES, (docroot) => [
      ...serverLines(['mime', 'rewrite'], docroot),
      ...extra,
      ...open,
      ...RULES.map((l) => `  ${l}`),
      ...close
    ])
    it('reduces the same full URLs to local paths as apache2', async () => {
      expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
    })
  })
}

describe('a full URL naming this server (reduce_uri)', () => {
  const alias = '  ServerAlias www.example.test'
  vhostCase(
    'a vhost whose ServerName has no port',
    ['<VirtualHost *:*>', '  ServerName localhost', alias],
    ['</VirtualHost>']
  )
  vhostCase(
    'a vhost whose ServerName names port 80',
    ['<VirtualHost *:*>', '  ServerName localhost:80', alias],
    ['</VirtualHost>']
  )
  vhostCase('a vhost on an address', ['<VirtualHost 127.0.0.1>', '  ServerName localhost', alias], ['</VirtualHost>'])
  vhostCase('a vhost without a ServerName', ['<VirtualHost *:*>', alias], ['</VirtualHost>'])
  vhostCase(
    'a vhost without a ServerName, the server named with port 80',
    ['<VirtualHost *:*>', alias],
    ['</VirtualHost>'],
    ['ServerName localhost:80']
  )
  vhostCase('the main server', [], [])
  vhostCase('the main server named with port 8080', [], [], ['ServerName localhost:8080'])
  vhostCase('the main server named with port 80', [], [], ['ServerName localhost:80'])
})

/** The same question asked by a section's rules (mod_rewrite's per-directory reduce_uri). */
describe('a full URL naming this server, from a <Directory> rule', () => {
  for (const name of ['localhost', 'localhost:80']) {
    describe(`ServerName ${name}`, () => {
      const running = classicSideBySide({ 'a.txt': 'a\n', 'd/b.txt': 'b\n' }, (docroot) => [
        ...serverLines(['mime', 'rewrite'], docroot),
        '<VirtualHost *:*>',
        `  ServerName ${name}`,
        `  DocumentRoot "${docroot}"`,
        `  <Directory "${docroot}/d">`,
        '    RewriteEngine On',
        '    RewriteRule ^name$ http://localhost/a.txt',
        '    RewriteRule ^star$ http://*/a.txt',
        '  </Directory>',
        '</VirtualHost>'
      ])
      it('reduces as apache2 reduces', async () => {
        const requests = ['/d/name', '/d/star'].map((t): HttpdRequest => ['GET', t, {}])
        expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
      })
    })
  }
})
