/**
 * mod_proxy_http: a request that `ProxyPass`/`ProxyPassMatch` (proxy-pass.ts) or a rewrite
 * `[P]` hands to a backend goes straight there, bypassing the Dispatcher's filters and cache —
 * the AEMaaCS baseline does this for health probes, `/systemready` and, in dev, CRXDE
 * (dispatcher-behavior.md §3.2). The path is re-encoded as `proxy_http_canon` does unless
 * `nocanon`/`[NE]` says to send it as it is.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { RequestContext } from './context'
import { finalHeaders, MEASURED_BY_FILTER } from './response-headers'
import { PROXY_RESPONSE_HOP, withoutHopHeaders } from './hop-headers'
import { answer, headerFilterRefusedAnswer, proxyError } from './stages/answer'
import { holdForRanges, type HeldForRanges } from './proxy-ranges'
import { proxiedTraceEcho } from './stages/trace-method'
import { proxiedBody, type ProxiedBody } from './proxy-request-body'
import { CONTINUE_TIMEOUT, dispatchProxied } from './proxy-transport'
import {
  backendAnswerOf,
  statusLineRead,
  type HttpdAnswer,
  type HttpdHead,
  type WithBackendHead
} from '../http/backend-head'
import { LINE_BUFFER, READ_ERROR } from '../http/status-line'
import { errorCode, isParserError } from '../http/error-code'
import { headerFilterRefusal } from '../http/header-filter'
import { backendHeaderLines } from './proxy-request-headers'
import { relayInterim } from './proxy-interim'
import { keepsBackendConnection } from './proxy-workers'
import { expecting100 } from '../http/expect-continue'
import { reverseMapHeaders, type ReverseMaps } from './proxy-reverse'
import { sectionWalkInput } from './apache-sections'
import { constructUrl, defaultPort } from './rewrite/uri'
import type { RewriteOutcome } from './rewrite'
import { APACHE_VERSION } from '../config/apache/conditions'
import { lastOther } from '../config/apache/settings'
import { backendSpelling } from '../http/header-spelling'
import { contentTypeFor } from '../cache/mime-types'
import { forcedTypeOf } from './serve-cached'
import { refuseConnectForward } from './connect-forward'
import { CONTROL_OR_SPACE } from '../apache-expr/uri-escape'

// httpd's `Timeout` when neither the ProxyPass's `timeout=` nor `ProxyTimeout` says otherwise.
const DEFAULT_TIMEOUT_SECONDS = 60

/** Where mod_proxy forwards a request: the backend URL without the query, and the query (`r->args`). */
export interface ProxyTarget {
  /** `scheme://host[:port]/path`; the path decoded unless `noCanon`. */
  url: string
  query: string | null
  /** `nocanon` / `[NE]`: the URL goes out as it is, query included. */
  noCanon: boolean
  /** The ProxyPass's `timeout=` (seconds), which wins over `ProxyTimeout`. */
  timeoutSeconds?: number
}

/** Where a `[P]` rule sends the request. */
export function proxyTargetOf(out: RewriteOutcome): ProxyTarget {
  return { url: out.proxyBase ?? '', query: out.query || null, noCanon: out.proxyNoCanon ?? false }
}

export function proxyTo(ctx: RequestContext, target: ProxyTarget, why: string): boolean | Promise<boolean> {
  const v = ctx.vhost
  const keepEncodedSlashes =
    v?.encodedSlashes === 'nodecode' && !v.apache.proxyPasses.anySectionApplies(sectionWalkInput(ctx, v))
  const url = backendUrl(target, keepEncodedSlashes)
  // Relayed by mod_proxy, past the Dispatcher (and its cache): not Apache's own static answer.
  ctx.setOutcome('proxied')
  // mod_proxy's map_to_storage skips httpd's directory walk: only <Location> and <If> sections apply.
  ctx.sectionsPhase = 'translate'
  if (url === null) {
    return refused(
      ctx,
      400,
      `${why}: mod_proxy cannot canonicalise '${target.url}' (a '%' without two hex digits after it)`
    )
  }
  // mod_proxy_http (since 2.4.56, CVE-2023-25690) refuses a URL it is to send as it is
  // (`nocanon`, `[P,NE]`) that holds a space or a control character: 403.
  if (url !== null && target.noCanon && CONTROL_OR_SPACE.test(url)) {
    return refused(ctx, 403, `${why}: the URL '${url}' is to go out as it is and holds a space or a control character`)
  }
  if (ctx.mode === 'explain') {
    ctx.record('render', 'stop', `${why}: mod_proxy would forward to ${url}, bypassing the Dispatcher`)
    return true
  }
  // (`s`: the decoded path may hold a CR or LF, which ap_proxy_canonenc encodes; `.` alone stops there.)
  const parts = /^(https?:\/\/[^/?#]+)(.*)$/is.exec(url)
  if (!parts) return refused(ctx, 500, `${why}: mod_proxy cannot forward to '${url}' (no http(s) backend)`)
  const [, origin, rest] = parts
  // mod_proxy's handler reads Max-Forwards before its scheme handler connects anywhere.
  const maxForwards = maxForwardsOf(ctx)
  if (maxForwards === 'unparsable' || maxForwards === 0) return maxForwardsAnswer(ctx, maxForwards, why)
  if (/^https:/i.test(origin) && !sslProxyEngine(ctx)) {
    // mod_ssl refuses to speak TLS to a backend unless SSLProxyEngine is on (AH01961).
    return refused(ctx, 500, `${why}: ${url} is https and SSLProxyEngine is not on`)
  }
  // mod_proxy_http passes a request body on with no transfer coding but `chunked` (AH01093
  // "… Transfer-Encoding is not supported"): `gzip, chunked`, which httpd itself reads, is a 500.
  const te = ctx.req.headers['transfer-encoding']
  if (te !== undefined && te.trim().toLowerCase() !== 'chunked') {
    return refused(ctx, 500, `${why}: mod_proxy does not support Transfer-Encoding '${te}'`)
  }
  const connect = refuseConnectForward(ctx, 'mod_proxy', url)
  if (connect !== null) return connect
  const timeoutMs = timeoutSecondsOf(ctx, target) * 1000
  const settings = proxySettingsOf(ctx)
  // ProxyErrorOverride: a backend error's body is read and dropped, and httpd answers itself
  // (with the backend's reason phrase, and a 401's WWW-Authenticate, which mod_proxy_http copies
  // to err_headers_out).
  let overridden: { status: number; reason?: string; headers: IncomingHttpHeaders } | null = null
  const started = performance.now()
  return new Promise<boolean>((resolve) => {
    // A small answer held for the byte-range filter until its body is complete, or until the
    // backend's connection runs dry first and it goes on whole (proxy-ranges.ts).
    let held: HeldForRanges | null = null
    const finish = (): void => {
      if (overridden !== null) {
        ctx.setOutcome('error')
        const { status, reason, headers } = overridden
        const challenge = status === 401 ? [headers['www-authenticate'] ?? []].flat()[0] : undefined
        const extra = challenge !== undefined ? { 'www-authenticate': challenge } : {}
        resolve(Promise.resolve(answer(ctx, status, extra, reason)).then(() => true))
        return
      }
      if (held) {
        resolve(Promise.resolve(held.finish()).then(() => true))
        return
      }
      ctx.reply.end()
      resolve(true)
    }
    // do_100_continue: the client's `Expect: 100-continue` goes on to the backend (Proxy100Continue,
    // on by default).
    const expecting = settings.forward100Continue && expecting100(ctx.req.headers.expect)
    const send = (body: ProxiedBody): void => {
      dispatchProxied(
        {
          origin,
          path: rest.startsWith('/') ? rest : `/${rest}`,
          method: ctx.req.method,
          headers: requestHeaders(ctx, maxForwards, settings, expecting, body),
          timeoutMs,
          close: closesBackendConnection(ctx, url),
          expectContinue: expecting,
          body
        },
        {
          onRequestStart(controller) {
            ctx.reply.onAbort(() => controller.abort(new Error('the client went away')))
          },
          onResponseStart(controller, status, resHeaders: IncomingHttpHeaders, statusMessage?: string) {
            const raw = (controller as { rawHeaders?: readonly string[] | null }).rawHeaders
            // An interim answer, relayed (proxy-interim.ts): the final one follows.
            if (status < 200) return relayInterim(ctx, status, raw, statusMessage, settings.viaEntry)
            const tooLong = overlongLine(raw)
            if (tooLong !== null) {
              // A line too long for httpd's buffer makes the answer unreadable: its own 502 Bad Gateway.
              overridden = { status: 502, headers: {} }
              ctx.record(
                'render',
                'stop',
                `${why}: the backend's ${tooLong} header line is ${LINE_BUFFER} bytes or longer, more than httpd reads: 502`
              )
              controller.abort(new Error('header line too long'))
              return
            }
            // r->status_line keeps the backend's own reason phrase ("200 Fine Thanks").
            const reason = statusMessage ? statusMessage : undefined
            if (settings.errorOverride?.(status)) {
              overridden = { status, reason, headers: resHeaders }
              ctx.record(
                'render',
                'stop',
                `${why}: the backend answered ${status}; ProxyErrorOverride: Apache answers itself`
              )
              return
            }
            ctx.status = status
            // mod_proxy_http sets r->status to the backend's: an ErrorDocument's request answers with it.
            if (ctx.isErrorDocument) ctx.statusFromBackend = true
            const took = `${(performance.now() - started).toFixed(1)} ms`
            ctx.record(
              'render',
              'stop',
              (controller as { http09?: boolean }).http09
                ? `${why}: mod_proxy forwarded to ${url}, whose answer's first line is no status line: httpd takes it for HTTP/0.9 and relays a 200 without header lines, its body what the backend sends until it closes the connection (first line in ${took})`
                : `${why}: mod_proxy forwarded to ${url}, answered ${status} in ${took}`
            )
            // The backend's Server header (or one `Header` set) goes out as it is; without one, httpd's
            // banner. Said when the backend's head goes out (not for a 416 the byte-range filter makes).
            const names = backendSpelling(raw)
            let mimeType = false
            const relay = (): void => {
              ctx.reply.proxied?.(mimeType)
              if (names) ctx.reply.backendSpelling?.(names)
            }
            const relayed = reverseMapHeaders(
              keptHeaders(resHeaders, ctx.headerOnly),
              () => reverseMapsFor(ctx),
              (uri) => constructUrl(uri, ctx.apacheRequest())
            )
            // mod_proxy_http adds the backend's Set-Cookie lines back after its other headers
            // (checked against apache2 2.4: the differential suite compares the order).
            const cookies = relayed['set-cookie']
            if (cookies !== undefined) {
              delete relayed['set-cookie']
              relayed['set-cookie'] = cookies
            }
            if (relayed['content-type'] === undefined && status !== 204 && status !== 304) {
              const type = typeOfUntyped(ctx, url)
              if (type !== undefined) {
                relayed['content-type'] = type
                mimeType = true
              }
            }
            const via = settings.viaEntry
            if (via !== null) relayed.via = relayed.via === undefined ? via : [...[relayed.via].flat(), via]
            const headers = finalHeaders(ctx, status, relayed, false, { relayed: true })
            held = holdForRanges(ctx, status, headers, ioBufferSize(ctx), relay, reason)
            if (!held) {
              relay()
              ctx.reply.head(status, headers, reason)
            }
            ctx.reply.onDrain(() => controller.resume())
          },
          onResponseData(controller, chunk) {
            if (overridden !== null) return
            ctx.trace.response.bytes += chunk.length
            if (held?.holding) return held.add(chunk)
            if (!ctx.reply.write(chunk)) controller.pause()
          },
          onResponseEnd: finish,
          onResponseError(_c, err) {
            if (overridden !== null) return finish()
            // A head node's parser refused, read as httpd reads it: what its header filter makes of it.
            const answered = backendAnswerOf(err)
            const read = answered !== null && ('status' in answered || 'unreadable' in answered) ? answered : null
            const head = read !== null && 'status' in read ? read : null
            const verdict = head && headerFilterVerdict(head, settings, ctx.headerOnly)
            if (head && verdict) {
              if ('refusal' in verdict) {
                ctx.record('render', 'stop', `${why}: the backend answered ${head.status}, ${verdict.refusal}: 500`)
                ctx.setOutcome('error')
                resolve(Promise.resolve(headerFilterRefusedAnswer(ctx, head.status)).then(() => true))
                return
              }
              overridden = { status: head.status, reason: head.reason, headers: verdict.override }
              ctx.record(
                'render',
                'stop',
                `${why}: the backend answered ${head.status}; ProxyErrorOverride: Apache answers itself`
              )
              return finish()
            }
            const lineError = statusLineError(err, answered)
            if (ctx.reply.headersSent) {
              // ap_proxy_backend_broke: the client's connection is dropped, the answer left incomplete.
              ctx.record('render', 'error', `${why}: the backend broke off the answer (${brokeOff(err)})`)
              ctx.setOutcome('error')
              ctx.reply.destroy()
            } else if (lineError !== null) {
              // ap_proxy_http_process_response could not read the status line (AH01102) or found it corrupt.
              ctx.record(
                'render',
                'stop',
                `${why}: httpd cannot read the status line ${url} answered: ${lineError}: 502`
              )
              ctx.setOutcome('error')
              proxyError(ctx, 502, lineError)
            } else {
              const status = failureStatus(err)
              ctx.record('render', 'stop', `${why}: ${failureReason(err, url, read)}: ${status}`)
              ctx.setOutcome('error')
              // A head httpd cannot read (node's parser could not: a bad length, a head over its size)
              // is its own 502 Bad Gateway, not ap_proxyerror's page.
              // (A backend never reached is a plain 503; one that never sent its 100 is ap_proxyerror's.)
              if ((status === 503 && !continueTimeout(err)) || isParserError(err) || headersCutShort(err))
                answer(ctx, status)
              else proxyError(ctx, status, proxyErrorReason(err, origin))
            }
            resolve(true)
          }
        }
      )
    }
    proxiedBody(ctx, expecting).then(send, (err: Error) => {
      // The client's body broke off before anything went to the backend: nobody is left to answer.
      ctx.record('render', 'error', `${why}: the request body could not be read (${err.message})`)
      ctx.setOutcome('error')
      ctx.reply.destroy()
      resolve(true)
    })
  })
}

/**
 * mod_proxy's own answer to a request it does not send to any backend: refused (a 4xx, as httpd's
 * other refusals are blocked) or failed (a 5xx), not proxied, as nothing was relayed.
 */
function refused(ctx: RequestContext, status: number, why: string): boolean | Promise<boolean> {
  ctx.record('render', 'stop', `${why}: ${status}`)
  ctx.setOutcome(status < 500 ? 'blocked' : 'error')
  return answer(ctx, status)
}

/**
 * Whether the backend connection closes after this request (`Connection: close`): the
 * `proxy-nokeepalive` variable says so (mod_proxy_http sets backend->close for it), else the
 * worker that takes the URL does (proxy-workers.ts).
 */
function closesBackendConnection(ctx: RequestContext, url: string): boolean {
  if (ctx.env['proxy-nokeepalive'] !== undefined) return true
  return !keepsBackendConnection(ctx.vhost?.apache.proxyPasses.workers ?? [], url)
}

/**
 * The backend's header lines mod_proxy_http keeps: not the hop-by-hop ones, except that the
 * answer to a HEAD keeps the backend's Transfer-Encoding. ap_proxy_http_process_response takes
 * it out of r->headers_out only when it goes on to read a body (its hop_by_hop_hdrs list does
 * not name it), so `Transfer-Encoding: chunked` goes out on a HEAD's answer (measured against
 * apache2 2.4.68). A head with a Content-Length too never gets here: node's parser refuses it.
 */
function keptHeaders(headers: IncomingHttpHeaders, headerOnly: boolean): IncomingHttpHeaders {
  return withoutHopHeaders(headers, headerOnly ? HEAD_RESPONSE_HOP : PROXY_RESPONSE_HOP)
}

/** mod_proxy's response hop-by-hop fields but Transfer-Encoding, which a HEAD's answer keeps. */
const HEAD_RESPONSE_HOP: ReadonlySet<string> = new Set([...PROXY_RESPONSE_HOP].filter((n) => n !== 'transfer-encoding'))

/**
 * A backend answer without a Content-Type keeps the one mod_mime gave the request (its
 * type_checker ran on the `proxy:` file name before the handler, and mod_proxy_http replaces it
 * only with a type the backend names): `ForceType`/`AddType`/`[T=]`, else the type of the URL's
 * last segment's extensions. AddDefaultCharset then applies as to any answer.
 */
function typeOfUntyped(ctx: RequestContext, url: string): string | undefined {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/[?#].*$/s, '')
  return forcedTypeOf(ctx, path) ?? contentTypeFor(path)
}

/** `ProxyIOBufferSize` in effect, undefined when not set; httpd raises a smaller one to 8192 (AP_IOBUFSIZE). */
function ioBufferSize(ctx: RequestContext): number | undefined {
  const n = Number(vhostValue(ctx, 'ProxyIOBufferSize'))
  return Number.isInteger(n) && n > 0 ? Math.max(n, 8192) : undefined
}

/** The last value of a server or vhost directive (`ProxyTimeout`, `SSLProxyEngine`…), if any. */
function vhostValue(ctx: RequestContext, name: string): string | undefined {
  return lastOther(ctx.vhost?.layers ?? [], name)?.[0]
}

function sslProxyEngine(ctx: RequestContext): boolean {
  return vhostValue(ctx, 'SSLProxyEngine')?.toLowerCase() === 'on'
}

/** How long mod_proxy waits for the backend: the ProxyPass's `timeout=`, else `ProxyTimeout`, else `Timeout`. */
function timeoutSecondsOf(ctx: RequestContext, target: ProxyTarget): number {
  const configured = target.timeoutSeconds ?? vhostValue(ctx, 'ProxyTimeout') ?? vhostValue(ctx, 'TimeOut')
  const seconds = Number(configured)
  return configured !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS
}

const NO_MAPS: ReverseMaps = { locations: [], cookiePaths: [], cookieDomains: [] }

/** The reverse mappings (`ProxyPassReverse*`) of this request's vhost and sections. */
function reverseMapsFor(ctx: RequestContext): ReverseMaps {
  const v = ctx.vhost
  return v ? v.apache.proxyPasses.reverseMaps(sectionWalkInput(ctx, v)) : NO_MAPS
}

/** mod_proxy's settings for this request (per directory, sections included, except ProxyVia). */
interface ProxySettings {
  preserveHost: boolean
  addHeaders: boolean
  /** `ProxyVia On|Full`: the entry added to the request's and the answer's Via; null when Off or Block. */
  viaEntry: string | null
  /** `ProxyVia Block`: the client's Via is not passed on. */
  blockVia: boolean
  /** `ProxyErrorOverride On [codes]`: the backend statuses httpd answers itself, null when Off. */
  errorOverride: ((status: number) => boolean) | null
  /** `Proxy100Continue` (on by default): a client's `Expect: 100-continue` goes on to the backend. */
  forward100Continue: boolean
}

function proxySettingsOf(ctx: RequestContext): ProxySettings {
  const v = ctx.vhost
  // One section walk for all the settings.
  const contexts = v ? v.apache.proxyPasses.dirContexts(sectionWalkInput(ctx, v)) : []
  const setting = (name: string): string[] | undefined => lastOther(contexts, name)
  const on = (value: string[] | undefined, byDefault: boolean): boolean =>
    value?.[0] === undefined ? byDefault : value[0].toLowerCase() === 'on'
  const via = vhostValue(ctx, 'ProxyVia')?.toLowerCase()
  const override = setting('ProxyErrorOverride')
  const codes = (override ?? []).slice(1).map(Number)
  return {
    preserveHost: on(setting('ProxyPreserveHost'), false),
    forward100Continue: on(setting('Proxy100Continue'), true),
    addHeaders: on(setting('ProxyAddHeaders'), true),
    viaEntry: via === 'on' || via === 'full' ? viaEntry(ctx, via === 'full') : null,
    blockVia: via === 'block',
    errorOverride: on(override, false)
      ? (status) => status >= 400 && (codes.length === 0 || codes.includes(status))
      : null
  }
}

/**
 * mod_proxy_http's Via entry: the client's protocol version (r->proto_num: `1.0` for an HTTP/1.0
 * client, on the request and the answer alike), the vhost's name, the port the client used
 * unless the scheme's, and (Full) the server's version.
 */
function viaEntry(ctx: RequestContext, full: boolean): string {
  const req = ctx.apacheRequest()
  const port = req.serverPort === defaultPort(req) ? '' : `:${req.serverPort}`
  const name = ctx.vhost?.serverHostname ?? 'localhost'
  return `${protocolVersion(ctx.req.protocol)} ${name}${port}${full ? ` (Apache/${APACHE_VERSION})` : ''}`
}

/** `HTTP/1.0` → `1.0`: HTTP_VERSION_MAJOR and _MINOR of r->proto_num, which request reading set from `HTTP/x.y`. */
function protocolVersion(protocol: string): string {
  return protocol.startsWith('HTTP/') ? protocol.slice(5) : '1.1'
}

/**
 * The backend request's header lines as a flat list (name, value, …): `Host` when the client's
 * goes on (the transport writes the backend's own first otherwise), the lines mod_proxy_http
 * makes of r->headers_in (proxy-request-headers.ts), then the body's framing as add_cl writes
 * it: the client's Content-Length (a `0` too, for any method), or the length of a body
 * prefetched whole. A body streamed without one goes chunked (proxy-transport.ts adds that).
 */
function requestHeaders(
  ctx: RequestContext,
  maxForwards: number | null,
  s: ProxySettings,
  forwardExpect: boolean,
  body: ProxiedBody
): string[] {
  const { host, lines } = backendHeaderLines(ctx, { ...s, maxForwards, forwardExpect })
  const out = host === null ? [] : ['Host', host]
  for (const [name, value] of lines) out.push(name, value)
  const length = Buffer.isBuffer(body) ? String(body.length) : ctx.headers['content-length']
  // The number as ap_proxy_http_prefetch read it (apr_off_t_toa): `05` goes out as `5`.
  if (length !== undefined) out.push('Content-Length', /^\d+$/.test(length) ? BigInt(length).toString() : length)
  return out
}

/** The client's Max-Forwards (null when it sent none), as mod_proxy's handler reads it. */
function maxForwardsOf(ctx: RequestContext): number | null | 'unparsable' {
  const value = ctx.headers['max-forwards']
  if (value === undefined) return null
  const n = /^\d{1,18}$/.test(value.trim()) ? Number(value.trim()) : NaN
  return Number.isSafeInteger(n) ? n : 'unparsable'
}

/**
 * A Max-Forwards mod_proxy will not pass on: an unreadable one is 400; at zero an OPTIONS is
 * answered by httpd itself (only TRACE is allowed on a proxied URL) and a TRACE echoed, any
 * other method is 400.
 */
function maxForwardsAnswer(ctx: RequestContext, value: 'unparsable' | 0, why: string): true | Promise<true> {
  if (value === 0 && ctx.req.method === 'TRACE') return proxiedTraceEcho(ctx, why)
  if (value === 0 && ctx.req.method === 'OPTIONS') {
    ctx.record('render', 'stop', `${why}: Max-Forwards is 0, so httpd answers OPTIONS itself: 200 with Allow`)
    ctx.status = 200
    ctx.reply.head(200, finalHeaders(ctx, 200, { allow: 'TRACE', 'content-length': '0' }, false, MEASURED_BY_FILTER))
    ctx.reply.end()
    return true
  }
  const reason =
    value === 0 ? 'Max-Forwards has reached zero - proxy loop?' : 'Max-Forwards request header could not be parsed'
  ctx.record('render', 'stop', `${why}: ${reason}: 400`)
  ctx.setOutcome('error')
  return proxyError(ctx, 400, reason)
}

/** The name of a backend header whose line is too long for httpd, or null. */
function overlongLine(raw: readonly string[] | null | undefined): string | null {
  if (!raw) return null
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length + 2 + raw[i + 1].length >= LINE_BUFFER) return raw[i]
  }
  return null
}

/** Why no answer came, for the trace: httpd's reading of a head node's parser refused, when there is one. */
function failureReason(err: Error, url: string, read: HttpdHead | null): string {
  if (headersCutShort(err))
    return `${url} sent its status line and no end of its head (${err.message}): httpd cannot read the head (AH10404, AH01106)`
  if (read === null) return `mod_proxy could not get an answer from ${url} (${err.message})`
  if ('unreadable' in read) return `httpd cannot read the head ${url} answered: ${read.unreadable}`
  // Fields httpd reads and passes on that llhttp refuses (a CR or a vertical tab around a value, a
  // control character in a hop-by-hop field): the workbench has no parser of its own for them.
  return `node's parser refuses the head ${url} answered (${err.message}), which httpd reads and its header filter passes`
}

/**
 * What httpd's header filter makes of a backend head it read: check_headers (ap_http_header_filter,
 * HttpProtocolOptions Strict) on the fields mod_proxy_http put in r->headers_out, all but the
 * hop-by-hop ones, refuses an empty name (AH02428), a name that is no token (AH02429) or a value
 * with a control character, a bare CR or DEL (AH02430): the answer becomes ap_die's 500
 * (measured against apache2 2.4.68). ProxyErrorOverride's answer keeps only a 401's
 * WWW-Authenticate (err_headers_out), which is checked all the same. Null when all pass and
 * the backend's answer would go out.
 */
function headerFilterVerdict(
  head: { status: number; fields: readonly [string, string][] },
  settings: ProxySettings,
  headerOnly: boolean
): { refusal: string } | { override: IncomingHttpHeaders } | null {
  const overrides = settings.errorOverride?.(head.status) ?? false
  const fields = overrides
    ? head.fields.filter(([name]) => head.status === 401 && /^www-authenticate$/i.test(name))
    : head.fields
  const refusal = headerFilterRefusal(fields, headerOnly ? HEAD_RESPONSE_HOP : PROXY_RESPONSE_HOP)
  if (refusal !== null) return { refusal }
  if (!overrides) return null
  return { override: fields.length === 0 ? {} : { 'www-authenticate': fields[0][1] } }
}

/**
 * ap_proxyerror's reason when the backend's first line is one httpd cannot read as a status line
 * (status-line.ts): a corrupt one, or one a parser error came in before its end (an end of file,
 * no LF); null otherwise.
 */
function statusLineError(err: Error, answered: HttpdAnswer | null): string | null {
  if (answered !== null) return 'statusLineError' in answered ? answered.statusLineError : null
  const bytes = (err as WithBackendHead).backendHead
  return isParserError(err) && bytes !== undefined && !statusLineRead(bytes) ? READ_ERROR : null
}

/** Why a backend's answer broke off, for the trace. */
function brokeOff(err: Error): string {
  return errorCode(err) === 'UND_ERR_BODY_TIMEOUT'
    ? 'it sent nothing for ProxyTimeout: AH01110 error reading response'
    : err.message
}

/**
 * ProxyTimeout ran out, or the backend closed the connection, after its status line and before
 * the end of its head: in ap_proxy_http_process_response the status line was read, and
 * ap_proxy_read_headers' failed read (AH10404) leaves no headers, so it answers r->status 502
 * itself ("bad HTTP/1.1 header returned by", AH01106): httpd's own 502 Bad Gateway, not
 * ap_proxyerror's page, which a failure in the status line gets (AH01102, AH00898). Measured
 * against apache2 2.4.68.
 */
function headersCutShort(err: Error): boolean {
  const bytes = (err as WithBackendHead).backendHead
  const code = errorCode(err)
  const cut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ECONNRESET'
  return cut && bytes !== undefined && statusLineRead(bytes)
}

/** `ap_proxyerror`'s reason for a backend that gave no usable answer. */
function proxyErrorReason(err: Error, origin: string): string {
  if (lookupFailed(err)) return `DNS lookup failure for: ${new URL(origin).hostname}`
  return 'Error reading from remote server'
}

/**
 * The backend's name did not resolve. httpd answers any apr_sockaddr_info_get failure alike;
 * besides getaddrinfo's own answers (ENOTFOUND, EAI_AGAIN) libuv refuses a name longer than
 * DNS allows (over 255 bytes) with EINVAL before asking, where glibc says EAI_NONAME.
 */
function lookupFailed(err: Error): boolean {
  const code = errorCode(err)
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN' || (err as { syscall?: string }).syscall === 'getaddrinfo'
}

function continueTimeout(err: Error): boolean {
  return errorCode(err) === CONTINUE_TIMEOUT
}

/**
 * mod_proxy's status when no answer came: 500 for a name that does not resolve
 * (ap_proxy_determine_connection), 503 when the backend refused or could not be connected to,
 * 502 otherwise (a timeout or an error reading the answer: "Error reading from remote server").
 */
function failureStatus(err: Error): number {
  const code = errorCode(err)
  if (lookupFailed(err)) return 500
  if (continueTimeout(err)) return 503
  return /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT/.test(code) ? 503 : 502
}

/**
 * The URL mod_proxy_http sends: with `nocanon`/`[NE]` as it is (the query string included);
 * otherwise the path re-encoded by `ap_proxy_canonenc` (enc_path) and `r->args` appended.
 */
/**
 * `keepEncodedSlashes`: `AllowEncodedSlashes NoDecode`, under which r->uri still holds `%2F`
 * and mod_proxy_http canonicalises with PROXY_CANONENC_NOENCODEDSLASHENCODING. Null when the
 * path cannot be canonicalised (httpd's 400).
 */
function backendUrl(t: ProxyTarget, keepEncodedSlashes: boolean): string | null {
  // A `?` with nothing after it is passed on too (r->args is then empty, not absent).
  const q = t.query === null ? '' : `?${t.query}`
  if (t.noCanon) return t.url + q
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/is.exec(t.url)
  if (!m) return t.url + q
  const path = canonPath(m[2], keepEncodedSlashes)
  return path === null ? null : m[1] + path + q
}

/** Characters `ap_proxy_canonenc` leaves alone in a path, besides letters and digits. */
const PATH_ALLOWED = new Set("~$-_.+!*'(),;:@&=/")

/**
 * `ap_proxy_canonenc_ex(…, enc_path, …)` on a decoded path: everything else as `%XX` (upper
 * case), byte by byte. With `keepEncodedSlashes`, an encoded slash goes out as it is (its case
 * kept), any other `%` is encoded, and a `%` without two hex digits after it fails (null) —
 * so a `%252F` the client sent, decoded to `%2F`, becomes a slash too, as in httpd 2.4.71.
 */
function canonPath(path: string, keepEncodedSlashes: boolean): string | null {
  let out = ''
  // The decoded path is a byte string (one character per byte, as httpd's r->uri is).
  const bytes = Buffer.from(path, 'latin1')
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (keepEncodedSlashes && byte === 0x25) {
      const hex = path.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null
      if (hex.toLowerCase() === '2f') {
        out += path.slice(i, i + 3)
        i += 2
        continue
      }
    }
    const c = String.fromCharCode(byte)
    if ((byte < 0x80 && /[A-Za-z0-9]/.test(c)) || PATH_ALLOWED.has(c)) out += c
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}
