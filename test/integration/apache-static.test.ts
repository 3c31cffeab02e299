/**
 * Apache's own default handler through the real listener: a vhost that does not hand requests
 * to the Dispatcher (no `SetHandler dispatcher-handler`), and `DispatcherDeclineRoot On` for
 * `/`, answer from the DocumentRoot like any static file server, without AEM.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { embeddedSite } from './support/embedded-site'
import { stackForThisTest, type Stack } from './support/engine'

async function site(edit: (vhost: string) => string): Promise<{ s: Stack; docroot: string }> {
  const s = await embeddedSite('', edit)
  return { s, docroot: s.docroot }
}

/** The handler's last word (mod_dir may have spoken before it). */
function renderSummary(trace: { stages: { stage: string; summary: string }[] }): string {
  return trace.stages.findLast((e) => e.stage === 'render')?.summary ?? ''
}

describe("Apache's default handler", () => {
  it('without SetHandler dispatcher-handler, files come from the DocumentRoot with validators, 304 and ranges; AEM is never asked', async () => {
    const { s, docroot } = await site((t) => t.replace('SetHandler dispatcher-handler', ''))
    fs.mkdirSync(path.join(docroot, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(docroot, 'assets', 'robots.txt'), 'User-agent: *\nDisallow:\n')
    const r = await s.send('/assets/robots.txt')
    expect(r.status).toBe(200)
    expect(r.text).toBe('User-agent: *\nDisallow:\n')
    expect(r.headers['content-type']).toMatch(/^text\/plain/)
    expect(r.headers.etag).toBeDefined()
    expect(r.headers['last-modified']).toBeDefined()
    expect(r.headers['x-vhost']).toBe('publish')
    expect(r.trace.outcome).toBe('static')
    expect(renderSummary(r.trace)).toMatch(
      /does not hand requests to the Dispatcher .*Apache serves .*robots\.txt itself: 200$/
    )

    const again = await s.send('/assets/robots.txt', { headers: { 'if-none-match': String(r.headers.etag) } })
    expect(again.status).toBe(304)
    const part = await s.send('/assets/robots.txt', { headers: { range: 'bytes=0-9' } })
    expect(part.status).toBe(206)
    expect(part.text).toBe('User-agent')

    const missing = await s.send('/assets/none.txt')
    expect(missing.status).toBe(404)
    expect(s.up.publish.count).toBe(0)
  })

  it('a request body that stops short is the 408 in the trace: the default handler serves nothing after it', async () => {
    const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-slow-body-'))
    onTestFinished(() => fs.rmSync(docroot, { recursive: true, force: true }))
    fs.writeFileSync(path.join(docroot, 'slow.txt'), 'x\n')
    const s = await stackForThisTest({
      any: '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "9" } } } }\n',
      files: { 'httpd.conf': `Timeout 1\nDocumentRoot "${docroot}"\n` }
    })
    const answer = await new Promise<string>((resolve) => {
      let text = ''
      const socket = net.connect(s.port, '127.0.0.1', () =>
        socket.write('POST /slow.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789')
      )
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')))
      socket.on('close', () => resolve(text))
    })
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    const trace = await s.traceOf('/slow.txt')
    expect(trace.response.status).toBe(408)
    expect(renderSummary(trace)).toMatch(/the request body did not come whole: the default handler serves nothing$/)
  })

  it('a symbolic link in the DocumentRoot is served when it stays inside it, never when it leads out (the workbench reads nothing outside the docroot)', async () => {
    const { s, docroot } = await site((t) => t.replace('SetHandler dispatcher-handler', ''))
    const outside = fs.mkdtempSync(path.join(path.dirname(docroot), 'outside-'))
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret')
    fs.writeFileSync(path.join(docroot, 'inside.txt'), 'inside')
    fs.symlinkSync(path.join(docroot, 'inside.txt'), path.join(docroot, 'alias.txt'))
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(docroot, 'escape.txt'))
    fs.symlinkSync(outside, path.join(docroot, 'escaped-dir'))
    expect((await s.send('/alias.txt')).text).toBe('inside')
    const escape = await s.send('/escape.txt')
    expect(escape.status).toBe(404)
    expect(escape.text).not.toContain('secret')
    expect(renderSummary(escape.trace)).toMatch(/leaves the DocumentRoot/)
    expect((await s.send('/escaped-dir/secret.txt')).status).toBe(404)
  })

  it('DispatcherDeclineRoot On: "/" is answered from the DocumentRoot (index.html), other URLs still by the Dispatcher', async () => {
    const { s, docroot } = await site((t) =>
      t
        .replace('DispatcherUseProcessedURL On', 'DispatcherUseProcessedURL On\n        DispatcherDeclineRoot On')
        .replace(/RewriteRule "\^\/\$".*\n/, '')
    )
    fs.writeFileSync(path.join(docroot, 'index.html'), '<html>root</html>')
    const r = await s.send('/')
    expect(r.status).toBe(200)
    expect(r.text).toBe('<html>root</html>')
    expect(renderSummary(r.trace)).toMatch(
      /^DispatcherDeclineRoot is on and the request is for \/; Apache serves .*index\.html itself: 200$/
    )
    expect(s.up.publish.count).toBe(0)

    s.up.publish.behave('/content/demo/us/en.html', { body: 'page', headers: { 'content-type': 'text/html' } })
    expect((await s.send('/content/demo/us/en.html')).text).toBe('page')
    expect(s.up.publish.count).toBe(1)
  })
})
