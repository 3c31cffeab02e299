/**
 * TRACE through the real listener, answered by httpd's core before access control and any
 * handler (ap_send_http_trace): the Dispatcher never sees it. The AEMaaCS SDK leaves
 * `TraceEnable` at its default (On: the request is echoed back); AMS's security.conf turns it
 * off (405). test/httpd compares the same answers with Debian's apache2.
 */
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { rawExchange } from './support/http-client'

const PAGE = '/content/demo/us/en.html'

const site = embeddedSite

describe('TRACE', () => {
  it('TraceEnable on (the default): the head comes back as message/http, repeated headers merged; AEM is not asked', async () => {
    const s = await site()
    const r = await s.send(PAGE, { method: 'TRACE', headers: { 'X-Probe': ['one', 'two'] } })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('message/http')
    expect(r.text).toMatch(new RegExp(`^TRACE ${PAGE.replace(/\./g, '\\.')} HTTP/1\\.1\\r\\n`))
    expect(r.text).toContain('X-Probe: one, two\r\n')
    expect(r.text.endsWith('\r\n\r\n')).toBe(true)
    // No handler ran: the vhost's Header directives are not applied.
    expect(r.headers['x-vhost']).toBeUndefined()
    expect(s.up.publish.count).toBe(0)
    expect(r.trace.stages.map((e) => e.stage)).not.toContain('filter')
    expect(r.trace.stages.find((e) => e.stage === 'render')?.summary).toBe(
      'TRACE: Apache echoes the request back as message/http (TraceEnable on, the default): 200'
    )
  })

  it('a TRACE with a body is refused with 413', async () => {
    const s = await site()
    // Node's client frames a TRACE body only with an explicit Content-Length.
    const r = await s.send(PAGE, { method: 'TRACE', headers: { 'content-length': '3' }, body: 'abc' })
    expect(r.status).toBe(413)
    expect(r.text).toContain('does not allow request data with TRACE requests')
  })

  it('a TRACE for a ProxyPass location goes on to the backend; with TraceEnable off it is 405 too (as apache2 answers)', async () => {
    const on = await site()
    on.up.publish.behave('/system/probes/health', { body: 'traced' })
    const forwarded = await on.send('/systemready', { method: 'TRACE' })
    expect(forwarded.text).toBe('traced')
    expect(on.up.publish.last?.method).toBe('TRACE')
    const off = await site('    TraceEnable off')
    const refused = await off.send('/systemready', { method: 'TRACE' })
    expect(refused.status).toBe(405)
    expect(off.up.publish.count).toBe(0)
  })

  it('TraceEnable off (as AMS sets it): 405 with an empty Allow', async () => {
    const s = await site('    TraceEnable off')
    const r = await s.send(PAGE, { method: 'TRACE' })
    expect(r.status).toBe(405)
    expect(r.headers.allow).toBe('')
    expect(r.text).toContain('The requested method TRACE is not allowed for this URL.')
    expect(s.up.publish.count).toBe(0)
  })
})

describe('OPTIONS *', () => {
  it("is httpd's HTTP pong: 200, an empty body, no Allow and none of the vhost's headers; another method with '*' is 400", async () => {
    const s = await site()
    const r = await rawExchange(s.port, 'OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect(r.status).toBe(200)
    expect(r.head.toLowerCase()).toContain('content-length: 0')
    expect(r.head.toLowerCase()).not.toContain('allow:')
    expect(r.head.toLowerCase()).not.toContain('x-vhost')
    expect(r.body).toBe('')
    const bad = await rawExchange(s.port, 'GET * HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect(bad.status).toBe(400)
    expect(s.up.publish.count).toBe(0)
  })
})
