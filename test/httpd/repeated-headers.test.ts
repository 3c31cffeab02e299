/**
 * A request header sent on several lines is one entry for httpd, its values joined with ", "
 * (the table merge ap_get_mime_headers_core makes), Cookie included: a RewriteCond on the
 * User-Agent sees every value, `%{req:Cookie}` reads them all. Debian's apache2 against the
 * workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareRawHeads } from './harness'
import { classicSideBySide, serverLines } from './classic'

const head = (fields: string[]): string =>
  ['GET /a.txt HTTP/1.1', 'Host: localhost', ...fields, 'Connection: close', '', ''].join('\r\n')

describe('header fields repeated in a request', () => {
  const running = classicSideBySide({ 'a.txt': 'a\n' }, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'headers', 'rewrite'], d),
    'RewriteEngine On',
    'RewriteCond %{HTTP_USER_AGENT} wordpress [NC]',
    'RewriteRule ^ - [F]',
    'Header always set X-Cookie "expr=%{req:Cookie}"',
    'Header always set X-Referer "expr=%{req:Referer}"',
    'Header always set X-Auth "expr=%{req:Authorization}"',
    'Header always set X-Other "expr=%{req:X-Other}"'
  ])
  it('are read as apache2 reads them', async () => {
    const heads = [
      head(['User-Agent: Mozilla/5.0', 'User-Agent: WordPress/6']),
      head(['Cookie: a=1', 'Cookie: b=2']),
      head(['Referer: http://a/', 'Referer: http://b/', 'Authorization: Basic x', 'Authorization: Basic y']),
      head(['X-Other: 1', 'X-Other: 2', 'x-other: 3']),
      head(['Cookie: a=1'])
    ]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })
})
