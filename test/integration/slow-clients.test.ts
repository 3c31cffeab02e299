/**
 * A client that sends its request head too slowly (slowloris) gets Apache's 408 page and the
 * connection closes — on the lean listener (a first request) as on Node's path (a connection
 * handed over after a request with a body) — instead of holding the connection open.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { dispatcherAny } from './support/config'
import { stackForThisTest } from './support/engine'

const SLOW_HEAD = 'GET /content/a.html HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(200) + '\r\n\r\n'

/**
 * Sends `first` at once, then `SLOW_HEAD` one byte every 20 ms; resolves when the server closes,
 * with what it answered and how many bytes of the slow head went out.
 */
function slowClient(port: number, first = ''): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    socket.on('data', (d) => (answer += d.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ answer, sent })
    })
    socket.on('connect', () => {
      if (first) socket.write(first)
      timer = setInterval(() => {
        if (sent < SLOW_HEAD.length && !socket.destroyed) socket.write(SLOW_HEAD[sent++])
      }, 20)
    })
  })
}

async function stack(headersTimeoutMs = 400): Promise<{ port: number }> {
  const s = await stackForThisTest({
    upstreams: ['publish'],
    any: (up) => dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: up.publish.port }] }]),
    engine: { headersTimeoutMs }
  })
  return { port: s.port }
}

describe('a request head that does not arrive within the headers timeout', () => {
  it('is answered 408 Request Timeout by the lean listener, and the connection closes before the head is complete', async () => {
    const { port } = await stack()
    const { answer, sent } = await slowClient(port)
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(answer).toContain('Connection: close\r\n')
    expect(answer).toContain('<title>408 Request Timeout</title>')
    expect(sent).toBeLessThan(SLOW_HEAD.length)
  })

  it("is answered the same way on Node's path (a connection that began with a request body)", async () => {
    const { port } = await stack()
    const post = 'POST /content/a.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nab'
    const { answer, sent } = await slowClient(port, post)
    const second = answer.slice(answer.indexOf('HTTP/1.1', 1))
    expect(answer.startsWith('HTTP/1.1 ')).toBe(true)
    expect(second).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(second).toContain('<title>408 Request Timeout</title>')
    expect(sent).toBeLessThan(SLOW_HEAD.length)
  })

  it('that stops half-way for longer than the keep-alive time is still answered at the headers timeout', async () => {
    // Past the 5 s keep-alive time a silent connection used to go to Node, whose header clock
    // then started again: the 408 came seconds late.
    const { port } = await stack(5500)
    const started = Date.now()
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(SLOW_HEAD.slice(0, 40)))
      let text = ''
      socket.on('data', (d) => (text += d.toString('latin1')))
      socket.on('error', reject)
      socket.on('close', () => resolve(text))
    })
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(Date.now() - started).toBeLessThan(7500)
  }, 15_000)
})

describe('a request head that arrives in pieces, with no headers timeout configured (as the app runs)', () => {
  it('is answered as soon as it is complete, not refused with 408', async () => {
    const s = await stackForThisTest({
      upstreams: ['publish'],
      any: (up) => dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: up.publish.port }] }])
    })
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(s.port, '127.0.0.1', () => {
        socket.write('GET /content/a.html HTTP/1.1\r\n')
        setTimeout(() => socket.write('Host: localhost\r\nConnection: close\r\n\r\n'), 100)
      })
      let text = ''
      socket.on('data', (d) => (text += d.toString('latin1')))
      socket.on('error', reject)
      socket.on('close', () => resolve(text))
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
  })
})
