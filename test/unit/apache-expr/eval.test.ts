import { describe, expect, it } from 'vitest'
import {
  evalExprBool,
  evalExprString,
  parseExpr,
  parseStringExpr,
  type ExprContext
} from '../../../src/main/engine/apache-expr'
import { probe, request } from './fixtures'

function ctx(overrides: Partial<ExprContext> = {}): ExprContext {
  return { req: request(), env: {}, ...overrides }
}

const bool = (source: string, c: ExprContext = ctx()) => evalExprBool(parseExpr(source), c)

describe('ap_expr evaluation', () => {
  it('"==" compares strings, "-eq" compares integers (so "abc" -eq 0)', () => {
    expect(bool("'010' == '10'").value).toBe(false)
    expect(bool("'010' -eq '10'").value).toBe(true)
    expect(bool("'abc' -eq 0").value).toBe(true)
    expect(bool("'9' < '10'").value).toBe(false)
    expect(bool("'9' -lt '10'").value).toBe(true)
  })

  it('%{REQUEST_STATUS} < 400 is a string comparison: "200" < "400" but also "1000" < "400"', () => {
    const at = (status: number) => ctx({ response: { status, header: () => undefined } })
    expect(bool('%{REQUEST_STATUS} < 400', at(200)).value).toBe(true)
    expect(bool('%{REQUEST_STATUS} < 400', at(404)).value).toBe(false)
    expect(bool('%{REQUEST_STATUS} < 400', at(1000)).value).toBe(true)
  })

  it('before any handler ran, %{REQUEST_STATUS} is 200', () => {
    expect(bool("%{REQUEST_STATUS} == '200'").value).toBe(true)
  })

  it('-strcmatch is a case-blind wildcard match whose pattern may interpolate %{HTTP_HOST}', () => {
    const c = ctx({ req: request({ headers: { host: 'wknd.site', origin: 'HTTPS://WKND.SITE:443' } }) })
    expect(bool("req_novary('Origin') -strcmatch 'https://%{HTTP_HOST}*'", c).value).toBe(true)
    expect(bool("req_novary('Origin') -strmatch 'https://%{HTTP_HOST}*'", c).value).toBe(false)
  })

  it('-fnmatch wildcards stop at "/", -strmatch ones do not', () => {
    expect(bool("'/a/b' -strmatch '/*'").value).toBe(true)
    expect(bool("'/a/b' -fnmatch '/*'").value).toBe(false)
    expect(bool("'/a/b' -fnmatch '/*/?'").value).toBe(true)
  })

  it('a reversed range in a bracket matches nothing, as apr_fnmatch compares (it threw, and the request got a 500)', () => {
    expect(bool("'c' -strmatch '[c-a]'").value).toBe(false)
    expect(bool("'b' -strmatch '[c-ab]'").value).toBe(true)
    expect(bool("'c' -strmatch '[!c-a]'").value).toBe(true)
  })

  it('"=~" sets $0-$9 for later words; a failed match empties them', () => {
    const c = ctx({ req: request({ headers: { host: 'www.wknd.site' } }) })
    const ok = bool("%{HTTP_HOST} =~ /^www\\.(.*)$/ && $1 == 'wknd.site'", c)
    expect(ok.value).toBe(true)
    expect(ok.captures?.[1]).toBe('wknd.site')
    expect(bool("'x' =~ /(y)/ || $1 == ''", c).value).toBe(true)
  })

  it('a regex without a capturing group leaves earlier captures alone', () => {
    expect(bool("'ab' =~ /(a)/ && 'zz' =~ /z/ && $1 == 'a'").value).toBe(true)
  })

  it('"in" tests membership of a list', () => {
    expect(bool("%{REQUEST_METHOD} in { 'GET', 'HEAD' }").value).toBe(true)
    expect(bool("%{REQUEST_METHOD} -in { 'POST' }").value).toBe(false)
  })

  it('req() and %{HTTP_*} add the header to Vary (never Host); req_novary() does not', () => {
    const c = ctx({ req: request({ headers: { host: 'h', origin: 'o', 'user-agent': 'ua' } }) })
    expect(bool("req('Origin') == 'o' && %{HTTP_USER_AGENT} != '' && %{HTTP_HOST} == 'h'", c).vary).toEqual([
      'Origin',
      'User-Agent'
    ])
    expect(bool("req_novary('Origin') == 'o'", c).vary).toEqual([])
  })

  it('reqenv() reads the request environment, env() notes, then the environment, then the OS', () => {
    const c = ctx({ env: { CORSTrusted: 'true' }, osEnv: { DISP_ID: 'docker' } })
    expect(bool("reqenv('CORSTrusted') == 'true' && env('CORSTrusted') == 'true'", c).value).toBe(true)
    expect(bool("env('DISP_ID') == 'docker' && reqenv('DISP_ID') == ''", c).value).toBe(true)
  })

  it('resp() reads response headers once there is a response', () => {
    const c = ctx({
      response: { status: 200, header: (n) => (n.toLowerCase() === 'x-frame-options' ? 'DENY' : undefined) }
    })
    expect(bool("%{resp:X-Frame-Options}!='SAMEORIGIN'", c).value).toBe(true)
    expect(bool("resp('X-Frame-Options') == ''").value).toBe(true)
  })

  it('-ipmatch and -R test addresses against a subnet, IPv4-mapped IPv6 included', () => {
    expect(bool("'10.1.2.3' -ipmatch '10.0.0.0/8'").value).toBe(true)
    expect(bool("'::ffff:10.1.2.3' -ipmatch '10.1'").value).toBe(true)
    expect(bool("'2001:db8::1' -ipmatch '2001:db8::/32'").value).toBe(true)
    expect(bool("-R '203.0.113.0/255.255.255.0'").value).toBe(true)
    expect(bool("-R '198.51.100.0/24'").value).toBe(false)
  })

  it('file tests use the injected file system; without one they fail with a reason instead of guessing', () => {
    const fs = probe({ '/mnt/var/www/html': 'dir', '/mnt/var/www/html/index.html': 12, '/mnt/var/www/html/empty': 0 })
    const c = ctx({ fs })
    expect(bool("-d %{DOCUMENT_ROOT} && -f '/mnt/var/www/html/index.html'", c).value).toBe(true)
    expect(bool("-s '/mnt/var/www/html/empty'", c).value).toBe(false)
    expect(bool("filesize('/mnt/var/www/html/index.html') == '12'", c).value).toBe(true)
    const noFs = bool("-f '/mnt/var/www/html/index.html'")
    expect(noFs).toMatchObject({ value: false, error: expect.stringContaining('file system') })
  })

  it('string functions: escape, unescape (keeps %2F), base64, md5, sha1, tolower', () => {
    const s = (src: string) => evalExprString(parseStringExpr(src), ctx()).value
    expect(s('%{escape:a b/c?d}')).toBe('a%20b/c%3fd')
    expect(s('%{unescape:a%20b%2Fc}')).toBe('a b%2Fc')
    expect(s('%{base64:user:pass}')).toBe('dXNlcjpwYXNz')
    expect(s('%{md5:abc}')).toBe('900150983cd24fb0d6963f7d28e17f72')
    expect(s('%{sha1:abc}')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    // Configuration text is bytes, as httpd reads it: the UTF-8 bytes of "Ä" stay as they are.
    expect(s('%{tolower:ÄBC}')).toBe(Buffer.from('Äbc').toString('latin1'))
  })

  it('unbase64 decodes up to the first character outside the alphabet, to bytes (apr_base64_decode)', () => {
    const s = (src: string) => evalExprString(parseStringExpr(src), ctx()).value
    expect(s('%{unbase64:dXNlcjpwYXNz}')).toBe('user:pass')
    expect(s('%{unbase64:YWJj ZA==}')).toBe('abc')
    expect(s('%{unbase64:a!b@c#}')).toBe('')
    // The UTF-8 bytes of "é", one character per byte as headers carry them (it was one "é", or U+FFFD).
    expect(s('%{unbase64:w6k=}')).toBe('\xc3\xa9')
    expect(s('%{unbase64:/w==}')).toBe('\xff')
  })

  it("2.4's string escapes: octal only (\\x41 is x41), control characters kept (as apache2 2.4.71)", () => {
    expect(bool("'\\x41' == 'x41'").value).toBe(true)
    expect(bool("'\\101' == 'A'").value).toBe(true)
    expect(bool("'a\tb' == 'a\tb'").value).toBe(true)
  })

  it('%{SERVER_SOFTWARE} is the banner ServerTokens gives (Prod, "Apache", when the request does not say)', () => {
    const c = ctx({ req: request({ serverSoftware: 'Apache/2.4.62 (Unix)' }) })
    expect(evalExprString(parseStringExpr('%{SERVER_SOFTWARE}'), c).value).toBe('Apache/2.4.62 (Unix)')
    expect(evalExprString(parseStringExpr('%{SERVER_SOFTWARE}'), ctx()).value).toBe('Apache')
  })

  it('integers beyond 64 bits saturate, as apr_atoi64 (strtoll) reads them', () => {
    expect(bool("'9223372036854775807' -eq '9223372036854775808'").value).toBe(true)
    expect(bool("'99999999999999999999' -eq '9223372036854775807'").value).toBe(true)
    expect(bool("'-99999999999999999999' -eq '-9223372036854775808'").value).toBe(true)
  })

  it('non-ASCII text in an expression is its UTF-8 bytes, as request data are (as apache2 2.4.71 compares them)', () => {
    const bytes = (t: string) => Buffer.from(t).toString('latin1')
    const c = ctx({ req: request({ uri: bytes('/fr/été.html') }) })
    expect(bool("%{REQUEST_URI} == '/fr/été.html'", c).value).toBe(true)
    expect(bool('%{REQUEST_URI} =~ m#^/fr/été#', c).value).toBe(true)
    expect(bool("'é' =~ /^..$/").value).toBe(true)
    expect(bool("'\\303\\251' == 'é'").value).toBe(true)
    expect(bool("'\\351' == 'é'").value).toBe(false)
    const s = (src: string) => evalExprString(parseStringExpr(src), ctx()).value
    expect(s('%{escape:é}')).toBe('%c3%a9')
    expect(s('%{base64:é}')).toBe('w6k=')
  })

  it('"." concatenates words', () => {
    expect(bool("%{REQUEST_METHOD} . ':' . %{REQUEST_URI} == 'GET:/content/site/en.html'").value).toBe(true)
  })

  it('chains of "&&", "||", "!" and "." cost no recursion level; nesting 19 function calls hits the limit (as apache2 2.4.71)', () => {
    const chain = (n: number, op: string) => Array.from({ length: n }, () => "'a' == 'a'").join(op)
    expect(bool(chain(100, ' && ')).value).toBe(true)
    expect(bool(chain(30, ' || ')).value).toBe(true)
    expect(bool('!'.repeat(31) + 'false').value).toBe(true)
    expect(bool(Array.from({ length: 30 }, () => "'a'").join('.') + " == '" + 'a'.repeat(30) + "'").value).toBe(true)
    const nested = (n: number) => 'tolower('.repeat(n) + "'A'" + ')'.repeat(n) + " == 'a'"
    expect(bool(nested(18)).value).toBe(true)
    expect(bool('true && ' + nested(18)).value).toBe(true)
    expect(bool(nested(19))).toMatchObject({ value: false, error: 'Recursion limit reached' })
  })

  it('a string expression evaluates %{REMOTE_ADDR}', () => {
    expect(evalExprString(parseStringExpr('%{REMOTE_ADDR}'), ctx()).value).toBe('203.0.113.7')
  })

  it('every value read is listed for the trace', () => {
    const r = bool("%{HTTP_HOST} == 'publish.example.com' && reqenv('X') == ''")
    expect(r.lookups).toEqual([
      { name: '%{HTTP_HOST}', value: 'publish.example.com' },
      { name: "reqenv('X')", value: '' }
    ])
  })
})
