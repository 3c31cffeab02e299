import { describe, expect, it } from 'vitest'
import { findHandedLine, isLineOf, unspacedFirstLine } from '../../../src/main/engine/http/handed-line'

const WORDS = ['GET', '/x', 'HTTP/1.1'] as const
const find = (text: string, from = 0, before = ''): ReturnType<typeof findHandedLine> =>
  findHandedLine(Buffer.from(text, 'latin1'), from, WORDS, before)

describe('findHandedLine: the request line Node read, as it came', () => {
  it('finds the line with its spaces, and where the next line starts', () => {
    expect(find('GET  /x HTTP/1.1\r\nHost: a\r\n\r\n')).toEqual({ line: 'GET  /x HTTP/1.1', next: 18 })
    expect(find('\r\nGET /x  HTTP/1.1\r\n')).toEqual({ line: 'GET /x  HTTP/1.1', next: 20 })
  })
  it("passes over the heads and bodies before it, and a body's bytes glued to the method", () => {
    const chunk = 'POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET  /x HTTP/1.1\r\nHost: a\r\n\r\n'
    expect(find(chunk, 18)?.line).toBe('GET  /x HTTP/1.1')
    expect(find('X: GET  /x HTTP/1.1 more\r\nGET /x HTTP/1.1\r\n')?.line).toBe('GET /x HTTP/1.1')
  })
  it('joins the part of the line that came in an earlier chunk', () => {
    expect(find(' /x HTTP/1.1\r\n\r\n', 0, 'GET ')).toEqual({ line: 'GET  /x HTTP/1.1', next: 14 })
  })
  it('finds nothing where no line has those words', () => {
    expect(find('GET  /y HTTP/1.1\r\n')).toBeNull()
    expect(find('GET /x HTTP/1.0\r\n')).toBeNull()
    expect(find('\n'.repeat(1000))).toBeNull()
  })
})

describe('unspacedFirstLine, isLineOf: where a handed line may be refused, found without a search', () => {
  it("looks at the first line only, after blank lines, not at the head's fields or a body", () => {
    expect(unspacedFirstLine(Buffer.from('\r\nGET  /x HTTP/1.1\r\n'))).toBe(-1)
    expect(unspacedFirstLine(Buffer.from('GET /x  HTTP/1.1'))).toBe(-1)
    expect(unspacedFirstLine(Buffer.from('POST /x HTTP/1.1\r\nX:  y\r\n\r\n{\n  "a": 1\n}'))).toBe(18)
  })
  it('reads a noted line with its words and spaces, its line end included', () => {
    expect(isLineOf('GET  /x HTTP/1.1\r\n', WORDS)).toBe(true)
    expect(isLineOf('GET /x HTTP/1.1\n', WORDS)).toBe(true)
    expect(isLineOf('GET /x HTTP/1.1', WORDS)).toBe(true)
    expect(isLineOf('GET /xy HTTP/1.1\r\n', WORDS)).toBe(false)
    expect(isLineOf('GET/x HTTP/1.1\r\n', WORDS)).toBe(false)
    expect(isLineOf('GET /x HTTP/1.1 \r\n', WORDS)).toBe(false)
    expect(isLineOf('{"a":  1}', WORDS)).toBe(false)
  })
})
