/**
 * Serving a `CachedFile` from the store: the full-response headers are computed once per
 * file version (kept with the in-memory entry) once the ETag is strong, and the body comes
 * from memory when the file is small enough to be kept there.
 */
import type { Readable } from 'node:stream'
import type { CachedFile } from './hot-files'
import { fileHeaders, staticResponse, type StaticOptions, type StaticRequest, type StaticResponse } from './serve-file'
import { staticBodyBytes, staticBodyStream } from './static-body'

export function cachedFileResponse(
  file: CachedFile,
  relPath: string,
  req: StaticRequest,
  opts: StaticOptions
): StaticResponse {
  const facts = { relPath, size: file.size, mtime: file.mtime, mtimeUs: file.mtimeUs }
  // While the file is under a second old its ETag is weak and changes with time: no memo.
  if (opts.now - file.mtime <= 1000) return staticResponse(facts, req, file.stored, opts)
  // Constant keys on the common path: no string is built per hit.
  const etagKey = opts.fileETag === 'none' ? 'headers:none' : 'headers:MTime Size'
  const key = opts.forcedType === undefined ? etagKey : `${etagKey}:${opts.forcedType}`
  let headers = file.memo.get(key) as ReturnType<typeof fileHeaders> | undefined
  if (!headers) {
    // Frozen: every hit on this version hands the same object on (the listener serialises it once).
    headers = Object.freeze(fileHeaders(facts, file.stored, opts))
    file.memo.set(key, headers)
  }
  return staticResponse(facts, req, file.stored, opts, headers)
}

/** The bytes to send for a 200 or 206: cut from the kept buffer, or a stream from disk. */
export function cachedFileBody(file: CachedFile, res: StaticResponse): Buffer | Readable | null {
  return file.body ? staticBodyBytes(file.body, res) : staticBodyStream(file.abs, res)
}
