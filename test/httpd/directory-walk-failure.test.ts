/**
 * Names the file system cannot hold. A component over 255 bytes: apr_stat fails with
 * ENAMETOOLONG and ap_directory_walk answers 403 for any failure other than a missing file — but
 * only where the walk gets to that name (below a missing folder or a file it has stopped
 * already: 404, path info), and with the server's defaults (no `<Location>`). A path of 4096
 * bytes or more with the DocumentRoot: core's translate refuses it (403, after the `<Location>`
 * walk), whatever exists. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const deep = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(200, 'd')).join('/')
const FILES = { 'a/b.txt': 'b\n', [`${deep}/f.txt`]: 'f\n' }
const long = 'x'.repeat(256)

const REQUESTS: HttpdRequest[] = [
  `/a/${long}`,
  `/a/${long}/more`,
  `/${long}`,
  `/missing/${long}`,
  `/a/b.txt/${long}`,
  `/a/${'x'.repeat(255)}`,
  `/a/${'%C3%A9'.repeat(128)}`,
  `/${deep}/f.txt`,
  `/${deep}/${'z'.repeat(120)}`,
  `/no/${deep}/${'z'.repeat(120)}`,
  `/no/${deep}`,
  `/no/${deep}/${'%C3%A9'.repeat(10)}`,
  `TRACE /no/${deep}/${'z'.repeat(120)}`
].map((t): HttpdRequest => (t.startsWith('TRACE ') ? ['TRACE', t.slice(6), {}] : ['GET', t, {}]))

describe('a directory walk that reaches a name too long for the file system', () => {
  let docroot = ''
  const running = classicSideBySide(FILES, (d) => {
    docroot = d
    return [
      ...serverLines(['mime', 'alias', 'dir', 'headers'], d),
      'ErrorDocument 403 "refused by the walk"',
      '<LocationMatch "^/(a/x|no/0d|0d)">',
      '  Header always set X-Location "applied"',
      '</LocationMatch>'
    ]
  })
  it('is refused with 403 where apache2 refuses it, and 404 where the walk stopped before', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
  it("refuses the whole path at the byte where apache2 does (the URI's leading slash not counted)", async () => {
    // DocumentRoot + the URI without its leading slash + 4 may be 4096 bytes, not more.
    const longest = 4096 - 4 - Buffer.byteLength(docroot) + 1
    const uriOf = (n: number): string => `/no/${'abcd/'.repeat(Math.ceil(n / 5))}`.slice(0, n)
    const requests = [longest, longest + 1].map((n): HttpdRequest => ['GET', uriOf(n), {}])
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
