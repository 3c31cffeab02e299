/**
 * A render that sends the status line, the headers and the first part of a body, then waits
 * until the test opens the gate before sending the rest: so a test can act (flush, abort the
 * client) while a response is half written into the cache.
 */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface GatedRender {
  port: number
  /** Requests received so far. */
  count: number
  /** Resolves when a request for `path` has sent its first part. */
  firstPartSent(path: string): Promise<void>
  /** Sends the rest of every waiting answer for `path` (and of later ones at once). */
  open(path: string): void
  close(): Promise<void>
}

export interface GatedBody {
  head: Buffer
  tail: Buffer
}

export async function startGatedRender(bodies: Record<string, GatedBody>): Promise<GatedRender> {
  const opened = new Set<string>()
  const waiting = new Map<string, (() => void)[]>()
  const sentFirst = new Map<string, (() => void)[]>()
  const sockets = new Set<Socket>()
  const state = { count: 0 }
  const server = http.createServer((req, res) => {
    state.count++
    req.resume()
    const path = (req.url ?? '/').split('?')[0]
    const body = bodies[path] ?? { head: Buffer.from('head-'), tail: Buffer.from('tail') }
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.head.length + body.tail.length })
    res.write(body.head, () => {
      for (const f of sentFirst.get(path) ?? []) f()
      sentFirst.delete(path)
    })
    const finish = (): void => {
      if (!res.destroyed) res.end(body.tail)
    }
    if (opened.has(path)) finish()
    else waiting.set(path, [...(waiting.get(path) ?? []), finish])
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get count() {
      return state.count
    },
    firstPartSent: (path) => new Promise((resolve) => sentFirst.set(path, [...(sentFirst.get(path) ?? []), resolve])),
    open(path) {
      opened.add(path)
      for (const f of waiting.get(path) ?? []) f()
      waiting.delete(path)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
  }
}
