/**
 * `RewriteOptions` and the rules of nested `<Directory>` sections: the server's and the vhost's
 * options are server config, so the directory merge starts without them (a vhost's `Inherit`
 * does not make an inner section run an outer one's rules), while a section's own options are
 * inherited by the sections inside it. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'sub/deeper/y.txt': 'y\n', 'sub/x.txt': 'x\n' }

const sections = (d: string, innerOptions: string[]): string[] => [
  `  <Directory "${d}/sub">`,
  '    RewriteEngine On',
  ...innerOptions,
  '    RewriteRule ^(.*)$ http://example.test/parent/$1 [R,L]',
  '  </Directory>',
  `  <Directory "${d}/sub/deeper">`,
  '    RewriteEngine On',
  '  </Directory>'
]

const CASES: [string, (d: string) => string[]][] = [
  ['the vhost says Inherit', (d) => ['  RewriteOptions Inherit', ...sections(d, [])]],
  ['the vhost says InheritBefore', (d) => ['  RewriteOptions InheritBefore', ...sections(d, [])]],
  ['the outer section says InheritDown', (d) => sections(d, ['    RewriteOptions InheritDown'])]
]

const REQUESTS: HttpdRequest[] = [
  ['GET', '/sub/deeper/y.txt', {}],
  ['GET', '/sub/x.txt', {}]
]

describe('RewriteOptions and nested directory sections', () => {
  for (const [name, lines] of CASES) {
    describe(name, () => {
      const running = classicSideBySide(FILES, (d) => [
        ...serverLines(['mime', 'rewrite'], d),
        '<VirtualHost *:*>',
        '  ServerName localhost',
        `  DocumentRoot "${d}"`,
        ...lines(d),
        '</VirtualHost>'
      ])
      it('run the same rules as apache2', async () => {
        expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
      })
    })
  }
})
