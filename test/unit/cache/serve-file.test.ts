import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { HotFiles } from '../../../src/main/engine/cache/hot-files'
import { contentTypeFor } from '../../../src/main/engine/cache/mime-types'
import { apacheETag, fileHeaders, httpDate, staticResponse } from '../../../src/main/engine/cache/serve-file'
import { cachedFileBody, cachedFileResponse } from '../../../src/main/engine/cache/serve-hit'
import { tempDir } from './helpers'

const now = 1_700_000_100_000
const file = { relPath: '/content/site/en.html', size: 2048, mtime: 1_700_000_000_000 }
const get = (headers: Record<string, string> = {}, method = 'GET') => ({ method, headers })

describe('content types as Apache mod_mime with the stock mime.types assigns them', () => {
  it('maps the usual web extensions', () => {
    const expected: Record<string, string> = {
      'a.html': 'text/html',
      'a.css': 'text/css',
      'a.js': 'application/javascript',
      'a.json': 'application/json',
      'a.xml': 'application/xml',
      'a.svg': 'image/svg+xml',
      'a.png': 'image/png',
      'a.jpg': 'image/jpeg',
      'a.ico': 'image/x-icon',
      'a.woff2': 'font/woff2',
      'a.mp4': 'video/mp4',
      'a.pdf': 'application/pdf',
      'a.txt': 'text/plain'
    }
    for (const [name, type] of Object.entries(expected)) expect(contentTypeFor(name), name).toBe(type)
  })

  it('every extension counts and the last known one wins; case is ignored; unknown gives none', () => {
    expect(contentTypeFor('/content/page.model.json')).toBe('application/json')
    expect(contentTypeFor('/etc.clientlibs/site/clientlib.min.css')).toBe('text/css')
    expect(contentTypeFor('/a.JSON')).toBe('application/json')
    expect(contentTypeFor('/a.html.unknownext')).toBe('text/html')
    expect(contentTypeFor('/a.unknownext')).toBeUndefined()
  })
})

describe('a cache hit answered like Apache static files (§5.8)', () => {
  it('sends type, length, Last-Modified from the mtime, a MTime-Size ETag and Accept-Ranges', () => {
    const r = staticResponse(file, get(), [], { now })
    expect(r.status).toBe(200)
    expect(r.body).toBe('full')
    expect(r.headers).toEqual({
      'Content-Type': 'text/html',
      'Last-Modified': 'Tue, 14 Nov 2023 22:13:20 GMT',
      'Accept-Ranges': 'bytes',
      ETag: `"800-${(file.mtime * 1000).toString(16)}"`,
      'Content-Length': '2048'
    })
  })

  it('the ETag is weak while the file is less than a second old', () => {
    expect(apacheETag(10, now - 500, now)).toMatch(/^W\//)
    expect(apacheETag(10, now - 1500, now)).toMatch(/^"/)
  })

  it("stored /headers override what the file gives (Content-Type) but Apache's own ETag wins unless FileETag none", () => {
    const stored: [string, string][] = [
      ['Content-Type', 'text/html;charset=utf-8'],
      ['ETag', '"aem-etag"'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2']
    ]
    const h = fileHeaders(file, stored, { now })
    expect(h['Content-Type']).toBe('text/html;charset=utf-8')
    expect(h.ETag).toMatch(/^"800-/)
    expect(h['Set-Cookie']).toEqual(['a=1', 'b=2'])
    expect(fileHeaders(file, stored, { now, fileETag: 'none' }).ETag).toBe('"aem-etag"')
  })

  it('If-None-Match with the ETag gives 304 with every header of the 200 but Content-Type and Content-Length (httpd 2.4.71)', () => {
    const etag = apacheETag(file.size, file.mtime, now)
    const stored: [string, string][] = [
      ['Cache-Control', 'max-age=60'],
      ['X-Frame-Options', 'SAMEORIGIN']
    ]
    const r = staticResponse(file, get({ 'if-none-match': `"other", ${etag}` }), stored, { now })
    expect(r.status).toBe(304)
    expect(r.body).toBe('none')
    expect(r.headers).toEqual({
      ETag: etag,
      'Last-Modified': httpDate(file.mtime),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'max-age=60',
      'X-Frame-Options': 'SAMEORIGIN'
    })
  })

  it('If-Modified-Since at or after the mtime gives 304; before it gives 200; If-None-Match takes precedence', () => {
    expect(staticResponse(file, get({ 'if-modified-since': httpDate(file.mtime) }), [], { now }).status).toBe(304)
    expect(staticResponse(file, get({ 'if-modified-since': httpDate(file.mtime - 5000) }), [], { now }).status).toBe(
      200
    )
    expect(
      staticResponse(file, get({ 'if-modified-since': httpDate(file.mtime), 'if-none-match': '"x"' }), [], { now })
        .status
    ).toBe(200)
  })

  it('a single Range gives 206 with Content-Range; an unsatisfiable one 416; several ranges multipart/byteranges', () => {
    const r = staticResponse(file, get({ range: 'bytes=100-199' }), [], { now })
    expect(r).toMatchObject({ status: 206, body: 'range', range: { start: 100, end: 199 } })
    expect(r.headers['Content-Range']).toBe('bytes 100-199/2048')
    expect(r.headers['Content-Length']).toBe('100')
    expect(staticResponse(file, get({ range: 'bytes=-48' }), [], { now }).range).toEqual({ start: 2000, end: 2047 })
    expect(staticResponse(file, get({ range: 'bytes=5000-' }), [], { now })).toMatchObject({
      status: 416,
      headers: { 'Content-Range': 'bytes */2048' }
    })
    const several = staticResponse(file, get({ range: 'bytes=0-1,5-6' }), [], { now })
    expect(several).toMatchObject({ status: 206, body: 'multipart' })
    expect(several.headers['Content-Type']).toMatch(/^multipart\/byteranges; boundary=[0-9a-f]+$/)
    expect(several.headers['Content-Length']).toBe(String(several.multipart!.length))
    expect(staticResponse(file, get({ range: 'bytes=0-1,5-6' }, 'HEAD'), [], { now })).toMatchObject({
      status: 206,
      body: 'none'
    })
    expect(staticResponse(file, get({ range: 'items=0-1' }), [], { now }).status).toBe(200)
    expect(staticResponse(file, get({ range: 'bytes=10-5' }), [], { now }).status).toBe(200)
  })

  it('If-Range with a different validator ignores the Range', () => {
    expect(staticResponse(file, get({ range: 'bytes=0-9', 'if-range': '"nope"' }), [], { now }).status).toBe(200)
    expect(
      staticResponse(file, get({ range: 'bytes=0-9', 'if-range': httpDate(file.mtime) }), [], { now }).status
    ).toBe(206)
  })

  it('HEAD gets the GET headers and no body', () => {
    const r = staticResponse(file, get({}, 'HEAD'), [], { now })
    expect(r).toMatchObject({ status: 200, body: 'none' })
    expect(r.headers['Content-Length']).toBe('2048')
  })
})

describe('hot files: small cache files served from memory', () => {
  function setup(windowMs = 50) {
    const dir = tempDir()
    const abs = path.join(dir, 'en.html')
    fs.writeFileSync(abs, 'hello world')
    fs.writeFileSync(abs + '.h', 'Content-Type: text/html;charset=utf-8\n')
    let mono = 0
    const hot = new HotFiles({ windowMs, monotonic: () => mono, maxFileBytes: 16 })
    return { abs, hot, tick: (ms: number) => (mono += ms) }
  }

  it('keeps the body and stored headers of a small file and serves a range from the buffer', () => {
    const { abs, hot } = setup()
    const found = hot.get(abs)
    if (found.kind !== 'file') throw new Error('not found')
    expect(found.file.body?.toString()).toBe('hello world')
    expect(found.file.stored).toEqual([['Content-Type', 'text/html;charset=utf-8']])
    const res = cachedFileResponse(found.file, '/en.html', get({ range: 'bytes=0-4' }), { now: Date.now() + 5000 })
    expect(cachedFileBody(found.file, res)?.toString()).toBe('hello')
  })

  it('trusts its copy inside the window and notices a change (mtime or size) after it', () => {
    const { abs, hot, tick } = setup()
    hot.get(abs)
    fs.writeFileSync(abs, 'changed content')
    tick(10)
    const inside = hot.get(abs)
    expect(inside.kind === 'file' && inside.file.body?.toString()).toBe('hello world')
    tick(50)
    const after = hot.get(abs)
    expect(after.kind === 'file' && after.file.body?.toString()).toBe('changed content')
  })

  it('does not keep bodies of files above the size limit, and reports folders and missing files', () => {
    const { abs, hot } = setup()
    fs.writeFileSync(abs, 'x'.repeat(100))
    const found = hot.get(abs)
    expect(found.kind === 'file' && found.file.body).toBeNull()
    expect(hot.get(path.dirname(abs)).kind).toBe('dir')
    expect(hot.get(abs + '.nope').kind).toBe('missing')
  })

  it('stays within its total budget', () => {
    const dir = tempDir()
    const hot = new HotFiles({ maxFileBytes: 100, maxTotalBytes: 250 })
    for (let i = 0; i < 10; i++) {
      fs.writeFileSync(path.join(dir, `f${i}.html`), 'y'.repeat(100))
      hot.get(path.join(dir, `f${i}.html`))
    }
    expect(hot.usage.bodyBytes).toBeLessThanOrEqual(250)
  })
})
