/**
 * An ErrorDocument's request and the access checks: httpd checks access again only when the
 * document's request merges other sections than the request it answers for
 * (`r->prev->per_dir_config == r->per_dir_config` skips them). So a custom 403 page under the
 * very `<Location "/">` or `<Directory>` IP allow-list that refused the request is served, while
 * one under a different refusing section fails ("Additionally, a 403…"). Debian's apache2
 * against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'err/403.html': 'custom 403\n', 'private/p.txt': 'p\n' }

function vhost(docroot: string, lines: string[]): string[] {
  return [
    '<VirtualHost *:*>',
    '  ServerName localhost',
    `  DocumentRoot "${docroot}"`,
    ...lines.map((l) => `  ${l}`),
    '</VirtualHost>'
  ]
}

const cases: [string, string[], (docroot: string) => string[], HttpdRequest[]][] = [
  [
    'the document under the <Location "/"> that refused is served',
    ['mime'],
    (d) => vhost(d, ['ErrorDocument 403 /err/403.html', '<Location "/">', '  Require all denied', '</Location>']),
    [
      ['GET', '/a.txt', {}],
      ['GET', '/dir/b.txt', {}],
      ['GET', '/nope', {}],
      ['HEAD', '/a.txt', {}]
    ]
  ],
  [
    "the document under the docroot's IP allow-list that refused is served",
    ['mime', 'authz_host'],
    (d) => vhost(d, ['ErrorDocument 403 /err/403.html', `<Directory "${d}">`, '  Require ip 10.1.2.3', '</Directory>']),
    [
      ['GET', '/a.txt', {}],
      ['GET', '/dir/b.txt', {}],
      ['GET', '/err/403.html', {}]
    ]
  ],
  [
    'a document under another refusing section fails, and one under the same is served',
    ['mime'],
    (d) =>
      vhost(d, [
        'ErrorDocument 403 /private/p.txt',
        '<Location "/private">',
        '  Require all denied',
        '</Location>',
        '<Location "/a.txt">',
        '  Require all denied',
        '</Location>'
      ]),
    [
      ['GET', '/private/x', {}],
      ['GET', '/private/p.txt', {}],
      ['GET', '/a.txt', {}]
    ]
  ]
]

describe('access checks in an ErrorDocument request', () => {
  for (const [name, modules, lines, requests] of cases) {
    describe(name, () => {
      const running = classicSideBySide(FILES, (docroot) => [...serverLines(modules, docroot), ...lines(docroot)])
      it('answers as apache2', async () => {
        expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
      })
    })
  }
})
