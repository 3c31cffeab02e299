import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoRender, type DemoRender } from '../../src/main/engine/demo/render'
import { demoSiteDir, resourcesDir } from '../../src/main/engine/demo/paths'

const HOME = '/content/demo/us/en.html'
const SLOW_MS = 300

interface RawAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** A plain node:http request, for HEAD, streamed bodies and exact headers. */
function request(
  render: DemoRender,
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; chunks?: string[]; gapMs?: number } = {}
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${render.url}${urlPath}`, { method, headers: opts.headers, agent: false }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    const chunks = opts.chunks ?? []
    const writeNext = (i: number): void => {
      if (i >= chunks.length) {
        req.end()
        return
      }
      req.write(chunks[i])
      setTimeout(() => writeNext(i + 1), opts.gapMs ?? 0)
    }
    writeNext(0)
  })
}

const get = (render: DemoRender, urlPath: string, headers?: Record<string, string>): Promise<RawAnswer> =>
  request(render, 'GET', urlPath, { headers })

const text = (a: RawAnswer): string => a.body.toString('utf8')

/** Same-site links and assets referenced by a page (href/src/action starting with "/"). */
function references(html: string): string[] {
  return [...html.matchAll(/(?:href|src|action)="(\/[^"]*)"/g)].map((m) => m[1])
}

describe('demo render', () => {
  let render: DemoRender

  beforeAll(async () => {
    render = await startDemoRender({ slowMs: SLOW_MS })
  })
  afterAll(async () => {
    await render.close()
  })
  afterEach(() => render.reset())

  it('serves the home page as AEM publish does: 200, text/html;charset=utf-8, Sling default headers', async () => {
    const a = await get(render, HOME)
    expect(a.status).toBe(200)
    expect(a.headers['content-type']).toBe('text/html;charset=utf-8')
    expect(a.headers['x-content-type-options']).toBe('nosniff')
    expect(a.headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(a.headers['content-length']).toBe(String(a.body.length))
    expect(text(a)).toContain('<h1>Adventures for curious people</h1>')
  })

  it('marks every answer with X-Demo-Render: <port>, so two renders can be told apart', async () => {
    const other = await startDemoRender({ slowMs: SLOW_MS })
    try {
      const [a, b, missing] = await Promise.all([get(render, HOME), get(other, HOME), get(render, '/nowhere')])
      expect(a.headers['x-demo-render']).toBe(String(render.port))
      expect(b.headers['x-demo-render']).toBe(String(other.port))
      expect(missing.headers['x-demo-render']).toBe(String(render.port))
      expect(render.port).not.toBe(other.port)
    } finally {
      await other.close()
    }
  })

  it('every page links the clientlibs, the pictures and the other pages, and each reference answers', async () => {
    const home = text(await get(render, HOME))
    expect(home).toContain('href="/etc.clientlibs/demo/clientlibs/site.min.css"')
    expect(home).toContain('src="/etc.clientlibs/demo/clientlibs/site.min.js"')
    expect(home).toContain('src="/content/dam/demo/surfing.png"')
    const pages = [
      '/content/demo/us/en/adventures.html',
      '/content/demo/us/en/adventures/surfing.html',
      '/content/demo/us/en/about.html'
    ]
    for (const p of pages) expect(home).toContain(`href="${p}"`)

    const expected: Record<string, number> = {
      '/content/demo/us/en/broken.html': 500,
      '/content/demo/us/en/no-such-page.html': 404,
      '/content/demo/us/en/contact.form.html': 200
    }
    const seen = new Set<string>()
    for (const page of [HOME, ...pages, '/content/demo/us/en/contact.html']) {
      for (const ref of references(text(await get(render, page)))) {
        if (seen.has(ref)) continue
        seen.add(ref)
        const a = await get(render, ref)
        expect(a.status, ref).toBe(expected[ref] ?? 200)
      }
    }
    expect(seen.size).toBeGreaterThan(20)
  })

  it('fills every placeholder of every page, and marks the current page in the navigation', async () => {
    const paths = [
      '',
      '/adventures',
      '/adventures/surfing',
      '/about',
      '/contact',
      '/contact/thank-you',
      '/live-scores',
      '/personalised',
      '/slow'
    ]
    for (const p of paths) {
      const html = text(await get(render, `/content/demo/us/en${p}.html`))
      expect(html, p).not.toMatch(/\{\{\w+\}\}/)
    }
    const about = text(await get(render, '/content/demo/us/en/about.html'))
    expect(about).toContain('<a href="/content/demo/us/en/about.html" aria-current="page">')
  })

  it('shows which render produced a page and when, so a cached copy is recognisable', async () => {
    const html = text(await get(render, HOME))
    expect(html).toContain(`Rendered by the demo render on port ${render.port}`)
    const stamp = /<time class="rendered-at" datetime="([^"]+)">/.exec(html)?.[1]
    expect(Math.abs(Date.parse(stamp ?? '') - Date.now())).toBeLessThan(5000)
  })

  it('renders the print selector as a page of its own, and any other selector as the page (Sling script fallback)', async () => {
    const print = text(await get(render, '/content/demo/us/en.print.html'))
    expect(print).toContain('<body class="print">')
    expect(print).not.toContain('site-nav')
    const other = await get(render, '/content/demo/us/en.anything.html')
    expect(other.status).toBe(200)
    expect(text(other)).toContain('class="site-nav"')
  })

  it('ignores a suffix after the extension, as Sling does for a page', async () => {
    const a = await get(render, '/content/demo/us/en/about.html/some/suffix.html')
    expect(a.status).toBe(200)
    expect(text(a)).toContain('<h1>About this site</h1>')
  })

  it('answers page.model.json with the page model as application/json;charset=utf-8', async () => {
    const a = await get(render, '/content/demo/us/en/adventures/surfing.model.json')
    expect(a.status).toBe(200)
    expect(a.headers['content-type']).toBe('application/json;charset=utf-8')
    const model = JSON.parse(text(a))
    expect(model[':type']).toBe('demo/components/page')
    expect(model.title).toBe('Surfing at Grey Point')
    expect(model[':items'].root[':items'].text.text).toContain('Grey Point')
  })

  it('answers the Sling default JSON to the requested depth, which is what filters must block', async () => {
    const flat = JSON.parse(text(await get(render, '/content/demo/us/en.json')))
    expect(flat['jcr:primaryType']).toBe('cq:Page')
    expect(flat['jcr:content']).toBeUndefined()
    const one = JSON.parse(text(await get(render, '/content/demo/us/en.1.json')))
    expect(one['jcr:content']['jcr:title']).toBe('Adventures for curious people')
    expect(one.adventures['jcr:content']).toBeUndefined()
    const all = await get(render, '/content/demo/us/en.infinity.json')
    expect(all.headers['last-modified']).toBe('Mon, 12 May 2025 08:00:00 GMT')
    expect(JSON.parse(text(all)).adventures.surfing['jcr:content']['jcr:title']).toBe('Surfing at Grey Point')
    expect((await get(render, '/content/demo/us/en.tidy.json')).status).toBe(404)
  })

  it('serves clientlibs under /etc.clientlibs with Cache-Control max-age and Last-Modified', async () => {
    const css = await get(render, '/etc.clientlibs/demo/clientlibs/site.min.css')
    expect(css.status).toBe(200)
    expect(css.headers['content-type']).toBe('text/css;charset=utf-8')
    expect(css.headers['cache-control']).toBe('max-age=2592000')
    expect(css.headers['last-modified']).toBe('Mon, 12 May 2025 08:00:00 GMT')
    expect(text(css)).toContain('.site-header')
    const js = await get(render, '/etc.clientlibs/demo/clientlibs/site.min.js')
    expect(js.headers['content-type']).toBe('application/javascript;charset=utf-8')
    expect(text(js)).toContain('/libs/granite/csrf/token.json')
  })

  it('answers If-Modified-Since with 304 for clientlibs and DAM assets that have not changed', async () => {
    const since = { 'If-Modified-Since': 'Mon, 12 May 2025 08:00:00 GMT' }
    const css = await get(render, '/etc.clientlibs/demo/clientlibs/site.min.css', since)
    expect(css.status).toBe(304)
    expect(css.body.length).toBe(0)
    expect((await get(render, '/content/dam/demo/logo.png', since)).status).toBe(304)
    const older = await get(render, '/content/dam/demo/logo.png', {
      'If-Modified-Since': 'Sun, 11 May 2025 08:00:00 GMT'
    })
    expect(older.status).toBe(200)
  })

  it('serves DAM pictures as real PNGs of the declared size, byte-identical on every request', async () => {
    const a = await get(render, '/content/dam/demo/surfing.png')
    expect(a.status).toBe(200)
    expect(a.headers['content-type']).toBe('image/png')
    expect(a.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(a.body.subarray(12, 16).toString('latin1')).toBe('IHDR')
    expect([a.body.readUInt32BE(16), a.body.readUInt32BE(20)]).toEqual([480, 270])
    const again = await get(render, '/content/dam/demo/surfing.png')
    expect(again.body.equals(a.body)).toBe(true)
    const favicon = await get(render, '/content/dam/demo/favicon.png')
    expect([favicon.body.readUInt32BE(16), favicon.body.readUInt32BE(20)]).toEqual([32, 32])
  })

  it('issues a new CSRF token on every call, as JSON without Cache-Control', async () => {
    const a = await get(render, '/libs/granite/csrf/token.json')
    const b = await get(render, '/libs/granite/csrf/token.json')
    expect(a.status).toBe(200)
    expect(a.headers['content-type']).toBe('application/json;charset=utf-8')
    expect(a.headers['cache-control']).toBeUndefined()
    const ta = JSON.parse(text(a)).token as string
    expect(ta).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(JSON.parse(text(b)).token).not.toBe(ta)
  })

  it('reads a streamed form POST to contact.form.html to the end and answers 200 with what it received', async () => {
    const chunks = ['name=Ada', '+Lovelace', '&message=', 'x'.repeat(100_000)]
    const a = await request(render, 'POST', '/content/demo/us/en/contact.form.html', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
      chunks,
      gapMs: 20
    })
    expect(a.status).toBe(200)
    expect(text(a)).toContain('Thanks, Ada Lovelace!')
    expect(text(a)).toContain(`read ${chunks.join('').length} bytes of form data with 2 fields`)
  })

  it('answers a form POST with a :redirect field with 302 to that page, like the Sling POST servlet', async () => {
    const body = 'name=Ada&%3Aredirect=%2Fcontent%2Fdemo%2Fus%2Fen%2Fcontact%2Fthank-you.html'
    const a = await request(render, 'POST', '/content/demo/us/en/contact.form.html', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
      chunks: [body]
    })
    expect(a.status).toBe(302)
    expect(a.headers.location).toBe('/content/demo/us/en/contact/thank-you.html')
  })

  it('does not redirect a form POST off the site', async () => {
    const body = '%3Aredirect=%2F%2Fevil.example%2F'
    const a = await request(render, 'POST', '/content/demo/us/en/contact.form.html', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
      chunks: [body]
    })
    expect(a.status).toBe(200)
    expect(a.headers.location).toBeUndefined()
  })

  it('refuses a POST anywhere else with 403 and other methods with 405', async () => {
    expect((await request(render, 'POST', HOME, { chunks: ['a=1'] })).status).toBe(403)
    const put = await request(render, 'PUT', HOME, { chunks: ['x'] })
    expect(put.status).toBe(405)
    expect(put.headers.allow).toBe('GET, HEAD, POST')
  })

  it('sends Dispatcher: no-cache with live-scores.html, whose content changes on every request', async () => {
    const a = await get(render, '/content/demo/us/en/live-scores.html')
    expect(a.status).toBe(200)
    expect(a.headers.dispatcher).toBe('no-cache')
    expect(a.headers['cache-control']).toBeUndefined()
    expect(text(a)).toMatch(/Blue \d – \d Orange/)
  })

  it('sets a visitor cookie on personalised.html for a new visitor and greets a returning one without setting it again', async () => {
    const first = await get(render, '/content/demo/us/en/personalised.html')
    const cookie = first.headers['set-cookie']?.[0] ?? ''
    expect(cookie).toMatch(/^demo-visitor=[a-f0-9]{16}; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(text(first)).toContain('Hello, new visitor!')
    const id = cookie.slice('demo-visitor='.length, cookie.indexOf(';'))
    const again = await get(render, '/content/demo/us/en/personalised.html', { Cookie: `other=1; demo-visitor=${id}` })
    expect(again.headers['set-cookie']).toBeUndefined()
    expect(text(again)).toContain(`Welcome back, visitor ${id}.`)
  })

  it('delays slow.html by slowMs without holding up other requests', async () => {
    const started = Date.now()
    const slow = get(render, '/content/demo/us/en/slow.html')
    const fast = await get(render, HOME)
    expect(Date.now() - started).toBeLessThan(SLOW_MS)
    expect(fast.status).toBe(200)
    const a = await slow
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 5)
    expect(a.status).toBe(200)
    expect(text(a)).toContain(`The render waited ${SLOW_MS} ms`)
  })

  it('answers broken.html with a 500 error page', async () => {
    const a = await get(render, '/content/demo/us/en/broken.html')
    expect(a.status).toBe(500)
    expect(a.headers['content-type']).toBe('text/html;charset=utf-8')
    expect(text(a)).toContain('Cannot serve request to /content/demo/us/en/broken.html')
  })

  it('answers an unknown path with a Sling-style 404 page', async () => {
    const a = await get(render, '/content/demo/us/en/missing.html')
    expect(a.status).toBe(404)
    expect(a.headers['content-type']).toBe('text/html;charset=utf-8')
    expect(text(a)).toContain("Resource at '/content/demo/us/en/missing.html' not found: No resource found")
    expect((await get(render, '/content/demo/us/en')).status).toBe(404)
    expect((await get(render, '/apps/demo/components/page.html')).status).toBe(404)
  })

  it('escapes the requested path on the 404 page', async () => {
    const a = await get(render, '/content/%3Cscript%3Ealert(1)%3C%2Fscript%3E.html')
    expect(a.status).toBe(404)
    expect(text(a)).not.toContain('<script>')
    expect(text(a)).toContain('&#60;script&#62;')
  })

  it('lists the vanity paths one per line and serves each of them with its page', async () => {
    const list = await get(render, '/libs/granite/dispatcher/content/vanityUrls.html')
    expect(list.status).toBe(200)
    expect(text(list).split('\n').filter(Boolean)).toEqual(['/adventures', '/about-us'])
    const vanity = await get(render, '/adventures')
    expect(vanity.status).toBe(200)
    expect(text(vanity)).toContain('<h1>Adventures</h1>')
    expect(text(await get(render, '/about-us'))).toContain('<h1>About this site</h1>')
  })

  it('answers the AEMaaCS health probe /system/probes/health', async () => {
    const a = await get(render, '/system/probes/health')
    expect(a.status).toBe(200)
    expect(JSON.parse(text(a))).toMatchObject({ status: 'UP', port: render.port })
  })

  it('redirects / to the home page', async () => {
    const a = await get(render, '/')
    expect(a.status).toBe(302)
    expect(a.headers.location).toBe(HOME)
  })

  it('answers HEAD with the headers and Content-Length of GET and no body', async () => {
    for (const p of [HOME, '/content/dam/demo/logo.png', '/etc.clientlibs/demo/clientlibs/site.min.js', '/nowhere']) {
      const g = await get(render, p)
      const h = await request(render, 'HEAD', p)
      expect(h.status, p).toBe(g.status)
      expect(h.headers['content-type'], p).toBe(g.headers['content-type'])
      expect(h.headers['content-length'], p).toBe(String(g.body.length))
      expect(h.body.length, p).toBe(0)
    }
  })

  it('counts requests in total and by path (query string left out) until reset()', async () => {
    await get(render, HOME)
    await get(render, `${HOME}?utm_source=x`)
    await request(render, 'HEAD', '/content/dam/demo/logo.png')
    expect(render.stats()).toEqual({
      requests: 3,
      byPath: { [HOME]: 2, '/content/dam/demo/logo.png': 1 }
    })
    render.reset()
    expect(render.stats()).toEqual({ requests: 0, byPath: {} })
  })
})

describe('demo render lifecycle', () => {
  it('close() ends a slow answer still in progress instead of waiting for it', async () => {
    const render = await startDemoRender({ slowMs: 10_000 })
    const pending = get(render, '/content/demo/us/en/slow.html').then(
      () => 'answered',
      () => 'dropped'
    )
    await new Promise((r) => setTimeout(r, 50))
    const started = Date.now()
    await render.close()
    expect(await pending).toBe('dropped')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('binds to loopback only', async () => {
    await expect(startDemoRender({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/)
    const render = await startDemoRender()
    try {
      expect(render.url).toBe(`http://127.0.0.1:${render.port}`)
    } finally {
      await render.close()
    }
  })

  it('serves a site from another folder given as siteDir, and fails clearly on a folder without site.json', async () => {
    const render = await startDemoRender({ siteDir: demoSiteDir() })
    await render.close()
    await expect(startDemoRender({ siteDir: path.join(resourcesDir(), 'no-such-site') })).rejects.toMatchObject({
      code: 'DW_DEMO_SITE_INVALID'
    })
  })

  it('finds resources/ from the source tree, and DW_RESOURCES_DIR overrides it', () => {
    const saved = process.env.DW_RESOURCES_DIR
    try {
      delete process.env.DW_RESOURCES_DIR
      expect(demoSiteDir()).toBe(fileURLToPath(new URL('../../resources/demo-site', import.meta.url)))
      process.env.DW_RESOURCES_DIR = '/somewhere/else'
      expect(demoSiteDir()).toBe(path.resolve('/somewhere/else/demo-site'))
    } finally {
      if (saved === undefined) delete process.env.DW_RESOURCES_DIR
      else process.env.DW_RESOURCES_DIR = saved
    }
  })
})
