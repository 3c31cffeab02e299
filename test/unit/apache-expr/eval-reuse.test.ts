/**
 * Evaluations share one evaluator and, untracked, shared results: nothing of one evaluation may
 * show in the next, and what a result holds must stay as it was.
 */
import { describe, expect, it } from 'vitest'
import {
  evalExprBool,
  evalExprString,
  parseExpr,
  parseStringExpr,
  readsOnlyRequest,
  type ExprContext
} from '../../../src/main/engine/apache-expr'
import { request } from './fixtures'

const ctx = (overrides: Partial<ExprContext> = {}): ExprContext => ({
  req: request({ headers: { host: 'h', origin: 'https://a.example', accept: 'text/html' } }),
  env: { Flag: 'on' },
  ...overrides
})

describe('evaluations one after another', () => {
  it('keep their own captures, Vary and lookups', () => {
    const first = evalExprBool(parseExpr("req('Origin') =~ m#^(https)://#"), ctx())
    const second = evalExprBool(parseExpr("req('Accept') =~ m#^(text)/#"), ctx())
    expect(first).toMatchObject({ value: true, vary: ['Origin'] })
    expect(first.captures?.slice(0, 2)).toEqual(['https://', 'https'])
    expect(first.lookups).toEqual([{ name: "req('Origin')", value: 'https://a.example' }])
    expect(second).toMatchObject({ value: true, vary: ['Accept'] })
    expect(second.captures?.slice(0, 2)).toEqual(['text/', 'text'])
    expect(first.vary).not.toBe(second.vary)
  })

  it('start afresh after one that failed half-way', () => {
    const deep = 'tolower('.repeat(25) + "'A'" + ')'.repeat(25) + " == 'a'"
    expect(evalExprBool(parseExpr(deep), ctx())).toMatchObject({ value: false, error: 'Recursion limit reached' })
    const chain = Array.from({ length: 8 }, () => "'a' == 'a'").join(' && ')
    expect(evalExprBool(parseExpr(chain), ctx())).toMatchObject({ value: true, vary: [], lookups: [] })
    expect(evalExprString(parseStringExpr('%{REQUEST_METHOD}'), ctx(), false)).toEqual({ value: 'GET', lookups: [] })
  })

  it('untracked, give the same value, Vary and captures as tracked, without lookups', () => {
    for (const source of ["reqenv('Flag') == 'on'", "reqenv('Missing') == 'on'", "req('Origin') =~ m#^(h)#", 'true']) {
      const tracked = evalExprBool(parseExpr(source), ctx())
      const quiet = evalExprBool(parseExpr(source), ctx(), false)
      expect(quiet).toEqual({ ...tracked, lookups: [] })
    }
  })
})

describe('expressions that read only the request', () => {
  const only = (source: string) => readsOnlyRequest(parseExpr(source))

  it('the request line and headers, the environment, the status and constants', () => {
    expect(only("reqenv('CORSTrusted') == 'true'")).toBe(true)
    expect(only("req('Origin') =~ m#x# && %{REQUEST_STATUS} < 400 || -n %{HTTP_HOST}")).toBe(true)
    expect(only("tolower(%{REQUEST_URI}) -strmatch '/a*' && !(%{QUERY_STRING} in {'a', 'b'})")).toBe(true)
    expect(readsOnlyRequest(parseStringExpr('%{REQUEST_METHOD}-%{SERVER_NAME}'))).toBe(true)
  })

  it('not the response, notes, files, the clock or the content type', () => {
    expect(only("resp('X-A') == ''")).toBe(false)
    expect(only("note('seen') == ''")).toBe(false)
    expect(only("env('X') == ''")).toBe(false)
    expect(only("-f '/etc/hosts'")).toBe(false)
    expect(only("filesize('/etc/hosts') -gt 0")).toBe(false)
    expect(only('%{TIME_HOUR} -lt 12')).toBe(false)
    expect(only("%{CONTENT_TYPE} == 'text/html'")).toBe(false)
    expect(only("'a' == 'a' && %{REMOTE_PORT} == 1")).toBe(false)
  })
})
