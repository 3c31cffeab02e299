/**
 * The vhost's `Header` directives and what Apache itself adds on the way out: rewrite `[CO]`
 * cookies (err_headers_out) and the request headers decisions depended on (`Vary`).
 * `errorResponse`: Apache generated the answer itself, so only `Header always` applies (§4.3).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { FileProbe } from '../apache-expr'
import type { HeaderRunOptions } from './headers'
import { applyResponseHeaderRecord } from './headers/response-headers'
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
  // Kept as they are for the trace when they are already strings (no caller changes them later).
  const flat = ctx.vary.length === 0 && allStrings(headers) ? headers : copyAsStrings(headers)
  if (ctx.vary.length > 0) {
    const existing = typeof flat.vary === 'string' ? flat.vary.split(/\s*,\s*/) : []
    flat.vary = [...new Set([...existing, ...ctx.vary])].filter(Boolean).join(',')
  }
  // The cookies as they are now: the trace may be completed later (see below).
  const errHeaders = ctx.cookies.length > 0 ? { 'set-cookie': [...ctx.cookies] } : undefined
  if (!compiled) return errHeaders ? { ...flat, ...errHeaders } : flat
  const probe = v!.probe
  const req = ctx.apacheRequest()
  const env = ctx.env
  const input = { status, headers: flat, errHeaders }
  // One clock reading for the run and for the trace rebuilt later; a number keeps less for the trace.
  const now = Date.now()
  if (ctx.mode === 'explain') {
    const r = applyResponseHeaderRecord(compiled, input, req, env, runOptions(errorResponse, probe, now, false))
    ctx.record('response', 'changed', `Header directives applied (${r.applied})`, { detail: r.trace })
    return r.headers
  }
  // Decided without a trace; the trace is rebuilt from the same inputs when it is read, unless
  // the directives read the docroot (which may change meanwhile): then it is taken now.
  const calls = probe.calls
  let r = applyResponseHeaderRecord(compiled, input, req, env, runOptions(errorResponse, probe, now, true))
  let explained: HeadersTrace | null = null
  if (probe.calls !== calls) {
    r = applyResponseHeaderRecord(compiled, input, req, env, runOptions(errorResponse, probe, now, false))
    explained = r.trace
  }
  if (r.applied > 0) {
    // The only closure here, so what the trace keeps is just what it reads.
    ctx.recordLazy('response', 'changed', `Header directives applied (${r.applied})`, () => ({
      detail:
        explained ??
        applyResponseHeaderRecord(compiled, input, req, env, runOptions(errorResponse, probe, now, false)).trace
    }))
  }
  return r.headers
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

function runOptions(
  errorResponse: boolean,
  probe: FileProbe,
  now: number,
  quiet: boolean
): HeaderRunOptions & { errorResponse: boolean } {
  return { errorResponse, fs: probe, now: new Date(now), quiet }
}
