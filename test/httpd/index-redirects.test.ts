/**
 * mod_dir's look-up of each DirectoryIndex name is a subrequest that mod_alias translates and
 * fixes up like any request: a redirect there (Redirect, RedirectMatch, a `<Location>` target,
 * a list in `<Files>`) is passed on to the client at once, Location and all; another status
 * (`Redirect gone`) is the answer when no name answers; a name that is a folder gets its own
 * DirectorySlash redirect. FallbackResource's subrequest passes a redirect on the same way. A
 * non-ASCII index name is looked up by its bytes. Debian's apache2
 * against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = {
  'r1/index.html': 'r1\n',
  'r2/index.html': 'r2\n',
  'r2/b.txt': 'b\n',
  'r3/index.html': 'r3\n',
  'r4/index.html': 'r4\n',
  'r5/index.html/x.txt': 'x\n',
  'r5/b.txt': 'b\n',
  'r6/index.html': 'r6\n',
  'g/b.txt': 'b\n',
  'plain/index.html': 'plain\n',
  'f/ü.html': 'u-umlaut\n',
  'y/z.txt': 'z\n',
  'x/z.txt': 'z\n',
  'app/index.html': 'app\n'
}

const REQUESTS: HttpdRequest[] = [
  '/r1/?q=1',
  '/r2/',
  '/r3/',
  '/r4/',
  '/r5/?k=v',
  '/r6/',
  '/g/',
  '/plain/',
  '/f/',
  '/y/missing?q=1',
  '/x/missing'
].map((t): HttpdRequest => ['GET', t, {}])

describe('redirects in the subrequests of DirectoryIndex', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'headers'], d),
    'DirectoryIndex index.html b.txt',
    'RedirectMatch "^/r1/index\\.html$" http://example.com/r1-index',
    'Redirect /r2/index.html http://example.com/r2-index',
    '<Location "/r3/index.html">',
    '  Redirect http://example.com/r3-loc',
    '</Location>',
    `<Directory "${d}/r4">`,
    '  <Files "index.html">',
    '    Redirect 301 /r4/index.html http://example.com/r4-files',
    '  </Files>',
    '</Directory>',
    'RedirectMatch 410 "^/r6/index.html$"',
    'Redirect gone /g/index.html',
    `<Directory "${d}/f">`,
    '  DirectoryIndex ü.html',
    '</Directory>',
    `<Directory "${d}/y">`,
    '  FallbackResource /fb.html',
    '</Directory>',
    'Redirect /fb.html http://example.com/fb',
    `<Directory "${d}/x">`,
    '  FallbackResource /app',
    '</Directory>'
  ])
  it('are passed on as apache2 passes them', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
