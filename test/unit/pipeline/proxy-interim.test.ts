import { describe, expect, it } from 'vitest'
import { relayedInterim } from '../../../src/main/engine/pipeline/proxy-interim'
import { interimHead } from '../../../src/main/engine/http/interim-head'

/** A raw header list as node gives it: names and values in turn, latin1 strings. */
const raw = (...items: string[]): string[] => items

describe('relayedInterim (an interim answer mod_proxy_http relays)', () => {
  it("keeps the backend's reason phrase and lines as spelled, but the hop-by-hop ones and those Connection names, then Via", () => {
    const lines = raw('X-A', '1', 'Connection', 'X-Drop, close', 'x-drop', '2', 'Keep-Alive', '5', 'via', '1.0 b')
    const answer = relayedInterim(100, lines, 'Go On', '1.1 localhost')
    expect(interimHead(answer)).toBe('HTTP/1.1 100 Go On\r\nX-A: 1\r\nvia: 1.0 b\r\nVia: 1.1 localhost\r\n\r\n')
  })

  it('leaves the space after the code when the backend gave no reason phrase, and adds no Via without ProxyVia', () => {
    expect(interimHead(relayedInterim(103, null, '', null))).toBe('HTTP/1.1 103 \r\n\r\n')
  })
})
