/**
 * The order of an answer's header lines, as httpd writes them (src/main/engine/http/httpd-head.ts):
 * Date and Server first, then the table in the order it was filled, the connection's lines, and
 * Content-Type last when the handler named the type. The httpd differential suite checks the
 * same against apache2 line by line; these tests pin what it cannot run: the Dispatcher's own
 * answers (a render's, a cache hit's) and the two listeners (lean and Node's) agreeing.
 */
import { describe, expect, it } from 'vitest'
import { stackForThisTest, type Stack } from './support/engine'
import { Conversation, rawExchange } from './support/http-client'

/** Each response header name as the client received it. */
function namesOf(rawHeaders: string[]): string[] {
  return rawHeaders.filter((_, i) => i % 2 === 0)
}

/** The header names of a raw head, in order. */
function headNames(head: string): string[] {
  return head
    .split('\r\n')
    .slice(1)
    .map((line) => line.slice(0, line.indexOf(':')))
}

function publishStack(): Promise<Stack> {
  return stackForThisTest({
    upstreams: ['publish'],
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
  })
}

/** `names` holds each of `inOrder`, in that order. */
function expectInOrder(names: string[], inOrder: string[]): void {
  const at = inOrder.map((n) => names.indexOf(n))
  expect(
    at.every((i) => i >= 0),
    `${inOrder.join(', ')} in ${names.join(', ')}`
  ).toBe(true)
  expect(
    at.every((i, k) => k === 0 || i > at[k - 1]),
    `${inOrder.join(', ')} in ${names.join(', ')}`
  ).toBe(true)
}

describe('header lines in the order httpd writes them', () => {
  it("keep a render's Content-Type where the render put it, after Date and Server", async () => {
    const s = await publishStack()
    const page = '/content/demo/us/en/order-render.html'
    s.up.publish.behave(page, {
      body: '<html>render</html>',
      // The test render writes its content-type (and the length) before the headers given here.
      headers: { 'content-type': 'text/html', 'X-Render-After': 'a' }
    })
    const names = namesOf((await s.send(page)).rawHeaders)
    expect(names.slice(0, 2)).toEqual(['Date', 'Server'])
    expectInOrder(names, ['content-type', 'x-upstream', 'X-Render-After'])
    expect(names.filter((n) => n.toLowerCase() === 'content-type')).toHaveLength(1)
  })

  it("write a cache hit as httpd's default handler does: stored headers, then Last-Modified, ETag, Accept-Ranges, Content-Length, and Content-Type last", async () => {
    const s = await publishStack()
    const page = '/content/demo/us/en/order-hit.html'
    s.up.publish.behave(page, {
      body: '<html>hit</html>',
      headers: { 'Content-Type': 'text/html', 'X-Content-Type-Options': 'nosniff' }
    })
    await s.send(page)
    const hit = await s.send(page)
    expect(hit.trace.outcome).toBe('hit')
    const names = namesOf(hit.rawHeaders)
    expect(names.slice(0, 2)).toEqual(['Date', 'Server'])
    expectInOrder(names, ['X-Content-Type-Options', 'Last-Modified', 'ETag', 'Accept-Ranges', 'Content-Length'])
    expect(names.at(-1)).toBe('Content-Type')
  })

  it('are the same whichever listener answers (a GET is read by the lean one, a POST by Node’s)', async () => {
    const s = await publishStack()
    // Both denied by the filter: Apache's 404 page, measured after the Header directives ran.
    const get = await s.send('/etc/passwd.html')
    const post = await s.send('/etc/passwd.html', { method: 'POST', body: 'x=1' })
    expect(get.status).toBe(404)
    expect(post.status).toBe(404)
    const names = namesOf(get.rawHeaders)
    expect(namesOf(post.rawHeaders).filter((n) => n !== 'Connection' && n !== 'Keep-Alive')).toEqual(
      names.filter((n) => n !== 'Connection' && n !== 'Keep-Alive')
    )
    expect(names.slice(0, 2)).toEqual(['Date', 'Server'])
    expect(names.at(-1)).toBe('Content-Type')
  })

  it('send the 416 the byte-range filter makes unmeasured: chunked on a kept connection, ended by closing otherwise', async () => {
    const s = await publishStack()
    const page = '/content/demo/us/en/order-range.html'
    s.up.publish.behave(page, { body: '<html>ranged</html>', headers: { 'Content-Type': 'text/html' } })
    await s.send(page)
    const request = (extra: string): string =>
      `GET ${page} HTTP/1.1\r\nHost: localhost\r\nRange: bytes=99999-\r\n${extra}\r\n`

    const kept = new Conversation(s.port)
    try {
      const a = await kept.exchange(request(''))
      expect(a.status).toBe(416)
      const names = headNames(a.head)
      expect(names).not.toContain('Content-Length')
      expectInOrder(names, ['Date', 'Server', 'Transfer-Encoding', 'Content-Type'])
      expect(await kept.closesWithin(100)).toBe(false)
    } finally {
      kept.close()
    }

    const closing = await rawExchange(s.port, request('Connection: close\r\n'))
    expect(closing.status).toBe(416)
    const names = headNames(closing.head)
    expect(names).not.toContain('Content-Length')
    expect(names).not.toContain('Transfer-Encoding')
    expectInOrder(names, ['Date', 'Server', 'Connection', 'Content-Type'])
    expect(closing.body).toContain('416 Requested Range Not Satisfiable')
    expect(closing.body).not.toMatch(/^[0-9a-f]+\r\n/)
  })
})
