/**
 * The request headers an `<If>` reads go into the answer's Vary, whatever else the configuration
 * has (no Header, mod_expires or DEFLATE line here), before those of `Require expr`: httpd walks
 * the `<If>` sections before the URI is translated (the vhost's RewriteConds) and before the
 * access checks. An `<If>` counts whatever it holds (even nothing), and TRACE orders them alike.
 * (Not emulated: an `<If>` inside `<Directory>` is walked after the vhost's RewriteConds, so its
 * headers come after theirs; here they all come first.) Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'i/b.txt': 'b\n', 'j/c.txt': 'c\n' }

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.txt', {}],
  ['GET', '/a.txt', { 'user-agent': 'a bot' }],
  ['GET', '/i/b.txt', { 'x-key': 's' }],
  ['GET', '/i/b.txt', { 'x-key': 'k', 'x-b': 'yes' }],
  ['GET', '/i/b.txt', { 'x-key': 'k', 'x-b': 'no' }],
  ['GET', '/j/c.txt', { 'x-e': 'b' }],
  ['GET', '/a.txt', { 'x-r': 'r' }],
  ['TRACE', '/a.txt', { 'x-r': 'r' }]
]

describe('Vary from <If> conditions', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'env', 'alias', 'dir', 'rewrite'], d),
    '<If "%{HTTP_USER_AGENT} =~ /bot/">',
    '  SetEnv IS_BOT 1',
    '</If>',
    `<Directory "${d}/i">`,
    '  <If "%{HTTP:X-Key} == \'s\'">',
    '    Require all denied',
    '  </If>',
    '  Require expr "%{HTTP:X-B} == \'yes\'"',
    '</Directory>',
    `<Directory "${d}/j">`,
    '  <If "%{HTTP:X-E} == \'b\'">',
    '    DirectorySlash Off',
    '  </If>',
    '  <If "%{HTTP:X-F} == \'f\'">',
    '  </If>',
    '</Directory>',
    'RewriteEngine On',
    'RewriteCond %{HTTP:X-R} =r',
    'RewriteRule ^/a\\.txt$ - [E=R:1]'
  ])
  it('is sent as apache2 sends it', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
