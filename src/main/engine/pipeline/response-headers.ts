/**
 * The vhost's `Header` directives and what Apache itself adds on the way out: rewrite `[CO]`
 * cookies (err_headers_out) and the request headers decisions depended on (`Vary`).
 * `errorResponse`: Apache generated the answer itself, so only `Header always` applies (§4.3).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { applyResponseHeaderRecord } from './headers/response-headers'
import type { LazyCompletion, LazyParts, Reply, RequestContext } from './context'
import type { ApacheRequest } from '../apache-expr'
import type { CountingProbe } from '../runtime/apache-runtime'
import type { CompiledHeaders } from './headers/compile-headers'
import type { WireLine } from '../http/wire-lines'
import { apacheSections, requestFilename } from './apache-sections'
import { getHeader, headerKey } from '../cache/header-bag'
import { withErrHeaders } from './err-headers'
import { expiresFrom, expiresRuleFor, mergedCacheControl, type ExpiresConfig } from './expires'
import { deflateDecision, deflateOutcome, deflateSummary, rangeOfRelayed } from './deflate'
import { answersForError, filterApplies, statusFiltersSee, substituteInstances } from './output-filters'
import { substituteSummary } from './substitute'
import { withDefaultCharset } from '../cache/mime-types'
import { sharedText } from '../text-memo'
import { directoryWalk } from '../runtime/sections'

/** What made a non-error answer, as far as mod_expires cares. */
export interface AnswerSource {
  /** The Dispatcher relayed a render's answer it does not cache (`DispatcherRestrictUncacheableContent`). */
  uncacheable?: boolean
  /** Modification time (ms) of the file Apache served, for `M` rules. */
  fileMtime?: number
  /**
   * `r->mtime` (ms) where the handler set it apart from the file's: mod_autoindex leaves it 0
   * (what `%{LAST_MODIFIED}` reads) unless TrackModified, while `M` rules still see the folder's.
   */
  requestMtime?: number
  /** `r->content_type` when the answer carries no Content-Type (a 304 for a file): what `%{CONTENT_TYPE}` reads. */
  contentType?: string
  /**
   * mod_proxy relays a backend's answer: mod_proxy_http replaced `headers_out` with the
   * backend's headers, so the Vary that `<If>` sections and RewriteConds put there is gone.
   */
  relayed?: boolean
  /**
   * Lines (lower-case names) that httpd's protocol filters set after every module's filter ran:
   * the content-length filter's for a body the handler did not measure (a listing, OPTIONS'
   * empty answer; an error page's always), the byterange filter's Content-Range. Header
   * directives do not see them, and they come after the modules' lines.
   */
  filterLines?: readonly string[]
}

/** `filterLines` of a body whose length the content-length filter sets. */
export const LENGTH_BY_FILTER: readonly string[] = ['content-length']
/** `filterLines` of a 206 the byterange filter cut from a file. */
export const RANGE_BY_FILTER: readonly string[] = ['content-range']
/** The `AnswerSource` of a body whose length the content-length filter sets (a listing, OPTIONS). */
export const MEASURED_BY_FILTER: AnswerSource = Object.freeze({ filterLines: LENGTH_BY_FILTER })

export function finalHeaders(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  errorResponse: boolean,
  source: AnswerSource = {}
): OutgoingHttpHeaders {
  return finished(ctx, status, afterModules(ctx, status, headers, errorResponse, source))
}

/** What httpd's header filter makes of the modules' headers. */
function finished(ctx: RequestContext, status: number, out: OutgoingHttpHeaders): OutgoingHttpHeaders {
  // httpd's header filter clears a 204's or 304's r->content_type (so no charset is added) and
  // drops its Content-Length.
  if (status === 204 || status === 304) return withoutLength(out)
  return ctx.vhost?.apache.scoped.hasMime ? withCharset(ctx, out) : out
}

/** The `names` lines taken out of `headers` (a copy), or null when it has none of them. */
function heldBack(
  headers: OutgoingHttpHeaders,
  names: readonly string[]
): { rest: OutgoingHttpHeaders; lines: OutgoingHttpHeaders } | null {
  let rest: OutgoingHttpHeaders | null = null
  const lines: OutgoingHttpHeaders = {}
  for (const name of names) {
    const key = headerKey(headers, name)
    if (key === undefined) continue
    rest ??= { ...headers }
    lines[key] = headers[key]
    delete rest[key]
  }
  return rest ? { rest, lines } : null
}

function withoutLength(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const key = headerKey(headers, 'content-length')
  if (key === undefined) return headers
  const out = { ...headers }
  delete out[key]
  return out
}

/** `AddDefaultCharset`: httpd's header filter names the charset of a text/plain or text/html answer that names none. */
function withCharset(ctx: RequestContext, headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const charset = defaultCharsetOf(ctx)
  if (charset === null) return headers
  const key = headerKey(headers, 'content-type')
  if (key === undefined) return headers
  const type = String(headers[key])
  const typed = withDefaultCharset(type, charset)
  if (typed === type) return headers
  if (!Object.isFrozen(headers)) return { ...headers, [key]: typed }
  // Shared headers (a remembered Header run's, a cached file's) get a shared answer too.
  const known = charsetted.get(headers)
  if (known?.charset === charset) return known.out
  const out = Object.freeze({ ...headers, [key]: typed })
  charsetted.set(headers, { charset, out })
  return out
}

const charsetted = new WeakMap<OutgoingHttpHeaders, { charset: string; out: OutgoingHttpHeaders }>()

/** The charset `AddDefaultCharset` gives text answers of this request, null when none. */
export function defaultCharsetOf(ctx: RequestContext): string | null {
  return ctx.vhost?.apache.scoped.hasMime ? (apacheSections(ctx)?.mime.defaultCharset ?? null) : null
}

/** What mod_expires, mod_deflate and mod_headers make of the handler's headers. */
function afterModules(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  errorResponse: boolean,
  source: AnswerSource
): OutgoingHttpHeaders {
  const v = ctx.vhost
  const vs = v?.apache.scoped
  const scoped =
    vs && (vs.hasResponseDirectives || vs.hasDeflate || vs.hasSubstitute || vs.hasConditions)
      ? apacheSections(ctx)
      : null
  const compiled = scoped?.responseHeaders
  // The same string for every request the same sections apply to: traces keep it, not a copy.
  if (scoped && scoped.label !== '') ctx.record('response', 'pass', scoped.label)
  // mod_expires leaves errors alone (httpd 2.4.10+, PR 55669): Apache's own error pages, relayed
  // render errors, and the body of an ErrorDocument (its request carries the original error
  // status, unless mod_rewrite redirected it or returned a status, and set it back to 200).
  // Apache's own redirects are not errors: they get Expires and max-age like any answer.
  const expires =
    status < 400 && (!ctx.isErrorDocument || ctx.rewriteRedirect || ctx.rewriteStatus) && scoped?.expires
      ? expiresChange(ctx, scoped.expires, headers, source)
      : null
  // An answer Apache makes itself (ap_send_error_response) starts from err_headers_out: the Vary
  // that <If> sections and RewriteConds put in headers_out is gone, and the resource's output
  // filters (mod_deflate) are not on its way. Checked against httpd 2.4.71. The <If> walk runs
  // before the URI is translated (the vhost's RewriteConds), the access checks and the
  // per-directory rewrites, whose conditions add theirs after.
  const vary =
    errorResponse || source.relayed ? [] : scoped && scoped.vary.length > 0 ? [...scoped.vary, ...ctx.vary] : ctx.vary
  // mod_expires' filter comes first: Cache-Control merged where it stands, Expires set.
  if (expires) headers = withExpiration(headers, expires)
  // mod_substitute's filter (a resource filter) comes before mod_deflate's: the answer loses its
  // Content-Length, and the reply rewrites the body on its way (substitute-body.ts).
  const substitute = scoped?.substitute
  const instances = substitute && !errorResponse ? substituteInstances(ctx, status, headers) : []
  if (substitute && instances.length > 0) {
    headers = withoutLength(headers)
    ctx.record('response', 'changed', substituteSummary(instances, substitute.rules))
    ctx.reply.substituteBody?.(substitute.rules, instances.length)
  }
  // mod_deflate's filter comes after mod_expires' and before mod_headers' (which sees its Vary,
  // Content-Encoding and ETag): its header changes are made here, its body work by the reply.
  let deflateVary = false
  // (mod_filter sees the type of the whole answer a range is cut from later: `deflateSaw`.)
  if (
    scoped?.deflate &&
    ctx.outputFiltered &&
    !errorResponse &&
    filterApplies(
      scoped.deflate,
      statusFiltersSee(ctx, ctx.deflateSaw ? 200 : status),
      ctx.deflateSaw ?? headers,
      ctx.env
    )
  ) {
    const saw = ctx.deflateSaw
    // mod_proxy hands the answer to a HEAD to the filters as its end alone: mod_deflate sees an
    // empty body whole, too small to compress (measured against apache2 2.4.68).
    let outcome: ReturnType<typeof deflateOutcome> = saw
      ? deflateOutcome(ctx, 200, saw)
      : source.relayed && ctx.headerOnly
        ? 'a body of 68 bytes or less'
        : deflateOutcome(ctx, status, headers)
    // A range cut from an answer mod_deflate would gzip is handled by `fileAnswer`; any other keeps its bytes.
    if (saw && outcome === 'gzip') outcome = 'vary'
    // Only asked when a request-phase Vary is to be put before mod_deflate's.
    deflateVary = vary.length > 0 && (outcome === 'vary' || outcome === 'gzip') && !variesOnEncoding(headers)
    ctx.record('response', outcome === 'gzip' ? 'changed' : 'pass', deflateSummary(scoped.deflate, outcome))
    // mod_substitute's body may reach mod_deflate whole and small after all: it then leaves the
    // answer alone, and the Header directives run on these headers (a copy: mod_deflate's
    // changes are made in place).
    if (instances.length > 0 && (outcome === 'gzip' || outcome === 'vary')) {
      const unchanged = { ...headers }
      ctx.reply.undeflatedHead?.((reply) => finished(ctx, status, withDirectives(unchanged, false, reply)))
    }
    // A relayed body comes read by read: should it not come with the head, mod_deflate decides
    // without its length after all (deflate.ts DeflatingBody).
    if (outcome === 'a body of 68 bytes or less' && source.relayed && !ctx.headerOnly) {
      const later = deflateOutcome(ctx, status, headers, false)
      if (later === 'gzip' || later === 'vary') {
        const unchanged = { ...headers }
        const laterVary = vary.length > 0 && !variesOnEncoding(headers)
        const head = (reply: HeadLineSink): OutgoingHttpHeaders => {
          const changed = deflateDecision(ctx, status, unchanged, later)!.headers
          return finished(ctx, status, withDirectives(changed, laterVary, reply))
        }
        ctx.reply.deflatedHead?.(head, later === 'gzip')
      }
    }
    // (A relayed body's range is known before mod_deflate's changes: If-Range reads the ETag.)
    const range = source.relayed && outcome === 'gzip' ? rangeOfRelayed(ctx, status, headers) : ctx.rangeAfterDeflate
    const d = deflateDecision(ctx, status, headers, outcome)
    if (d) {
      headers = d.headers
      if (d.gzip) ctx.reply.gzipBody?.(range)
    }
  }
  return withDirectives(headers, deflateVary)

  /** mod_headers' filter on the modules' headers, and what the protocol filters set after it. */
  function withDirectives(
    modules: OutgoingHttpHeaders,
    deflateVary: boolean,
    reply: HeadLineSink = ctx.reply
  ): OutgoingHttpHeaders {
    // What the protocol filters set comes after every module's lines (AnswerSource.filterLines),
    // out of the Header directives' sight; mod_deflate, which decides on the whole body, saw it.
    const late = errorResponse ? LENGTH_BY_FILTER : source.filterLines
    const held = late ? heldBack(modules, late) : null
    if (held && errorResponse && ctx.unmeasuredError) delete held.lines[headerKey(held.lines, 'content-length')!]
    const out = headerDirectives(
      ctx,
      status,
      held ? held.rest : modules,
      errorResponse,
      source,
      compiled,
      vary,
      deflateVary,
      reply
    )
    const result = held ? Object.assign(Object.isFrozen(out) ? { ...out } : out, held.lines) : out
    // A file's body reaches the content-length filter whole, after mod_headers: it writes the
    // real length again whatever `Header set/unset Content-Length` did (checked against apache2 2.4.68).
    return source.fileMtime !== undefined && !late?.includes('content-length') ? lengthKept(modules, result) : result
  }
}

/** Where mod_headers' run says how the head's lines are ordered (the reply, unless told otherwise). */
type HeadLineSink = Pick<Reply, 'typeInPlace' | 'headerLines'>

/** `after` with the Content-Length of `before` (in place, or at the end when a directive removed it). */
function lengthKept(before: OutgoingHttpHeaders, after: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const was = headerKey(before, 'content-length')
  if (was === undefined) return after
  const length = before[was]
  const now = headerKey(after, 'content-length')
  if (now !== undefined && String(after[now]) === String(length)) return after
  const out: OutgoingHttpHeaders = {}
  for (const k in after) out[k] = k === now ? length : after[k]
  if (now === undefined) out[was] = length
  return out
}

/** mod_headers' output filter (with the request-phase Vary and the cookies it finds in the tables). */
function headerDirectives(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  errorResponse: boolean,
  source: AnswerSource,
  compiled: CompiledHeaders | null | undefined,
  vary: readonly string[],
  deflateVary: boolean,
  reply: HeadLineSink
): OutgoingHttpHeaders {
  const v = ctx.vhost
  if (!compiled && ctx.cookies.length === 0 && vary.length === 0) return headers
  // Kept as they are for the trace when they are already strings (no caller changes them later).
  let flat = vary.length === 0 && allStrings(headers) ? headers : copyAsStrings(headers)
  if (vary.length > 0) {
    // The request-phase Vary (RewriteConds, <If>) was in headers_out before the handler's
    // headers and before mod_deflate merged its own: its line comes first.
    const existing = typeof flat.vary === 'string' ? flat.vary.split(/\s*,\s*/) : []
    const at = deflateVary ? existing.lastIndexOf('Accept-Encoding') : -1
    const last = at >= 0 ? existing.splice(at, 1) : []
    const merged = [...new Set([...existing, ...vary, ...last])].filter(Boolean).join(',')
    delete flat.vary
    flat = { vary: merged, ...flat }
  }
  // The cookies as they are now: the trace may be completed later (see below).
  const errHeaders = ctx.cookies.length > 0 ? { 'set-cookie': [...ctx.cookies] } : undefined
  // err_headers_out (the [CO] cookies) goes out before headers_out, as with Header directives;
  // a Set-Cookie of the answer's own follows them.
  if (!compiled) return errHeaders ? withErrHeaders(errHeaders, flat, undefined, reply) : flat
  // An ErrorDocument's own answer is sent with the status it answers for: r->status all along
  // (but the backend's when mod_proxy answered it, output-filters.ts answersForError).
  // The byte-range filter, after mod_headers', makes a 206 of a file's 200: r->status is 200 here.
  const rStatus =
    answersForError(ctx) && status < 300
      ? ctx.errorDocumentStatus!
      : status === 206 && source.filterLines === RANGE_BY_FILTER
        ? 200
        : status
  // A replay of a head whose directives read only the request gets what they made last time
  // for the same status and headers (see RememberedHeaderRun).
  const memo =
    ctx.headerRuns !== null && compiled.memoSafe && !errHeaders && !ctx.isErrorDocument && ctx.mode !== 'explain'
      ? ctx.headerRuns
      : null
  const known = memo?.get(compiled)
  if (known && known.status === rStatus && known.errorResponse === errorResponse && sameHeaders(known.input, flat)) {
    if (known.applied > 0) ctx.recordLazy('response', 'changed', known.label, known.run)
    if (known.typeRow) reply.typeInPlace?.()
    reply.headerLines?.(known.lines)
    return known.output
  }
  const run = new HeaderRun(
    compiled,
    rStatus,
    flat,
    errHeaders,
    ctx.apacheRequest(),
    ctx.env,
    errorResponse,
    v!.probe,
    // One clock reading for the run and for the trace rebuilt later, to the microsecond as
    // httpd's r->request_time (`%t`): two requests in one millisecond have different times.
    performance.timeOrigin + performance.now(),
    source.contentType,
    ctx.config.loaded.environment,
    // r->filename before the directory walk cuts it (`%{REQUEST_FILENAME}` in `expr=`).
    sharedText(requestFilename(ctx, v!)),
    v!.docroot,
    // r->mtime: the served file's, for `%{LAST_MODIFIED}` (also on the 416 page made for it).
    source.requestMtime ?? source.fileMtime ?? ctx.servedMtime
  )
  if (ctx.mode === 'explain') {
    const r = run.apply(false)
    ctx.record('response', 'changed', `Header directives applied (${r.applied})`, { detail: r.trace })
    if (r.typeRow) reply.typeInPlace?.()
    reply.headerLines?.(r.lines)
    return r.headers
  }
  // Decided without a trace; the trace is rebuilt from the same inputs when it is read, unless
  // the directives read the docroot (which may change meanwhile): then it is taken now.
  const calls = run.probe.calls
  let r = run.apply(true)
  if (r.typeRow) reply.typeInPlace?.()
  reply.headerLines?.(r.lines)
  if (run.probe.calls !== calls) {
    r = run.apply(false)
    const detail = r.trace
    if (r.applied > 0) ctx.record('response', 'changed', `Header directives applied (${r.applied})`, { detail })
    return r.headers
  }
  const label = sharedText(`Header directives applied (${r.applied})`)
  if (r.applied > 0) ctx.recordLazy('response', 'changed', label, run)
  if (!memo) return r.headers
  const output = Object.freeze(r.headers)
  // The input is copied: whoever made it may change it once the answer has gone.
  const input = { keys: Object.keys(flat), values: Object.keys(flat).map((k) => flat[k]) }
  memo.set(compiled, {
    status: rStatus,
    errorResponse,
    input,
    output,
    applied: r.applied,
    typeRow: r.typeRow,
    lines: r.lines,
    label,
    run
  })
  return output
}

/**
 * The outcome of a replayed head's `Header` directives (`CompiledHeaders.memoSafe`), kept with
 * its remembered decisions (replay.ts) for the next replay. Everything else the directives read
 * is the head's (its line, headers, client, environment: the same for every replay), so the
 * same status and headers give the same answer headers — and the same explanation, which the
 * trace completes from `run` when it is read. A render's `Date` changes once a second; the
 * entry is then made again.
 */
export interface RememberedHeaderRun {
  status: number
  errorResponse: boolean
  /** The headers the directives were given, names and values in order. */
  input: { keys: string[]; values: (string | string[])[] }
  /** What they made of them: frozen, as every replay hands the same object on. */
  output: Readonly<Record<string, string | string[]>>
  applied: number
  /** A Header directive wrote a Content-Type row (see Reply.typeInPlace). */
  typeRow: boolean
  /** The lines in their order and spelling (see Reply.headerLines). */
  lines: readonly WireLine[]
  label: string
  run: LazyCompletion
}

/** The same names in the same order with the same values. */
function sameHeaders(a: RememberedHeaderRun['input'], b: Record<string, string | string[]>): boolean {
  let i = 0
  for (const k in b) {
    if (a.keys[i] !== k) return false
    const x = a.values[i++]
    const y = b[k]
    if (x !== y && !(Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, j) => v === y[j])))
      return false
  }
  return i === a.keys.length
}

/**
 * One run of a request's `Header` directives: what they read, kept so that the explanation can
 * be made again when the trace is read (`complete`). The trace keeps this object alone (no
 * closure, context and argument objects): the ring holds 10,000 traces, and the garbage
 * collector copies every object each of them owns.
 */
class HeaderRun implements LazyCompletion {
  /** The directory walk of `filename`, once something read it. */
  private walked: { filename: string; pathInfo: string } | undefined

  constructor(
    readonly compiled: CompiledHeaders,
    readonly status: number,
    readonly headers: Record<string, string | string[]>,
    readonly errHeaders: Record<string, string[]> | undefined,
    readonly req: ApacheRequest,
    readonly env: Record<string, string>,
    readonly errorResponse: boolean,
    readonly probe: CountingProbe,
    readonly now: number,
    readonly contentType: string | undefined,
    readonly osEnv: Record<string, string>,
    readonly filename: string,
    readonly docroot: string | undefined,
    readonly mtime: number | undefined
  ) {}

  /** The directives once, with (`quiet` false) or without their trace. */
  apply(quiet: boolean): ReturnType<typeof applyResponseHeaderRecord> {
    const input = { status: this.status, headers: this.headers, errHeaders: this.errHeaders }
    return applyResponseHeaderRecord(this.compiled, input, this.req, this.env, {
      errorResponse: this.errorResponse,
      fs: this.probe,
      now: new Date(this.now),
      requestTime: this.now,
      quiet,
      contentType: this.contentType,
      osEnv: this.osEnv,
      filename: this.filename,
      walk: () => (this.walked ??= directoryWalk({ filename: this.filename, probe: this.probe }, this.docroot)),
      mtime: this.mtime
    })
  }

  complete(): LazyParts {
    return { detail: this.apply(false).trace }
  }
}

/** The handler's own Vary names Accept-Encoding already (mod_deflate then adds nothing). */
function variesOnEncoding(headers: OutgoingHttpHeaders): boolean {
  return /(^|,)\s*accept-encoding\s*(,|$)/i.test(getHeader(headers, 'vary') ?? '')
}

/**
 * mod_expires' `set_expiration_fields`: max-age merged into a Cache-Control line where it stands
 * (in whatever spelling the answer has it: one line), Expires set. A copy: the answer's own
 * headers may be shared (a cached file's).
 */
function withExpiration(
  headers: OutgoingHttpHeaders,
  expires: { cacheControl: string; expires: string }
): Record<string, string | string[]> {
  const out = copyAsStrings(headers)
  out[headerKey(out, 'cache-control') ?? 'cache-control'] = expires.cacheControl
  // expiresChange gives nothing when the answer has an Expires already.
  out.expires = expires.expires
  return out
}

function allStrings(headers: OutgoingHttpHeaders): headers is Record<string, string | string[]> {
  for (const k in headers) {
    const val = headers[k]
    if (typeof val !== 'string' && !Array.isArray(val)) return false
  }
  return true
}

function copyAsStrings(headers: OutgoingHttpHeaders): Record<string, string | string[]> {
  const flat: Record<string, string | string[]> = {}
  for (const k in headers) {
    const val = headers[k]
    if (val !== undefined) flat[k] = Array.isArray(val) ? val : String(val)
  }
  return flat
}

/**
 * What mod_expires adds to this answer (expires.ts), recorded in the trace; null when nothing:
 * no rule for the type, an `Expires` already there, an `M` rule without a file, or the module
 * taking the headers back from an answer it does not cache.
 */
function expiresChange(
  ctx: RequestContext,
  config: ExpiresConfig,
  headers: OutgoingHttpHeaders,
  source: AnswerSource
): { cacheControl: string; expires: string } | null {
  const get = (name: string): OutgoingHttpHeaders[string] => {
    const key = headerKey(headers, name)
    return key === undefined ? undefined : headers[key]
  }
  // mod_expires' filter reads r->content_type, which a 304 (no Content-Type sent) and a
  // multipart 206 (the byte-range filter, later, sends multipart/byteranges) keep as the file's.
  const rule = expiresRuleFor(config, (name) =>
    name === 'content-type' && source.contentType !== undefined ? source.contentType : get(name)
  )
  if (!rule) return null
  // Trace lines made with the rule: traces keep the shared strings, not copies.
  if (source.uncacheable && ctx.vhost?.dispatcher.restrictUncacheableContent) {
    ctx.record('response', 'skip', rule.restricted)
    return null
  }
  const out = expiresFrom(rule, ctx.trace.startedAt, source.fileMtime)
  if (!out) {
    ctx.record('response', 'skip', rule.noFile)
    return null
  }
  const cacheControl = mergedCacheControl(get('cache-control'), out.maxAge)
  ctx.record(
    'response',
    'changed',
    `mod_expires: ${rule.label}: Cache-Control: ${cacheControl}, Expires: ${out.expires}`,
    {
      source: rule.pos
    }
  )
  return { cacheControl, expires: out.expires }
}
