/**
 * `<DirectoryMatch>` (and `<Directory ~>`) is tested against r->filename as the directory walk
 * leaves it: a folder asked for with its slash keeps the slash (`…/r/`), so `"/r/$"` applies to
 * `/r/` and `"/s$"` does not apply to `/r/s/` (folders without an index here: the answer is
 * the folder's own). Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'r/a.txt': 'a\n', 'r/s/b.txt': 'b\n' }
const REQUESTS: HttpdRequest[] = ['/r/', '/r/s/', '/r/a.txt', '/r', '/r/s'].map((t): HttpdRequest => ['GET', t, {}])

describe('<DirectoryMatch> on a folder asked for with its slash', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'headers'], d),
    'DirectorySlash Off',
    '<DirectoryMatch "/r/$">',
    '  Header always append X-Sec r-slash-dollar',
    '</DirectoryMatch>',
    '<Directory ~ "/s$">',
    '  Header always append X-Sec s-dollar',
    '</Directory>',
    '<DirectoryMatch "/r$">',
    '  Header always append X-Sec r-dollar',
    '</DirectoryMatch>'
  ])
  it('applies where apache2 applies it', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
