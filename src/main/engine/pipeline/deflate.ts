/**
 * mod_deflate's output filter, as `SetOutputFilter DEFLATE` inserts it (the AEMaaCS baseline
 * and the AMS vhosts set it in `<Directory />`, next to
 * `SetEnvIfNoCase Request_URI \.(?:gif|jpe?g|png)$ no-gzip dont-vary`): answers the handler
 * made — the Dispatcher's, a static file, a proxied one, an ErrorDocument — go out gzipped to
 * a client whose `Accept-Encoding` names gzip, with `Vary: Accept-Encoding`, the ETag suffixed
 * `-gzip` and no Content-Length unless the compressed body is known whole. Answers made before
 * the handler (a rewrite `[R]`/`[F]`, a bad request line) never pass through it, and neither do
 * Apache's own error pages (a Dispatcher 404, a 405…) nor 304s (checked against httpd 2.4.71).
 *
 * The decisions follow `deflate_out_filter` in httpd 2.4's mod_deflate.c, in its order:
 * a whole answer of 68 bytes or less (gzip header + trailer + 50) is left alone; so are 204s,
 * `no-gzip`, a Content-Range, `gzip-only-text/html` for other types, and an answer already
 * encoded — all without `Vary`. Then `Vary: Accept-Encoding` is added, and without gzip in
 * `Accept-Encoding` (unless `force-gzip`) the answer goes out as it is.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import zlib from 'node:zlib'
import type { Sourced } from '../../../shared/config-model'
import { shortPos } from '../../../shared/diagnostics'
import { deleteHeader, getHeader, headerKey, setHeader } from '../cache/header-bag'
import { ifRangeHolds } from '../cache/serve-file'
import { parseHttpDate } from '../http/apr-date'
import { cutWholeBody } from '../http/byte-ranges'
import { apacheSections } from './apache-sections'
import { filterApplies, substituteInstances, type OutputFilter } from './output-filters'
import type { Reply, RequestContext } from './context'
import { ReadsWithHead } from './reads-with-head'

/** Bodies up to this size, known whole, are not compressed ("Not compressing very small response"). */
const SMALL = 10 + 8 + 50

/** Whether mod_deflate leaves a body of this length alone when its first brigade holds it whole. */
export function tooSmallToCompress(length: number): boolean {
  return length <= SMALL
}
/** DeflateBufferSize: mod_deflate passes its output on each time zlib fills this much while input remains. */
const BUFFER_SIZE = 8096
/** zlib settings of mod_deflate's defaults (DeflateCompressionLevel, DeflateMemLevel, DeflateWindowSize). */
const ZLIB: zlib.ZlibOptions = { level: zlib.constants.Z_DEFAULT_COMPRESSION, memLevel: 9, windowBits: 15 }
/** zlib's window buffer (2 × 2^windowBits) and what each slide of it takes in. */
const WINDOW = 2 << 15
const SLIDE = 1 << 15

/**
 * Whether mod_deflate passes output on before it has the whole body, which makes the answer go
 * out without a Content-Length (and past the byte-range filter uncut). httpd hands a file to it
 * in one piece (a memory map); zlib takes that in as its window fills — 64 KiB, then 32 KiB at
 * each slide — and mod_deflate passes its buffer on whenever zlib fills it while input is still
 * waiting. So a body of up to 64 KiB never goes out early; a larger one does when zlib has made
 * a buffer's worth before it takes in the last of the body. (Measured against apache2 2.4.68:
 * 60 KB of noise keeps its Content-Length, 72 KB does not.) That is `EnableMMAP On`, the
 * default; with Off httpd reads the file 8000 bytes at a time (not emulated, `check` says so).
 */
export function passesEarly(body: Buffer, compressedLength: number, inReads = false): boolean {
  // Less than a buffer in all: never a full one before the end.
  if (compressedLength < BUFFER_SIZE || (!inReads && body.length <= WINDOW)) return false
  // A body kept in memory (a hot cached file) is weighed once: this costs a second compression.
  const known = earlyVerdicts.get(body)
  if (known !== undefined) return known
  // A proxied body comes in reads of ProxyIOBufferSize (8 KiB), each smaller than the window:
  // zlib takes each in whole, and makes a block's output whenever its symbol buffer fills.
  let taken = inReads ? body.length : WINDOW
  while (taken + SLIDE < body.length) taken += SLIDE
  const made = zlib.deflateRawSync(body.subarray(0, taken), { ...ZLIB, finishFlush: zlib.constants.Z_NO_FLUSH })
  const verdict = made.length >= BUFFER_SIZE
  earlyVerdicts.set(body, verdict)
  return verdict
}

const earlyVerdicts = new WeakMap<Buffer, boolean>()

const EMPTY = Buffer.alloc(0)

/**
 * What mod_deflate does with this answer's headers: null when it leaves the answer alone;
 * otherwise the new headers and whether the body is to be gzipped. A body the headers give a
 * Content-Length for counts as known whole (it reaches the filter with its end).
 */
export function deflateDecision(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  outcome: ReturnType<typeof deflateOutcome>
): { headers: OutgoingHttpHeaders; gzip: boolean } | null {
  if (outcome === 'gzip') return { headers: variant(headers, 'gzip'), gzip: status !== 304 }
  if (outcome === 'vary') return { headers: variant(headers, 'vary'), gzip: false }
  return null
}

/** Why mod_deflate leaves an answer alone, in the trace's words (`deflate_out_filter`'s reasons). */
export type DeflateSkip =
  | 'a body of 68 bytes or less'
  | 'a 204'
  | 'a 304'
  | 'no-gzip is set'
  | 'a Content-Range answer'
  | 'gzip-only-text/html is set'
  | 'the answer is encoded already'

/**
 * `deflate_out_filter`'s verdict on an answer, its headers left as they are. `lengthSeen`: its
 * first brigade holds the whole body (else the length in the headers does not count).
 */
export function deflateOutcome(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  lengthSeen = true
): 'vary' | 'gzip' | DeflateSkip {
  const length = lengthSeen ? getHeader(headers, 'content-length') : undefined
  if (length !== undefined && tooSmallToCompress(Number(length))) return 'a body of 68 bytes or less'
  const env = ctx.env
  if (status === 204) return 'a 204'
  // A 304 reaches the filter as nothing but its end: httpd 2.4.71 leaves it alone, Vary and ETag too.
  if (status === 304) return 'a 304'
  if (env['no-gzip'] !== undefined) return 'no-gzip is set'
  if (headerKey(headers, 'content-range') !== undefined) return 'a Content-Range answer'
  const type = getHeader(headers, 'content-type')
  if (env['gzip-only-text/html'] === '1' && !type?.startsWith('text/html')) return 'gzip-only-text/html is set'
  const encoding = getHeader(headers, 'content-encoding')
  if (encoding && encoding.split(',').some((t) => !ALREADY_PLAIN.has(t.trim()))) return 'the answer is encoded already'
  if (env['force-gzip'] === undefined && !acceptsGzip(ctx.headers['accept-encoding'])) return 'vary'
  return 'gzip'
}

/**
 * The trace line for an outcome, made once per `SetOutputFilter` directive and outcome (traces
 * keep the shared string, not a copy).
 */
export function deflateSummary(filter: OutputFilter, outcome: ReturnType<typeof deflateOutcome>): string {
  let known = summaries.get(filter.source)
  if (!known) summaries.set(filter.source, (known = new Map()))
  let line = known.get(outcome)
  if (line === undefined) {
    const where = filter.source.pos ? ` (${shortPos(filter.source.pos)})` : ''
    const by = `${filter.directive} ${filter.source.value.join(' ')}${where}`
    line =
      outcome === 'gzip'
        ? `mod_deflate gzips the answer: ${by}, the client accepts gzip`
        : outcome === 'vary'
          ? `mod_deflate adds Vary: Accept-Encoding and leaves the body plain: the client does not accept gzip (${by})`
          : `mod_deflate leaves the answer alone: ${outcome} (${by})`
    known.set(outcome, line)
  }
  return line
}

const summaries = new WeakMap<Sourced<string[]>, Map<string, string>>()

/**
 * The handler's answer for a file it serves (cache hit, static file), built by `build` from the
 * request headers: as it is, unless mod_substitute rewrites it and the request has a Range (the
 * whole answer, the range left to what mod_substitute makes: `rangeAfterSubstitute`), or
 * mod_deflate will compress it and the request has a Range — then the whole answer, the range being left to `DeflatingBody` (see `rangeAfterDeflate`), or a
 * 416 when the range misses what mod_deflate makes of `bytes()` in one pass (the body when it is
 * at hand, null otherwise): httpd's byte-range filter then hands ap_die a 416, whose page is
 * Apache's own, as for a plain file.
 */
export function fileAnswer<R extends { status: number; headers: OutgoingHttpHeaders }>(
  ctx: RequestContext,
  build: (requestHeaders: Record<string, string>) => R,
  bytes: () => Buffer | null
): R {
  const res = build(ctx.headers)
  const cut = res.status === 206 || res.status === 416
  // A 200 for a Range with If-Range may still be cut after mod_deflate: If-Range is checked
  // there against the compressed answer's ETag, which the handler's answer does not have.
  const ifRangeLater = res.status === 200 && ctx.headers.range !== undefined && ctx.headers['if-range'] !== undefined
  if (!cut && !ifRangeLater) return res
  const full = build(withoutRange(ctx.headers))
  const substituted = substituteInstances(ctx, full.status, full.headers).length > 0
  const range = rangeAfterDeflate(ctx, full.headers, !substituted)
  // mod_substitute's rewritten answer reaches the byte-range filter whole only when no line went
  // out before the end of the body: then that is cut, else the whole answer goes out (checked
  // against apache2 2.4.68; server.ts substitutedWhole).
  if (substituted && range === undefined) {
    if (cut) ctx.rangeAfterSubstitute = ctx.headers.range
    return full
  }
  if (range === undefined) {
    // mod_deflate saw the whole answer before the byte-range filter cut it: its verdict (a Vary)
    // is the whole answer's.
    if (cut) ctx.deflateSaw = full.headers
    return res
  }
  // Should mod_deflate leave mod_substitute's body alone after all (a small one, handed on
  // whole), the byte-range filter cuts that as it would without mod_deflate.
  if (substituted && cut) ctx.rangeAfterSubstitute = ctx.headers.range
  // The byte-range filter comes after mod_deflate: If-Range must name the `-gzip` ETag (or the
  // Last-Modified date), else the whole compressed answer goes out (checked against apache2 2.4.68).
  if (!ifRangeAfterDeflate(ctx.headers['if-range'], full.headers, ctx.trace.startedAt)) return full
  // What mod_deflate compresses is mod_substitute's body, not the file's.
  const body = substituted ? null : bytes()
  if (body !== null) {
    const gz = zlib.gzipSync(body, ZLIB)
    if (!passesEarly(body, gz.length) && cutWholeBody(range, gz, full.headers) === 'unsatisfiable')
      return { ...full, status: 416 }
  }
  ctx.rangeAfterDeflate = range
  return full
}

/**
 * The Range httpd's byte-range filter applies to a relayed 200 that mod_deflate compresses: it
 * cuts what mod_deflate made when that comes whole (`DeflatingBody`; measured against apache2
 * 2.4.68: a 600-byte answer, by length or chunked, is a 206 of its gzipped bytes). `headers`:
 * the answer's before mod_deflate changed them.
 */
export function rangeOfRelayed(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders): string | undefined {
  const range = ctx.req.headers.range
  if (range === undefined || status !== 200 || ctx.req.method !== 'GET') return undefined
  if (headerKey(headers, 'content-range') !== undefined) return undefined
  return ifRangeAfterDeflate(ctx.req.headers['if-range'], headers, ctx.trace.startedAt) ? range : undefined
}

/** If-Range as the byte-range filter reads it behind mod_deflate: against the compressed answer's validators. */
function ifRangeAfterDeflate(value: string | undefined, headers: OutgoingHttpHeaders, nowMs: number): boolean {
  if (value === undefined) return true
  const etag = getHeader(headers, 'etag')
  const lastModified = getHeader(headers, 'last-modified')
  return ifRangeHolds(
    value,
    etag === undefined ? undefined : gzipETag(etag),
    lastModified === undefined ? null : parseHttpDate(lastModified),
    nowMs
  )
}

/** The request headers without `Range` (and `If-Range`). */
function withoutRange(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k in headers) if (k !== 'range' && k !== 'if-range') out[k] = headers[k]
  return out
}

/**
 * A range request for a file the handler serves whole (cache hit, static file) that
 * mod_deflate will compress: httpd's byte-range filter comes after mod_deflate, so the handler
 * answers 200 and the range applies to the gzipped bytes — when they come in one pass
 * (`DeflatingBody`); otherwise the whole gzipped answer goes out as a 200. The caller then
 * builds its answer without the Range header, and hands the range on with `gzipBody`.
 * `lengthSeen`: mod_deflate sees the file's Content-Length (no mod_substitute before it).
 */
function rangeAfterDeflate(
  ctx: RequestContext,
  fullAnswerHeaders: OutgoingHttpHeaders,
  lengthSeen: boolean
): string | undefined {
  const range = ctx.headers.range
  // A HEAD's body goes through the filters too (its compressed length is what a range cuts).
  if (range === undefined || (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') || !ctx.outputFiltered)
    return undefined
  if (
    !ctx.vhost?.apache.scoped.hasDeflate ||
    !filterApplies(apacheSections(ctx)?.deflate, 200, fullAnswerHeaders, ctx.env)
  )
    return undefined
  // mod_substitute unsets the Content-Length before mod_deflate sees the body: a small file it
  // rewrites line by line is compressed all the same (and the range cut from that).
  return deflateOutcome(ctx, 200, fullAnswerHeaders, lengthSeen) === 'gzip' ? range : undefined
}

/**
 * The headers of each outcome depend on the answer's own headers only. A cached file hands the
 * same frozen object to every hit: its variants are made once (frozen too, so the listener
 * serialises them once). Any other headers object belongs to this one answer and is changed
 * in place.
 */
const variants = {
  vary: new WeakMap<OutgoingHttpHeaders, OutgoingHttpHeaders>(),
  gzip: new WeakMap<OutgoingHttpHeaders, OutgoingHttpHeaders>()
}

function variant(headers: OutgoingHttpHeaders, kind: 'vary' | 'gzip'): OutgoingHttpHeaders {
  const shared = Object.isFrozen(headers)
  const known = shared ? variants[kind].get(headers) : undefined
  if (known) return known
  const out: OutgoingHttpHeaders = shared ? { ...headers } : headers
  setHeader(out, 'vary', mergedVary(getHeader(headers, 'vary')))
  if (kind === 'gzip') {
    const encoding = getHeader(out, 'content-encoding')
    setHeader(
      out,
      'content-encoding',
      !encoding || encoding.toLowerCase() === 'identity' ? 'gzip' : `${encoding}, gzip`
    )
    deleteHeader(out, 'content-length')
    deleteHeader(out, 'content-md5')
    const etag = getHeader(out, 'etag')
    if (etag) setHeader(out, 'etag', gzipETag(etag))
  }
  if (shared) variants[kind].set(headers, Object.freeze(out))
  return out
}

/** `DeflateAlterETag AddSuffix` (the default): the ETag of the compressed answer. */
function gzipETag(etag: string): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-gzip"` : `${etag}-gzip`
}

const ALREADY_PLAIN = new Set(['', 'identity', '7bit', '8bit', 'binary'])

/**
 * mod_deflate's walk of Accept-Encoding, quirks included: the first token (ap_get_token) that
 * is `gzip` (any case) decides, and a leading empty one (`,gzip`) ends the walk; then the text
 * right after `gzip`'s `;`s is its "q-value" (the first parameter, spaces kept), which refuses
 * gzip only when it starts `q=0.000` for at least three characters (`q=0`, `q=0.0`: not `Q=0`,
 * nor `q=0 `).
 */
function acceptsGzip(accept: string | undefined): boolean {
  if (accept === undefined) return false
  const at = { pos: 0 }
  let token: string | null = getToken(accept, at, false)
  while (token !== null && token !== '' && token.toLowerCase() !== 'gzip') {
    while (accept[at.pos] === ';') {
      at.pos++
      getToken(accept, at, true)
    }
    if (accept[at.pos] === ',') at.pos++
    token = at.pos < accept.length ? getToken(accept, at, false) : null
  }
  if (token === null || token === '') return false
  if (at.pos >= accept.length) return true
  while (accept[at.pos] === ';') at.pos++
  const q = getToken(accept, at, true)
  return !(q.length >= 3 && 'q=0.000'.startsWith(q))
}

const SPACE = /[ \t\n\v\f\r]/

/** httpd's ap_get_token: skips white space, reads to `;` or `,` (or white space, unless `acceptWhite`) over quoted strings, skips white space after. */
function getToken(line: string, at: { pos: number }, acceptWhite: boolean): string {
  let p = at.pos
  while (p < line.length && SPACE.test(line[p])) p++
  const start = p
  while (p < line.length && (acceptWhite || !SPACE.test(line[p])) && line[p] !== ';' && line[p] !== ',') {
    if (line[p++] === '"') {
      while (p < line.length) if (line[p++] === '"') break
    }
  }
  const token = line.slice(start, p)
  while (p < line.length && SPACE.test(line[p])) p++
  at.pos = p
  return token
}

/** `Vary` with Accept-Encoding merged in, each token once (httpd's fixup_vary). */
function mergedVary(existing: string | undefined): string {
  const tokens = existing ? existing.split(/\s*,\s*/).filter(Boolean) : []
  if (!tokens.some((t) => t.toLowerCase() === 'accept-encoding')) tokens.push('Accept-Encoding')
  return tokens.join(',')
}

/**
 * The body half of mod_deflate, for an answer whose headers `deflateDecision` already changed:
 * the head waits for the first body call, because a body given whole is compressed at once and
 * goes out with a Content-Length (as httpd's content-length filter gives it when the compressed
 * body comes in one pass); a streamed body is gzipped on its way, chunked.
 *
 * A body mod_proxy relays (`inReads`) counts as given whole when all of it came in the reads
 * that brought its head (reads-with-head.ts): mod_deflate then compresses it in one pass, a
 * Content-Length; else mod_proxy's FLUSH made it pass what it had (the head goes out, chunked).
 */
export class DeflatingBody {
  private stream: zlib.Gzip | null = null
  private ended = false
  /** `onDrain` callbacks: on the compressor once there is one, else on the client. */
  private readonly drains: (() => void)[] = []
  private headSent = false
  /** `inReads`: the pieces that came with the head, until the backend's connection ran dry. */
  private reads: ReadsWithHead | null = null

  constructor(
    private readonly inner: Pick<Reply, 'head' | 'write' | 'end' | 'onDrain' | 'onAbort'>,
    private readonly status: number,
    private readonly headers: OutgoingHttpHeaders,
    private readonly events: {
      /** Called with the status and headers that go out, once known. */
      sent(status: number, headers: OutgoingHttpHeaders): void
      /**
       * The Range misses the whole body mod_deflate made: httpd's byte-range filter hands ap_die
       * a 416, Apache's own page (nothing went out yet).
       */
      rangeMissed(): void
    },
    /** A Range header to apply to the gzipped bytes (`rangeAfterDeflate`, `rangeOfRelayed`). */
    private readonly range?: string,
    /**
     * A HEAD answer: no body goes out, but one handed over whole is compressed to count it —
     * httpd's default handler sends the body through the filters for HEAD too, and the
     * content-length filter counts what mod_deflate made of it.
     */
    private readonly headOnly = false,
    /** A body mod_proxy relays, read by read from the backend (see above). */
    private readonly inReads = false
  ) {
    if (inReads && !headOnly)
      this.reads = new ReadsWithHead(
        (cb) => inner.onAbort(cb),
        (held) => this.ranDry(held)
      )
  }

  write(chunk: Buffer): boolean {
    if (this.ended) return false
    if (this.headOnly) {
      this.sendHead(this.headers)
      return true
    }
    if (this.reads?.holding) {
      this.reads.add(chunk)
      return true
    }
    if (!this.stream) this.startStream()
    return this.stream!.write(chunk)
  }

  end(body?: Buffer | string): void {
    if (this.ended) return
    this.ended = true
    if (this.stream) {
      if (body !== undefined) this.stream.end(body)
      else this.stream.end()
      return
    }
    if (this.headOnly && body === undefined) {
      this.sendHead(this.headers)
      return this.inner.end()
    }
    const given = body === undefined ? EMPTY : Buffer.isBuffer(body) ? body : Buffer.from(body)
    const whole = this.reads?.holding ? this.reads.whole(given) : given
    const gz = zlib.gzipSync(whole, ZLIB)
    if (passesEarly(whole, gz.length, this.inReads)) {
      this.sendHead(this.headers)
      return this.inner.end(gz)
    }
    // In one pass: the content-length filter counts it, and the byte-range filter can cut it.
    const cut = this.range === undefined ? null : cutWholeBody(this.range, gz, this.headers)
    if (cut === 'unsatisfiable') return this.events.rangeMissed()
    if (cut) {
      this.sendHead(cut.headers, 206)
      return this.inner.end(cut.body)
    }
    this.sendHead({ ...this.headers, 'content-length': gz.length })
    this.inner.end(gz)
  }

  onDrain(cb: () => void): void {
    this.drains.push(cb)
  }

  /** The backend's connection ran dry before the end of the body: mod_proxy's FLUSH. */
  private ranDry(held: Buffer[]): void {
    if (this.ended) return
    this.startStream()
    for (const chunk of held) this.stream!.write(chunk)
  }

  private startStream(): void {
    this.sendHead(this.headers)
    const gz = zlib.createGzip(ZLIB)
    this.stream = gz
    // Writes after the client went away (the compressor is destroyed then) are dropped quietly.
    gz.on('error', () => undefined)
    gz.on('data', (out: Buffer) => {
      if (!this.inner.write(out)) gz.pause()
    })
    this.inner.onDrain(() => gz.resume())
    this.inner.onAbort(() => gz.destroy())
    gz.on('drain', () => {
      for (const cb of this.drains) cb()
    })
    gz.on('end', () => this.inner.end())
  }

  private sendHead(headers: OutgoingHttpHeaders, status = this.status): void {
    if (this.headSent) return
    this.headSent = true
    this.events.sent(status, headers)
    this.inner.head(status, headers)
  }
}
