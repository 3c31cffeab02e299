/**
 * `OPTIONS` to a file Apache serves: the answer is typed (and mod_expires follows the type) by
 * r->filename as the directory walk left it — the first missing folder (no type), or the file
 * before any path info — not by the whole URL. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'content/x.html': '<p>x</p>\n', 'content/m.json': '{}\n' }

const REQUESTS: HttpdRequest[] = [
  '/content/dam/x.jpg',
  '/missing/page.html',
  '/content/x.html/y',
  '/content/m.json/x',
  '/content/x.html',
  '/content/new.html',
  '/content/'
].map((t): HttpdRequest => ['OPTIONS', t, { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' }])

describe('OPTIONS and its type', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'expires', 'headers'], d),
    'ExpiresActive On',
    'ExpiresByType text/html "access plus 5 minutes"'
  ])
  it('is typed as apache2 types it', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
