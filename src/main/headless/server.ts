/**
 * The headless UI server: the renderer and the EngineApi over HTTP + WebSocket, for a browser
 * on the same machine (`serve`, and `npm start` where Electron cannot run). Loopback only;
 * every API call and the event socket need the token printed in the UI's URL (guard.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { EngineApi } from '../../shared/api'
import { streamEvents } from './event-socket'
import { newToken, RequestGuard, tokenOf, type Refusal } from './guard'
import { rendererDir, serveRendererFile } from './renderer-files'
import { BadArgument, callFailure } from '../call-arguments'
import { findRoute } from './routes'

export interface HeadlessServerOptions {
  api: EngineApi
  /** Loopback only: `127.0.0.1` (the only value accepted; the URL printed names it). */
  host?: string
  /** `0` (default) picks a free port. */
  port?: number
  /** Built renderer; default `out/renderer` (see renderer-files.ts). */
  rendererDir?: string
  /** Default: 24 random bytes. */
  token?: string
}

export interface HeadlessServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** The URL to open: the server's URL with the token. */
  uiUrl: string
  port: number
  token: string
  close(): Promise<void>
}

const MAX_BODY = 64 * 1024
const LOOPBACK = new Set(['127.0.0.1'])

/** Error codes the engine side throws, as HTTP statuses. */
const STATUS_OF_CODE: Record<string, number> = { BAD_REQUEST: 400, TRACE_UNKNOWN: 404, CACHE_UNAVAILABLE: 503 }

export async function startHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = opts.host ?? '127.0.0.1'
  if (!LOOPBACK.has(host)) throw new Error(`the UI server binds to loopback only, not ${host}`)
  const token = opts.token ?? newToken()
  const dir = opts.rendererDir ?? rendererDir()
  const server = http.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  // The handlers go on once the port is known: the Host and Origin checks name it.
  const guard = new RequestGuard(port, token)

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname.startsWith('/api/')) return void handleApi(opts.api, guard, req, res, url)
    const refusal = guard.checkSite(req)
    if (refusal) return refuse(res, refusal)
    serveRendererFile(dir, req, res, url.pathname)
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4096 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const refusal =
      url.pathname !== '/api/events'
        ? { status: 404 as const, reason: 'not found' }
        : guard.checkApi(req, tokenOf(req, url))
    if (refusal) {
      socket.end(
        `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
      )
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => streamEvents(opts.api, ws))
  })

  const url = `http://127.0.0.1:${port}`
  return {
    url,
    uiUrl: `${url}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets.clients) ws.terminate()
        sockets.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

function refuse(res: ServerResponse, r: Refusal | { status: number; reason: string }): void {
  sendJson(res, r.status, {
    error: r.reason,
    code: r.status === 401 ? 'TOKEN_MISSING' : r.status === 403 ? 'FORBIDDEN' : 'NOT_FOUND'
  })
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value ?? null)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  res.end(body)
}

async function handleApi(
  api: EngineApi,
  guard: RequestGuard,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL
): Promise<void> {
  const refusal = guard.checkApi(req, tokenOf(req, url))
  if (refusal) return refuse(res, refusal)
  const route = findRoute(req.method ?? 'GET', url.pathname)
  if (route === null) return refuse(res, { status: 404, reason: `no endpoint ${url.pathname}` })
  if (route === 'method')
    return sendJson(res, 405, { error: `${req.method} is not allowed on ${url.pathname}`, code: 'METHOD' })
  try {
    const body = req.method === 'POST' ? await readJson(req) : {}
    const value = await route.handle(
      api,
      { method: req.method as 'GET' | 'POST', query: url.searchParams, body },
      route.params
    )
    sendJson(res, 200, value)
  } catch (e) {
    const failure = callFailure(e)
    sendJson(res, STATUS_OF_CODE[failure.code] ?? 500, failure)
  }
}

/**
 * POST bodies must be JSON: a `Content-Type: application/json` request is never a "simple"
 * cross-site request, so a page elsewhere cannot even send one without a preflight.
 */
function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? ''
    if (!type.startsWith('application/json')) {
      req.resume()
      return reject(new BadArgument('POST bodies must be application/json'))
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        req.destroy()
        reject(new BadArgument('request body too large'))
      } else chunks.push(c)
    })
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (text.trim() === '') return resolve({})
      try {
        const v: unknown = JSON.parse(text)
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object')
        resolve(v as Record<string, unknown>)
      } catch {
        reject(new BadArgument('request body is not a JSON object'))
      }
    })
    req.on('error', reject)
  })
}
