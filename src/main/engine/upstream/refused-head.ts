/**
 * A render's answer whose head llhttp refused (undici's parser, or node:http's for an
 * `Expect: 100-continue` request, expect-continue.ts) but mod_dispatcher reads: the module
 * reads the render's head with a reader of its own and copies its fields into r->headers_out,
 * so a control character, DEL or a bare CR in a value, or a name that is no token, reaches
 * httpd's header filter (check_headers, http/header-filter.ts), which refuses the answer with
 * ap_die's 500. The render was reached and answered: this is no connection failure, nothing is
 * retried and the render is not penalised.
 *
 * The head is read as ap_proxy_read_headers reads it (readHeadAsHttpd). A head httpd cannot
 * read (a NUL, a line without a colon, one of 8192 bytes) is not taken: how mod_dispatcher's
 * reader fails on those is not known, and such an attempt stays the failure it was.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { backendHeadOf } from '../http/backend-head'
import { headerFilterRefusal } from '../http/header-filter'
import { RESPONSE_HOP } from '../pipeline/hop-headers'
import type { ConnectionUse } from './keep-alive-log'
import type { ResponseSink } from './render-client'
import { classifyRenderError } from './render-error'

export interface RefusedHead {
  status: number
  /** The fields as undici would have given them (lower-case names, Set-Cookie apart). */
  headers: IncomingHttpHeaders
  /** Why httpd's header filter refuses it, for the trace: 'whose X-Bad header value … (AH02430)'. */
  refusal: string
}

/** The head behind a parser error (head-tap.ts) when httpd's header filter is what refuses it, else null. */
export function refusedHead(error: Error): RefusedHead | null {
  const head = backendHeadOf(error)
  if (head === null || 'unreadable' in head) return null
  // The module drops the hop-by-hop fields before the rest reach r->headers_out.
  const refusal = headerFilterRefusal(head.fields, RESPONSE_HOP)
  if (refusal === null) return null
  const headers: IncomingHttpHeaders = {}
  for (const [name, value] of head.fields) {
    const key = name.toLowerCase()
    const known = headers[key]
    if (key === 'set-cookie') headers['set-cookie'] = [...(headers['set-cookie'] ?? []), value]
    else headers[key] = known === undefined ? value : `${String(known)}, ${value}`
  }
  return { status: head.status, headers, refusal }
}

/**
 * How an exchange with a render that failed reaches `sink`, for both HTTP clients
 * (render-client.ts, expect-continue.ts): a head httpd's header filter refuses as the render's
 * answer, anything else as a RenderError (with what its connection did, `use`).
 */
export function reportRenderFailure(sink: ResponseSink, error: Error, headersSeen: boolean, use?: ConnectionUse): void {
  const refused = headersSeen || !sink.onRefusedHead ? null : refusedHead(error)
  if (refused) sink.onRefusedHead!(refused)
  else sink.onError(classifyRenderError(error, headersSeen), use)
}
