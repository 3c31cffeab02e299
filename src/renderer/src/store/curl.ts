/**
 * "Copy as curl": the request as the browser sent it to the workbench, as a POSIX shell
 * command. Headers that describe the connection or a body curl does not have are left out.
 */
import type { RequestTrace } from '../../../shared/trace'

const LEFT_OUT = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect'
])

/** Single-quoted for sh: `'` becomes `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

export function requestUrl(trace: RequestTrace): string {
  const url = trace.request.url
  if (/^https?:\/\//i.test(url)) return url
  return `${trace.request.secure ? 'https' : 'http'}://${trace.request.host || 'localhost'}${url.startsWith('/') ? url : '/' + url}`
}

export function toCurl(trace: RequestTrace): string {
  const parts = ['curl', shellQuote(requestUrl(trace))]
  if (trace.request.method !== 'GET') parts.push('-X', shellQuote(trace.request.method))
  for (const [name, value] of Object.entries(trace.request.headers)) {
    if (LEFT_OUT.has(name.toLowerCase())) continue
    parts.push('-H', shellQuote(`${name}: ${value}`))
  }
  // Keeps `..`, `//` and escapes as sent, so the Dispatcher sees the same request line.
  parts.push('--path-as-is')
  return parts.join(' ')
}
