import { describe, expect, it } from 'vitest'
import { backendSpelling, spelledHeaders } from '../../../src/main/engine/http/header-spelling'

describe('header names on the wire', () => {
  it('lower-case names are written as httpd and AEM write them: Train-Case, and httpd’s own exceptions', () => {
    const out = spelledHeaders({
      'content-type': 'text/html',
      etag: '"1"',
      'www-authenticate': 'Basic',
      'x-cache-info': 'caching',
      te: 'x'
    })
    expect(Object.keys(out)).toEqual(['Content-Type', 'ETag', 'WWW-Authenticate', 'X-Cache-Info', 'TE'])
  })

  it('the backend’s own spelling wins for the names it sent, when it is not the usual one', () => {
    const raw = ['x-custom-lower', 'a', 'Content-Type', 'text/html', 'X-UA-Compatible', 'IE=edge'].map((t) =>
      Buffer.from(t, 'latin1')
    )
    const names = backendSpelling(raw)
    expect(names && [...names]).toEqual([
      ['x-custom-lower', 'x-custom-lower'],
      ['x-ua-compatible', 'X-UA-Compatible']
    ])
    const out = spelledHeaders(
      { 'x-custom-lower': 'a', 'content-type': 'text/html', 'x-ua-compatible': 'IE=edge' },
      names
    )
    expect(Object.keys(out)).toEqual(['x-custom-lower', 'Content-Type', 'X-UA-Compatible'])
  })

  it('names a stage spelled already are kept, and two spellings of one name become one with both values', () => {
    const out = spelledHeaders({ ETag: '"a"', 'x-vhost': 'one', 'X-Vhost': 'two' })
    expect(out).toEqual({ ETag: '"a"', 'X-Vhost': ['one', 'two'] })
  })

  it('a record needing no change is given back as it is, and a frozen one is spelled once', () => {
    const plain = { 'Content-Type': 'text/plain' }
    expect(spelledHeaders(plain)).toBe(plain)
    const frozen = Object.freeze({ 'content-length': '5' })
    const first = spelledHeaders(frozen)
    expect(first).toEqual({ 'Content-Length': '5' })
    expect(Object.isFrozen(first)).toBe(true)
    expect(spelledHeaders(frozen)).toBe(first)
  })
})
