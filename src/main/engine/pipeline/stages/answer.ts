/**
 * Answers that Apache produces itself (errors, redirects), with the vhost's ErrorDocument
 * text or URL where one is configured (dispatcher-behavior.md §4.3: a filter denial is
 * Apache's 404, so `ErrorDocument 404` applies).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { errorPage, redirectPage } from '../apache-errors'
import type { RequestContext } from '../context'
import { finalHeaders } from '../response-headers'

export function errorDocumentFor(ctx: RequestContext, status: number): string | undefined {
  let doc: string | undefined
  for (const layer of ctx.vhost?.layers ?? []) {
    for (const e of layer.errorDocuments) if (e.status === status) doc = e.document
  }
  return doc
}

/** Sends an Apache-generated answer; returns true so a stage can `return answer(…)`. */
export function answer(ctx: RequestContext, status: number, extraHeaders: OutgoingHttpHeaders = {}): true {
  const doc = errorDocumentFor(ctx, status)
  if (doc && /^https?:\/\//i.test(doc)) {
    // An ErrorDocument with a full URL makes Apache answer with a redirect to it.
    return send(ctx, 302, { ...extraHeaders, location: doc }, redirectPage(302, doc))
  }
  if (doc && !doc.startsWith('/')) return send(ctx, status, extraHeaders, doc.replace(/^"|"$/g, ''), 'text/plain')
  return send(ctx, status, extraHeaders, errorPage(status))
}

export function redirect(ctx: RequestContext, status: number, location: string, extraHeaders: OutgoingHttpHeaders = {}): true {
  return send(ctx, status, { ...extraHeaders, location }, redirectPage(status, location))
}

function send(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders, body: string, type = 'text/html; charset=iso-8859-1'): true {
  const bytes = Buffer.from(body, 'latin1')
  ctx.status = status
  ctx.reply.head(status, finalHeaders(ctx, status, { 'content-type': type, 'content-length': bytes.length, ...headers }, true))
  ctx.reply.end(ctx.req.method === 'HEAD' ? undefined : bytes)
  ctx.trace.response.bytes = ctx.req.method === 'HEAD' ? 0 : bytes.length
  return true
}
