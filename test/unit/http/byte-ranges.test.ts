/**
 * httpd's byte-range filter: which ranges a Range header selects. Each expectation is what
 * apache2 2.4.71 answered for the same header on a 20-byte file (`0123456789abcdefghij`).
 */
import { describe, expect, it } from 'vitest'
import {
  MULTIPART_BOUNDARY,
  multipartBody,
  multipartBuffer,
  selectRanges
} from '../../../src/main/engine/http/byte-ranges'

const SIZE = 20
const r = (start: number, end: number) => ({ start, end })

describe('selectRanges (ap_set_byterange)', () => {
  it('keeps the request order and merges a range only into the run before it', () => {
    expect(selectRanges('bytes=0-1,5-6', SIZE)).toEqual([r(0, 1), r(5, 6)])
    expect(selectRanges('bytes=5-6,0-1', SIZE)).toEqual([r(5, 6), r(0, 1)])
    expect(selectRanges('bytes=0-1,2-3', SIZE)).toEqual([r(0, 3)])
    expect(selectRanges('bytes=0-1,3-4,2-2', SIZE)).toEqual([r(0, 1), r(2, 4)])
    expect(selectRanges('bytes=0-5,10-15,2-12', SIZE)).toEqual([r(0, 5), r(2, 15)])
    expect(selectRanges('bytes=18-,-3', SIZE)).toEqual([r(17, 19)])
    expect(selectRanges('bytes=0-0,-1', SIZE)).toEqual([r(0, 0), r(19, 19)])
  })

  it('takes 0- as the whole body in one range, whatever else is asked', () => {
    expect(selectRanges('bytes=2-3,0-', SIZE)).toEqual([r(0, 19)])
  })

  it('drops unsatisfiable ranges, and answers 416 only when none is left', () => {
    expect(selectRanges('bytes=0-1,30-40', SIZE)).toEqual([r(0, 1)])
    expect(selectRanges('bytes=5-6,0-1,20-30', SIZE)).toEqual([r(5, 6), r(0, 1)])
    expect(selectRanges('bytes=30-40,50-', SIZE)).toBe('unsatisfiable')
  })

  it('ignores the whole header for one malformed spec', () => {
    for (const header of [
      'bytes= 0-1, 5-6',
      'bytes=0-1 ,5-6',
      'bytes =0-1',
      'bytes=1-0',
      'bytes=1-0,4-5',
      'bytes=-0',
      'bytes=0-1,-0',
      'bytes=+1-2,4-5',
      'bytes=0x1-2',
      'bytes=,0-1,4-5',
      'bytes=99999999999999999999-'
    ])
      expect(selectRanges(header, SIZE), header).toBeNull()
  })

  it('reads "bytes=" in any case, and a run of commas as one', () => {
    expect(selectRanges('Bytes=0-1,4-5', SIZE)).toEqual([r(0, 1), r(4, 5)])
    expect(selectRanges('bytes=0-1,,5-6', SIZE)).toEqual([r(0, 1), r(5, 6)])
    expect(selectRanges('bytes=0-1,', SIZE)).toEqual([r(0, 1)])
  })

  it('ignores a header past its limits, or asking for more bytes than there are', () => {
    const hundred = 100
    const overlapping = Array.from({ length: 40 }, (_, i) => `${i % 20}-${i % 20}`).join(',')
    expect(selectRanges(`bytes=${overlapping}`, SIZE)).toBeNull()
    const reversals = Array.from({ length: 25 }, (_, i) => `${50 - i}-${50 - i}`).join(',')
    expect(selectRanges(`bytes=${reversals}`, hundred)).toBeNull()
    const separate = Array.from({ length: 25 }, (_, i) => `${50 - 2 * i}-${50 - 2 * i}`).join(',')
    expect(selectRanges(`bytes=${separate}`, hundred)).toHaveLength(25)
    const many = Array.from({ length: 201 }, (_, i) => `${2 * i}-${2 * i}`).join(',')
    expect(selectRanges(`bytes=${many}`, 1000)).toBeNull()
    expect(selectRanges('bytes=0-5,10-15,2-12', 16)).toBeNull()
  })

  it('never cuts an empty body', () => {
    expect(selectRanges('bytes=0-1', 0)).toBeNull()
    expect(selectRanges('bytes=5-6', 0)).toBeNull()
  })
})

describe('multipart/byteranges', () => {
  it('is written as httpd writes it', () => {
    const body = multipartBody([r(0, 1), r(5, 6)], SIZE, 'text/plain; charset=UTF-8')
    const b = MULTIPART_BOUNDARY
    expect(body.contentType).toBe(`multipart/byteranges; boundary=${b}`)
    const text = multipartBuffer(Buffer.from('0123456789abcdefghij'), body).toString('latin1')
    expect(text).toBe(
      `\r\n--${b}\r\nContent-type: text/plain; charset=UTF-8\r\nContent-range: bytes 0-1/20\r\n\r\n01` +
        `\r\n--${b}\r\nContent-type: text/plain; charset=UTF-8\r\nContent-range: bytes 5-6/20\r\n\r\n56` +
        `\r\n--${b}--\r\n`
    )
    expect(body.length).toBe(Buffer.byteLength(text, 'latin1'))
    expect(body.lengthKnown).toBe(true)
    expect(multipartBody([r(0, 1), r(5, 6)], SIZE, undefined).parts[0].head.toString()).not.toContain('Content-type')
  })

  it('has no known length past 32 parts (httpd passes them on before the end)', () => {
    const ranges = Array.from({ length: 33 }, (_, i) => r(2 * i, 2 * i))
    expect(multipartBody(ranges.slice(0, 32), 100, undefined).lengthKnown).toBe(true)
    expect(multipartBody(ranges, 100, undefined).lengthKnown).toBe(false)
  })
})
