/**
 * The request headers an `<If>` reads go into the answer's Vary, whatever else the configuration
 * has (no Header, mod_expires or DEFLATE line here), before those of `Require expr`: httpd walks
 * the `<If>` sections before the access checks. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'i/b.txt': 'b\n' }

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.txt', {}],
  ['GET', '/a.txt', { 'user-agent': 'a bot' }],
  ['GET', '/i/b.txt', { 'x-key': 's' }],
  ['GET', '/i/b.txt', { 'x-key': 'k', 'x-b': 'yes' }],
  ['GET', '/i/b.txt', { 'x-key': 'k', 'x-b': 'no' }]
]

describe('Vary from <If> conditions', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'env', 'alias', 'dir'], d),
    '<If "%{HTTP_USER_AGENT} =~ /bot/">',
    '  SetEnv IS_BOT 1',
    '</If>',
    `<Directory "${d}/i">`,
    '  <If "%{HTTP:X-Key} == \'s\'">',
    '    Require all denied',
    '  </If>',
    '  Require expr "%{HTTP:X-B} == \'yes\'"',
    '</Directory>'
  ])
  it('is sent as apache2 sends it', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
