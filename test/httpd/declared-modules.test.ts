/**
 * A classic httpd.conf that names its own modules (it loads mod_mime), under Debian's apache2
 * and under the workbench: only what its LoadModule lines load runs. Without mod_dir there is no
 * DirectoryIndex and no trailing-slash redirect; `<IfModule>` blocks of modules it does not load
 * are skipped. (A configuration that does not load mod_mime does not carry its module list:
 * the runtime's stands in, declared-modules.ts.)
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const running = classicSideBySide(
  { 'index.html': 'index\n', 'a.txt': 'a\n', 'd/index.html': 'd index\n' },
  (docroot) => [
    ...serverLines(['mime'], docroot),
    '<VirtualHost *:*>',
    '  ServerName localhost',
    `  DocumentRoot "${docroot}"`,
    '  <IfModule headers_module>',
    '    Header set X-Headers-Loaded yes',
    '  </IfModule>',
    '  <IfModule mod_rewrite.c>',
    '    RewriteEngine On',
    '    RewriteRule ^/old$ /a.txt [R=301,L]',
    '  </IfModule>',
    '  <IfModule mime_module>',
    '    AddType text/x-probe .txt',
    '  </IfModule>',
    '</VirtualHost>'
  ]
)

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.txt', {}],
  ['GET', '/old', {}],
  ['GET', '/', {}],
  ['GET', '/d', {}],
  ['GET', '/d/', {}]
]

describe('a classic httpd.conf that loads its own modules', () => {
  it('runs only those: every request gets the same answer from apache2 and the workbench', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
