/**
 * Serves the built renderer (`out/renderer`, made by `scripts/build-renderer.mjs` or
 * `electron-vite build`) with a Content-Security-Policy that allows only this server's own
 * scripts, styles and event socket.
 */
import fs from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { resourcesDir } from '../engine/resources'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json'
}

/** `DW_RENDERER_DIR`, else `out/renderer` next to the shipped `resources/`. */
export function rendererDir(): string {
  if (process.env.DW_RENDERER_DIR) return path.resolve(process.env.DW_RENDERER_DIR)
  return path.join(path.dirname(resourcesDir()), 'out', 'renderer')
}

export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${host}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Dispatcher Workbench</title>
<p>The UI is not built. Run <code>node scripts/build-renderer.mjs</code> (or <code>npm run build</code>) and reload.</p>`

export function serveRendererFile(dir: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end()
    return
  }
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
  const file = path.resolve(dir, rel)
  if (file !== dir && !file.startsWith(dir + path.sep)) {
    res.writeHead(404).end()
    return
  }
  const isHtml = file.endsWith('.html')
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    // The page URL carries the token: never hand it to another site.
    'referrer-policy': 'no-referrer',
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': isHtml ? 'no-cache' : 'max-age=3600'
  }
  if (isHtml) headers['content-security-policy'] = contentSecurityPolicy(req.headers.host ?? '127.0.0.1')
  fs.readFile(file, (err, data) => {
    if (err) {
      if (rel === 'index.html') {
        res.writeHead(503, { ...headers, 'content-type': TYPES['.html'] }).end(NOT_BUILT)
      } else res.writeHead(404, { 'x-content-type-options': 'nosniff' }).end()
      return
    }
    res.writeHead(200, { ...headers, 'content-length': String(data.length) })
    res.end(req.method === 'HEAD' ? undefined : data)
  })
}
