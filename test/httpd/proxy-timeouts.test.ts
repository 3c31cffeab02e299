/**
 * mod_proxy_http and a backend that keeps it waiting, Debian's apache2 against the workbench.
 * ap_proxy_connect_backend bounds the connect by the worker's timeout, else ProxyTimeout, else
 * Timeout, and proxy_http_handler answers 503 when it fails (AH00957): the backend here is a
 * listening socket whose accept queue is full, so a new connection's SYN is dropped and the
 * connect hangs, as to a firewalled host. The same timeout bounds the wait for the head of a
 * backend that took the connection and says nothing, but not a client slow to take the answer:
 * httpd is then blocked writing to the client (its Timeout) and reads nothing from the backend.
 * A head that stops before its blank line (raw-backend.ts's `/b/stall/…`) is given up after
 * ProxyTimeout too, and so is an HTTP/0.9 answer (a first line that is no status line) whose
 * backend keeps the connection open: its body is cut off (AH01110).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareAll, compareRawHeads, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'
import { startRawBackend, type RawBackend } from './raw-backend'
import { freePort } from '../integration/support/ports'

/** A socket that listens (backlog 0) and never accepts: python, as node accepts every connection itself. */
const LISTEN_NEVER_ACCEPT = `
import socket, sys, time
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
time.sleep(3600)
`

let listener: ChildProcess | null = null
let port = 0
const fillers: net.Socket[] = []
/** A backend that takes the connection and never answers. */
const silent = net.createServer(() => {})
let silentPort = 0
/** A backend answering 32 MiB, more than the sockets between it and the client hold. */
const BIG = 32 * 1024 * 1024
const big = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Length': String(BIG) })
  const chunk = Buffer.alloc(64 * 1024, 120)
  let sent = 0
  const pump = (): void => {
    while (sent < BIG) {
      sent += chunk.length
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
    res.end()
  }
  pump()
})
let bigPort = 0
/** A backend answering with the length of the body it got. */
const counting = http.createServer((req, res) => {
  let n = 0
  req.on('data', (d: Buffer) => (n += d.length))
  req.on('end', () => res.end(`got ${n}`))
})
let countingPort = 0
/** A backend that sends part of its head and stalls (raw-backend.ts's `/b/stall/…`). */
let raw: RawBackend | null = null

beforeAll(async () => {
  const child = spawn('python3', ['-c', LISTEN_NEVER_ACCEPT], { stdio: ['ignore', 'pipe', 'inherit'] })
  listener = child
  port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
    child.once('error', reject)
  })
  // Connections that fill the accept queue: the next SYN to the port is dropped.
  for (let i = 0; i < 3; i++) fillers.push(net.connect(port, '127.0.0.1').on('error', () => {}))
  await new Promise((r) => setTimeout(r, 200))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  silentPort = (silent.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve))
  bigPort = (big.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve))
  countingPort = (counting.address() as net.AddressInfo).port
  raw = await startRawBackend(await freePort())
})
afterAll(() => {
  for (const s of fillers) s.destroy()
  listener?.kill()
  silent.close()
  big.close()
  counting.close()
  void raw?.close()
})

const running = classicSideBySide({ 'x.txt': 'x\n' }, (d) => [
  ...serverLines(['proxy', 'proxy_http', 'mime'], d),
  'ProxyRequests Off',
  'ProxyTimeout 1',
  // The port is known only once the listener runs; the config is written after the beforeAll above.
  `ProxyPass /p/ http://127.0.0.1:${port}/b/`,
  `ProxyPass /s/ http://127.0.0.1:${silentPort}/b/`,
  `ProxyPass /big/ http://127.0.0.1:${bigPort}/b/`,
  `ProxyPass /count/ http://127.0.0.1:${countingPort}/b/`,
  `ProxyPass /raw/ http://127.0.0.1:${raw?.port ?? 0}/b/`
])

/** The answer to a POST whose body's second half comes `stallMs` after its first. */
function postWithStall(port: number, stallMs: number): Promise<string> {
  return new Promise((resolve) => {
    let answer = ''
    const client = net.connect(port, '127.0.0.1', () => {
      client.write('POST /count/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 10\r\n\r\nabcde')
      setTimeout(() => client.write('fghij'), stallMs)
    })
    client.on('data', (d: Buffer) => (answer += d.toString('latin1')))
    client.on('close', () => resolve(answer.split('\r\n')[0] + ' ' + answer.slice(answer.indexOf('\r\n\r\n') + 4)))
    client.on('error', () => {})
  })
}

/** The bytes of the answer to GET `target` read by a client that reads nothing for `stallMs` first. */
function readAfterStall(port: number, target: string, stallMs: number): Promise<number> {
  return new Promise((resolve) => {
    let bytes = 0
    const client = net.connect(port, '127.0.0.1', () =>
      client.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
    )
    client.pause()
    setTimeout(() => client.resume(), stallMs)
    client.on('data', (d: Buffer) => (bytes += d.length))
    client.on('close', () => resolve(bytes))
    client.on('error', () => {})
  })
}

describe('mod_proxy_http and the time it gives a backend and a client', () => {
  it('gives up the connect after ProxyTimeout and answers 503', async () => {
    const get: HttpdRequest = ['GET', '/p/x', {}]
    expect(await compareAll([get], running.apachePort, running.enginePort)).toBe('')
  })

  it('gives up waiting for the head after ProxyTimeout, also once a body was sent', async () => {
    const get: HttpdRequest = ['GET', '/s/x', {}]
    const post: HttpdRequest = ['POST', '/s/x', { 'Content-Length': '2', ':body': 'ab' }]
    expect(await compareAll([get, post], running.apachePort, running.enginePort)).toBe('')
  })

  // Both 502 after ProxyTimeout: stopped in the status line, ap_proxyerror's page (AH01102,
  // AH00898) as for no head at all; after the status line, ap_proxy_read_headers' failure
  // (AH10404, AH01106) and httpd's own Bad Gateway. The client's connection is kept in all.
  it('answers 502 for a head that stops before its end, its page by where it stopped', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/raw/stall/status', {}],
      ['GET', '/raw/stall/line', {}]
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
    // A client that keeps its connection: what the answer says of it.
    const kept = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`
    const heads = ['/s/x', '/raw/stall/status', '/raw/stall/line'].map(kept)
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })

  // The head and the first line go out at once; ProxyTimeout later the client's connection is
  // dropped, the chunked body without its last chunk. A HEAD's answer ends at once.
  it('cuts an HTTP/0.9 answer off after ProxyTimeout when the backend keeps its connection open', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/raw/first/hello-open', {}],
      ['GET', '/raw/first/split-open', {}],
      ['HEAD', '/raw/first/hello-open', {}]
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
    const kept = `GET /raw/first/hello-open HTTP/1.1\r\nHost: localhost\r\n\r\n`
    expect(await compareRawHeads([kept], running.apachePort, running.enginePort)).toBe('')
  })

  it('relays the whole answer to a client that stops reading for longer than ProxyTimeout', async () => {
    const [apache, workbench] = await Promise.all([
      readAfterStall(running.apachePort, '/big/x', 2500),
      readAfterStall(running.enginePort, '/big/x', 2500)
    ])
    expect(apache).toBeGreaterThan(BIG)
    expect(workbench).toBe(apache)
  })

  it('passes on the whole body of a client that pauses sending it for longer than ProxyTimeout', async () => {
    const [apache, workbench] = await Promise.all([
      postWithStall(running.apachePort, 2500),
      postWithStall(running.enginePort, 2500)
    ])
    expect(apache).toBe('HTTP/1.1 200 OK got 10')
    expect(workbench).toBe(apache)
  })
})
