/**
 * What the per-request shortcuts of the response `Header` run must not change: the record sent
 * (`applyResponseHeaderRecord`) is what the full result says, a run without a trace decides as a
 * traced one, and conditions share an evaluation only when the directives cannot change what
 * they read.
 */
import { describe, expect, it } from 'vitest'
import { compileHeaders, HeaderTable } from '../../../src/main/engine/pipeline/headers'
import {
  applyResponseHeaderRecord,
  applyResponseHeaders,
  type ResponseHeadersInput
} from '../../../src/main/engine/pipeline/headers/response-headers'
import type { HeaderRunOptions } from '../../../src/main/engine/pipeline/headers/fixups'
import { request } from '../apache-expr/fixtures'
import { headerDirectives } from './fixtures'

const CORS = `
Header unset Access-Control-Allow-Origin
Header always set Access-Control-Allow-Credentials "true" "expr=reqenv('CORSTrusted') == 'true'"
Header always set Access-Control-Allow-Origin "%{CORSTrustedOrigin}e" "expr=reqenv('CORSTrusted') == 'true'"
Header always set Access-Control-Max-Age 1800 "expr=reqenv('CORSTrusted') == 'true'"
Header unset Access-Control-Allow-Methods "expr=reqenv('CORSProcessing') == 'false' || reqenv('CORSTrusted') == 'false'"
Header unset Access-Control-Max-Age "expr=reqenv('CORSProcessing') == 'false' || reqenv('CORSTrusted') == 'false'"
Header always append X-Frame-Options SAMEORIGIN
Header add X-Vhost "publish"
Header merge Vary Origin
Header set X-Seen "%{HTTP_ORIGIN}e" "expr=req('Origin') =~ m#^https://#"
Header set X-Again "yes" "expr=req('Origin') =~ m#^https://#"
`

const OTHERS = `
Header set X-Time "%t %D"
Header setifempty Content-Type text/plain
Header edit* X-List "a" "b"
Header note X-List listed
Header set X-Expr "expr=%{REQUEST_STATUS}-%{REQUEST_METHOD}"
Header always set X-Error-Only 1 "expr=%{REQUEST_STATUS} -ge 400"
`

const runs: [string, string, ResponseHeadersInput, Record<string, string>][] = [
  ['CORS, not trusted', CORS, { status: 200, headers: { 'x-frame-options': 'DENY' } }, { CORSProcessing: 'false' }],
  [
    'CORS, trusted',
    CORS,
    { status: 200, headers: { 'access-control-max-age': '5', vary: 'Accept' } },
    { CORSProcessing: 'true', CORSTrusted: 'true', CORSTrustedOrigin: 'https://a.example' }
  ],
  ['other actions', OTHERS, { status: 200, headers: { 'x-list': ['a a', 'ab'] }, errHeaders: { 'x-e': '1' } }, {}],
  ['an error answer', OTHERS, { status: 503, headers: { 'x-list': 'a' }, errHeaders: { 'set-cookie': ['c=1'] } }, {}]
]

const req = request({ headers: { host: 'publish.example.com', origin: 'https://a.example' } })
const opts = (quiet: boolean, errorResponse: boolean): HeaderRunOptions & { errorResponse: boolean } => ({
  now: new Date(1_700_000_000_123),
  requestTime: 1_700_000_000_000,
  quiet,
  errorResponse
})

describe('response Header directives: the record sent and the full result agree', () => {
  for (const [name, text, input, env] of runs) {
    for (const errorResponse of [false, true]) {
      it(`${name}${errorResponse ? ' (Apache answered itself)' : ''}`, () => {
        const compiled = compileHeaders(headerDirectives(text))
        expect(compiled.problems).toEqual([])
        const full = applyResponseHeaders(compiled, input, req, { ...env }, opts(false, errorResponse))
        const record = applyResponseHeaderRecord(compiled, input, req, { ...env }, opts(false, errorResponse))
        const quiet = applyResponseHeaderRecord(compiled, input, req, { ...env }, opts(true, errorResponse))
        expect(record).toEqual({
          headers: full.headers,
          lines: full.lines,
          applied: full.applied,
          trace: full.trace,
          typeRow: full.typeRow
        })
        expect(quiet.headers).toEqual(full.headers)
        expect(Object.keys(quiet.headers)).toEqual(Object.keys(full.headers))
        expect(quiet.applied).toBe(full.applied)
        expect(quiet.trace.entries).toEqual([])
        expect(HeaderTable.from(full.entries).toRecord()).toEqual(full.headers)
      })
    }
  }

  it('reads the clock for %t and %D only, from the run options', () => {
    const r = applyResponseHeaderRecord(
      headerDirectives('Header set X-Time "%t %D"'),
      { status: 200, headers: {} },
      req,
      {},
      opts(true, false)
    )
    expect(r.headers['x-time']).toBe('t=1700000000000000 D=123000')
  })
})

describe('conditions shared between directives of one run', () => {
  /** The headers a 200 leaves with, run without and with a trace: both must give `expected`. */
  const expectHeaders = (text: string, headers: Record<string, string>, expected: Record<string, string>): void => {
    for (const quiet of [true, false]) {
      const r = applyResponseHeaderRecord(headerDirectives(text), { status: 200, headers }, req, {}, opts(quiet, false))
      expect(r.headers, quiet ? 'without a trace' : 'with a trace').toEqual(expected)
    }
  }

  it('a condition on the response headers is evaluated again after a directive changed them', () => {
    const text = `
Header set X-Before 1 "expr=-z resp('X-A')"
Header set X-A 1
Header set X-After 1 "expr=-z resp('X-A')"
`
    expectHeaders(text, {}, { 'x-before': '1', 'x-a': '1' })
  })

  it('a condition on notes sees a note set in between', () => {
    const text = `
Header set X-Early 1 "expr=-z note('seen')"
Header note X-Src seen
Header set X-Late 1 "expr=-z note('seen')"
`
    expectHeaders(text, { 'x-src': 'v' }, { 'x-src': 'v', 'x-early': '1' })
  })

  it('a request header read by a repeated condition is added to Vary once', () => {
    const text = `
Header set X-A 1 "expr=req('Origin') == 'https://a.example'"
Header set X-B 1 "expr=req('Origin') == 'https://a.example'"
`
    expectHeaders(text, { vary: 'Accept' }, { vary: 'Accept, Origin', 'x-a': '1', 'x-b': '1' })
  })
})

describe('header table in place', () => {
  it('set keeps the first line and drops the later ones; unset keeps the order of the rest', () => {
    const t = HeaderTable.from([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x' },
      { name: 'a', value: '2' },
      { name: 'C', value: 'y' },
      { name: 'A', value: '3' }
    ])
    const copy = t.clone()
    t.set('a', 's')
    expect(t.list()).toEqual([
      { name: 'A', value: 's' },
      { name: 'B', value: 'x' },
      { name: 'C', value: 'y' }
    ])
    copy.unset('A')
    expect(copy.list()).toEqual([
      { name: 'B', value: 'x' },
      { name: 'C', value: 'y' }
    ])
  })

  it('a record from two tables lists the first one first, repeated names as arrays', () => {
    const first = HeaderTable.from({ a: '1', b: ['2', '3'] })
    const second = HeaderTable.from([
      { name: 'B', value: '4' },
      { name: 'C', value: '5' },
      { name: 'a', value: '6' }
    ])
    const out = second.addTo(first.toRecord())
    expect(out).toEqual({ a: ['1', '6'], b: ['2', '3', '4'], c: '5' })
    expect(first.toRecord()).toEqual({ a: '1', b: ['2', '3'] })
  })
})
