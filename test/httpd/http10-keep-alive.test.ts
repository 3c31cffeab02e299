/**
 * An HTTP/1.0 client asking for keep-alive gets it for a static file, a folder's index and a
 * byte range: the content-length filter gives them a length, so httpd keeps the connection
 * (ap_set_keepalive) and says so. Debian's apache2 against the workbench, with
 * `KeepAliveTimeout 1` so that each connection ends soon.
 */
import { describe, expect, it } from 'vitest'
import { compareRawHeads } from './harness'
import { classicSideBySide, serverLines } from './classic'

const ka = (target: string, more = ''): string =>
  `GET ${target} HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n${more}\r\n`

describe('HTTP/1.0 keep-alive to files Apache serves', () => {
  const running = classicSideBySide({ 'a.txt': 'a\n', 'd/index.html': 'i\n' }, (d) => [
    ...serverLines(['mime', 'alias', 'dir'], d),
    'KeepAliveTimeout 1'
  ])
  it('keeps the connection as apache2 does', async () => {
    // Each connection stays open for the timeout: three heads keep the test short.
    const heads = [ka('/a.txt'), ka('/d/'), ka('/a.txt', 'Range: bytes=0-0\r\n')]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })
})
