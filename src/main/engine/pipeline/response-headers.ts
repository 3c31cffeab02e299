/**
 * The vhost's `Header` directives and what Apache itself adds on the way out: rewrite `[CO]`
 * cookies (err_headers_out) and the request headers decisions depended on (`Vary`).
 * `errorResponse`: Apache generated the answer itself, so only `Header always` applies (§4.3).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { applyResponseHeaders, type HeaderRunOptions } from './headers'
import type { HeadersTrace } from '../../../shared/trace-apache'
import type { RequestContext } from './context'

export function finalHeaders(
  ctx: RequestContext,
  status: number,
  headers: OutgoingHttpHeaders,
  errorResponse: boolean
): OutgoingHttpHeaders {
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
  // The cookies as they are now: the trace may be completed later (see below).
  const errHeaders: Record<string, string | string[]> = ctx.cookies.length > 0 ? { 'set-cookie': [...ctx.cookies] } : {}
  if (!compiled) return { ...flat, ...errHeaders }
  const probe = v!.probe
  const req = ctx.apacheRequest()
  const env = ctx.env
  const input = { status, headers: flat, errHeaders }
  const now = new Date()
  const options = (quiet: boolean): HeaderRunOptions & { errorResponse: boolean } => ({
    errorResponse,
    fs: probe,
    now,
    quiet
  })
  if (ctx.mode === 'explain') {
    const r = applyResponseHeaders(compiled, input, req, env, options(false))
    ctx.record('response', 'changed', `Header directives applied (${r.applied})`, { detail: r.trace })
    return r.headers
  }
  // Decided without a trace; the trace is rebuilt from the same inputs when it is read, unless
  // the directives read the docroot (which may change meanwhile): then it is taken now.
  const calls = probe.calls
  let r = applyResponseHeaders(compiled, input, req, env, options(true))
  let explained: HeadersTrace | null = null
  if (probe.calls !== calls) {
    r = applyResponseHeaders(compiled, input, req, env, options(false))
    explained = r.trace
  }
  if (r.applied > 0) {
    ctx.recordLazy('response', 'changed', `Header directives applied (${r.applied})`, () => ({
      detail: explained ?? applyResponseHeaders(compiled, input, req, env, options(false)).trace
    }))
  }
  return r.headers
}
