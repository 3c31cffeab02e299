/**
 * Answers that Apache produces itself (errors, redirects), with the vhost's ErrorDocument
 * text or URL where one is configured (dispatcher-behavior.md §4.3: a filter denial is
 * Apache's 404, so `ErrorDocument 404` applies).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { errorPage, proxyErrorPage, redirectPage, statusText } from '../apache-errors'
import { RequestContext, type LateHead, type Reply } from '../context'
import { finalHeaders } from '../response-headers'
import { apacheSections, sectionWalkInput } from '../apache-sections'
import { cacheInfoHeader } from '../serve-cached'
import { runPipeline } from '../run'
import { INTERNAL_REDIRECT_LIMIT, recursionLimitMessage, redirectedEnv } from '../dir-rewrite'
import { signedPage } from '../server-signature'
import { traceEnableOf } from '../trace-enable'
import { toByteString } from '../../apache-expr/uri-escape'
import { evalExprString, parseStringExpr } from '../../apache-expr'
import { STATUS_LINES } from '../rewrite/flags'
import { isUrl } from '../../config/apache/alias-directives'
import { HeldFilterCalls } from '../held-filter-calls'
import { withErrHeaders } from '../err-headers'
import type { WireLine } from '../../http/wire-lines'
import { dropsConnection } from '../../http/keep-alive'
import { WRITE_BUFFER } from '../write-buffer'

/**
 * `ErrorDocument` of the vhost, overridden by those of the sections that apply (the innermost
 * wins), as the bytes httpd hands on (configuration text is UTF-8).
 */
export function errorDocumentFor(ctx: RequestContext, status: number): string | undefined {
  let doc: string | undefined
  for (const layer of ctx.vhost?.layers ?? []) {
    for (const e of layer.errorDocuments) if (e.status === status) doc = e.document
  }
  for (const scope of apacheSections(ctx)?.scopes ?? []) {
    for (const e of scope.settings.errorDocuments) if (e.status === status) doc = e.document
  }
  // `ErrorDocument 403 default` restores httpd's built-in page over an outer one.
  if (doc === undefined || doc.toLowerCase() === 'default') return undefined
  return EXPRESSION.test(doc) ? documentText(ctx, doc) : toByteString(doc)
}

/** What in a document makes it more than its own text as a string expression: a variable, a back-reference, an escape. */
const EXPRESSION = /%\{|\$[0-9]|\\/

/**
 * The document as ap_response_code_string makes it: the string expression evaluated for the
 * request (parsed when loading, so it parses), in bytes as every document is handed on (a
 * Location, a message, a local URL's request target).
 */
function documentText(ctx: RequestContext, doc: string): string {
  const v = ctx.vhost
  if (!v) return toByteString(doc)
  return evalExprString(parseStringExpr(doc), sectionWalkInput(ctx, v).exprContext(), false).value
}

/**
 * Sends an Apache-generated answer; returns true (or a promise of it, for an ErrorDocument
 * that is a local URL) so a stage can `return answer(…)`.
 */
export function answer(
  ctx: RequestContext,
  status: number,
  extraHeaders: OutgoingHttpHeaders = {},
  /** `r->status_line`'s reason a backend set (ProxyErrorOverride): the status line's and the page's. */
  reason?: string
): true | Promise<true> {
  const doc = errorDocumentFor(ctx, status)
  // ap_send_error_response gives every 405 and 501 an Allow (make_allow): with no methods
  // allowed by a handler (a rewrite [R=405], a backend's error), TRACE alone, or nothing when
  // TraceEnable is off.
  if ((status === 405 || status === 501) && extraHeaders.allow === undefined)
    extraHeaders = { ...extraHeaders, allow: traceEnableOf(ctx.vhost?.layers ?? []) === 'off' ? '' : 'TRACE' }
  // `Allow` (405, 501) is ap_send_error_response's, for its own page and an ErrorDocument's
  // text: a redirect to an ErrorDocument URL, or to a local one, goes out without it.
  // (A message's leading `"` is no scheme: isUrl never takes one.)
  if (doc && isUrl(doc)) {
    // An ErrorDocument with a full URL makes Apache answer with a redirect to it. ap_die has
    // closed the connection for a status that drops it before, so the 302 closes it too.
    if (dropsConnection(status)) ctx.req.lastOnConnection = true
    return sendPage(ctx, 302, { ...withoutAllow(extraHeaders), location: doc }, redirectPage(302, doc))
  }
  // An ErrorDocument's own request makes no other, but for a status mod_rewrite returned.
  if (
    doc &&
    doc.startsWith('/') &&
    status >= 400 &&
    (!ctx.isErrorDocument || ctx.rewriteStatus) &&
    ctx.mode === 'serve'
  ) {
    if (ctx.redirects < INTERNAL_REDIRECT_LIMIT)
      return errorDocumentRedirect(ctx, status, doc, withoutAllow(extraHeaders))
    // httpd gives up at LimitInternalRecursion (ap_die(500) on this request): its 500 page says
    // which ErrorDocument failed. In a chain, this counts as a failed ErrorDocument for the
    // request that asked, which names this status.
    ctx.record('response', 'error', `ErrorDocument ${status} ${doc}: ${recursionLimitMessage()}`)
    if (!ctx.isErrorDocument) return sendPage(ctx, 500, {}, failedPage(ctx, 500, status))
    ctx.rewriteStatus = false
    ctx.recursiveError = status
  }
  // A message instead of a document: httpd writes it as the page, still typed text/html, as
  // the bytes of the configuration's UTF-8 text. The leading `"` is only the mark a message is
  // stored with (set_error_document): a closing quote written in the text stays.
  // The status line keeps r->status_line's reason (ap_proxyerror's "Proxy Error", a backend's).
  if (doc?.startsWith('"')) return send(ctx, status, extraHeaders, doc.slice(1), reason)
  return sendPage(
    ctx,
    status,
    extraHeaders,
    errorPage(status, {
      method: ctx.req.method,
      notes: ctx.errorNotes,
      expect: ctx.headers.expect,
      admin: ctx.vhost?.serverAdmin,
      reason
    }),
    reason
  )
}

function withoutAllow(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (headers.allow === undefined) return headers
  const { allow: _allow, ...rest } = headers
  return rest
}

/**
 * `ErrorDocument 404 /content/site/errors/404.html`: Apache makes an internal GET for the
 * document (through the Dispatcher again: filters, cache, render) and sends its body with the
 * original status. If that request fails too, Apache's own page says so; but a status that
 * mod_rewrite returned (`[F]`) is that request's own answer, made with its own ErrorDocument
 * (httpd's ap_die finds r->status reset to 200, so it is no recursive error): the AMS catch-all
 * vhost's `[F]` under RHEL's welcome.conf `ErrorDocument 403 /.noindex.html` is answered with the
 * vhost's own `ErrorDocument 403 /index.html` that way.
 */
function errorDocumentRedirect(
  ctx: RequestContext,
  status: number,
  doc: string,
  extraHeaders: OutgoingHttpHeaders
): Promise<true> {
  const outer = ctx.reply
  let innerStatus = 0
  let failed = false
  // Asked for the document's own answer (its filters, its `Header` lines): passed on only with
  // it, as an error answer of its own is dropped.
  const held = new HeldFilterCalls()
  // A head made later (mod_deflate's, once it sees the body) goes out as this one does: with
  // `extraHeaders` when sent for the original status.
  let extras: OutgoingHttpHeaders = {}
  // The lines mod_headers left for the document's head: the error's own go before them.
  let answerLines: readonly WireLine[] | undefined
  const withExtras =
    (head: LateHead): LateHead =>
    (r) => {
      answerLines = undefined
      const headers = head({ typeInPlace: () => r.typeInPlace?.(), headerLines: (lines) => (answerLines = lines) })
      return withErrHeaders(extras, headers, answerLines, r)
    }
  const reply: Reply = {
    get headersSent() {
      return outer.headersSent
    },
    gzipBody: (range) => held.gzipBody(range),
    substituteBody: (rules, instances) => held.substituteBody(rules, instances),
    undeflatedHead: (head) => held.undeflatedHead(withExtras(head)),
    deflatedHead: (head, gzip) => held.deflatedHead(withExtras(head), gzip),
    headerLines: (written) => {
      answerLines = written
    },
    proxied: (mimeType) => held.proxied(mimeType),
    backendSpelling: (names) => held.backendSpelling(names),
    backendRanDry: () => held.backendRanDry(),
    head(s, headers, reason) {
      innerStatus = s
      if (sub.rewriteStatus) {
        // Answered for a status of its own: sent as that request made it.
        ctx.status = s
        held.replay(outer)
        if (answerLines) outer.headerLines?.(answerLines)
        return outer.head(s, headers)
      }
      // mod_proxy's answer is the handler's: it set r->status to the backend's (measured against
      // apache2 2.4.68: a proxied document's 200 goes out as a 200), no failed ErrorDocument.
      const relayed = sub.statusFromBackend
      failed = !relayed && (s >= 400 || (s >= 300 && !sub.rewriteRedirect))
      if (failed) return held.drop()
      // The document's own answer goes out with the original status; mod_rewrite's redirect and
      // mod_proxy's answer as they are.
      const sent = s >= 300 || relayed ? s : status
      ctx.status = sent
      extras = extraHeaders
      held.replay(outer)
      // (The status line keeps the backend's reason phrase, r->status_line.)
      outer.head(sent, withErrHeaders(extraHeaders, headers, answerLines, outer), relayed ? reason : undefined)
    },
    write: (chunk) => (failed ? true : outer.write(chunk)),
    end: (body) => {
      if (!failed) outer.end(body)
    },
    onDrain: (cb) => outer.onDrain(cb),
    onAbort: (cb) => outer.onAbort(cb),
    destroy: () => outer.destroy()
  }
  const headers = { ...ctx.headers }
  for (const h of [
    'if-none-match',
    'if-modified-since',
    'if-match',
    'if-unmodified-since',
    'range',
    'content-length',
    'transfer-encoding'
  ])
    delete headers[h]
  // eslint-disable-next-line prefer-const -- the reply above reads it once the pipeline runs.
  let sub: RequestContext
  sub = new RequestContext(
    // Its own request: nothing of the first one's refusal (a refused head, an unmet Expect).
    {
      ...ctx.req,
      method: 'GET',
      target: doc,
      headers,
      body: null,
      refused: undefined,
      expectationFailed: undefined,
      theRequest: ctx.theRequest(),
      // r->server and r->hostname are the first request's (a refused head's: the first-listed vhost, no host name).
      server: ctx.vhost
    },
    reply,
    ctx.config,
    'serve',
    `${ctx.trace.id}-errordoc`,
    ctx.trace.seq
  )
  sub.errorDocumentStatus = status
  sub.hostUnread = ctx.hostUnread
  sub.previousSections = apacheSections(ctx)?.scopes ?? []
  sub.headerOnly = ctx.headerOnly
  sub.redirects = ctx.redirects + 1
  sub.clientIp = ctx.clientIp
  sub.clientResolved = true
  sub.env = redirectedEnv(ctx.env, status)
  // headers_in is shared: the spelling of the headers RequestHeader added comes along.
  sub.addedHeaderNames = [...ctx.addedHeaderNames]
  sub.headerLines = ctx.headerLines
  ctx.errorDocumentRunning = status
  return Promise.resolve(runPipeline(sub))
    .finally(() => (ctx.errorDocumentRunning = undefined))
    .then(() => {
      if (ctx.errorDocumentRefused) {
        // What went out is this request's own page, not the document's answer (nor its bytes).
        ctx.record(
          'response',
          'error',
          `ErrorDocument ${status} ${doc}: its answer's head was refused by httpd's header filter; this request's own page went out instead`,
          {
            detail: { stages: sub.trace.stages }
          }
        )
        return true as const
      }
      // Nothing went out: the document's request failed, or handed up a failure of its own.
      if (!outer.headersSent) failed = true
      const deeper = sub.recursiveError
      const own =
        !failed && sub.rewriteStatus
          ? ` from mod_rewrite, answered as that request's own error (httpd does not count it as the ErrorDocument failing)`
          : ''
      const what =
        deeper !== undefined
          ? `answered with a status from mod_rewrite, and the ErrorDocument for ${deeper} ${statusText(deeper)} failed in turn`
          : `answered ${innerStatus}${own}`
      ctx.record('response', failed ? 'error' : 'changed', `ErrorDocument ${status} ${doc}: internal GET ${what}`, {
        detail: { stages: sub.trace.stages }
      })
      if (!failed) {
        // The document's body is what went out for this request (the log line's size).
        ctx.trace.response.bytes = sub.trace.response.bytes
        return true as const
      }
      // In a chain of ErrorDocument requests each answering a status of mod_rewrite's, a failure is
      // answered for the first request (ap_die walks back to it): handed up, not sent from here.
      if (ctx.isErrorDocument && ctx.rewriteStatus) {
        ctx.rewriteStatus = false
        ctx.recursiveError = deeper ?? status
        return true as const
      }
      sendPage(ctx, status, extraHeaders, failedPage(ctx, status, deeper ?? status))
      return true as const
    })
}

/**
 * ap_die(500) from httpd's header filter (check_headers, http/header-filter.ts) on a backend's
 * answer, mod_proxy's or a render's: its page goes out after the content-length filter saw the
 * relayed answer begin (unmeasured; a 500 closes the connection), and with r->status the
 * backend's, anything but 200 is taken for a recursive error (measured against apache2 2.4.68).
 */
export function headerFilterRefusedAnswer(ctx: RequestContext, backendStatus: number): true | Promise<true> {
  ctx.unmeasuredError = true
  return backendStatus === 200 ? answer(ctx, 500) : recursiveErrorAnswer(ctx, 500, backendStatus)
}

/**
 * ap_die(500) from httpd's header filter on an ErrorDocument's answer (`errorDocumentStatus`, the
 * status it answered for): ap_die walks back to the first request (r_1st_err) and sends its own
 * page for that status, no ErrorDocument tried again.
 */
export function headerFilterRefusedDocument(ctx: RequestContext, errorDocumentStatus: number): true {
  ctx.unmeasuredError = true
  ctx.errorDocumentRefused = true
  return recursiveErrorAnswer(ctx, errorDocumentStatus, errorDocumentStatus)
}

/**
 * ap_die(status) on a request whose r->status already says `recursiveError` (not 200): httpd
 * takes it for an error met while answering another, so no ErrorDocument URL is tried and its
 * own page says so (mod_proxy's answer refused by the header filter, say).
 */
function recursiveErrorAnswer(ctx: RequestContext, status: number, recursiveError: number): true {
  // ap_send_error_response still writes an ErrorDocument's message; only a URL is not tried.
  const doc = errorDocumentFor(ctx, status)
  if (doc?.startsWith('"')) return send(ctx, status, {}, doc.slice(1))
  return sendPage(ctx, status, {}, failedPage(ctx, status, recursiveError))
}

/**
 * ap_send_error_response for a failed ErrorDocument: the first request's page (its status),
 * saying which status's ErrorDocument failed (`recursive_error`: the original one, or the one a
 * chain of rewrite statuses had reached).
 */
function failedPage(ctx: RequestContext, status: number, recursiveError: number): string {
  return errorPage(status, { admin: ctx.vhost?.serverAdmin }).replace(
    '</body>',
    `<p>Additionally, a ${recursiveError} ${statusText(recursiveError)}\nerror was encountered while trying to use an ErrorDocument to handle the request.</p>\n</body>`
  )
}

export function redirect(
  ctx: RequestContext,
  status: number,
  location: string,
  extraHeaders: OutgoingHttpHeaders = {}
): true {
  // A 3xx httpd has no status line for (306, 309–399; `Redirect 399 …` takes it) goes out with
  // the 500's line and page, the Location still set.
  if (!STATUS_LINES.has(status)) {
    return sendPage(ctx, 500, { ...extraHeaders, location }, errorPage(500, { admin: ctx.vhost?.serverAdmin }))
  }
  return sendPage(ctx, status, { ...extraHeaders, location }, redirectPage(status, location))
}

/**
 * mod_proxy's `ap_proxyerror`: the status line says "Proxy Error" and the page gives the reason.
 * An ErrorDocument for the status still answers instead, as httpd's ap_die lets it.
 */
export function proxyError(ctx: RequestContext, status: number, reason: string): true | Promise<true> {
  if (errorDocumentFor(ctx, status)) return answer(ctx, status, {}, 'Proxy Error')
  return sendPage(ctx, status, {}, proxyErrorPage(status, reason), 'Proxy Error')
}

/** One of httpd's own pages (ap_send_error_response's), signed as ServerSignature says. */
function sendPage(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  page: string,
  reason?: string
): true {
  return send(ctx, status, headers, signedPage(ctx, page), reason)
}

/**
 * ap_send_error_response writes its page through the OLD_WRITE buffer: one over WRITE_BUFFER
 * bytes is passed on before its end and the content-length filter sets no length. The client
 * then gets it chunked (HTTP/1.1), even when it asked to close, as ap_set_keepalive chunks any
 * unmeasured answer on a connection not already closing; a status ap_die closes the connection
 * for (a 500) is ended by the close instead (RequestContext.unmeasuredError). Checked against
 * apache2 2.4.68 (test/httpd/proxy-error-framing.test.ts).
 */
function passedOnUnmeasured(ctx: RequestContext, status: number, length: number): boolean {
  if (length <= WRITE_BUFFER) return false
  if (dropsConnection(status)) ctx.unmeasuredError = true
  return true
}

function send(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders, page: string, reason?: string): true {
  // A 204 or 304 (a rewrite [R=204], say) has no body: httpd's header filter then drops the
  // page's type and length too.
  const headerOnly = status === 204 || status === 304
  const bytes = Buffer.from(headerOnly ? '' : page, 'latin1')
  ctx.status = status
  const out: OutgoingHttpHeaders = headerOnly ? {} : { 'content-type': 'text/html; charset=iso-8859-1' }
  // httpd builds no page for a HEAD (r->header_only), so nothing counts its length.
  if (!ctx.headerOnly && !headerOnly && !passedOnUnmeasured(ctx, status, bytes.length))
    out['content-length'] = bytes.length
  Object.assign(out, headers)
  // `/info "1"`: the answers Apache makes itself (a denial's 404, a passed error) say it too (§8.3, DISP-688).
  const info = cacheInfoHeader(ctx)
  if (info !== undefined) out['x-cache-info'] = info
  // Counted before the head goes out: httpd's header filter may refuse it there, and the
  // answer that then goes out instead counts its own (traced-reply.ts).
  ctx.trace.response.bytes = ctx.headerOnly ? 0 : bytes.length
  ctx.reply.head(status, finalHeaders(ctx, status, out, true), reason)
  ctx.reply.end(ctx.headerOnly || headerOnly ? undefined : bytes)
  return true
}
