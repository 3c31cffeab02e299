/**
 * httpd's byte-range filter (modules/http/byterange_filter.c), which cuts every 200 that
 * Apache's default handler makes — a cache hit, a static file — when the request has a `Range`:
 * which ranges a header selects, and the multipart/byteranges body several of them make.
 *
 * Hand-written because httpd's rules are its own, and the range-parser packages follow RFC 9110
 * instead: httpd keeps the request's order and merges a range only into the run just before
 * it, ignores the whole header for one malformed spec (a space, a sign, `-0`, `5-1`), takes
 * `0-` anywhere as "the whole file as one range", ignores a header past its limits (200
 * ranges, 20 overlaps, 20 reversals) or whose ranges add up to more than the file, and writes
 * its own part headers (`Content-type:`, `Content-range:`). Checked against apache2 2.4.71.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import type { OutgoingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { deleteHeader, getHeader, setHeader } from '../cache/header-bag'

export interface ByteRange {
  start: number
  /** Inclusive. */
  end: number
}

/** The ranges to send (in the order sent), `unsatisfiable` (416), or null: the header does not apply, the whole answer goes out. */
export type RangeSelection = ByteRange[] | 'unsatisfiable' | null

/** httpd's defaults for `MaxRanges`, `MaxRangeOverlaps` and `MaxRangeReversals`. */
const MAX_RANGES = 200
const MAX_OVERLAPS = 20
const MAX_REVERSALS = 20

/** apr_strtoff with httpd 2.4.71's strictness: digits only (no space, no sign), within 63 bits. */
function offset(text: string): number | null {
  if (!/^\d+$/.test(text)) return null
  if (text.length > 18 && BigInt(text) > 0x7fffffffffffffffn) return null
  return Number(text)
}

/**
 * ap_set_byterange: the ranges of a body of `size` bytes that `value` (a Range header) selects.
 * A body of no bytes is never cut.
 */
export function selectRanges(value: string, size: number): RangeSelection {
  if (size <= 0 || value.length < 6 || value.slice(0, 6).toLowerCase() !== 'bytes=') return null
  const out: ByteRange[] = []
  let open: ByteRange | null = null
  let unsatisfiable = false
  let overlaps = 0
  let reversals = 0
  // ap_getword: each word ends at a comma, and a run of commas counts as one; an empty word stops.
  for (const word of value.slice(6).split(/,+/)) {
    if (word === '') break
    const dash = word.indexOf('-')
    if (dash < 0) return null
    let start: number
    let end: number
    if (dash === 0) {
      const n = offset(word.slice(1))
      if (n === null || n < 1) return null
      start = size - n
      end = size - 1
    } else {
      const first = offset(word.slice(0, dash))
      if (first === null) return null
      start = first
      if (dash < word.length - 1) {
        const last = offset(word.slice(dash + 1))
        if (last === null || start > last) return null
        end = last
      } else {
        end = size - 1
        // `0-` wins over every other range: the whole body as one range.
        if (start === 0) {
          out.length = 0
          open = { start: 0, end }
          break
        }
      }
    }
    start = Math.max(start, 0)
    if (start >= size) {
      unsatisfiable = true
      continue
    }
    end = Math.min(end, size - 1)
    if (open === null) {
      open = { start, end }
      continue
    }
    let merged = start >= open.start && end <= open.end
    if (start < open.start && end >= open.start - 1) {
      open.start = start
      reversals++
      merged = true
    }
    if (end >= open.end && start <= open.end + 1) {
      open.end = end
      merged = true
    }
    if (merged) overlaps++
    else {
      out.push(open)
      open = { start, end }
    }
  }
  if (open !== null) out.push(open)
  else if (unsatisfiable) return 'unsatisfiable'
  if (out.length === 0) return null
  const total = out.reduce((sum, r) => sum + r.end - r.start + 1, 0)
  if (total > size || out.length > MAX_RANGES || overlaps > MAX_OVERLAPS || reversals > MAX_REVERSALS) return null
  return out
}

/**
 * ap_multipart_boundary: one per server start (httpd makes it from 8 random bytes at
 * post-config, printed in hex without padding), the same for every answer.
 */
export const MULTIPART_BOUNDARY = randomBytes(8).readBigUInt64BE().toString(16)

export interface MultipartBody {
  /** The answer's Content-Type. */
  contentType: string
  /** Each part's header lines (after the CRLF ending the previous part) and its range. */
  parts: { head: Buffer; range: ByteRange }[]
  /** The closing boundary. */
  tail: Buffer
  /** Bytes in all. */
  length: number
  /**
   * httpd hands every 32nd part on down the filter chain before the last one is cut: then no
   * filter knows the length and the answer goes out without Content-Length (chunked).
   */
  lengthKnown: boolean
}

/** The multipart/byteranges body of several ranges; `partType`: the Content-Type the whole answer would have (none: no line). */
export function multipartBody(ranges: ByteRange[], size: number, partType: string | undefined): MultipartBody {
  const typeLine = partType === undefined ? '' : `Content-type: ${partType}\r\n`
  const parts = ranges.map((range) => ({
    head: Buffer.from(
      `\r\n--${MULTIPART_BOUNDARY}\r\n${typeLine}Content-range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`,
      'latin1'
    ),
    range
  }))
  const tail = Buffer.from(`\r\n--${MULTIPART_BOUNDARY}--\r\n`, 'latin1')
  const length = parts.reduce((sum, p) => sum + p.head.length + p.range.end - p.range.start + 1, tail.length)
  return {
    contentType: `multipart/byteranges; boundary=${MULTIPART_BOUNDARY}`,
    parts,
    tail,
    length,
    lengthKnown: ranges.length <= 32
  }
}

/** The multipart body cut from bytes in memory. */
export function multipartBuffer(source: Buffer, body: MultipartBody): Buffer {
  const chunks: Buffer[] = []
  for (const p of body.parts) chunks.push(p.head, source.subarray(p.range.start, p.range.end + 1))
  chunks.push(body.tail)
  return Buffer.concat(chunks, body.length)
}

/** The multipart body read from a file, one range after the other. */
export function multipartStream(file: string, body: MultipartBody): Readable {
  async function* pieces(): AsyncGenerator<Buffer> {
    for (const p of body.parts) {
      yield p.head
      for await (const chunk of fs.createReadStream(file, p.range)) yield chunk as Buffer
    }
    yield body.tail
  }
  return Readable.from(pieces(), { objectMode: false })
}

/**
 * The byte-range filter on a 200 whose whole body it was handed at once (a gzipped answer
 * mod_deflate made in one pass, a small answer mod_proxy read in one go): the 206 it makes of
 * `range` (Content-Range after every other line, Content-Length where it stands, or the
 * multipart type and length), `unsatisfiable` (a 416), or null (the 200 goes out as it is).
 */
export function cutWholeBody(
  range: string,
  body: Buffer,
  headers: OutgoingHttpHeaders
): { headers: OutgoingHttpHeaders; body: Buffer } | 'unsatisfiable' | null {
  const ranged = selectRanges(range, body.length)
  if (ranged === null || ranged === 'unsatisfiable') return ranged
  const out: OutgoingHttpHeaders = { ...headers }
  if (ranged.length === 1) {
    const [{ start, end }] = ranged
    const part = body.subarray(start, end + 1)
    setHeader(out, 'content-range', `bytes ${start}-${end}/${body.length}`)
    setHeader(out, 'content-length', String(part.length))
    return { headers: out, body: part }
  }
  const type = getHeader(out, 'content-type')
  const multipart = multipartBody(ranged, body.length, type)
  const cut = multipartBuffer(body, multipart)
  setHeader(out, 'content-type', multipart.contentType)
  if (multipart.lengthKnown) setHeader(out, 'content-length', String(cut.length))
  else deleteHeader(out, 'content-length')
  return { headers: out, body: cut }
}
