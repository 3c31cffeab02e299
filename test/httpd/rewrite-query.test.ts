/**
 * How mod_rewrite splits a query off a substitution (httpd 2.4.60+, checked against 2.4.68): a
 * `?` written last drops the request's query and splits nothing off (so a `?` before it stays
 * in the path), unless [QSA], which splits at the last `?`; [QSD], [QSL], and the refusal of a
 * `?` an expansion made from a `%3F` of the request (CVE-2024-38474). Debian's apache2 against
 * the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const running = classicSideBySide({ 'a.txt': 'a\n', 'dir/c.txt': 'c\n' }, (d) => [
  ...serverLines(['mime', 'rewrite'], d),
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  RewriteEngine On',
  '  RewriteRule ^/q1/(.*)$ /echo/$1? [R,L]',
  '  RewriteRule ^/q2/(.*)$ /echo/$1?? [R,L]',
  '  RewriteRule ^/q3/(.*)$ /echo/$1?a=1? [R,L]',
  '  RewriteRule ^/q4/(.*)$ /echo/$1? [QSA,R,L]',
  '  RewriteRule ^/q5/(.*)$ /echo/$1?a=1? [QSA,R,L]',
  '  RewriteRule ^/q6/(.*)$ /echo/$1 [QSD,R,L]',
  '  RewriteRule ^/q7/(.*)$ /echo/$1 [R,L]',
  '  RewriteRule ^/q8/(.*)$ /echo?v=$1 [QSL,R,L]',
  '  RewriteRule ^/q9/(.*)$ /echo/$1?z [QSL,R,L]',
  '  RewriteRule ^/i1/(.*)$ /$1? [L]',
  '  RewriteRule ^/i2/(.*)$ /$1 [QSD,L]',
  '  RewriteRule ^/i3/(.*)$ /$1 [L]',
  '</VirtualHost>'
])

const REQUESTS: HttpdRequest[] = [
  '/q1/x?o=1',
  '/q1/x%3Fy?o=1',
  '/q2/x?o=1',
  '/q3/x?o=1',
  '/q4/x?o=1',
  '/q4/x',
  '/q4/x%3Fy?o=1',
  '/q5/x?o=1',
  '/q6/x?o=1',
  '/q6/x%3Fy?o=1',
  '/q6/x%3Fy',
  '/q7/x%3Fy',
  '/q7/x%3Fy?o=1',
  '/q8/a%3Fb?o=1',
  '/q9/a%3Fb?o=1',
  '/i1/a.txt?o=1',
  '/i1/a.txt%3Fy',
  '/i2/a.txt%3Fy',
  '/i2/a.txt?o=1',
  '/i3/a.txt%3Fy'
].map((t): HttpdRequest => ['GET', t, {}])

describe("a substitution's query", () => {
  it('is split off as apache2 splits it', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
