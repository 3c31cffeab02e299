/**
 * httpd's own page for every status a configuration can make it send (ap_send_error_response:
 * a rewrite `[R=4xx]`, a backend's error under ProxyErrorOverride…), under Debian's apache2 and
 * under the workbench: title, text, the Allow of a 405 or 501, and the two rare redirect pages.
 * Statuses without a text of their own get the 500's.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

/** Every status mod_rewrite's R flag takes besides the common redirects (418, 425, 306 and 399 it refuses). */
const ERRORS = [
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426,
  428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511
]
const REDIRECTS = [300, 305]

const running = classicSideBySide({ 'a.txt': 'a\n' }, (docroot) => [
  ...serverLines(['mime', 'rewrite'], docroot),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${docroot}"`,
  '  RewriteEngine On',
  ...ERRORS.map((c) => `  RewriteRule ^/status/${c}$ - [R=${c},L]`),
  ...REDIRECTS.map((c) => `  RewriteRule ^/redirect/${c}$ /a.txt [R=${c},L]`),
  '</VirtualHost>'
])

const REQUESTS: HttpdRequest[] = [
  ...ERRORS.map((c): HttpdRequest => ['GET', `/status/${c}`, {}]),
  ...REDIRECTS.map((c): HttpdRequest => ['GET', `/redirect/${c}`, {}]),
  ['HEAD', '/status/405', {}],
  ['POST', '/status/411', { 'content-length': '0' }],
  ['GET', '/status/417', { expect: 'x-odd' }]
]

describe("httpd's canned pages", () => {
  it('are the same from apache2 and the workbench, status by status', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

/** The 500's text names the server's ServerAdmin, as do %{SERVER_ADMIN} in mod_rewrite and ap_expr. */
const admin = classicSideBySide({ 'a.txt': 'a\n' }, (docroot) => [
  ...serverLines(['mime', 'rewrite', 'headers'], docroot),
  'ServerAdmin admin@example.test',
  'Header always set X-Admin "expr=%{SERVER_ADMIN}"',
  'RewriteEngine On',
  'RewriteRule ^/status/500$ - [R=500]',
  'RewriteRule ^/admin$ http://example.test/?a=%{SERVER_ADMIN} [R,L]',
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${docroot}"`,
  '  ServerAdmin "<web&master>@example.test"',
  '  RewriteEngine On',
  '  RewriteOptions Inherit',
  '</VirtualHost>'
])

const noAdmin = classicSideBySide({ 'a.txt': 'a\n' }, (docroot) => [
  ...serverLines(['mime', 'rewrite', 'headers'], docroot),
  'Header always set X-Admin "expr=%{SERVER_ADMIN}"',
  'RewriteEngine On',
  'RewriteRule ^/admin$ http://example.test/?a=%{SERVER_ADMIN} [R,L]'
])

describe('ServerAdmin', () => {
  const requests: HttpdRequest[] = [
    ['GET', '/status/500', {}],
    ['GET', '/admin', {}],
    ['GET', '/a.txt', {}]
  ]

  it("is named by the 500 page, %{SERVER_ADMIN} and the vhost's own overrides the server's", async () => {
    expect(await compareAll(requests, admin.apachePort, admin.enginePort)).toBe('')
  })

  it('is "[no address given]" when none is configured', async () => {
    expect(await compareAll(requests.slice(1), noAdmin.apachePort, noAdmin.enginePort)).toBe('')
  })
})

/** mod_alias takes any 3xx: one httpd has no status line for goes out as its 500, Location kept. */
const REDIRECT_CODES = [300, 304, 306, 309, 350, 399]
const redirects = classicSideBySide({ 'a.txt': 'a\n' }, (docroot) => [
  ...serverLines(['mime', 'alias'], docroot),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${docroot}"`,
  ...REDIRECT_CODES.map((c) => `  Redirect ${c} /r${c} http://example.com/${c}`),
  '</VirtualHost>'
])

describe('Redirect with a status httpd has no line for', () => {
  it('is answered with the 500 line and page, as apache2 does', async () => {
    const requests = REDIRECT_CODES.map((c): HttpdRequest => ['GET', `/r${c}`, {}])
    expect(await compareAll(requests, redirects.apachePort, redirects.enginePort)).toBe('')
  })
})
