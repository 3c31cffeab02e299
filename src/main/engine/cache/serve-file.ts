/**
 * Answering a cache hit as Apache's static file handler does (dispatcher-behavior.md §5.8):
 * the module declines and httpd sends the file, so the response carries what httpd derives
 * from it — Content-Type by extension, Content-Length, Last-Modified from the mtime, an ETag
 * per `FileETag MTime Size`, `Accept-Ranges: bytes` — plus the stored `/headers` (§5.6), and
 * honours conditional and range requests. Pure: the caller supplies the file's facts.
 */
import type fs from 'node:fs'
import type { StoredHeader } from '../../../shared/cache-types'
import { contentTypeFor, withDefaultCharset } from './mime-types'
import { getHeader, headerKey, setHeader } from './header-bag'
import { parseHttpDate } from '../http/apr-date'
import { multipartBody, selectRanges, type ByteRange, type MultipartBody } from '../http/byte-ranges'

export interface FileFacts {
  /** Name used for the Content-Type (the docroot-relative path is fine). */
  relPath: string
  size: number
  /** Milliseconds, as `Math.round(stat.mtimeMs)` or finer. */
  mtime: number
  /** Whole microseconds (httpd's `apr_time_t`), from the nanosecond stat: what the ETag is made of. */
  mtimeUs?: number
}

export interface StaticRequest {
  method: string
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>
}

export interface StaticOptions {
  now: number
  /**
   * Apache's `FileETag`: `MTime Size` (the 2.4 default) or `none`. With the default, Apache's
   * own ETag replaces a stored one, which is why the docs say to list ETag in /headers *and*
   * set `FileETag none` to deliver AEM's (DC, ETAG).
   */
  /** `r->content_type` set before the handler (`ForceType`, a rewrite `[T=]`): instead of the extension's. */
  forcedType?: string
  fileETag?: 'MTime Size' | 'none'
  /** `AddDefaultCharset` in effect: what the parts of a multipart/byteranges answer name as their type. */
  defaultCharset?: string | null
}

export type StaticHeaders = Record<string, string | string[]>

export interface StaticResponse {
  status: 200 | 206 | 304 | 412 | 416
  /** May be shared between responses for the same file version: copy before changing. */
  headers: Readonly<StaticHeaders>
  /** Inclusive byte range to send with a 206. */
  range?: ByteRange
  /** The parts to send with a 206 for several ranges. */
  multipart?: MultipartBody
  /** What to send after the headers: the whole file, the range, the parts, or nothing (HEAD, 304, 412, 416). */
  body: 'full' | 'range' | 'multipart' | 'none'
  /** `r->content_type` when the answer names another type: a 304 names none, a multipart/byteranges its own. */
  contentType?: string
}

/** `r->content_type` of an answer: the file's type, also where the answer itself names none or another. */
export function contentTypeOf(res: StaticResponse): string | undefined {
  return res.contentType ?? getHeader(res.headers, 'Content-Type')
}

/**
 * What httpd 2.4 leaves out of a 304: only the body's own Content-Type and Content-Length (every
 * other field of the 200 goes out, Last-Modified, Accept-Ranges and stored headers included;
 * checked against httpd 2.4.71 — older 2.4 releases sent a short list instead).
 */
const DROPPED_ON_304 = new Set(['content-type', 'content-length'])

export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString()
}

/**
 * `"<size hex>-<mtime µs hex>"`; weak (`W/`) while the file is less than a second old, since
 * it may still change within the same second (ap_make_etag). `mtimeUs`: the exact microseconds
 * when known (a millisecond `mtime` loses them, and a fractional one must not reach the hex).
 */
export function apacheETag(size: number, mtime: number, now: number, mtimeUs?: number): string {
  const weak = now - mtime > 1000 ? '' : 'W/'
  return `${weak}"${size.toString(16)}-${(mtimeUs ?? Math.floor(mtime * 1000)).toString(16)}"`
}

/** `apr_time_t` of a file: its modification time in whole microseconds, from the nanosecond stat. */
export function mtimeMicros(st: fs.BigIntStats): number {
  return Number(st.mtimeNs / 1000n)
}

/**
 * Headers of a full 200 for this file, in the order httpd's table has them: the stored ones
 * (the Dispatcher sets them before the default handler serves the file), then what
 * default_handler sets: Last-Modified, ETag, Accept-Ranges, Content-Length. Content-Type is
 * r->content_type, written last (http/httpd-head.ts).
 */
export function fileHeaders(file: FileFacts, stored: readonly StoredHeader[], opts: StaticOptions): StaticHeaders {
  const h: StaticHeaders = {}
  const type = opts.forcedType ?? contentTypeFor(file.relPath)
  if (type) h['Content-Type'] = type
  const grouped = new Map<string, { name: string; values: string[] }>()
  for (const [name, value] of stored) {
    const key = name.toLowerCase()
    if (key === 'content-length' || key === 'transfer-encoding' || key === 'accept-ranges') continue
    const g = grouped.get(key)
    if (g) g.values.push(value)
    else grouped.set(key, { name, values: [value] })
  }
  for (const { name, values } of grouped.values()) setHeader(h, name, values.length === 1 ? values[0] : values)
  // A stored Last-Modified (the AEMaaCS baseline's /headers keeps AEM's) stays; ETag is httpd's
  // unless `FileETag None` (dispatcher-behavior.md §5.6).
  if (headerKey(h, 'last-modified') === undefined) h['Last-Modified'] = httpDate(Math.min(file.mtime, opts.now))
  if ((opts.fileETag ?? 'MTime Size') !== 'none')
    setHeader(h, 'ETag', apacheETag(file.size, file.mtime, opts.now, file.mtimeUs))
  h['Accept-Ranges'] = 'bytes'
  h['Content-Length'] = String(file.size)
  return h
}

function etagList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag)

export function staticResponse(
  file: FileFacts,
  req: StaticRequest,
  stored: readonly StoredHeader[],
  opts: StaticOptions,
  precomputed?: StaticHeaders
): StaticResponse {
  const base = precomputed ?? fileHeaders(file, stored, opts)
  const h = req.headers
  // The common hit: no validators, no range — the shared header object as it is.
  if (
    h['if-match'] === undefined &&
    h['if-unmodified-since'] === undefined &&
    h['if-none-match'] === undefined &&
    h['if-modified-since'] === undefined &&
    h.range === undefined
  ) {
    return { status: 200, headers: base, body: req.method === 'HEAD' ? 'none' : 'full' }
  }
  const headers: StaticHeaders = { ...base }
  const etag = typeof headers.ETag === 'string' ? headers.ETag : getHeader(headers, 'ETag')
  const mtimeSec = Math.floor(Math.min(file.mtime, opts.now) / 1000)
  const verdict = meetsConditions(h, req.method, etag, mtimeSec, opts.now)
  if (verdict === 412) return preconditionFailed(headers)
  if (verdict === 304) {
    const kept: StaticHeaders = {}
    for (const [k, v] of Object.entries(headers)) if (!DROPPED_ON_304.has(k.toLowerCase())) kept[k] = v
    return { status: 304, headers: kept, body: 'none', contentType: getHeader(headers, 'Content-Type') }
  }

  // httpd's byte-range filter cuts any 200 of the default handler, whatever the method (HEAD too).
  if (h.range !== undefined && ifRangeHolds(h['if-range'], etag, mtimeSec * 1000, opts.now)) {
    const ranged = selectRanges(h.range, file.size)
    if (ranged === 'unsatisfiable') {
      return { status: 416, headers: { 'Content-Range': `bytes */${file.size}` }, body: 'none' }
    }
    if (ranged) return partial(headers, ranged, file.size, req.method === 'HEAD', opts.defaultCharset ?? null)
  }
  return { status: 200, headers, body: req.method === 'HEAD' ? 'none' : 'full' }
}

/** A 206: one range with Content-Range, or several as multipart/byteranges. */
function partial(
  headers: StaticHeaders,
  ranges: ByteRange[],
  size: number,
  head: boolean,
  charset: string | null
): StaticResponse {
  if (ranges.length === 1) {
    const [range] = ranges
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`
    headers['Content-Length'] = String(range.end - range.start + 1)
    return { status: 206, headers, range, body: head ? 'none' : 'range' }
  }
  const type = getHeader(headers, 'Content-Type')
  const multipart = multipartBody(ranges, size, type === undefined ? undefined : withDefaultCharset(type, charset))
  setHeader(headers, 'Content-Type', multipart.contentType)
  if (multipart.lengthKnown) headers['Content-Length'] = String(multipart.length)
  else delete headers['Content-Length']
  return { status: 206, headers, multipart, body: head ? 'none' : 'multipart', contentType: type }
}

/** httpd's default handler answers a failed If-Match / If-Unmodified-Since with the file's headers and no body. */
function preconditionFailed(headers: StaticHeaders): StaticResponse {
  return { status: 412, headers: { ...headers, 'Content-Length': '0' }, body: 'none' }
}

/**
 * httpd 2.4's `ap_meets_conditions`, in its order and with its quirks rather than RFC 7232's
 * precedence: every validator present is weighed, so a matching If-None-Match still gets the
 * whole answer when If-Modified-Since says the file changed (or holds a date httpd cannot read),
 * and a passing If-Unmodified-Since rules out a 304 altogether. `*` counts only at the start of
 * If-Match / If-None-Match. If-None-Match on a method other than GET/HEAD fails with 412 (strong
 * comparison); Range with If-Range goes to the byte-range filter without any 304.
 */
function meetsConditions(
  h: Readonly<Record<string, string>>,
  method: string,
  etag: string | undefined,
  mtimeSec: number,
  now: number
): 200 | 304 | 412 {
  const getOrHead = method === 'GET' || method === 'HEAD'
  const strong = etag !== undefined && !etag.startsWith('W/') ? etag : undefined
  const ifMatch = h['if-match']
  if (
    ifMatch !== undefined &&
    !ifMatch.startsWith('*') &&
    (strong === undefined || !etagList(ifMatch).includes(strong))
  )
    return 412
  // Unset, then cleared (false) or set (true) by the conditions below, as httpd's `not_modified`.
  let notModified: boolean | null = null
  const ius = h['if-unmodified-since']
  if (ius !== undefined) {
    const since = parseHttpDate(ius)
    if (since !== null && mtimeSec * 1000 > since) return 412
    notModified = false
  }
  const inm = h['if-none-match']
  if (inm !== undefined) {
    const list = etagList(inm)
    const matched =
      inm.startsWith('*') ||
      (getOrHead
        ? etag !== undefined && list.some((t) => opaque(t) === opaque(etag))
        : strong !== undefined && list.includes(strong))
    if (!matched) notModified = false
    else if (!getOrHead) return 412
    else if (notModified !== false) notModified = true
  }
  const ims = h['if-modified-since']
  if (ims !== undefined) {
    const t = parseHttpDate(ims) ?? 0
    const unchanged = t >= mtimeSec * 1000 && t <= now
    if (!unchanged) notModified = false
    else if (getOrHead && notModified !== false) notModified = true
  }
  if (h.range !== undefined && h['if-range'] !== undefined) return 200
  return notModified === true ? 304 : 200
}

/**
 * If-Range: an entity tag must match strongly, a date must equal Last-Modified
 * (`lastModifiedMs`, null when the answer has none) and be strong (`nowMs`: the request's time).
 */
export function ifRangeHolds(
  value: string | undefined,
  etag: string | undefined,
  lastModifiedMs: number | null,
  nowMs: number
): boolean {
  if (value === undefined) return true
  const v = value.trim()
  if (v.startsWith('"') || v.startsWith('W/')) return etag !== undefined && !etag.startsWith('W/') && v === etag
  const t = parseHttpDate(v)
  // A date is only a strong validator when it is a minute or more before the answer's Date
  // (RFC 7232 §2.2.2, as httpd applies it: a fresher one never matches).
  return t !== null && t === lastModifiedMs && Math.floor(nowMs / 1000) * 1000 - t >= STRONG_DATE_AGE_MS
}

/** How much older than the answer's Date a Last-Modified must be to count as strong. */
const STRONG_DATE_AGE_MS = 60_000
