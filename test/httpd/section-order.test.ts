/**
 * The order httpd merges regex `<Directory>` sections in (core_reorder_directories): by the
 * slashes in their pattern's text, then as written, the server's before the vhost's. Made
 * visible with `Header always append`, under Debian's apache2 and under the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'dir/sub/c.txt': 'c\n', 'dir/b.txt': 'b\n' }

const section = (open: string, name: string, close: string): string[] => [
  open,
  `  Header always append X-Sec "${name}"`,
  close
]

const running = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'headers'], d),
  ...section('<DirectoryMatch "/dir/sub/">', 'server-three', '</DirectoryMatch>'),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  ...section('<DirectoryMatch "/dir/">', 'two', '</DirectoryMatch>'),
  ...section('<DirectoryMatch "/sub">', 'one', '</DirectoryMatch>'),
  ...section('<Directory ~ "c">', 'none', '</Directory>'),
  ...section(`<Directory "${d}/dir">`, 'plain', '</Directory>'),
  '</VirtualHost>'
])

const REQUESTS: HttpdRequest[] = [
  ['GET', '/dir/sub/c.txt', {}],
  ['GET', '/dir/b.txt', {}]
]

describe('regex <Directory> sections', () => {
  it('merge in the order apache2 merges them', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

/** <Files>/<FilesMatch> on a folder asked for with its slash: the name httpd tests is empty. */
const folders = classicSideBySide({ 'dir/sub/c.txt': 'c\n', 'dir/index.html': 'i\n' }, (d) => [
  ...serverLines(['mime', 'headers'], d),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  ...section('<FilesMatch "^$">', 'empty-name', '</FilesMatch>'),
  ...section('<Files "sub">', 'sub', '</Files>'),
  '</VirtualHost>'
])

describe('<Files> sections on folders', () => {
  it('test the name apache2 tests', async () => {
    const requests = ['/', '/dir/sub/', '/dir/sub', '/dir/sub/.', '/dir/sub/c.txt/'].map((t): HttpdRequest => [
      'GET',
      t,
      {}
    ])
    expect(await compareAll(requests, folders.apachePort, folders.enginePort)).toBe('')
  })
})
