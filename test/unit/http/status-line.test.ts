import { describe, expect, it } from 'vitest'
import { readAnswerAsHttpd, refusedStatusLine } from '../../../src/main/engine/http/backend-head'

const read = (text: string): ReturnType<typeof readAnswerAsHttpd> => readAnswerAsHttpd(Buffer.from(text, 'latin1'))

describe("an answer's first line as mod_proxy_http reads it", () => {
  it('is an HTTP/0.9 answer when it is no status line: its body the line without its end, then the rest', () => {
    expect(read('hello\r\nworld\n')).toEqual({ simple: Buffer.from('helloworld\n'), lineLength: 5 })
    expect(read('HTTP/1.1 99 X\r\n\r\n')).toEqual({ simple: Buffer.from('HTTP/1.1 99 X\r\n'), lineLength: 13 })
    // One empty line before it is skipped; an interim head before it is read past.
    expect(read('\r\nhello\n')).toEqual({ simple: Buffer.from('hello'), lineLength: 5 })
    expect(read('HTTP/1.1 100 Continue\r\n\r\nhi\n')).toEqual({ simple: Buffer.from('hi'), lineLength: 2 })
    // A longer line keeps its first 8191 bytes.
    expect(read(`${'x'.repeat(9000)}\nmore\n`)).toEqual({
      simple: Buffer.from(`${'x'.repeat(8191)}more\n`),
      lineLength: 8191
    })
    expect(read('hello')).toBeNull()
  })

  it("is ap_proxyerror's reason when httpd cannot read it as a status line", () => {
    expect(read('\r\n\r\nHTTP/1.1 200 OK\r\n\r\n')).toEqual({ statusLineError: 'Error reading from remote server' })
    expect(read('hel\0lo\n')).toEqual({ statusLineError: 'Error reading from remote server' })
    expect(read('HTTP/2.0 200 OK\r\n')).toEqual({
      statusLineError: 'Corrupt status line returned by remote server: HTTP/2.0 200 OK'
    })
    expect(refusedStatusLine(Buffer.from('HTTP/2.0 200 OK\r\n\r\n'))).toBe(
      'Corrupt status line returned by remote server: HTTP/2.0 200 OK'
    )
    expect(refusedStatusLine(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))).toBeNull()
    // The final status line after an interim head is read as the first one: a corrupt one, two
    // empty lines before it; one too long for the buffer though it begins with HTTP/1.
    expect(refusedStatusLine(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/2.0 200 OK\r\n'))).toBe(
      'Corrupt status line returned by remote server: HTTP/2.0 200 OK'
    )
    expect(refusedStatusLine(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n\r\n\r\nHTTP/1.1 200 OK\r\n'))).toBe(
      'Error reading from remote server'
    )
    expect(refusedStatusLine(Buffer.from(`HTTP/1.1 200 ${'O'.repeat(8200)}\r\n`))).toMatch(/^Corrupt status line/)
    expect(refusedStatusLine(Buffer.from('HTTP/1.1 103 X\r\nLink: a\r\n\r\n\r\nHTTP/1.1 200 OK\r\n'))).toBeNull()
    expect(read('HTTP/1.1 200 Fine\r\nX-A: 1\r\n\r\n')).toEqual({ status: 200, reason: 'Fine', fields: [['X-A', '1']] })
  })
})
