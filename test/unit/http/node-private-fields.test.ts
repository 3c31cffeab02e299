/**
 * The private parts of node:http the listener relies on (server.ts), checked on the Node that
 * runs the suite, so a Node (or an Electron) that renamed or dropped one fails here rather than
 * relaying interim answers wrongly at run time: ServerResponse's `_writeRaw` (what writeContinue
 * writes with, used for a relayed 1xx with the backend's lines), its `_sent100` mark (which
 * writeContinue sets and writeHead reads to keep the connection of an `Expect: 100-continue`
 * request), and `_hasBody` (sendsBody). proxy-transport.ts checks its own (`_header`) itself.
 */
import http from 'node:http'
import net from 'node:net'
import { describe, expect, it } from 'vitest'

function response(): http.ServerResponse {
  const req = new http.IncomingMessage(new net.Socket())
  req.method = 'GET'
  return new http.ServerResponse(req)
}

describe('the private fields of node:http the listener uses', () => {
  it('ServerResponse has _writeRaw, _sent100 and _hasBody', () => {
    const res = response() as unknown as Record<string, unknown>
    expect(typeof res._writeRaw).toBe('function')
    expect(res._sent100).toBe(false)
    expect(typeof res._hasBody).toBe('boolean')
  })

  it('writeContinue writes with _writeRaw and sets _sent100, the mark a relayed 100 sets', () => {
    const res = response()
    const raw = res as unknown as { _writeRaw: (data: string, encoding: string) => boolean; _sent100: boolean }
    const written: string[] = []
    raw._writeRaw = (data) => (written.push(data), true)
    res.writeContinue()
    expect(written).toEqual(['HTTP/1.1 100 Continue\r\n\r\n'])
    expect(raw._sent100).toBe(true)
  })
})
