/**
 * A counting AEM-like render on 127.0.0.1 port 0: it records every request it receives
 * (method, url, headers, body length) and every TCP connection, and can be told per path
 * to answer slowly, never answer, fail, stream a large body or send particular headers.
 * Which upstream saw a request (and how many times) is what the pipeline tests observe.
 */
import { createHash } from 'node:crypto'
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface RecordedRequest {
  method: string
  /** Request target exactly as it arrived at the render. */
  url: string
  headers: IncomingHttpHeaders
  /** Names and values as sent, in order. */
  rawHeaders: string[]
  bodyLength: number
  /** Hex SHA-256 of the body, to check a large upload arrived unchanged. */
  bodySha256: string
}

/** How the upstream answers one path (the part of the target before `?`). */
export interface Behaviour {
  status?: number
  headers?: OutgoingHttpHeaders
  body?: string | Buffer
  /** Stream this many bytes of generated body (chunked, in 64 KiB writes) instead of `body`. */
  bodyBytes?: number
  /** Wait this long before sending the status line. */
  delayMs?: number
  /** Read the request and never answer (the socket stays open until the upstream closes). */
  hang?: boolean
  /** Send the headers and this many bytes of `body` (chunked), then drop the connection. */
  breakAfterBytes?: number
  /**
   * To an `Expect: 100-continue` request: answer at once, without `100 Continue` and without
   * reading the body (what Jetty does for a servlet that answers before reading it).
   */
  answerBeforeBody?: boolean
  /** To an `Expect: 100-continue` request: never send `100 Continue`, just wait for the body. */
  ignoreExpect?: boolean
}

/** The byte at offset `i` of every generated body, so a receiver can check integrity without a copy. */
export function patternByte(i: number): number {
  return (i * 31 + 7) & 0xff
}

export function patternBuffer(start: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) b[i] = patternByte(start + i)
  return b
}

/** What the engine fetches from a render on its own, at moments no test controls (§4.4). */
const VANITY_LIST = '/libs/granite/dispatcher/content/vanityUrls'

export class CountingUpstream {
  /** Requests the pipeline sent; `count` and `last` read these. */
  readonly requests: RecordedRequest[] = []
  /** The engine's own background fetches of the vanity URL list, kept apart from `requests`. */
  readonly background: RecordedRequest[] = []
  /** TCP connections accepted since start (or the last reset). */
  connections = 0
  private readonly behaviours = new Map<string, Behaviour>()
  private readonly server: http.Server
  private readonly sockets = new Set<Socket>()
  port = 0

  constructor(readonly name: string) {
    this.server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.handle(req, res))
    // Node answers `100 Continue` by itself unless someone listens for these.
    this.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const b = this.behaviours.get((req.url ?? '/').split('?')[0]) ?? {}
      if (b.answerBeforeBody) {
        this.record(req, 0, createHash('sha256').digest('hex'))
        this.answer(req, res, b, 0)
        return
      }
      if (!b.ignoreExpect) res.writeContinue()
      this.handle(req, res)
    })
    this.server.on('connection', (socket: Socket) => {
      this.connections++
      this.sockets.add(socket)
      socket.once('close', () => this.sockets.delete(socket))
    })
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get count(): number {
    return this.requests.length
  }

  /** TCP connections open now (closed ones are gone once their 'close' came). */
  get openConnections(): number {
    return this.sockets.size
  }

  get last(): RecordedRequest | undefined {
    return this.requests[this.requests.length - 1]
  }

  /** Sets how `path` is answered from now on. */
  behave(path: string, behaviour: Behaviour): this {
    this.behaviours.set(path, behaviour)
    return this
  }

  reset(): void {
    this.requests.length = 0
    this.background.length = 0
    this.connections = 0
    this.behaviours.clear()
  }

  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port
        resolve(this)
      })
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      for (const s of this.sockets) s.destroy()
    })
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let bodyLength = 0
    const hash = createHash('sha256')
    req.on('data', (c: Buffer) => {
      bodyLength += c.length
      hash.update(c)
    })
    req.on('end', () => {
      const url = this.record(req, bodyLength, hash.digest('hex'))
      const b = this.behaviours.get(url.split('?')[0]) ?? {}
      if (b.hang) return
      const send = (): void => this.answer(req, res, b, bodyLength)
      if (b.delayMs) setTimeout(send, b.delayMs)
      else send()
    })
  }

  /** Keeps the request among `requests` (or `background`); returns its target. */
  private record(req: http.IncomingMessage, bodyLength: number, bodySha256: string): string {
    const url = req.url ?? '/'
    const recorded = {
      method: req.method ?? '',
      url,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      bodyLength,
      bodySha256
    }
    ;(url.startsWith(VANITY_LIST) ? this.background : this.requests).push(recorded)
    return url
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, b: Behaviour, bodyLength: number): void {
    if (res.destroyed) return
    const status = b.status ?? 200
    const headers: OutgoingHttpHeaders = { 'x-upstream': this.name, ...b.headers }
    if (b.bodyBytes !== undefined) {
      res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers })
      this.stream(res, b.bodyBytes)
      return
    }
    const body = b.body ?? `${this.name}: ${req.method} ${req.url} (${bodyLength} bytes received)`
    if (b.breakAfterBytes !== undefined) {
      res.writeHead(status, { 'content-type': 'text/plain;charset=utf-8', ...headers })
      res.write(Buffer.from(body).subarray(0, b.breakAfterBytes))
      setTimeout(() => res.socket?.destroy(), 20)
      return
    }
    res.writeHead(status, {
      'content-type': 'text/plain;charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...headers
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  /** Writes `total` pattern bytes, honouring backpressure. */
  private stream(res: http.ServerResponse, total: number): void {
    const CHUNK = 64 * 1024
    let sent = 0
    const pump = (): void => {
      while (sent < total) {
        const n = Math.min(CHUNK, total - sent)
        const ok = res.write(patternBuffer(sent, n))
        sent += n
        if (!ok) {
          res.once('drain', pump)
          return
        }
      }
      res.end()
    }
    res.on('close', () => res.off('drain', pump))
    pump()
  }
}

export async function startUpstream(name: string): Promise<CountingUpstream> {
  return new CountingUpstream(name).listen()
}
