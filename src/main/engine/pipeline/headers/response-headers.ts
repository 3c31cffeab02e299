/** `Header`: the response headers as they leave the server (output filter, or Apache's error path). */
import type { HeaderDirective } from '../../../../shared/config-model'
import type { HeaderActionTrace, HeadersTrace } from '../../../../shared/trace-apache'
import type { ApacheRequest } from '../../apache-expr'
import type { CompiledHeaders } from './compile-headers'
import { compiledHeaders, fixupScope, notApplied, runFixups, type FixupScope, type HeaderRunOptions } from './fixups'
import type { WireLine } from '../../http/wire-lines'
import { HeaderTable, type HeaderEntry } from './table'

export interface ResponseHeadersInput {
  status: number
  /** `r->headers_out`: what the handler (render, cache, rewrite's `Location`) produced. */
  headers: Record<string, string | string[]> | HeaderEntry[]
  /** `r->err_headers_out`: headers meant to survive error responses (rewrite [CO] cookies, …). */
  errHeaders?: Record<string, string | string[]> | HeaderEntry[]
}

export interface ResponseHeadersResult {
  /** What goes on the wire, lower-case names: the `err_headers_out` lines first, then `headers_out`. */
  headers: Record<string, string | string[]>
  entries: HeaderEntry[]
  /** `entries` as they go on the wire: each line a directive wrote with its spelling (http/wire-lines.ts). */
  lines: WireLine[]
  headersOut: HeaderEntry[]
  errHeadersOut: HeaderEntry[]
  notes: Record<string, string>
  /** Set when `Header set|setifempty|edit Content-Type` changed the content type (not after `unset`). */
  contentType?: string
  /** A `Header` directive wrote a Content-Type row: its line stands there, not last. */
  typeRow: boolean
  /** How many directives applied (the trace's entries with `applied`, also when quiet). */
  applied: number
  /** Empty entries when run with `quiet`. */
  trace: HeadersTrace
}

/** What the directives left: the two tables, and what the results are made of. */
interface Outcome {
  headersOut: HeaderTable
  errHeadersOut: HeaderTable
  scope: FixupScope
  applied: number
  trace: HeadersTrace
  typeRow: boolean
}

/**
 * `Header` directives on a response. `errorResponse`: Apache generated this response itself
 * (ErrorDocument, a rewrite status or redirect, its own 404). Then `ap_send_error_response`
 * drops the handler's `headers_out` (keeping `Location` for redirects), makes the old
 * `err_headers_out` the new `headers_out`, and runs only the `Header always` directives, on an
 * empty `err_headers_out`. A 204 or 304 skips that swap.
 */
export function applyResponseHeaders(
  directives: HeaderDirective[] | CompiledHeaders,
  resp: ResponseHeadersInput,
  req: ApacheRequest,
  env: Record<string, string>,
  opts: HeaderRunOptions & { errorResponse?: boolean } = {}
): ResponseHeadersResult {
  const o = run(directives, resp, req, env, opts)
  const wire = [...o.errHeadersOut.list(), ...o.headersOut.list()]
  return {
    headers: wireRecord(o),
    entries: wire,
    lines: wireLines(o),
    headersOut: o.headersOut.list(),
    errHeadersOut: o.errHeadersOut.list(),
    notes: o.scope.notes,
    contentType: o.scope.contentType ?? undefined,
    typeRow: o.typeRow,
    applied: o.applied,
    trace: o.trace
  }
}

/** `applyResponseHeaders` for a caller that only sends the headers (and keeps the trace). */
export function applyResponseHeaderRecord(
  directives: HeaderDirective[] | CompiledHeaders,
  resp: ResponseHeadersInput,
  req: ApacheRequest,
  env: Record<string, string>,
  opts: HeaderRunOptions & { errorResponse?: boolean } = {}
): Pick<ResponseHeadersResult, 'headers' | 'lines' | 'applied' | 'trace' | 'typeRow'> {
  const o = run(directives, resp, req, env, opts)
  return {
    headers: wireRecord(o),
    lines: wireLines(o),
    applied: o.applied,
    trace: o.trace,
    typeRow: o.typeRow
  }
}

/** What goes on the wire: the `err_headers_out` lines first, then `headers_out`. */
function wireRecord(o: Outcome): Record<string, string | string[]> {
  return o.headersOut.addTo(o.errHeadersOut.toRecord())
}

/** The same lines as they go out: the record groups a name's lines, these say where each goes and how it is spelled. */
function wireLines(o: Outcome): WireLine[] {
  return [...o.errHeadersOut.wireLines(), ...o.headersOut.wireLines()]
}

/**
 * Fields of an Apache-made answer that are not the handler's `headers_out`, so the swap does not
 * drop them: the error page's own type (`ap_set_content_type`) and length (the content-length
 * filter), the `Allow` of a 405 (`ap_send_error_response` sets it after the swap), mod_expires'
 * Cache-Control and Expires on a redirect (its filter runs on the swapped table), the
 * Dispatcher's X-Cache-Info (sent on such answers too, DISP-688), and a 401's challenge
 * (mod_auth_basic puts it in err_headers_out).
 */
const AFTER_THE_SWAP = [
  'Content-Type',
  'Content-Length',
  'Allow',
  'Cache-Control',
  'Expires',
  'X-Cache-Info',
  'WWW-Authenticate'
]

/**
 * ap_http_header_filter writes the Content-Type line from r->content_type, after mod_headers,
 * over err_headers_out and headers_out joined (in that order): the first Content-Type row takes
 * it and the others go, or it comes last. So what `Header add|append|merge Content-Type` did to
 * the rows is lost, and what `set`, `setifempty`, `edit` and `unset` did to r->content_type is
 * what goes out (once: `Header always set` does not make a second line), unless nothing names a
 * type. A 204 or 304 gets no line from it.
 */
function settleContentType(errHeadersOut: HeaderTable, headersOut: HeaderTable, type: string | undefined): void {
  const key = 'content-type'
  // No type (after `unset`, or none named): no line is made, rows written since stay.
  if (type === undefined) return
  if (errHeadersOut.has('Content-Type', key)) {
    errHeadersOut.set('Content-Type', type, key)
    headersOut.unset('Content-Type', key)
  } else headersOut.set('Content-Type', type, key)
}

function run(
  directives: HeaderDirective[] | CompiledHeaders,
  resp: ResponseHeadersInput,
  req: ApacheRequest,
  env: Record<string, string>,
  opts: HeaderRunOptions & { errorResponse?: boolean }
): Outcome {
  const c = compiledHeaders(directives)
  let headersOut = HeaderTable.from(resp.headers)
  let errHeadersOut = HeaderTable.from(resp.errHeaders)
  const errorPath = opts.errorResponse === true
  if (errorPath && resp.status !== 204 && resp.status !== 304) {
    const location = headersOut.get('Location', 'location') ?? errHeadersOut.get('Location', 'location')
    const after = AFTER_THE_SWAP.map((name) => [name, headersOut.get(name)] as const)
    headersOut = errHeadersOut
    errHeadersOut = new HeaderTable()
    if ((resp.status >= 300 && resp.status <= 399) || resp.status === 201) {
      if (location) headersOut.set('Location', location, 'location')
    }
    for (const [name, value] of after) if (value !== undefined) headersOut.set(name, value)
  }
  // r->content_type: what the handler set, which for a proxied or cached answer is its Content-Type.
  const row = headersOut.get('Content-Type', 'content-type')
  const contentType = opts.contentType ?? row
  // The type a file, a cached page or an error page names is r->content_type alone while
  // mod_headers runs (`%{resp:Content-Type}` reads nothing): its line is made after
  // (settleContentType). A backend's is a row. A 204 or 304 gets no line made from it at all
  // (ap_http_header_filter): rows stay as they are.
  const bodiless = resp.status === 204 || resp.status === 304
  // (A row naming another type is a later filter's: the byte-range filter's multipart type.)
  const handlerTyped =
    !bodiless && (errorPath || (opts.contentType !== undefined && (row === undefined || row === opts.contentType)))
  if (handlerTyped) headersOut.unset('Content-Type', 'content-type')
  const s = fixupScope(req, env, opts, headersOut, contentType)
  s.exprCtx.response = {
    status: resp.status,
    header: (name) => headersOut.get(name) ?? errHeadersOut.get(name)
  }
  const entries: HeaderActionTrace[] = []
  const trace = opts.quiet ? null : entries
  let applied = runFixups(c.entries, errHeadersOut, 'always', false, s, trace)
  if (errorPath) {
    if (trace)
      for (const h of c.entries) {
        if (h.table !== 'onsuccess') continue
        entries.push(
          notApplied(
            h,
            headersOut.getAll(h.header),
            `Apache generated this ${resp.status} response itself: only "Header always" applies`
          )
        )
      }
  } else {
    applied += runFixups(c.entries, headersOut, 'onsuccess', false, s, trace)
  }
  // A row a directive wrote keeps its place; the line made from r->content_type alone goes last.
  const typeRow =
    c.touchesContentType &&
    (errHeadersOut.has('Content-Type', 'content-type') || headersOut.has('Content-Type', 'content-type'))
  if ((handlerTyped || c.touchesContentType) && !bodiless) {
    settleContentType(errHeadersOut, headersOut, s.contentType === null ? undefined : (s.contentType ?? contentType))
  }
  // What the conditions read went into Vary as they were evaluated (runFixups): a later
  // `Header edit Vary` may have changed it since, and httpd merges nothing more.
  return {
    headersOut,
    errHeadersOut,
    scope: s,
    applied,
    trace: { phase: 'response', errorResponse: errorPath, entries },
    typeRow
  }
}
