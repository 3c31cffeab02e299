/**
 * ErrorDocument as core reads it (set_error_document) and ap_die uses it: the document is a
 * string expression (`%{REQUEST_URI}` in a message, a URL, a local path); a message keeps a
 * closing quote written in it; any scheme makes a URL (ap_is_url), and a full URL for 401 is
 * ignored. A `Redirect` status httpd has no line for is answered as a 500, with the 500's
 * ErrorDocument. What an expression makes is bytes (a URI's `%FF` stays the byte FF). Debian's
 * apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'err/page.txt': 'error page\n' }

const REQUESTS: HttpdRequest[] = [
  '/missing?x=1',
  '/f/nope',
  '/g/x',
  '/a401',
  '/q/nope',
  '/m/nope',
  '/l/nope?k=v',
  '/d/nope',
  '/teapot',
  '/t2/teapot',
  '/missing%FF',
  '/missing%C3%A9',
  '/u/%FF',
  '/u/%C3%A9'
].map((t): HttpdRequest => ['GET', t, {}])

describe('ErrorDocument documents', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir', 'rewrite'], d),
    'RewriteEngine On',
    'RewriteRule ^/f/ - [F]',
    'RewriteRule ^/g/ - [G]',
    'RewriteRule ^/a401$ - [R=401]',
    'ErrorDocument 404 "Not found: %{REQUEST_URI} and %{QUERY_STRING} <b>"',
    'ErrorDocument 403 mailto:webmaster@example.com',
    'ErrorDocument 410 "http://example.com/gone?u=%{REQUEST_URI}"',
    'ErrorDocument 401 http://example.com/login',
    'Redirect 418 /teapot',
    '<Location "/t2">',
    '  Redirect 425',
    '  ErrorDocument 500 "five hundred"',
    '</Location>',
    '<Location "/q">',
    '  ErrorDocument 404 "text 404 \\"quoted\\""',
    '</Location>',
    '<Location "/m">',
    '  ErrorDocument 404 "Costs $5 \\%{REQUEST_URI}"',
    '</Location>',
    '<Location "/l">',
    '  ErrorDocument 404 "/err/page.txt?from=%{REQUEST_URI}"',
    '  Header always set X-Args "%{REDIRECT_QUERY_STRING}e|%{QUERY_STRING}e"',
    '</Location>',
    '<Location "/u">',
    '  ErrorDocument 404 "http://example.com/x?u=%{REQUEST_URI}"',
    '</Location>',
    '<Location "/d">',
    '  ErrorDocument 404 default',
    '</Location>'
  ])
  it('answers as apache2 does', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
