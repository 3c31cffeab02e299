/**
 * Writing answers the way AEM publish does: Sling's `type;charset=utf-8` spelling (no
 * space), the two headers Sling adds to every response by default, and an explicit
 * Content-Length so HEAD answers carry the same length as GET.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export const HTML = 'text/html;charset=utf-8'
export const JSON_TYPE = 'application/json;charset=utf-8'

export type Headers = Record<string, string | string[]>

export function send(res: ServerResponse, status: number, headers: Headers, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  res.writeHead(status, {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'SAMEORIGIN',
    ...headers,
    'Content-Length': String(bytes.length)
  })
  res.end(bytes)
}

export function sendJson(res: ServerResponse, status: number, headers: Headers, value: unknown): void {
  send(res, status, { 'Content-Type': JSON_TYPE, ...headers }, JSON.stringify(value))
}

/**
 * Static-like resources (clientlibs, DAM assets, Sling JSON) carry Last-Modified, and
 * publish answers `If-Modified-Since` with 304, as the Sling resource servlets do.
 * Returns true when the 304 was sent.
 */
export function notModified(req: IncomingMessage, res: ServerResponse, lastModified: Date): boolean {
  const since = req.headers['if-modified-since']
  if (!since) return false
  const sinceMs = Date.parse(since)
  if (Number.isNaN(sinceMs) || Math.floor(lastModified.getTime() / 1000) * 1000 > sinceMs) return false
  res.writeHead(304, { 'Last-Modified': lastModified.toUTCString(), 'X-Content-Type-Options': 'nosniff' })
  res.end()
  return true
}
