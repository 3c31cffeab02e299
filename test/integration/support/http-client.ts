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
