/**
 * `AddOutputFilterByType DEFLATE type…` (mod_filter): mod_deflate is in the way of the answers
 * whose type it names, the innermost context's lines replacing the outer ones' (mod_filter
 * overlays its BYTYPE:DEFLATE filter), and of no other. Debian's
 * apache2 against the workbench; gzipped bodies are compared once inflated.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const BIG = '<html><body>' + 'hello world, this is compressible text. '.repeat(60) + '</body></html>\n'
const FILES = {
  'a.html': BIG,
  'b.txt': BIG,
  'c.css': BIG,
  'loc/d.txt': BIG,
  'loc/e.css': BIG,
  'tiny.html': '<p>t</p>\n'
}
const GZ = { 'accept-encoding': 'gzip' }

const running = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'deflate', 'filter', 'headers'], d),
  'AddOutputFilterByType DEFLATE text/html',
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  AddOutputFilterByType DEFLATE text/css',
  '  <Location /loc>',
  '    AddOutputFilterByType DEFLATE text/plain',
  '  </Location>',
  '</VirtualHost>'
])

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.html', GZ],
  ['GET', '/a.html', {}],
  ['HEAD', '/a.html', GZ],
  ['GET', '/b.txt', GZ],
  ['GET', '/c.css', GZ],
  ['GET', '/loc/d.txt', GZ],
  // The <Location>'s line replaces the vhost's, as the vhost's replaces the server's.
  ['GET', '/loc/e.css', GZ],
  ['GET', '/tiny.html', GZ],
  ['GET', '/a.html', { ...GZ, range: 'bytes=0-9' }],
  // A multipart range: mod_filter goes by the type of the whole answer it is cut from.
  ['GET', '/c.css', { range: 'bytes=0-9,20-29' }]
]

describe('AddOutputFilterByType DEFLATE', () => {
  it('compresses the answers of the types it names, as apache2 does', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
