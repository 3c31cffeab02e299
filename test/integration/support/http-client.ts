/**
 * Clients for talking to the engine's listener: `send` for ordinary requests (node:http, no
 * connection reuse unless an agent is given) and `rawExchange` for bytes no HTTP client
 * would send (malformed targets, oversized lines, missing Host).
 */
import http, { type IncomingHttpHeaders } from 'node:http'
import net from 'node:net'
import type { Readable } from 'node:stream'

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  rawHeaders: string[]
  body: Buffer
  text: string
}

export interface SendOptions {
  method?: string
  headers?: Record<string, string | string[]>
  body?: string | Buffer | Readable
  /** A keep-alive agent to reuse connections; by default every request has its own connection. */
  agent?: http.Agent
}

export function send(base: string, target: string, opts: SendOptions = {}): Promise<Answer> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: target,
        headers: opts.headers,
        agent: opts.agent ?? false
      },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (c: Buffer) => parts.push(c))
        res.on('end', () => {
          const body = Buffer.concat(parts)
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body,
            text: body.toString('latin1')
          })
        })
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    const body = opts.body
    if (body === undefined) req.end()
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body)
    else body.pipe(req)
  })
}

export interface RawAnswer {
  status: number
  statusLine: string
  head: string
  body: string
}

/**
 * Writes `request` as is on a fresh socket and reads one response: up to the end of its
 * Content-Length, or until the server closes the connection.
 */
export function rawExchange(port: number, request: string | Buffer, timeoutMs = 3000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let data = Buffer.alloc(0)
    let settled = false
    const timer = setTimeout(
      () => finish(new Error(`no complete answer within ${timeoutMs} ms: ${JSON.stringify(data.toString('latin1'))}`)),
      timeoutMs
    )
    const finish = (err?: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (err) return reject(err)
      const text = data.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      const head = end < 0 ? text : text.slice(0, end)
      const statusLine = head.split('\r\n')[0]
      resolve({
        status: Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0),
        statusLine,
        head,
        body: end < 0 ? '' : text.slice(end + 4)
      })
    }
    const complete = (): boolean => {
      const text = data.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return false
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))
      return !!len && data.length >= Buffer.byteLength(text.slice(0, end + 4), 'latin1') + Number(len[1])
    }
    socket.on('data', (c: Buffer) => {
      data = Buffer.concat([data, c])
      if (complete()) finish()
    })
    socket.on('end', () => finish())
    socket.on('close', () => finish())
    // A server that answers before reading everything may reset the connection: what it sent still counts.
    socket.on('error', (e) => (data.length > 0 ? finish() : finish(e)))
    socket.write(request)
  })
}

/**
 * One connection, one request at a time: `exchange` writes a request as is and reads its
 * answer (to the end of its Content-Length or last chunk; a HEAD's head only), so tests can
 * see what each answer says about the connection and whether the server then closes it.
 */
export class Conversation {
  private readonly socket: net.Socket
  private data = Buffer.alloc(0)
  private waiting: (() => void) | null = null
  /** The server closed its side. */
  closed = false

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1')
    this.socket.on('data', (c: Buffer) => {
      this.data = Buffer.concat([this.data, c])
      this.waiting?.()
    })
    const ended = (): void => {
      this.closed = true
      this.waiting?.()
    }
    this.socket.on('end', ended)
    this.socket.on('close', ended)
    this.socket.on('error', ended)
  }

  async exchange(request: string, timeoutMs = 3000): Promise<RawAnswer> {
    const headOnly = request.startsWith('HEAD ')
    this.socket.write(request)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const answer = this.take(headOnly)
      if (answer) return answer
      if (this.closed) throw new Error(`connection closed before a complete answer: ${this.data.toString('latin1')}`)
      if (Date.now() > deadline) throw new Error(`no complete answer within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.waiting = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.waiting = null
    }
  }

  /** Resolves true once the server has closed the connection, false if it stays open `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }

  private take(headOnly: boolean): RawAnswer | null {
    const text = this.data.toString('latin1')
    const end = text.indexOf('\r\n\r\n')
    if (end < 0) return null
    const head = text.slice(0, end)
    let bodyEnd: number
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
    if (headOnly || /^HTTP\/1\.1 (1\d\d|204|304)/.test(head)) bodyEnd = end + 4
    else if (length) bodyEnd = end + 4 + Number(length[1])
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = text.indexOf('\r\n0\r\n\r\n', end)
      if (last < 0) return null
      bodyEnd = last + 7
    } else if (this.closed) bodyEnd = text.length
    else return null
    if (text.length < bodyEnd) return null
    this.data = this.data.subarray(Buffer.byteLength(text.slice(0, bodyEnd), 'latin1'))
    const statusLine = head.split('\r\n')[0]
    return {
      status: Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0),
      statusLine,
      head,
      body: text.slice(end + 4, bodyEnd)
    }
  }
}
