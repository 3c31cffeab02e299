/**
 * mod_dir's look-up of each DirectoryIndex name (and FallbackResource's) is a subrequest that
 * mod_rewrite's translate hook sees like any request: the vhost's rules run on the index name
 * (`[NS]` and `[R]` rules are skipped, so `^/index\.html$ / [R]` does not loop; `%{IS_SUBREQ}`
 * is "true"), a substitution that names another server is passed on as a redirect, `[F]` refuses
 * the index, `[P]` hands it to mod_proxy, and a rule that maps the name elsewhere serves that file
 * in place of the folder. A folder a rule mapped the request to finds its index through the rules
 * too. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = {
  'loop/index.html': 'loop\n',
  'ns/index.html': 'ns\n',
  'moved/index.html': 'moved\n',
  'moved/home.html': 'home\n',
  'pt/index.html': 'pt\n',
  'pt/start.html': 'start\n',
  'gone/index.html': 'gone\n',
  'gone/b.txt': 'b\n',
  'denied/index.html': 'denied\n',
  'sub/index.html': 'sub\n',
  'cond/index.html': 'cond\n',
  'fb/real.txt': 'real\n',
  'fallback.html': 'fallback\n',
  'elsewhere.html': 'elsewhere\n',
  'nomatch/index.html': 'nomatch\n',
  'px/index.html': 'px\n',
  'abs/index.html': 'abs\n',
  'real/index.html': 'real\n',
  'real/only/b.txt': 'only-b\n'
}

const REQUESTS: HttpdRequest[] = [
  '/loop/',
  '/loop/?a=1',
  '/ns/',
  '/moved/',
  '/pt/',
  '/gone/',
  '/denied/',
  '/sub/',
  '/cond/',
  '/fb/missing',
  '/nomatch/',
  '/loop/index.html',
  '/px/',
  '/abs/',
  '/mapped/',
  '/mapped/only/'
].map((t): HttpdRequest => ['GET', t, {}])

describe('the vhost RewriteRules in the subrequests of DirectoryIndex and FallbackResource', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'rewrite', 'headers', 'proxy', 'proxy_http'], d),
    'DirectoryIndex index.html b.txt',
    'RewriteEngine On',
    'RewriteRule "^/loop/index\\.html$" /loop/ [R=301,L]',
    'RewriteRule "^/ns/index\\.html$" /ns/x [R=301,L,NS]',
    'RewriteRule "^/moved/index\\.html$" /moved/home.html [L]',
    'RewriteRule "^/pt/index\\.html$" /pt/start.html [PT,L]',
    'RewriteRule "^/gone/index\\.html$" - [G]',
    'RewriteRule "^/denied/index\\.html$" - [F]',
    'RewriteCond %{IS_SUBREQ} true',
    'RewriteCond %{HTTP:X-Foo} ^$',
    'RewriteRule "^/sub/index\\.html$" /elsewhere.html [L,E=SUBVAR:yes,CO=sub:1:localhost]',
    'RewriteRule "^/px/index\\.html$" http://127.0.0.1:9/x [P]',
    'RewriteRule "^/abs/index\\.html$" http://example.com/abs [L]',
    'RewriteCond %{IS_SUBREQ} false',
    'RewriteRule "^/cond/index\\.html$" /elsewhere.html [L]',
    'RewriteRule "^/fallback\\.html$" /elsewhere.html [L]',
    'RewriteRule "^/mapped/(.*)$" /real/$1 [L]',
    `<Directory "${d}/fb">`,
    '  FallbackResource /fallback.html',
    '</Directory>',
    'Header always set X-Subreq "%{IS_SUBREQ}e"',
    'Header always set X-Subvar "%{SUBVAR}e"'
  ])

  it('answer as apache2 answers', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
