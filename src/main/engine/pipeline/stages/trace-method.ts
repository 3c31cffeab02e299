/**
 * TRACE, as httpd's core answers it in its map_to_storage hook (ap_send_http_trace): after the
 * vhost's rewrite rules, before access control and any handler, so the Dispatcher never sees
 * one. `TraceEnable` (server or vhost; On by default) decides:
 * - On: the request head echoed back as `message/http` (200), with no Header directives (no
 *   handler runs); a request body is refused with 413.
 * - Extended: the same, and a body is echoed too.
 * - Off: 405 with an empty `Allow`.
 * A request mod_proxy takes goes on to the backend, unless TRACE is off (checked against apache2);
 * with `Max-Forwards: 0` mod_proxy's handler echoes it itself (`proxiedTraceEcho`).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { RequestContext } from '../context'
import { apacheSections } from '../apache-sections'
import { answer } from './answer'
import { finalHeaders } from '../response-headers'
import { proxiedByApache } from './handler'
import { traceEnableOf } from '../trace-enable'

/** httpd refuses a TRACE body above 64 KiB even with `TraceEnable extended`. */
const EXTENDED_BODY_LIMIT = 65536

export function traceMethod(ctx: RequestContext): boolean | Promise<boolean> {
  if (ctx.req.method !== 'TRACE') return false
  const v = ctx.vhost
  const mode = traceEnableOf(v?.layers ?? [])
  // A request mod_proxy takes is forwarded unless TRACE is off (httpd 2.4.71 answers 405 then too).
  if (mode !== 'off' && v && proxiedByApache(ctx, v)) return false
  // The <If> sections walked before translation already put the headers they read in Vary;
  // then httpd resets the request to the server's defaults: no section applies to the answer.
  const ifVary = apacheSections(ctx, 'translate')?.vary ?? []
  ctx.sectionsPhase = 'server'
  ctx.outputFiltered = false
  if (mode === 'off')
    return refuse(ctx, 405, 'TRACE denied by server configuration (TraceEnable off): 405', { allow: '' })
  if (ctx.req.body !== null && mode === 'on') {
    return refuse(ctx, 413, 'TRACE with a request body is not allowed (TraceEnable on): 413')
  }
  const head = echoedHead(ctx)
  if (ctx.req.body === null) return echo(ctx, head, Buffer.alloc(0), ifVary)
  return readBody(ctx.req.body).then((body) => {
    if (body === null) return refuse(ctx, 413, `TRACE with a request body over ${EXTENDED_BODY_LIMIT} bytes: 413`)
    return echo(ctx, head, body, ifVary)
  })
}

function refuse(ctx: RequestContext, status: number, why: string, headers = {}): true | Promise<true> {
  ctx.record('render', 'stop', why)
  ctx.setOutcome('blocked')
  return answer(ctx, status, headers)
}

function echo(ctx: RequestContext, head: string, body: Buffer, ifVary: string[]): true {
  const mode = body.length > 0 ? 'TraceEnable extended' : 'TraceEnable on, the default'
  ctx.record('render', 'stop', `TRACE: Apache echoes the request back as message/http (${mode}): 200`)
  ctx.setOutcome('static')
  ctx.status = 200
  const bytes = Buffer.concat([Buffer.from(head, 'latin1'), body])
  ctx.trace.response.bytes = bytes.length
  // No handler ran, so no output filter either: httpd streams it (chunked), without Header
  // directives. The request headers <If> sections and RewriteConds read are in its Vary, the
  // <If>s' first (httpd walks them before it translates the URI).
  const headers: Record<string, string> = { 'content-type': 'message/http' }
  const vary = [...new Set([...ifVary, ...ctx.vary])]
  if (vary.length > 0) headers.vary = vary.join(',')
  ctx.reply.head(200, headers)
  ctx.reply.end(bytes)
  return true
}

/**
 * A TRACE mod_proxy would forward with `Max-Forwards: 0`: its handler lets httpd echo it
 * (ap_send_http_trace) with headers_in as the fixups left them (RequestHeader included), and
 * the answer goes through the output filters (Header directives apply).
 */
export function proxiedTraceEcho(ctx: RequestContext, why: string): true {
  ctx.record('render', 'stop', `${why}: Max-Forwards is 0, so httpd echoes the TRACE itself: 200`)
  ctx.setOutcome('static')
  ctx.status = 200
  const bytes = Buffer.from(echoedHead(ctx, true), 'latin1')
  ctx.trace.response.bytes = bytes.length
  const headers: OutgoingHttpHeaders = { 'content-type': 'message/http' }
  ctx.reply.head(200, finalHeaders(ctx, 200, headers, false))
  ctx.reply.end(bytes)
  return true
}

/**
 * `r->the_request` and `r->headers_in` (repeated headers merged under their first spelling), as
 * httpd rebuilds them; `fixedUp`: as RequestHeader left them (headers it added last, in its spelling).
 */
function echoedHead(ctx: RequestContext, fixedUp = false): string {
  const raw = ctx.req.rawHeaders
  const order: string[] = []
  const merged = new Map<string, { name: string; value: string }>()
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i].toLowerCase()
    const known = merged.get(key)
    if (known) known.value += `, ${raw[i + 1]}`
    else {
      merged.set(key, { name: raw[i], value: raw[i + 1] })
      order.push(key)
    }
  }
  if (fixedUp) {
    for (const key of order) {
      const now = ctx.headers[key]
      if (now === undefined) merged.delete(key)
      else merged.get(key)!.value = now
    }
    for (const name of ctx.addedHeaderNames) {
      const key = name.toLowerCase()
      const value = ctx.headers[key]
      if (merged.has(key) || value === undefined) continue
      merged.set(key, { name, value })
      order.push(key)
    }
  }
  let out = `${ctx.req.method} ${ctx.req.target} ${ctx.req.protocol}\r\n`
  for (const key of order) {
    const h = merged.get(key)
    if (h) out += `${h.name}: ${h.value}\r\n`
  }
  return out + '\r\n'
}

function readBody(body: NodeJS.ReadableStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    body.on('data', (c: Buffer) => {
      size += c.length
      if (size <= EXTENDED_BODY_LIMIT) parts.push(c)
    })
    body.on('end', () => resolve(size <= EXTENDED_BODY_LIMIT ? Buffer.concat(parts) : null))
    body.on('error', reject)
  })
}
