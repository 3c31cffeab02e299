/**
 * The reply the pipeline writes to, between it and the listener's own (Node's ServerResponse or
 * the lean listener's): it records what goes out in the trace, spells and orders the head as
 * httpd writes it, decides the connection's keep-alive, and runs the output filters' body work.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import type { RequestTrace } from '../../shared/trace'
import { deleteHeader, getHeader } from './cache/header-bag'
import type { InterimAnswer, RequestContext, Reply, LateHead } from './pipeline/context'
import { DeflatingBody, tooSmallToCompress } from './pipeline/deflate'
import { cutWholeBody } from './http/byte-ranges'
import { SubstitutedBody } from './pipeline/substitute-body'
import { ReadsWithHead } from './pipeline/reads-with-head'
import type { SubstituteRules } from './pipeline/substitute'
import { answer, headerFilterRefusedAnswer, headerFilterRefusedDocument } from './pipeline/stages/answer'
import { withServerHeader } from './runtime/server-banner'
import { fixupVary } from './http/fixup-vary'
import { ownHeaderRefusal } from './http/header-filter'
import { sharedHeaderValue } from './text-memo'
import { spellName, spelledHeaders } from './http/header-spelling'
import { inWireOrder, type HeadLines, type WireLine } from './http/wire-lines'
import {
  CLOSE_CONNECTION,
  CLOSE_UNFRAMED,
  CLOSING,
  decideForRangeError,
  decidePersistence,
  intoOwnLines,
  type Persistence
} from './http/keep-alive'

/** What the listener needs of a reply beyond the pipeline's `Reply`. */
export interface ListenerReply extends Reply {
  readonly statusCode: number
  /** The connection the answer goes out on (null once Node let go of it). */
  readonly socket: Socket | null
  /** `persistence`: the `Connection`/`Keep-Alive` decision (http/keep-alive.ts), instead of Node's. */
  head(
    status: number,
    headers: OutgoingHttpHeaders | HeadLines,
    reason?: string,
    persistence?: Persistence,
    typeLast?: boolean
  ): void
}

/**
 * Records the status and headers in the trace as a reply sends them, and runs the output
 * filters' body work the pipeline asked for: mod_substitute's (pipeline/substitute-body.ts),
 * then mod_deflate's (pipeline/deflate.ts).
 */
export class TracedReply implements Reply {
  /** Set once the request context (which owns the trace) exists. */
  trace!: RequestTrace
  /** Set with `trace`: the request and its vhost decide whether the connection stays open. */
  ctx!: RequestContext
  private gzipNext = false
  private gzipRange: string | undefined
  private deflating: DeflatingBody | null = null
  private substituteNext: { rules: SubstituteRules; instances: number } | null = null
  /** The head mod_deflate leaves should mod_substitute hand it a small body whole (Reply.undeflatedHead). */
  private undeflatedNext: LateHead | null = null
  /** mod_deflate's head should a relayed body not come with its head (Reply.deflatedHead). */
  private deflatedNext: { head: LateHead; gzip: boolean } | null = null
  /** A relayed answer waiting to see whether its body comes with its head (`holdReads`). */
  private withHead: { reads: ReadsWithHead; end: (whole: Buffer) => void } | null = null
  /** The backend's connection ran dry before the end of the body: mod_deflate has no whole body to take. */
  private ranDry = false
  /** mod_substitute's body, in front of mod_deflate's (or the client). */
  private substituting: SubstitutedBody | null = null
  /** What stops the answer's producer when the client goes away (`onAbort`); mod_substitute's 500 stops it too. */
  private producerAborts: (() => void)[] = []
  /** mod_substitute's 500 went out instead of the answer: what its producer still does is ignored. */
  private superseded = false
  /** httpd's header filter refused a head of this request once already (headerFilterRefuses). */
  private headerFilterRefused = false
  private relayed = false
  private backendHead = false
  private typeRow = false
  private backendNames: ReadonlyMap<string, string> | undefined
  /** What the `Header` directives left for the next head (Reply.headerLines). */
  private wireLines: readonly WireLine[] | undefined

  /** `banner`: httpd's Server header for the configuration the request runs on. */
  constructor(
    private readonly inner: ListenerReply,
    private readonly banner: string
  ) {}

  get headersSent(): boolean {
    return this.deflating !== null || this.substituting !== null || this.withHead !== null || this.inner.headersSent
  }

  gzipBody(range?: string): void {
    this.gzipNext = true
    this.gzipRange = range
  }

  substituteBody(rules: SubstituteRules, instances: number): void {
    this.substituteNext = { rules, instances }
  }

  undeflatedHead(head: LateHead): void {
    this.undeflatedNext = head
  }

  deflatedHead(head: LateHead, gzip: boolean): void {
    this.deflatedNext = { head, gzip }
  }

  proxied(mimeType = false): void {
    this.relayed = true
    this.backendHead = !mimeType
  }

  backendRanDry(): void {
    this.ranDry = true
  }

  relaysBackendHead(): void {
    this.backendHead = true
  }

  typeInPlace(): void {
    this.typeRow = true
  }

  headerLines(lines: readonly WireLine[]): void {
    this.wireLines = lines
  }

  sendsBody(): boolean {
    return this.inner.sendsBody?.() ?? false
  }

  backendSpelling(names: ReadonlyMap<string, string>): void {
    this.backendNames = names
  }

  interim(answer: InterimAnswer, forced?: boolean): void {
    this.inner.interim?.(answer, forced)
  }

  bodyPrefetched(): void {
    this.inner.bodyPrefetched?.()
  }

  head(status: number, given: OutgoingHttpHeaders, reason?: string): void {
    const substitute = this.substituteNext
    const undeflated = this.undeflatedNext
    this.undeflatedNext = null
    const deflated = this.deflatedNext
    this.deflatedNext = null
    if (substitute) {
      // The head waits for mod_substitute's first bytes (a line too long makes it a 500).
      this.substituteNext = null
      const after = (): Pick<Reply, 'write' | 'end' | 'onDrain'> => this.deflating ?? this.inner
      this.substituting = new SubstitutedBody(
        {
          head: () => this.headNow(status, given, reason),
          write: (chunk) => after().write(chunk),
          end: () => after().end(),
          whole: (early, last) => this.substitutedWhole(status, given, reason, early, last, undeflated),
          onDrain: (cb) => after().onDrain(cb),
          cut: (why) => {
            this.ctx.record('response', 'error', why)
            this.ctx.setOutcome('error')
            this.inner.destroy()
          }
        },
        substitute.rules,
        substitute.instances,
        () => this.lineTooLong()
      )
      // A relayed body that does not come with its head: mod_proxy's FLUSH passes through
      // mod_substitute and makes the head go out (no length, mod_deflate's small-body rule out
      // of play); lines finished by then follow it (measured against apache2 2.4.68).
      if (this.relayed) {
        const substituting = this.substituting
        this.holdReads(
          (whole) => substituting.end(whole),
          (held) => {
            substituting.flush()
            for (const chunk of held) substituting.write(chunk)
          }
        )
      }
      return
    }
    if (deflated && this.relayed && !this.gzipNext) {
      if (this.ranDry) return this.deflatedAfterAll(status, reason, deflated)
      return this.headWithBody(status, given, reason, deflated)
    }
    this.headNow(status, given, reason)
  }

  /**
   * A relayed answer mod_deflate left alone for its Content-Length of 68 bytes or less: so it
   * stays when the body comes in the reads that brought the head. Else mod_proxy's FLUSH reaches
   * mod_deflate before the end, and it decides without the length (`deflated`: it compresses,
   * or adds Vary); the head waits until then (reads-with-head.ts; measured against apache2 2.4.68).
   */
  private headWithBody(
    status: number,
    given: OutgoingHttpHeaders,
    reason: string | undefined,
    deflated: { head: LateHead; gzip: boolean }
  ): void {
    this.holdReads(
      (whole) => {
        this.headNow(status, given, reason)
        this.inner.end(whole)
      },
      (held) => {
        this.deflatedAfterAll(status, reason, deflated)
        for (const chunk of held) this.write(chunk)
      }
    )
  }

  /** mod_proxy's FLUSH reached mod_deflate before the end of the body: the head made without its length. */
  private deflatedAfterAll(
    status: number,
    reason: string | undefined,
    deflated: { head: LateHead; gzip: boolean }
  ): void {
    this.ctx.record('response', deflated.gzip ? 'changed' : 'pass', deflated.gzip ? GZIP_AFTER_ALL : VARY_AFTER_ALL)
    this.gzipNext = deflated.gzip
    this.headNow(status, deflated.head(this), reason)
  }

  /**
   * Holds a relayed body's pieces until it ends (`end`, with all of it) or the backend's
   * connection runs dry first (`dry`, with what came; reads-with-head.ts).
   */
  private holdReads(end: (whole: Buffer) => void, dry: (held: Buffer[]) => void): void {
    const reads = new ReadsWithHead(
      (cb) => this.inner.onAbort(cb),
      (held) => {
        this.withHead = null
        this.ranDry = true
        dry(held)
      }
    )
    this.withHead = { reads, end }
  }

  /**
   * A body mod_substitute had whole before anything went out: mod_deflate compresses it in one
   * go; without it, the answer has a length only when nothing went out before the end of the
   * body (substitute-body.ts). mod_deflate handed the whole body with its end in its first
   * brigade (nothing went out before) leaves one of 68 bytes or less alone, and the answer goes
   * out with the head made without it (`undeflated`), as apache2 2.4.68 sends it.
   */
  private substitutedWhole(
    status: number,
    given: OutgoingHttpHeaders,
    reason: string | undefined,
    early: Buffer,
    last: Buffer,
    undeflated: LateHead | null
  ): void {
    const body = early.length === 0 ? last : last.length === 0 ? early : Buffer.concat([early, last])
    if (undeflated && early.length === 0 && tooSmallToCompress(body.length)) {
      this.gzipNext = false
      this.ctx.record('response', 'pass', SMALL_AFTER_SUBSTITUTE)
      given = undeflated(this)
    }
    // (A 204 or 304 has no body, and ap_http_header_filter gives it no length.)
    if (early.length === 0 && !this.gzipNext && status !== 204 && status !== 304) {
      // The byte-range filter sees this body whole: it cuts the Range from it, or, when the range
      // misses it, hands ap_die a 416 whose page goes out unmeasured (checked against apache2 2.4.68).
      const range = this.ctx.rangeAfterSubstitute
      const cut = range === undefined ? null : cutWholeBody(range, body, given)
      if (cut === 'unsatisfiable') {
        this.ctx.unmeasuredError = true
        return this.apacheAnswers(416, 'the byte-range filter finds the Range outside what mod_substitute made: 416')
      }
      if (cut) {
        this.headNow(206, cut.headers)
        return this.inner.end(cut.body)
      }
      this.headNow(status, { ...given, 'content-length': body.length }, reason)
      return this.inner.end(body)
    }
    this.headNow(status, given, reason)
    if (this.deflating) return this.deflating.end(body)
    if (early.length > 0) this.inner.write(early)
    if (last.length > 0) this.inner.write(last)
    this.inner.end()
  }

  /**
   * mod_substitute found a line too long (AH01328) before anything went out: the handler's
   * answer becomes Apache's 500, and the connection closes after it, as apache2 closes it.
   */
  private lineTooLong(): void {
    this.ctx.req.lastOnConnection = true
    this.apacheAnswers(500, "mod_substitute: Line too long (AH01328): Apache's 500 goes out instead")
  }

  /**
   * Apache's own answer goes out instead of the handler's, which an output filter gave up on.
   * Nothing of the abandoned answer's head applies to it. What still produces the abandoned
   * answer (a file read, a backend's answer, paused since the filter failed) is stopped once
   * the page is out; the connection closes after it anyway, so what that producer does to the
   * reply then (end, destroy) is ignored.
   */
  private apacheAnswers(status: number, why: string): void {
    this.forgetAbandonedHead()
    this.ctx.record('response', 'stop', why)
    const producers = this.producerAborts
    this.producerAborts = []
    void Promise.resolve(answer(this.ctx, status)).then(() => {
      this.superseded = true
      for (const stop of producers) stop()
    })
  }

  /**
   * Nothing of an abandoned answer's head applies to the page that replaces it: its output
   * filters, the backend's relayed head and field spellings, the `Header` lines' wire order.
   */
  private forgetAbandonedHead(): void {
    this.substituting = null
    this.deflating = null
    this.gzipNext = false
    this.relayed = false
    this.backendHead = false
    this.typeRow = false
    this.backendNames = undefined
    this.wireLines = undefined
  }

  private headNow(status: number, given: OutgoingHttpHeaders, reason?: string): void {
    this.trace.response.status = status
    let headers = fixupVary(withServerHeader(given, this.banner, this.relayed))
    // ap_http_header_filter drops a Content-Length of 0 from the answer to a HEAD (a handler
    // that returned early must not announce an empty body); a real length stays.
    if (this.ctx.req.method === 'HEAD') headers = withoutZeroLength(headers)
    if (this.gzipNext) {
      this.gzipNext = false
      // The head goes out with the first body bytes (a body given whole gets a Content-Length).
      const inner = this.inner
      this.deflating = new DeflatingBody(
        {
          // The status line keeps the reason given (a backend's), unless mod_deflate's range cut changed the status.
          head: (s, h) => this.send(s, h, s === status ? reason : undefined),
          write: (chunk) => inner.write(chunk),
          end: (body) => inner.end(body),
          onDrain: (cb) => inner.onDrain(cb),
          onAbort: (cb) => inner.onAbort(cb)
        },
        status,
        headers,
        {
          sent: (sentStatus, sent) => {
            this.trace.response.status = sentStatus
            this.trace.response.headers = traceHeaders(sent)
          },
          rangeMissed: () => {
            this.ctx.unmeasuredError = true
            this.apacheAnswers(416, 'the byte-range filter finds the Range outside what mod_deflate made: 416')
          }
        },
        this.gzipRange,
        this.trace.request.method === 'HEAD',
        // mod_proxy's answer comes read by read from the backend.
        this.relayed && !this.ranDry
      )
      return
    }
    this.trace.response.headers = traceHeaders(headers)
    this.send(status, headers, reason)
  }

  /**
   * The head as it goes out: names spelled as httpd writes them, with httpd's keep-alive
   * decision for it (not in the trace, as in httpd's logs). `headers` has lower-case names (but the
   * protocol filters' lines, spelled as httpd writes them).
   */
  private send(status: number, headers: OutgoingHttpHeaders, reason: string | undefined): void {
    const ctx = this.ctx
    const refusal = ownHeaderRefusal(headers)
    if (refusal !== null) return this.headerFilterRefuses(status, refusal)
    const req = ctx.req
    const policy = ctx.vhost?.keepAlive ?? ctx.config.keepAlive
    const asked = { method: req.method, protocol: req.protocol, connection: req.headers.connection }
    const socket = this.inner.socket
    // Every unmeasured 416 is the byte-range filter's, decided twice (decideForRangeError).
    const rangeError = ctx.unmeasuredError && status === 416
    let persistence = rangeError
      ? decideForRangeError(policy, asked, headers, socket, req.keepAliveIndex)
      : decidePersistence(policy, asked, status, headers, socket, req.keepAliveIndex)
    if (ctx.unmeasuredError && !persistence.keep) persistence = rangeError ? persistence : CLOSE_UNFRAMED
    // httpd's keep-alive decision is written as made, and the connection closed after anyway.
    else if (req.lastOnConnection === 'silently') persistence = persistence.keep ? CLOSING : persistence
    else if (req.lastOnConnection && persistence.keep) persistence = CLOSE_CONNECTION
    const own = intoOwnLines(headers, persistence)
    this.inner.head(status, this.spelled(own.headers), reason, own.persistence, !this.backendHead && !this.typeRow)
  }

  /**
   * httpd's header filter refuses the head (check_headers: a `Header` value with a control
   * character, say). The first time, ap_die's 500 answers instead (its page unmeasured, as for a
   * backend's head: answer.ts headerFilterRefusedAnswer), or, for an ErrorDocument's answer, the
   * first request's own page for its status. Refused again (the `Header always` lines come back
   * on that page), httpd gives up: its minimal answer, Date, Server and `Content-Length: 0`,
   * with the status line of the page refused, no body, and the connection closed without a
   * word (check_headers_recursion, an EOC bucket). Measured against apache2 2.4.68
   * (test/httpd/header-filter-own-values.test.ts). What the abandoned answer's producer does
   * after is ignored.
   */
  private headerFilterRefuses(status: number, why: string): void {
    const ctx = this.ctx
    ctx.record('response', 'error', `httpd's header filter refuses the answer: its ${why}`)
    ctx.setOutcome('error')
    const producers = this.producerAborts
    this.producerAborts = []
    for (const stop of producers) stop()
    this.forgetAbandonedHead()
    if (this.headerFilterRefused) {
      this.superseded = true
      const minimal = withServerHeader({ 'content-length': 0 }, this.banner, false)
      this.trace.response.status = status
      this.trace.response.headers = traceHeaders(minimal)
      // The page counted when it was made never goes out: the minimal answer has no body.
      this.trace.response.bytes = 0
      this.inner.head(status, spelledHeaders(minimal, undefined), undefined, CLOSING)
      this.inner.end()
      return
    }
    this.headerFilterRefused = true
    const document = ctx.errorDocumentRunning
    const done =
      document !== undefined ? headerFilterRefusedDocument(ctx, document) : headerFilterRefusedAnswer(ctx, status)
    // The page went out (or the minimal answer): the abandoned answer's body follows no more.
    if (done === true) this.superseded = true
    else void done.then(() => (this.superseded = true))
  }

  /**
   * The names as httpd writes them (header-spelling.ts), the lines in the order and spelling the
   * `Header` directives left when they ran for this head (wire-lines.ts).
   */
  private spelled(headers: OutgoingHttpHeaders): OutgoingHttpHeaders | HeadLines {
    const lines = this.wireLines
    const render = this.backendNames
    if (lines === undefined) return spelledHeaders(headers, render)
    this.wireLines = undefined
    return inWireOrder(headers, lines, (key) => spellName(key, render)) ?? spelledHeaders(headers, render)
  }

  write(chunk: Buffer): boolean {
    if (this.superseded) return true
    if (this.withHead?.reads.holding) {
      this.withHead.reads.add(chunk)
      return true
    }
    if (this.substituting) return this.substituting.write(chunk)
    return this.deflating ? this.deflating.write(chunk) : this.inner.write(chunk)
  }

  end(body?: Buffer | string): void {
    if (this.superseded) return
    const withHead = this.withHead
    if (withHead?.reads.holding) {
      this.withHead = null
      const last = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body)
      return withHead.end(withHead.reads.whole(last))
    }
    if (this.substituting) this.substituting.end(body)
    else if (this.deflating) this.deflating.end(body)
    else this.inner.end(body)
  }

  onDrain(cb: () => void): void {
    if (this.substituting) this.substituting.onDrain(cb)
    else if (this.deflating) this.deflating.onDrain(cb)
    else this.inner.onDrain(cb)
  }

  onAbort(cb: () => void): void {
    this.producerAborts.push(cb)
    this.inner.onAbort(cb)
  }

  destroy(): void {
    if (!this.superseded) this.inner.destroy()
  }
}

const GZIP_AFTER_ALL =
  "mod_deflate gzips the answer after all: its body did not come with the head, so mod_proxy's flush reached mod_deflate first and the Content-Length did not count"
const VARY_AFTER_ALL =
  "mod_deflate adds Vary: Accept-Encoding after all: the body did not come with the head, so mod_proxy's flush reached mod_deflate first and the Content-Length did not count"
const SMALL_AFTER_SUBSTITUTE =
  'mod_deflate leaves the answer alone after all: mod_substitute handed it the whole body, of 68 bytes or less'

function withoutZeroLength(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (getHeader(headers, 'content-length') !== '0') return headers
  const out = { ...headers }
  deleteHeader(out, 'content-length')
  return out
}

/**
 * The response headers as the trace shows them: one string per name, repeated values joined
 * with a newline. Headers that already are (every value a string) are kept as they are: each
 * value may be swapped for an equal shared string, nothing else changes in the object handed
 * to `writeHead`.
 */
function traceHeaders(headers: OutgoingHttpHeaders): Record<string, string> {
  let plain = true
  for (const k in headers) {
    if (typeof headers[k] !== 'string') {
      plain = false
      break
    }
  }
  if (plain) {
    // The values are mostly the same texts request after request, each read or made afresh:
    // the trace keeps shared strings instead (see sharedText). Frozen headers (a hit's) are.
    if (!Object.isFrozen(headers)) for (const k in headers) headers[k] = sharedHeaderValue(k, headers[k] as string)
    return headers as Record<string, string>
  }
  const flat: Record<string, string> = {}
  for (const k in headers) {
    const v = headers[k]
    if (v !== undefined) flat[k] = Array.isArray(v) ? v.join('\n') : sharedHeaderValue(k, String(v))
  }
  return flat
}
