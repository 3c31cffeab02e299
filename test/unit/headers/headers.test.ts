import { describe, expect, it } from 'vitest'
import {
  applyRequestHeaders,
  applyResponseHeaders,
  compileHeaders,
  HeaderTable
} from '../../../src/main/engine/pipeline/headers'
import { request } from '../apache-expr/fixtures'
import { headerDirectives } from './fixtures'

const respond = (
  text: string,
  headers: Record<string, string | string[]>,
  opts: {
    status?: number
    env?: Record<string, string>
    errorResponse?: boolean
    errHeaders?: Record<string, string>
  } = {}
) =>
  applyResponseHeaders(
    headerDirectives(text),
    { status: opts.status ?? 200, headers, errHeaders: opts.errHeaders },
    request(),
    opts.env ?? {},
    { errorResponse: opts.errorResponse, now: new Date(0) }
  )

describe('header table (APR semantics)', () => {
  it('set keeps the first place and drops other lines; merge appends to the first; add adds a line', () => {
    const t = HeaderTable.from([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x' },
      { name: 'a', value: '2' }
    ])
    t.merge('a', 'm')
    expect(t.getAll('A')).toEqual(['1, m', '2'])
    t.set('A', 's')
    expect(t.list()).toEqual([
      { name: 'A', value: 's' },
      { name: 'B', value: 'x' }
    ])
  })
})

describe('Header (response)', () => {
  it("set, add, append and unset on the handler's headers", () => {
    const r = respond(
      ['Header set X-A 1', 'Header add X-B 2', 'Header add X-B 3', 'Header append X-C 4', 'Header unset X-Gone'].join(
        '\n'
      ),
      {
        'x-c': 'old',
        'x-gone': 'bye'
      }
    )
    expect(r.headers).toEqual({ 'x-c': 'old, 4', 'x-a': '1', 'x-b': ['2', '3'] })
  })

  it('merge does not repeat a value already among the comma-separated tokens', () => {
    expect(respond('Header merge Vary Origin', { vary: 'Accept-Encoding, Origin' }).headers.vary).toBe(
      'Accept-Encoding, Origin'
    )
    expect(respond('Header merge Vary Origin', { vary: 'Accept-Encoding' }).headers.vary).toBe(
      'Accept-Encoding, Origin'
    )
  })

  it('"Header always" works on another table: next to a backend header it gives two lines', () => {
    const r = respond('Header always append X-Frame-Options SAMEORIGIN', { 'x-frame-options': 'DENY' })
    expect(r.headers['x-frame-options']).toEqual(['SAMEORIGIN', 'DENY'])
  })

  it('a plain "Header unset" does not remove what "Header always" set; all "always" run first', () => {
    const r = respond(['Header unset X-Vhost', 'Header always add X-Vhost publish'].join('\n'), {
      'x-vhost': 'backend'
    })
    expect(r.headers['x-vhost']).toBe('publish')
  })

  it('on a response Apache generated itself only "Header always" applies and the handler\'s headers are dropped', () => {
    const r = respond(
      ['Header set X-Ok yes', 'Header always set X-Always yes'].join('\n'),
      { 'x-backend': 'b' },
      {
        status: 403,
        errorResponse: true,
        errHeaders: { 'set-cookie': 'a=1' }
      }
    )
    expect(r.headers).toEqual({ 'x-always': 'yes', 'set-cookie': 'a=1' })
    expect(r.trace.entries.find((e) => e.header === 'X-Ok')).toMatchObject({
      applied: false,
      reason: expect.stringContaining('only "Header always" applies')
    })
  })

  it('a redirect Apache generated keeps its Location', () => {
    const r = respond(
      'Header always set Cache-Control "max-age=300" env=cdncache',
      { location: 'https://wknd.site/us/en.html' },
      {
        status: 301,
        errorResponse: true,
        env: { cdncache: '' }
      }
    )
    expect(r.headers).toEqual({ 'cache-control': 'max-age=300', location: 'https://wknd.site/us/en.html' })
  })

  it('env=var needs the variable set (even empty); env=!var needs it unset', () => {
    const text = 'Header append Vary User-Agent env=!dont-vary'
    expect(respond(text, {}).headers).toEqual({ vary: 'User-Agent' })
    expect(respond(text, {}, { env: { 'dont-vary': '1' } }).headers).toEqual({})
  })

  it('expr= conditions read the response: %{REQUEST_STATUS} and resp()', () => {
    const text = 'Header set Cache-Control "max-age=300" "expr=%{REQUEST_STATUS} < 400"'
    expect(respond(text, {}).headers).toEqual({ 'cache-control': 'max-age=300' })
    expect(respond(text, {}, { status: 404 }).headers).toEqual({})
    const merge = 'Header merge X-Frame-Options SAMEORIGIN "expr=%{resp:X-Frame-Options}!=\'SAMEORIGIN\'"'
    expect(respond(merge, { 'x-frame-options': 'SAMEORIGIN' }).headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(respond(merge, {}).headers['x-frame-options']).toBe('SAMEORIGIN')
  })

  it('%{CONTENT_TYPE} in a condition is the content type of the answer', () => {
    const text = 'Header set X-Html yes "expr=%{CONTENT_TYPE} =~ m#^text/html#"'
    expect(respond(text, { 'content-type': 'text/html;charset=utf-8' }).headers['x-html']).toBe('yes')
    expect(respond(text, { 'content-type': 'application/json' }).headers['x-html']).toBeUndefined()
  })

  it('a condition that fails to evaluate still applies the header, as Apache does', () => {
    const r = respond('Header set X-File yes "expr=-f \'/etc/passwd\'"', {})
    expect(r.headers['x-file']).toBe('yes')
    expect(r.trace.entries[0].reason).toContain('Apache applies the header anyway')
  })

  it('values expand %{VAR}e (or "(null)"), %%, and a value written expr=… is an expression', () => {
    const r = respond(
      [
        'Header set SN "%{HOSTNAME}e"',
        'Header set X-Missing "%{NOPE}e 100%%"',
        'Header set X-Remote "expr=%{REMOTE_ADDR}"'
      ].join('\n'),
      {},
      {
        env: { HOSTNAME: 'dispatcher-1' }
      }
    )
    expect(r.headers).toEqual({ sn: 'dispatcher-1', 'x-missing': '(null) 100%', 'x-remote': '203.0.113.7' })
  })

  it('"Header set X-Robots-Tag: none" drops the colon from the name', () => {
    expect(respond('Header set X-Robots-Tag: none', {}).headers).toEqual({ 'x-robots-tag': 'none' })
  })

  it('edit replaces the first match, edit* every match, with $N', () => {
    const cookie = 'a=1; Path=/, b=2; Path=/'
    expect(
      respond('Header edit Set-Cookie "Path=/" "Path=/; Secure"', { 'set-cookie': cookie }).headers['set-cookie']
    ).toBe('a=1; Path=/; Secure, b=2; Path=/')
    expect(
      respond('Header edit* Set-Cookie "(Path=/)" "$1; HttpOnly"', { 'set-cookie': cookie }).headers['set-cookie']
    ).toBe('a=1; Path=/; HttpOnly, b=2; Path=/; HttpOnly')
  })

  it('setifempty only sets a header that is not there; note copies a header into a note', () => {
    expect(
      respond('Header setifempty Cache-Control no-cache', { 'cache-control': 'max-age=1' }).headers['cache-control']
    ).toBe('max-age=1')
    expect(respond('Header setifempty Cache-Control no-cache', {}).headers['cache-control']).toBe('no-cache')
    expect(respond('Header note X-Id request-id', { 'x-id': 'abc' }).notes).toEqual({ 'request-id': 'abc' })
  })

  it('echo copies request headers whose names match into the response', () => {
    const r = applyResponseHeaders(
      headerDirectives('Header echo ^X-Req'),
      { status: 200, headers: {} },
      request({ headers: { host: 'h', 'x-request-id': 'r1' }, headerNames: ['Host', 'X-Request-Id'] }),
      {}
    )
    expect(r.headers).toEqual({ 'x-request-id': 'r1' })
  })

  it('request headers read by expr= conditions are added to Vary', () => {
    const r = applyResponseHeaders(
      headerDirectives('Header set X-Mobile yes "expr=req(\'User-Agent\') =~ /Mobile/"'),
      { status: 200, headers: {} },
      request({ headers: { host: 'h', 'user-agent': 'Mobile Safari' } }),
      {}
    )
    expect(r.headers).toEqual({ 'x-mobile': 'yes', vary: 'User-Agent' })
  })
})

describe('RequestHeader', () => {
  it('set/unset change what is forwarded; env= makes it conditional', () => {
    const text = [
      'RequestHeader unset Origin',
      'RequestHeader set aep-segments-membership "%{AEP_SEGMENTS_MEMBERSHIP}e" env=AEP_SEGMENTS_MEMBERSHIP'
    ].join('\n')
    const req = request({ headers: { host: 'h', origin: 'https://x' } })
    expect(applyRequestHeaders(headerDirectives(text), req, {}).headers).toEqual({ host: 'h' })
    expect(applyRequestHeaders(headerDirectives(text), req, { AEP_SEGMENTS_MEMBERSHIP: 's1' }).headers).toEqual({
      host: 'h',
      'aep-segments-membership': 's1'
    })
  })

  it('X-Forwarded-For is restored from the client address with a value expression', () => {
    const r = applyRequestHeaders(
      headerDirectives('RequestHeader set X-Forwarded-For "expr=%{REMOTE_ADDR}"'),
      request(),
      {}
    )
    expect(r.headers['x-forwarded-for']).toBe('203.0.113.7')
  })

  it('"early" directives run only in the early phase', () => {
    const d = headerDirectives('RequestHeader unset Proxy early')
    const req = request({ headers: { host: 'h', proxy: 'evil' } })
    expect(applyRequestHeaders(d, req, {}).headers.proxy).toBe('evil')
    expect(applyRequestHeaders(d, req, {}, { phase: 'early' }).headers.proxy).toBeUndefined()
  })

  it('"Header … early" is reported as not emulated rather than silently dropped', () => {
    const r = respond('Header set X-Early 1 early', {})
    expect(r.headers).toEqual({})
    expect(r.trace.entries[0]).toMatchObject({
      applied: false,
      reason: '"Header … early" (a testing aid) is not emulated'
    })
  })
})

describe('Header compile problems', () => {
  it('what Apache refuses at startup is reported with its words and skipped', () => {
    const c = compileHeaders(
      headerDirectives(
        [
          'Header frob X 1',
          'Header set X',
          'Header unset X a b',
          'Header edit X onlyregex',
          'Header set X 1 bogus=1',
          'Header set X "%z"',
          'Header set X 1 "expr=%{NOPE} == 1"',
          'RequestHeader echo X'
        ].join('\n')
      )
    )
    expect(c.entries).toEqual([])
    expect(c.problems.map((p) => p.message)).toEqual([
      "Header: first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.",
      'Header: Header requires three arguments',
      'Header: header unset takes two arguments',
      'Header: Header edit requires a match and a substitution',
      'Header: Unknown parameter: bogus=1',
      'Header: Unrecognized header format %z',
      "Header: Can't parse envclause/expression: Variable 'NOPE' does not exist (column 1)",
      'RequestHeader: Header echo only valid on Header directives'
    ])
  })

  it("the server-state formats %l, %i and %b are httpd's too; a {…} before them is ignored", () => {
    const r = respond('Header set X-State "%l %{ignored}i %b"', {})
    expect(r.headers['X-State'] ?? r.headers['x-state']).toMatch(/^l=\d+\.\d\d\/\d+\.\d\d\/\d+\.\d\d i=100 b=0$/)
  })
})
