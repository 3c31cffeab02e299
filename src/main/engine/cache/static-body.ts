/**
 * The bytes a `StaticResponse` sends — the whole file, one range, or the parts of a
 * multipart/byteranges answer — cut from the file's bytes in memory or read from disk.
 */
import fs from 'node:fs'
import type { Readable } from 'node:stream'
import { multipartBuffer, multipartStream } from '../http/byte-ranges'
import type { StaticResponse } from './serve-file'

/** From the whole file in memory (`all`); null when the answer has no body. */
export function staticBodyBytes(all: Buffer, res: StaticResponse): Buffer | null {
  if (res.body === 'none') return null
  if (res.body === 'multipart' && res.multipart) return multipartBuffer(all, res.multipart)
  if (res.body === 'range' && res.range) return all.subarray(res.range.start, res.range.end + 1)
  return all
}

/** Read from `file` on disk; null when the answer has no body. */
export function staticBodyStream(file: string, res: StaticResponse): Readable | null {
  if (res.body === 'none') return null
  if (res.body === 'multipart' && res.multipart) return multipartStream(file, res.multipart)
  return fs.createReadStream(file, res.body === 'range' && res.range ? res.range : {})
}
