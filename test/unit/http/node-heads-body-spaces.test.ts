import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as handedLine from '../../../src/main/engine/http/handed-line'
import { timeNodeHeads } from '../../../src/main/engine/http/node-heads'
import { ReadClock } from '../../../src/main/engine/http/read-clock'

// The search for a handed line, counted: it allocates, so it is kept for lines that need it.
vi.mock('../../../src/main/engine/http/handed-line', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/main/engine/http/handed-line')>()
  return { ...actual, findHandedLine: vi.fn(actual.findHandedLine) }
})

const servers: http.Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
  }
  vi.mocked(handedLine.findHandedLine).mockClear()
})

/**
 * A server whose connections are handed to Node's parser as the lean listener hands them
 * (their first bytes given through 'data'); answers what node-heads.ts does not claim with 200.
 */
async function handingServer(): Promise<{ port: number; refused: string[] }> {
  const refused: string[] = []
  const server = http.createServer((req, res) => {
    if (heads.claims(req)) return
    req.resume()
    req.on('end', () => res.end('ok'))
  })
  servers.push(server)
  const heads = timeNodeHeads(server, {
    headClock: () => new ReadClock(null, 60_000, 'head'),
    handle: (request, socket) => {
      refused.push(`${request.method} ${request.target}`)
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    }
  })
  const [nodeConnection] = server.listeners('connection') as ((socket: Socket) => void)[]
  server.removeAllListeners('connection')
  server.on('connection', (socket: Socket) => {
    socket.once('data', (chunk: Buffer) => {
      nodeConnection.call(server, socket)
      socket.emit('data', chunk)
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { port: (server.address() as AddressInfo).port, refused }
}

function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from(bytes, 'latin1')))
    let got = ''
    // Each conversation ends with a closing answer (`Connection: close`, or a refusal).
    socket.on('data', (d) => (got += d.toString('latin1')))
    socket.on('close', () => done(got))
    socket.on('error', fail)
  })
}

describe('node-heads: the request line of a handed head, looked for only where it may be refused', () => {
  it('a body with two spaces in a row does not send its request down the search for its line', async () => {
    const { port } = await handingServer()
    const body = JSON.stringify({ query: 'x', vars: [{ i: 1 }, { i: 2 }] }, null, 2)
    const head = `POST /graphql/execute.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`
    const got = await exchange(port, head + body)
    expect(got).toMatch(/^HTTP\/1\.1 200/)
    expect(handedLine.findHandedLine).not.toHaveBeenCalled()
  })
  it('a request line with two spaces is still found and refused', async () => {
    const { port, refused } = await handingServer()
    const body = 'a  b'
    const got = await exchange(port, `POST  /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n${body}`)
    expect(got).toMatch(/^HTTP\/1\.1 400/)
    expect(refused).toHaveLength(1)
    expect(handedLine.findHandedLine).toHaveBeenCalled()
  })
  it('a refused head pipelined behind one with the same words is the one refused', async () => {
    const { port, refused } = await handingServer()
    const get = (sp: string): string => `GET${sp}/x HTTP/1.1\r\nHost: a\r\n\r\n`
    const got = await exchange(port, get(' ') + get('  '))
    expect(got).toMatch(/^HTTP\/1\.1 200[^]*ok\s*HTTP\/1\.1 400/)
    expect(refused).toEqual(['GET /x'])
  })
})
