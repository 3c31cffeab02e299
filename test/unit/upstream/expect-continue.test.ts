/**
 * The node:http path for `Expect: 100-continue` requests (expect-continue.ts) against real
 * servers on 127.0.0.1: the body waits for `100 Continue`, a final answer before it leaves the
 * body unread, and the timeouts and errors come out as the Pool's path reports them.
 */
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { ExpectContinueClient } from '../../../src/main/engine/upstream/expect-continue'
import type { ResponseSink } from '../../../src/main/engine/upstream/render-client'
import type { RenderError } from '../../../src/main/engine/upstream/render-error'
import { render } from './helpers'

const closers: (() => void)[] = []
afterEach(() => closers.splice(0).forEach((c) => c()))

async function server(onContinue: http.RequestListener): Promise<number> {
  const s = http.createServer((req, res) => onContinue(req, res))
  s.on('checkContinue', onContinue)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  closers.push(() => {
    s.closeAllConnections()
    s.close()
  })
  return (s.address() as AddressInfo).port
}

interface Got {
  status?: number
  headers?: http.IncomingHttpHeaders
  body: string
  error?: RenderError
}

function exchange(
  client: ExpectContinueClient,
  body: Readable | null,
  path = '/p'
): { done: Promise<Got>; abort: () => void } {
  const got: Got = { body: '' }
  let abort: () => void = () => undefined
  const done = new Promise<Got>((resolve) => {
    const sink: ResponseSink = {
      onHead: (status, headers) => Object.assign(got, { status, headers }),
      onData: (chunk) => {
        got.body += chunk.toString()
        return true
      },
      onEnd: () => resolve(got),
      onError: (error) => resolve(Object.assign(got, { error }))
    }
    abort = client.forward({ method: 'POST', path, headers: { expect: '100-continue', host: 'x' }, body }, sink)
  })
  return { done, abort: () => abort() }
}

/** A body that notes whether anyone read it. */
function watchedBody(text: string): Readable & { touched: boolean } {
  const r = Readable.from([Buffer.from(text)]) as Readable & { touched: boolean }
  r.touched = false
  r.once('data', () => (r.touched = true))
  r.pause()
  return r
}

const client = (port: number, extra = {}): ExpectContinueClient => {
  const c = new ExpectContinueClient(render('r', port, extra), { keepAliveMs: 60_000 })
  closers.push(() => c.destroy())
  return c
}

describe('Expect: 100-continue to a render', () => {
  it('sends the body after 100 Continue and streams the answer, with repeated fields as arrays', async () => {
    const port = await server((req, res) => {
      res.writeContinue()
      let n = 0
      req.on('data', (c: Buffer) => (n += c.length))
      req.on('end', () => {
        res.setHeader('set-cookie', ['a=1', 'b=2'])
        res.setHeader('x-seen', String(req.headers.expect))
        res.end(`read ${n}`)
      })
    })
    const got = await exchange(client(port), Readable.from([Buffer.from('hello')])).done
    expect(got).toMatchObject({ status: 200, body: 'read 5' })
    expect(got.headers!['set-cookie']).toEqual(['a=1', 'b=2'])
    expect(got.headers!['x-seen']).toBe('100-continue')
  })

  it('a final answer before 100 Continue leaves the body unread', async () => {
    const port = await server((_req, res) => {
      res.writeHead(503, { 'content-length': '4' })
      res.end('busy')
    })
    const body = watchedBody('a=1')
    const got = await exchange(client(port), body).done
    expect(got).toMatchObject({ status: 503, body: 'busy' })
    expect(got.error).toBeUndefined()
    expect(body.touched).toBe(false)
  })

  it('no answer within /receiveTimeout is a timeout; a refused connection a connect error', async () => {
    const port = await server(() => undefined)
    const slow = await exchange(client(port, { receiveTimeout: { value: 150 } }), Readable.from(['x'])).done
    expect(slow.error?.kind).toBe('timeout')
    const dead = net.createServer()
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
    const deadPort = (dead.address() as AddressInfo).port
    await new Promise((r) => dead.close(r))
    const refused = await exchange(client(deadPort), Readable.from(['x'])).done
    expect(refused.error).toMatchObject({ kind: 'connect', code: 'ECONNREFUSED' })
  })

  it('a render that stops sending mid-body fails the body after /receiveTimeout; an abort says so', async () => {
    const port = await server((_req, res) => {
      res.writeHead(200)
      res.write('part')
    })
    const stalled = await exchange(client(port, { receiveTimeout: { value: 150 } }), Readable.from(['x'])).done
    expect(stalled).toMatchObject({ status: 200, body: 'part' })
    expect(stalled.error?.kind).toBe('body')
    const e = exchange(client(port), Readable.from(['x']))
    e.abort()
    expect((await e.done).error?.kind).toBe('aborted')
  })
})
