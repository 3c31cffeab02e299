/**
 * The listener: HTTP/1.1 on loopback (8080 by default), every method, bodies streamed both
 * ways, keep-alive. Each request becomes a RequestContext run through the pipeline; its
 * trace is published when the answer is complete.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RequestTrace } from '../../shared/trace'
import { errorPage } from './pipeline/apache-errors'
import { RequestContext, type IncomingRequest, type Reply } from './pipeline/context'
import { runPipeline } from './pipeline/run'
import type { ActiveConfig } from './runtime/active-config'

export interface ProxyServerOptions {
  host: string
  port: number
  /** The configuration snapshot for a new request. */
  active(): ActiveConfig
  nextSeq(): number
  onTrace(trace: RequestTrace): void
  onError?(error: Error): void
}

class HttpReply implements Reply {
  /** Set once the request context (which owns the trace) exists. */
  trace!: RequestTrace
  private aborts: (() => void)[] | null = null

  /** `onClose` runs once the connection's answer is over, complete or not. */
  constructor(
    private readonly res: ServerResponse,
    onClose: () => void
  ) {
    // One 'close' listener for everything that waits on it ('close' comes once per response).
    res.on('close', () => {
      const aborts = this.aborts
      if (aborts && !res.writableFinished) for (const cb of aborts) cb()
      onClose()
    })
  }

  get headersSent(): boolean {
    return this.res.headersSent
  }

  head(status: number, headers: OutgoingHttpHeaders): void {
    this.trace.response.status = status
    this.trace.response.headers = traceHeaders(headers)
    this.res.writeHead(status, headers)
  }

  write(chunk: Buffer): boolean {
    return this.res.write(chunk)
  }

  end(body?: Buffer | string): void {
    this.res.end(body)
  }

  onDrain(cb: () => void): void {
    this.res.on('drain', cb)
  }

  onAbort(cb: () => void): void {
    if (this.aborts) this.aborts.push(cb)
    else this.aborts = [cb]
  }
}

/**
 * The response headers as the trace shows them: one string per name, repeated values joined
 * with a newline. Headers that already are (every value a string) are kept as they are: the
 * object handed to `writeHead` is never changed afterwards.
 */
function traceHeaders(headers: OutgoingHttpHeaders): Record<string, string> {
  let plain = true
  for (const k in headers) {
    if (typeof headers[k] !== 'string') {
      plain = false
      break
    }
  }
  if (plain) return headers as Record<string, string>
  const flat: Record<string, string> = {}
  for (const k in headers) {
    const v = headers[k]
    if (v !== undefined) flat[k] = Array.isArray(v) ? v.join('\n') : String(v)
  }
  return flat
}

export function toIncoming(req: IncomingMessage): IncomingRequest {
  // Node joins repeated request headers itself; only `set-cookie` stays a list.
  let headers = req.headers as Record<string, string>
  if (req.headers['set-cookie'] !== undefined) {
    headers = {}
    for (const k in req.headers) {
      const v = req.headers[k]
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    }
  }
  const hasBody =
    req.headers['content-length'] !== undefined
      ? req.headers['content-length'] !== '0'
      : req.headers['transfer-encoding'] !== undefined
  const socket = req.socket
  return {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    protocol: req.httpVersion === '1.1' ? 'HTTP/1.1' : `HTTP/${req.httpVersion}`,
    headers,
    rawHeaders: req.rawHeaders,
    client: { address: stripV4Mapped(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 },
    local: { address: stripV4Mapped(socket.localAddress ?? ''), port: socket.localPort ?? 0 },
    secure: 'encrypted' in socket && !!(socket as { encrypted?: boolean }).encrypted,
    body: hasBody ? req : null
  }
}

function stripV4Mapped(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a
}

export class ProxyServer {
  private readonly server: http.Server

  constructor(private readonly opts: ProxyServerOptions) {
    // Large enough that Apache's own limits (8190 bytes per line) are what answers, not Node's 431;
    // a missing Host is the accept stage's to answer (Apache's 400 page, with a trace).
    this.server = http.createServer(
      { maxHeaderSize: 256 * 1024, keepAliveTimeout: 5000, requestTimeout: 0, requireHostHeader: false },
      (req, res) => this.handle(req, res)
    )
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy()
      // Apache answers an unparsable request or an oversized header block with 400.
      const body = errorPage(400)
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
      )
    })
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const seq = this.opts.nextSeq()
    const incoming = toIncoming(req)
    const started = performance.now()
    // Published once the answer is on the wire and every stage is done (a stored miss
    // records its cache entry after the last byte).
    let pending = 2
    const done = (): void => {
      if (--pending > 0) return
      ctx.trace.durationMs = performance.now() - started
      if (ctx.trace.response.status === 0) ctx.trace.response.status = res.statusCode
      this.opts.onTrace(ctx.trace)
    }
    const reply = new HttpReply(res, done)
    const ctx = new RequestContext(incoming, reply, this.opts.active(), 'serve', String(seq), seq)
    reply.trace = ctx.trace
    try {
      const r = runPipeline(ctx)
      if (r)
        r.then(done, (e: Error) => {
          try {
            this.fail(ctx, res, e)
          } finally {
            done()
          }
        })
      else done()
    } catch (e) {
      this.fail(ctx, res, e as Error)
      done()
    }
  }

  private fail(ctx: RequestContext, res: ServerResponse, e: Error): void {
    ctx.record('response', 'error', `internal error: ${e.message}`)
    ctx.setOutcome('error')
    this.opts.onError?.(e)
    if (!res.headersSent) {
      const body = errorPage(500)
      res.writeHead(500, { 'content-type': 'text/html; charset=iso-8859-1', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    } else res.destroy()
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject)
        resolve(this.server.address() as AddressInfo)
      })
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }
}
