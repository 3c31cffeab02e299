/**
 * `Expect: 100-continue` as httpd answers it (checked against Debian's apache2 2.4.71): the
 * interim `100 Continue` goes out only when something reads the body — the Dispatcher
 * forwarding a POST to AEM, or Apache's default handler, which reads and drops the body before
 * it answers. An answer made without reading it (a filter denial) comes at once, with no `100`
 * and `Connection: close`, so the client never sends the body.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import path from 'node:path'
import { embeddedSite } from './support/embedded-site'

/** Sends `head`, then `body` once `100 Continue` arrived; everything the server sent, and whether it closed. */
function exchange(port: number, head: string, body: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head))
    let text = ''
    let bodySent = false
    let finished = false
    const done = (closed: boolean): void => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ text, closed })
    }
    socket.on('data', (d) => {
      text += d.toString('latin1')
      if (!bodySent && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        bodySent = true
        socket.write(body)
      }
      // A complete answer: give the server a moment to close the connection if it means to.
      if (/\r\n\r\n[\s\S]*(ok|<\/html>\n)$/.test(text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ''))) {
        setTimeout(() => done(false), 300)
      }
    })
    socket.on('end', () => done(true))
    socket.on('error', reject)
    const timer = setTimeout(() => done(false), 3000)
  })
}

const POST = (path: string, length: number): string =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`

describe('Expect: 100-continue', () => {
  it('a POST the filter denies is answered at once: no 100 Continue, Connection: close, AEM not asked', async () => {
    const s = await embeddedSite()
    const r = await exchange(s.port, POST('/bin/querybuilder.json', 5), 'a=b&c')
    expect(r.text.startsWith('HTTP/1.1 404 Not Found\r\n')).toBe(true)
    expect(r.text).not.toContain('100 Continue')
    expect(r.text.toLowerCase()).toContain('\r\nconnection: close\r\n')
    expect(r.closed).toBe(true)
    expect(s.up.publish.count).toBe(0)
  })

  it('a POST the Dispatcher forwards gets 100 Continue first; the body then reaches AEM', async () => {
    const s = await embeddedSite()
    const form = '/content/demo/us/en/contact.form.html'
    s.up.publish.behave(form, { body: 'ok', headers: { 'content-type': 'text/plain' } })
    const r = await exchange(s.port, POST(form, 5), 'a=b&c')
    expect(r.text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true)
    expect(s.up.publish.last?.bodyLength).toBe(5)
  })

  it("a POST Apache's default handler answers gets 100 Continue, its body is read, and the connection stays open", async () => {
    const s = await embeddedSite('', (t) => t.replace('SetHandler dispatcher-handler', ''))
    fs.mkdirSync(path.join(s.docroot, 'static'), { recursive: true })
    fs.writeFileSync(path.join(s.docroot, 'static', 'form.txt'), 'ok')
    const served = await exchange(s.port, POST('/static/form.txt', 5), 'a=b&c')
    expect(served.text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true)
    expect(served.text.toLowerCase()).not.toContain('connection: close')
    expect(served.closed).toBe(false)
    // A file that is not there: the body is read first too, then the 404.
    const missing = await exchange(s.port, POST('/static/none.txt', 5), 'a=b&c')
    expect(missing.text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n')).toBe(true)
    expect(s.up.publish.count).toBe(0)
  })
})
