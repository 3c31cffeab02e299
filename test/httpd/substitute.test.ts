/**
 * mod_substitute (`Substitute` with the SUBSTITUTE filter, which the AEMaaCS SDK loads): Debian's
 * apache2 and the workbench serve the same files through the same patterns. The body is
 * rewritten line by line, the Content-Length goes (the answer is chunked, a range is ignored,
 * unless no newline went out before the end: then the answer has a length and a range is cut
 * from it), an inner context's patterns run first unless `SubstituteInheritBefore On`, a line
 * too long is a 500 (or cuts the answer once a finished line went out), `.` stops at a line's newline, a line that crashes httpd's child leaves the
 * request without an answer, DEFLATE after it compresses even a tiny answer (unless it came
 * whole: one rewritten to 68 bytes or less is left alone, `Header` seeing it so), and
 * `SetOutputFilter` with `AddOutputFilterByType` rewrite twice (/gz).
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ask, compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'
import { proxiedSideBySide } from './raw-backend'

const PAGE = 'Hello /content/site/en/page.html and /content/site/en/x\nSecond line aaa AAA\nno newline at end xx'
const FILES = {
  'a.html': PAGE,
  'b.txt': 'aaa end \nbXc line\r\nlast',
  'plain.css': PAGE,
  'merge/m.html': 'Hello line\n',
  'before/m.html': 'Hello line\n',
  'long/ok.txt': '12345678901234567890',
  'long/too.txt': '123456789012345678901',
  'long/grow.txt': 'aaaaaaaaaa\n',
  // The finished line goes out (a 200), then the answer is cut at the unfinished one.
  'long/tail.txt': 'ok\n' + '1'.repeat(21),
  // The literal's own bucket split (q) measures the rest of the line too: 3 + 18 > 20.
  'long/rest.txt': 'ab' + '1'.repeat(17) + '\n',
  'dot/a.txt': 'abc\ndef\n',
  // UTF-8: é is C3 A9, あ is E3 81 82 (E3 is ã's byte, C3's other case in Latin-1).
  'fold/f.txt': 'aA\n_\u00e9 b\u00e9\n\u3042\n',
  'crash/f.txt': 'x\nab\n',
  'nocrash/f.txt': 'x\nab\n',
  // Read in pieces: the line too long is found in the first one.
  'long/big.txt': ('a'.repeat(30) + '\n').repeat(40000),
  'err.html': 'error page aaa\n',
  'sf/err.html': 'error page aaa\n',
  'gz/tiny.html': 'tiny a\n',
  'gz/line.html': 'one line, no newline. '.repeat(5),
  // Rewritten whole to 68 bytes or less (from 91, and from 30): mod_deflate leaves them alone.
  'gz/shrinks.html': ['p', 'q', 'r', 's'].map((p) => `/content/site/en/${p}.html`).join(' '),
  'gz/short.html': 'short: one line, no newline ZZ',
  'one.txt': 'one line, no newline: a Content-Length',
  'gz/big.html': ('<p>' + 'a line of text to compress, '.repeat(30) + '</p>\n').repeat(400)
}

const running = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'filter', 'substitute', 'deflate', 'headers'], d),
  'Substitute "s/Hello/SERVER/"',
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  AddOutputFilterByType SUBSTITUTE text/html text/plain',
  '  ErrorDocument 404 /err.html',
  '  Substitute "s|/content/site/en|/en|n"',
  '  Substitute "s/a+/<$0>/i"',
  '  Substitute "s/(x+)/[$1&\\$1]/"',
  '  Substitute "s/^S/s/"',
  '  Substitute "s/X/Y/q"',
  '  Substitute "s/bYc/Z/"',
  `  <Directory "${d}/merge">`,
  '    Substitute "s/SERVER/DIR/"',
  '  </Directory>',
  '  <Location /merge>',
  '    Substitute "s/DIR/LOC/"',
  '    Substitute "s/line/LINE/"',
  '  </Location>',
  '  <Location /before>',
  '    SubstituteInheritBefore On',
  '    Substitute "s/SERVER/LOC/"',
  '  </Location>',
  '  <Location /long>',
  '    SubstituteMaxLineLength 20',
  '    Substitute "s/ab/abc/nq"',
  '  </Location>',
  // `.` never matches the line's newline here (no DOTALL, unlike RewriteRule's).
  '  <Location /dot>',
  '    Substitute "s/e.+/E/"',
  '  </Location>',
  // Caseless patterns: a leading (?i) keeps its back-reference; escapes name bytes, and PCRE
  // without UTF folds ASCII letters only (\303 is not \343, which starts あ); [\x41-\x43] beside
  // \xc3 is A to C and a to c, never A to c (which takes `_`).
  '  <Location /fold>',
  '    Substitute "s/(?i)(a)\\1/X/"',
  '    Substitute "s/[\\x41-\\x43]\\xc3/R/i"',
  '    Substitute "s/\\303/Z/i"',
  '    Substitute "s/\\o{343}\\201/O/i"',
  '  </Location>',
  // An empty flattened replacement at the start of a line with nothing copied yet crashes
  // httpd's child: no answer at all. A byte copied before (BB) keeps it alive.
  '  <Location /crash>',
  '    Substitute "s/z/Z/"',
  '    Substitute "s/^a//"',
  '  </Location>',
  '  <Location /nocrash>',
  '    Substitute "s/b/BB/"',
  '    Substitute "s/^a//"',
  '  </Location>',
  '  <Location /sf/>',
  '    SetOutputFilter SUBSTITUTE',
  '    ErrorDocument 404 /sf/err.html',
  '  </Location>',
  '  <Location /gz>',
  '    SetOutputFilter SUBSTITUTE;DEFLATE',
  // mod_headers runs after mod_deflate: it sees the answer gzipped, or left alone.
  "    Header set X-Gzipped yes \"expr=resp('Content-Encoding') == 'gzip'\"",
  '  </Location>',
  '</VirtualHost>'
])

const GZ = { 'accept-encoding': 'gzip' }
const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.html', {}],
  ['HEAD', '/a.html', {}],
  ['GET', '/a.html', { range: 'bytes=0-9' }],
  ['GET', '/b.txt', {}],
  // AddOutputFilterByType names other types only.
  ['GET', '/plain.css', {}],
  ['GET', '/merge/m.html', {}],
  ['GET', '/before/m.html', {}],
  ['GET', '/long/ok.txt', {}],
  ['GET', '/long/too.txt', {}],
  ['GET', '/long/grow.txt', {}],
  ['GET', '/long/tail.txt', {}],
  ['GET', '/long/rest.txt', {}],
  ['GET', '/dot/a.txt', {}],
  ['GET', '/fold/f.txt', {}],
  ['GET', '/crash/f.txt', {}],
  ['GET', '/nocrash/f.txt', {}],
  ['GET', '/long/big.txt', {}],
  // An ErrorDocument's page: mod_filter's instance leaves it alone (a 404), SetOutputFilter's
  // rewrites it; a 304 has no body and no length.
  ['GET', '/missing.html', {}],
  ['GET', '/sf/missing.html', {}],
  ['GET', '/a.html', { 'if-modified-since': 'Tue, 01 Jan 2036 00:00:00 GMT' }],
  ['GET', '/gz/tiny.html', GZ],
  ['HEAD', '/gz/tiny.html', GZ],
  ['GET', '/gz/line.html', GZ],
  ['GET', '/gz/shrinks.html', GZ],
  ['HEAD', '/gz/shrinks.html', GZ],
  ['GET', '/gz/short.html', GZ],
  ['GET', '/gz/short.html', { ...GZ, range: 'bytes=0-5' }],
  // A small file rewritten line by line: mod_substitute took its length, so mod_deflate
  // compresses it, and the range is cut from that.
  ['GET', '/gz/tiny.html', { ...GZ, range: 'bytes=0-5' }],
  ['GET', '/gz/short.html', {}],
  ['GET', '/one.txt', {}],
  ['HEAD', '/one.txt', {}],
  // A body whose rewritten form came whole is cut by the byte-range filter (gzipped, after DEFLATE).
  ['GET', '/one.txt', { range: 'bytes=0-9' }],
  ['HEAD', '/one.txt', { range: 'bytes=2-' }],
  ['GET', '/one.txt', { range: 'bytes=0-1,4-5' }],
  ['GET', '/one.txt', { range: 'bytes=1000-2000' }],
  ['GET', '/gz/line.html', { ...GZ, range: 'bytes=0-5' }],
  // A range outside what mod_deflate made of the rewritten body: Apache's 416 page.
  ['GET', '/gz/line.html', { ...GZ, range: 'bytes=1000-2000' }],
  ['GET', '/b.txt', { range: 'bytes=0-3', 'if-range': 'x' }],
  ['GET', '/gz/big.html', GZ],
  ['GET', '/gz/big.html', {}]
]

describe('mod_substitute', () => {
  it('rewrites the answers it is set for, as apache2 does', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })

  it('stops reading a file whose line is too long once the 500 is out', async () => {
    const open = (): string[] =>
      fs.readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          return [fs.readlinkSync(`/proc/self/fd/${fd}`)]
        } catch {
          return []
        }
      })
    for (let i = 0; i < 2; i++) expect((await ask(running.enginePort, ['GET', '/long/big.txt', {}])).status).toBe(500)
    await new Promise((r) => setTimeout(r, 100))
    expect(open().filter((f) => f.endsWith('long/big.txt'))).toEqual([])
  })
})

// Two instances (SetOutputFilter's and mod_filter's): `q` splits a line at `|` into pieces the
// first one hands on as they are, and `s/o/OO/` grows each piece on its own. The second one
// gathers a line that came in pieces and measures it whole: 26 bytes are too many for 20.
const twice = classicSideBySide(
  {
    'ok.txt': 'oo|oo\nxo|o\n',
    'long.txt': 'oooooo|oooooo\n',
    'cut.txt': 'oo|oo\noooooo|oooooo\n',
    'whole.txt': 'ooooooooooooo\n',
    // Gathered, 20 bytes fit in 20; 21 do not.
    'edge.txt': 'ooooo|oooo\n',
    'over.txt': 'xooooo|oooo\n'
  },
  (d) => [
    ...serverLines(['mime', 'filter', 'substitute'], d),
    'SetOutputFilter SUBSTITUTE',
    'AddOutputFilterByType SUBSTITUTE text/plain',
    'SubstituteMaxLineLength 20',
    'Substitute "s/|/#/nq"',
    'Substitute "s/o/OO/"'
  ]
)

describe('two instances of mod_substitute', () => {
  it('measure the lines the first one split, as apache2 does', async () => {
    const requests: HttpdRequest[] = ['/ok.txt', '/long.txt', '/cut.txt', '/whole.txt', '/edge.txt', '/over.txt'].map(
      (t): HttpdRequest => ['GET', t, {}]
    )
    expect(await compareAll(requests, twice.apachePort, twice.enginePort)).toBe('')
  })
})

// Without mod_substitute (nor mod_deflate) loaded, httpd adds no filter it does not know
// (AH00082): the answer goes out as it is, with its length.
const unloaded = classicSideBySide({ 'a.txt': 'aaa\n' }, (d) => [
  ...serverLines(['mime'], d),
  'SetOutputFilter SUBSTITUTE;DEFLATE'
])

describe('SetOutputFilter SUBSTITUTE without mod_substitute', () => {
  it('leaves the answer alone, as apache2 does', async () => {
    expect(
      await compareAll([['GET', '/a.txt', { 'accept-encoding': 'gzip' }]], unloaded.apachePort, unloaded.enginePort)
    ).toBe('')
  })
})

const proxied = proxiedSideBySide(
  (b, d) => [
    ...serverLines(['proxy', 'proxy_http', 'mime', 'filter', 'substitute', 'deflate'], d),
    'ProxyRequests Off',
    'ProxyTimeout 5',
    `ProxyPass /p/ ${b}/b/`,
    `ProxyPass /s/ ${b}/b/`,
    `ProxyPass /m4/ ${b}/b/`,
    'AddOutputFilterByType SUBSTITUTE text/plain',
    'Substitute "s/abc/X/"',
    `ProxyPass /t/ ${b}/b/`,
    '<Location /t/>',
    '  SubstituteMaxLineLength 1k',
    '  Substitute "s/aaa/bbb/"',
    '</Location>',
    '<Location /s/>',
    '  SetOutputFilter SUBSTITUTE',
    '</Location>',
    // A line that came in pieces is measured once whole: abc\n (4) fits in 4 and goes out, xabc\n
    // (5, one byte at a time shorter) cuts the answer.
    '<Location /m4/>',
    '  SetOutputFilter SUBSTITUTE',
    '  SubstituteMaxLineLength 4',
    '</Location>',
    // A backend's 401 answered with a local page that mod_substitute makes whole and small:
    // mod_deflate leaves it alone, and it keeps the backend's WWW-Authenticate.
    `ProxyPass /e/ ${b}/b/`,
    '<Location /e/>',
    '  ProxyErrorOverride On',
    '  ErrorDocument 401 /short.txt',
    '</Location>',
    // (A page too large to be left alone is gzipped, the backend's line first all the same.)
    `ProxyPass /e2/ ${b}/b/`,
    '<Location /e2/>',
    '  ProxyErrorOverride On',
    '  ErrorDocument 401 /long.txt',
    '</Location>',
    // mod_deflate after mod_substitute on a relayed body: whole when it came with its head.
    `ProxyPass /g/ ${b}/b/`,
    '<LocationMatch ^/(short|long)\\.txt$|^/g/>',
    '  SetOutputFilter SUBSTITUTE;DEFLATE',
    '</LocationMatch>'
  ],
  { 'x.txt': 'x\n', 'short.txt': 'short abc page', 'long.txt': 'long abc page'.repeat(9) }
)

describe('mod_substitute on a proxied answer', () => {
  it('rewrites lines that arrive split over pieces; AddOutputFilterByType only 200 answers', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/p/lines', {}],
      ['GET', '/p/reason', {}],
      ['GET', '/p/status/404', {}],
      // mod_filter's instance runs on 200s only; SetOutputFilter's on any status.
      ['GET', '/p/text/200', {}],
      ['GET', '/p/text/404', {}],
      ['GET', '/p/text/203', {}],
      ['GET', '/s/text/404', {}],
      ['GET', '/m4/lines', {}],
      ['GET', '/e/www', { 'accept-encoding': 'gzip' }],
      ['GET', '/e2/www', { 'accept-encoding': 'gzip' }],
      ...['length/text/600', 'length-later/text/600', 'chunked/text/40', 'length/text/40', 'length-later/text/40'].map(
        (t): HttpdRequest => ['GET', `/g/whole/${t}`, { 'accept-encoding': 'gzip' }]
      ),
      // Without a newline: a length when the body came with its head, chunked after a FLUSH.
      ['GET', '/p/whole/length/text/40', {}],
      ['GET', '/p/whole/length-later/text/40', {}],
      ['GET', '/p/gap', {}],
      ['HEAD', '/g/whole/length/text/600', { 'accept-encoding': 'gzip' }],
      ['HEAD', '/p/whole/length/text/600', {}]
    ]
    expect(await compareAll(requests, proxied.running.apachePort, proxied.running.enginePort)).toBe('')
  })

  it('a backend answer with a line too long is not left waiting: the process goes on answering', async () => {
    // (apache2 may have sent the head before it read the body, and cuts the answer then: timing.)
    const cut = await ask(proxied.running.enginePort, ['GET', '/t/longline', {}])
    expect([500, 200]).toContain(cut.status)
    await new Promise((r) => setTimeout(r, 200))
    const next = await ask(proxied.running.enginePort, ['GET', '/p/reason', {}])
    expect(next.status).toBe(200)
  })
})
