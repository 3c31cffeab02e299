/**
 * `AllowEncodedSlashes` as httpd reads it: a server setting that vhosts do not inherit
 * (merge_core_server_configs leaves it out), and with `On` a path normalised first with `%2F`
 * still encoded, then — decoded — normalised again with its slashes kept and a `..` above the
 * root dropped (`/..%2Fa.txt` is `/a.txt`, not a 400). Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'dir/sub/c.txt': 'c\n', 'dir%2Fb.txt': 'literal\n' }

const vhost = (docroot: string, lines: string[]): string[] => [
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${docroot}"`,
  ...lines,
  '</VirtualHost>'
]

const get = (target: string): HttpdRequest => ['GET', target, {}]

const cases: [string, (docroot: string) => string[], HttpdRequest[]][] = [
  [
    'On in the vhost',
    (d) =>
      vhost(d, [
        '  AllowEncodedSlashes On',
        // r->uri made visible: the slashes decoding makes are merged too.
        '  RewriteEngine On',
        '  RewriteRule ^(.*)$ - [E=U:$1]',
        '  Header always set X-U "%{U}e"'
      ]),
    [
      '/dir%2Fb.txt',
      '/..%2Fa.txt',
      '/dir/..%2F..%2Fa.txt',
      '/dir/..%2F..%2F..%2Fa.txt',
      '/%2E%2E%2Fa.txt',
      '/.%2E%2Fdir/b.txt',
      '/dir%2F%2Fb.txt',
      '/dir/../../a.txt',
      '/dir/%2Fb.txt',
      '/%2Fa.txt'
    ].map(get)
  ],
  [
    'On for the server, not for its vhost',
    (d) => ['AllowEncodedSlashes On', ...vhost(d, [])],
    ['/dir%2Fb.txt', '/dir%2fsub%2Fc.txt'].map(get)
  ],
  [
    'NoDecode for the server, not for its vhost',
    (d) => ['AllowEncodedSlashes NoDecode', ...vhost(d, [])],
    ['/dir%2Fb.txt'].map(get)
  ],
  [
    'On for the main server',
    () => ['AllowEncodedSlashes On'],
    ['/dir%2Fb.txt', '/..%2Fa.txt', '/dir/..%2F..%2Fa.txt'].map(get)
  ]
]

describe('AllowEncodedSlashes', () => {
  for (const [name, lines, requests] of cases) {
    describe(name, () => {
      const running = classicSideBySide(FILES, (docroot) => [
        ...serverLines(['mime', 'rewrite', 'headers'], docroot),
        ...lines(docroot)
      ])
      it('answers as apache2', async () => {
        expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
      })
    })
  }
})
