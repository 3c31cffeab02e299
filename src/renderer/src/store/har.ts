/**
 * HAR 1.2 export (http://www.softwareishard.com/blog/har-12-spec/) of requests from the log.
 * Bodies are not kept by the workbench, so content is described but empty. Each entry carries
 * the workbench's own trace in `_dispatcher` (custom fields start with `_` in HAR).
 */
import type { RequestTrace, RenderDetail } from '../../../shared/trace'
import { requestUrl } from './curl'
import { HTTPD_REASON_PHRASES } from '../../../shared/status-wording'

export interface HarNameValue {
  name: string
  value: string
}

export interface HarEntry {
  startedDateTime: string
  time: number
  request: {
    method: string
    url: string
    httpVersion: string
    cookies: HarNameValue[]
    headers: HarNameValue[]
    queryString: HarNameValue[]
    headersSize: number
    bodySize: number
  }
  response: {
    status: number
    statusText: string
    httpVersion: string
    cookies: HarNameValue[]
    headers: HarNameValue[]
    content: { size: number; mimeType: string }
    redirectURL: string
    headersSize: number
    bodySize: number
  }
  cache: Record<string, never>
  timings: { blocked: number; dns: number; connect: number; send: number; wait: number; receive: number; ssl: number }
  serverIPAddress?: string
  _dispatcher: Omit<RequestTrace, 'request' | 'response'>
}

export interface Har {
  log: {
    version: '1.2'
    creator: { name: string; version: string }
    pages: []
    entries: HarEntry[]
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}

function pairs(headers: Record<string, string>): HarNameValue[] {
  const out: HarNameValue[] = []
  // Repeated response headers are kept joined by newlines in traces (Set-Cookie).
  for (const [name, value] of Object.entries(headers)) for (const v of value.split('\n')) out.push({ name, value: v })
  return out
}

export function queryPairs(url: string): HarNameValue[] {
  const q = url.indexOf('?')
  if (q < 0) return []
  return url
    .slice(q + 1)
    .split('#', 1)[0]
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=')
      const name = eq < 0 ? p : p.slice(0, eq)
      const value = eq < 0 ? '' : p.slice(eq + 1)
      return { name: safeDecode(name), value: safeDecode(value) }
    })
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

function cookies(header: string | undefined, separator: RegExp): HarNameValue[] {
  if (!header) return []
  return header
    .split(separator)
    .map((c) => c.trim())
    .filter((c) => c.includes('='))
    .map((c) => {
      const eq = c.indexOf('=')
      return {
        name: c.slice(0, eq).trim(),
        value: c
          .slice(eq + 1)
          .split(';', 1)[0]
          .trim()
      }
    })
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) / 1000 : 0
}

export function toHarEntry(trace: RequestTrace): HarEntry {
  const { request, response, ...dispatcher } = trace
  const render = trace.stages.find((s) => s.stage === 'render')?.detail as RenderDetail | undefined
  const total = nonNegative(trace.durationMs)
  const wait = Math.min(total, nonNegative(render?.timeToHeadersMs ?? total))
  const contentType = response.headers['content-type'] ?? ''
  return {
    startedDateTime: new Date(trace.startedAt).toISOString(),
    time: total,
    request: {
      method: request.method,
      url: requestUrl(trace),
      httpVersion: request.protocol,
      cookies: cookies(request.headers.cookie, /;/),
      headers: pairs(request.headers),
      queryString: queryPairs(request.url),
      headersSize: -1,
      bodySize: request.headers['content-length'] ? Number(request.headers['content-length']) || 0 : 0
    },
    response: {
      status: response.status,
      statusText: HTTPD_REASON_PHRASES[response.status] ?? STATUS_TEXT[response.status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: cookies(response.headers['set-cookie'], /\n/),
      headers: pairs(response.headers),
      content: { size: response.bytes, mimeType: contentType || 'x-unknown' },
      redirectURL: response.headers.location ?? '',
      headersSize: -1,
      bodySize: response.bytes
    },
    cache: {},
    timings: {
      blocked: -1,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0,
      wait,
      receive: Math.max(0, Math.round((total - wait) * 1000) / 1000)
    },
    ...(trace.forwarded ? { serverIPAddress: trace.forwarded.origin.replace(/:\d+$/, '') } : {}),
    _dispatcher: dispatcher
  }
}

export function toHar(traces: RequestTrace[], version: string): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Dispatcher Workbench', version },
      pages: [],
      entries: traces.map(toHarEntry)
    }
  }
}
