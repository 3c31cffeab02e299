/**
 * `RequestHeader set Host`: httpd fixed r->hostname when it read the request, so the server name
 * of self-referential URLs (mod_dir's slash redirect, mod_rewrite's [R]) and %{SERVER_NAME} stay
 * the client's, while %{HTTP_HOST} reads the new header. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'dir/index.html': 'i\n' }

const running = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'headers', 'rewrite', 'dir'], d),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  RequestHeader set Host rewritten.example early',
  '  Header always set X-Names "expr=%{SERVER_NAME}|%{HTTP_HOST}"',
  '  RewriteEngine On',
  '  RewriteRule ^/r$ /a.txt [R=302,L]',
  '</VirtualHost>'
])

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.txt', {}],
  ['GET', '/dir', {}],
  ['GET', '/r', {}],
  ['GET', '/a.txt', { host: 'localhost:8080' }]
]

describe('RequestHeader set Host', () => {
  it('leaves the server name of self-referential URLs as the client sent it, as apache2 does', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
