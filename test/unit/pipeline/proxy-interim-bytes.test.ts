import { describe, expect, it } from 'vitest'
import { InterimBytes } from '../../../src/main/engine/pipeline/proxy-interim-bytes'

describe('InterimBytes', () => {
  it("makes an interim head's field lines readable to llhttp in place, and keeps the fields as they came", () => {
    const reader = new InterimBytes()
    const chunk = Buffer.from(
      'HTTP/1.1 103 X\r\nX Bad: a\x01b\r\nX-Cr: a\rb\r\nX-Fold: a\r\n b\x7f\r\n\r\nHTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\n\r\n',
      'latin1'
    )
    // It reads up to the end of the final head's status line.
    expect(reader.take(chunk)).toBe(chunk.indexOf('HTTP/1.1 200 OK\r\n') + 17)
    expect(chunk.toString('latin1')).toBe(
      'HTTP/1.1 103 X\r\nX_Bad: a b\r\nX-Cr: a b\r\nX-Fold: a   b \r\n\r\nHTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\n\r\n'
    )
    expect(reader.heads).toEqual([['X Bad', 'a\x01b', 'X-Cr', 'a\rb', 'X-Fold', 'a b\x7f']])
    expect(reader.done).toBe(true)
  })

  it('leaves a NUL and a line without a colon for the parser to refuse, and reads across reads', () => {
    const reader = new InterimBytes()
    const one = Buffer.from('HTTP/1.1 100 Continue\r\nX-A: a\x01', 'latin1')
    const two = Buffer.from('b\r\nX-Nul: a\x00b\r\nnocolon\r\n\r\n', 'latin1')
    expect(reader.take(one)).toBe(one.length)
    expect(reader.take(two)).toBe(two.length)
    expect(one.toString('latin1')).toBe('HTTP/1.1 100 Continue\r\nX-A: a ')
    expect(two.toString('latin1')).toBe('b\r\nX-Nul: a\x00b\r\nnocolon\r\n\r\n')
    expect(reader.heads).toEqual([['X-A', 'a\x01b', 'X-Nul', 'a\x00b']])
    expect(reader.done).toBe(false)
  })

  it("finds a read's final status line as a byte-by-byte walk does (one byte a read)", () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nok',
      'hello\nworld\n',
      'ab\nHTTP/1.1 100 X\r\n\r\n',
      '\r\nHTTP/1.1 200 OK\r\n\r\n',
      '\nHTTP/1.1 200 OK\r\n\r\n',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n',
      'HTTP/1.1 103 X\r\nLink: a\r\n\r\nHTTP/1.1 200 OK\r\n\r\n',
      'HTTP/1.1 200 OK'
    ]
    for (const text of answers) {
      const whole = new InterimBytes()
      const read = whole.take(Buffer.from(text, 'latin1'))
      const walk = new InterimBytes()
      let walked = 0
      for (const b of Buffer.from(text, 'latin1')) if (!walk.done) walked += walk.take(Buffer.from([b]))
      expect([read, whole.done, whole.heads], text).toEqual([walked, walk.done, walk.heads])
    }
  })
})
