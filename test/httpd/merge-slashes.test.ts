/**
 * `MergeSlashes Off`: r->uri keeps its runs of slashes, a `..` removes the empty segment before
 * it, and what reads r->uri sees them (`<LocationMatch "//">`, Redirect's rest, mod_dir's slash
 * redirect, RedirectMatch captures). Debian's apache2 against the workbench, in a vhost and in
 * the main server (where it is set for the server, which vhosts inherit).
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'dir/sub/c.txt': 'c\n' }

const directives = [
  'MergeSlashes Off',
  '<LocationMatch "//">',
  '  Header always append X-Sec "double-slash"',
  '</LocationMatch>',
  'Redirect /r1 http://example.com/target',
  'RedirectMatch "^/rm/(.*)/(.*)$" "http://example.com/$2/$1"'
]

const REQUESTS: HttpdRequest[] = [
  '/dir//b.txt',
  '/dir//../b.txt',
  '/dir/sub//../../a.txt',
  '/r1//x',
  '/dir//sub',
  '/rm/a//c',
  '/dir/b.txt'
].map((t): HttpdRequest => ['GET', t, {}])

const cases: [string, (docroot: string) => string[]][] = [
  [
    'in a vhost',
    (d) => [
      '<VirtualHost *:*>',
      '  ServerName localhost',
      `  DocumentRoot "${d}"`,
      ...directives.map((l) => `  ${l}`),
      '</VirtualHost>'
    ]
  ],
  ['in the main server', () => directives]
]

describe('MergeSlashes Off', () => {
  for (const [name, lines] of cases) {
    describe(name, () => {
      const running = classicSideBySide(FILES, (d) => [
        ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
        ...lines(d)
      ])
      it('keeps the slashes where apache2 keeps them', async () => {
        expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
      })
    })
  }
})
