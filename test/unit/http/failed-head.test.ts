import { describe, expect, it } from 'vitest'
import { failedHead, failedHeadIsHead } from '../../../src/main/engine/http/failed-head'

describe("failedHeadIsHead: whether the head Node's parser refused is a HEAD's", () => {
  const at = (packet: string, marker: string) => [Buffer.from(packet, 'latin1'), packet.indexOf(marker)] as const
  it('reads the first word of the failing head, malformed as its line may be', () => {
    expect(failedHeadIsHead(...at('HEAD /a HTTP/1.0\r\n\r\nGET /a b HTTP/1.1\r\nHost: x\r\n\r\n', ' b '))).toBe(false)
    expect(failedHeadIsHead(...at('GET /a HTTP/1.0\r\n\r\nHEAD /a b HTTP/1.1\r\n\r\n', ' b '))).toBe(true)
    expect(failedHeadIsHead(...at('HEAD foo HTTP/1.1\r\nHost: x\r\n\r\n', 'foo'))).toBe(true)
  })
  it('looks past a request body before the head, and at nothing after the error', () => {
    const packet =
      'POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nx\r\nHEAD /b HTTP/1.1\r\nBad Header: x\r\n\r\nGET /c HTTP/1.1\r\n\r\n'
    expect(failedHeadIsHead(...at(packet, 'Bad Header'))).toBe(true)
    expect(failedHeadIsHead('not a buffer', 0)).toBe(false)
  })
})

describe("failedHead: the head Node's parser failed on, in the bytes it failed in", () => {
  const at = (bytes: string, marker: string) => [Buffer.from(bytes, 'latin1'), bytes.indexOf(marker)] as const
  const bad = 'GET /b HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n'
  it('starts after the blank line before the failure and ends at its own, or where the bytes end', () => {
    expect(failedHead(...at(`GET /a HTTP/1.1\r\nHost: x\r\n\r\n${bad}GET /c HTTP/1.1\r\n\r\n`, 'Bad'), 0)).toBe(
      'GET /b HTTP/1.1\r\nHost: x\r\nBad Header: x'
    )
    expect(failedHead(...at('GET /b HTTP/1.1\r\nNoColon\r\n\r\n', '\r\n\r\n'), 0)).toBe('GET /b HTTP/1.1\r\nNoColon')
    expect(failedHead(...at('GET /b HTTP/1.1\r\nBad Hea', ' Hea'), 0)).toBe('GET /b HTTP/1.1\r\nBad Hea')
  })
  it('after a body, starts at the method its last bytes run into, whatever the body holds', () => {
    const post = (body: string) => `POST /a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}${bad}`
    // (A long body is read once: searched from every position it would take minutes.)
    for (const body of ['hi', '{"a": 1}', 'x\r\n\r\ny', 'UN', 'a'.repeat(200_000)])
      expect(failedHead(...at(post(body), 'Bad'), body.length), body).toBe(
        'GET /b HTTP/1.1\r\nHost: x\r\nBad Header: x'
      )
    // A field before the failing one that ends like a request line is no request line.
    const field = 'GET /b HTTP/1.1\r\nX: a b HTTP/1.1\r\nBad Header: x\r\n\r\n'
    expect(failedHead(...at(`POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi${field}`, 'Bad'), 2)).toBe(
      'GET /b HTTP/1.1\r\nX: a b HTTP/1.1\r\nBad Header: x'
    )
    // The rest of a body that began in an earlier packet.
    expect(failedHead(...at(`=1&b=2${bad}`, 'Bad'), 9)).toBe('GET /b HTTP/1.1\r\nHost: x\r\nBad Header: x')
  })

  it("after a body, where no line is shaped like a request line, starts where the body's length ends", () => {
    const simple = 'GET /b\r\nGET /c HTTP/1.1\r\n\r\n'
    expect(failedHead(...at(`POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi${simple}`, 'GET /c'), 2)).toBe(
      'GET /b\r\nGET /c HTTP/1.1'
    )
  })
})
