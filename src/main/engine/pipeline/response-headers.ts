/**
 * The vhost's `Header` directives and what Apache itself adds on the way out: rewrite `[CO]`
 * cookies (err_headers_out) and the request headers decisions depended on (`Vary`).
 * `errorResponse`: Apache generated the answer itself, so only `Header always` applies (§4.3).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { applyResponseHeaders } from './headers'
import type { RequestContext } from './context'

export function finalHeaders(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders, errorResponse: boolean): OutgoingHttpHeaders {
  const v = ctx.vhost
  const compiled = v?.apache.responseHeaders
  if (!compiled && ctx.cookies.length === 0 && ctx.vary.length === 0) return headers
  const flat: Record<string, string | string[]> = {}
  for (const k in headers) {
    const val = headers[k]
    if (val !== undefined) flat[k] = Array.isArray(val) ? val : String(val)
  }
  if (ctx.vary.length > 0) {
    const existing = typeof flat.vary === 'string' ? flat.vary.split(/\s*,\s*/) : []
    flat.vary = [...new Set([...existing, ...ctx.vary])].filter(Boolean).join(',')
  }
  const errHeaders: Record<string, string | string[]> = ctx.cookies.length > 0 ? { 'set-cookie': ctx.cookies } : {}
  if (!compiled) return { ...flat, ...errHeaders }
  const r = applyResponseHeaders(compiled, { status, headers: flat, errHeaders }, ctx.apacheRequest(), ctx.env, {
    errorResponse,
    fs: v!.probe
  })
  if (ctx.mode === 'explain' || r.trace.entries.some((e) => e.applied)) {
    ctx.record('response', 'changed', `Header directives applied (${r.trace.entries.filter((e) => e.applied).length})`, { detail: r.trace })
  }
  return r.headers
}
