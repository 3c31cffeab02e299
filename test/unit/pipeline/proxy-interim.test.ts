import { describe, expect, it } from 'vitest'
import { relayedContinue } from '../../../src/main/engine/pipeline/proxy-interim'

const raw = (...items: string[]): Buffer[] => items.map((s) => Buffer.from(s, 'latin1'))

describe('relayedContinue (the 100 Continue mod_proxy_http relays)', () => {
  it("keeps the backend's reason phrase and lines as spelled, but the hop-by-hop ones and those Connection names, then Via", () => {
    const lines = raw('X-A', '1', 'Connection', 'X-Drop, close', 'x-drop', '2', 'Keep-Alive', '5', 'via', '1.0 b')
    expect(relayedContinue(lines, 'Go On', '1.1 localhost')).toEqual({
      reason: 'Go On',
      lines: [
        ['X-A', '1'],
        ['via', '1.0 b'],
        ['Via', '1.1 localhost']
      ]
    })
  })

  it('says Continue when the backend gave no reason phrase, and adds no Via without ProxyVia', () => {
    expect(relayedContinue(null, '', null)).toEqual({ reason: 'Continue', lines: [] })
  })
})
