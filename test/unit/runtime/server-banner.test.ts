/**
 * httpd's Server header on every answer (src/main/engine/runtime/server-banner.ts): over any
 * other Server line, except on an answer mod_proxy relays, in the same place whether the
 * headers are the caller's own or shared (frozen) ones.
 */
import { describe, expect, it } from 'vitest'
import { serverBannerFor, withServerHeader } from '../../../src/main/engine/runtime/server-banner'

describe('withServerHeader', () => {
  it('replaces a Server line, last among the lines, for own and shared headers alike', () => {
    const own = withServerHeader({ Server: 'Jetty', a: '1', b: '2' }, 'Apache', false)
    const shared = withServerHeader(Object.freeze({ Server: 'Jetty', a: '1', b: '2' }), 'Apache', false)
    const expected = [
      ['a', '1'],
      ['b', '2'],
      ['server', 'Apache']
    ]
    expect(Object.entries(own)).toEqual(expected)
    expect(Object.entries(shared)).toEqual(expected)
    expect(Object.isFrozen(shared)).toBe(true)
  })

  it('makes the copy of shared headers once, and leaves a relayed answer’s Server as it is', () => {
    const frozen = Object.freeze({ a: '1' })
    expect(withServerHeader(frozen, 'Apache', false)).toBe(withServerHeader(frozen, 'Apache', false))
    const relayed = { server: 'Jetty(9.4)' }
    expect(withServerHeader(relayed, 'Apache', true)).toEqual({ server: 'Jetty(9.4)' })
  })

  it('is shaped by ServerTokens', () => {
    expect(serverBannerFor('Prod')).toBe('Apache')
    expect(serverBannerFor('Major')).toBe('Apache/2')
  })
})
