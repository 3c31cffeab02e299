/**
 * mod_dir in front of the Dispatcher: httpd runs its fixup for every request whose file is a
 * folder, `SetHandler dispatcher-handler` or not. Once the cache docroot holds a folder for a
 * URL (a page's children were cached), a classic vhost (DirectorySlash on, the default)
 * redirects the URL without its slash before any filter is consulted; the AEMaaCS baseline's
 * `DirectorySlash Off` lets it through; with the slash, a cached `index.html` answers.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'

type Trace = { stages: { stage: string; summary: string }[]; replayedFrom?: string }

const modDir = (t: Trace): string[] => t.stages.filter((s) => s.summary.startsWith('mod_dir')).map((s) => s.summary)

const filterLine = (t: Trace): string | undefined => t.stages.find((e) => e.stage === 'filter')?.summary

function cached(docroot: string, rel: string, body: string): void {
  const file = path.join(docroot, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, body)
}

const slashOn = '<Directory />\n    DirectorySlash On\n</Directory>'

describe('mod_dir before the dispatcher-handler', () => {
  it('DirectorySlash On: a URL whose cache folder exists is redirected (301, query kept) before the filters; a file beside it is not', async () => {
    const s = await embeddedSite(slashOn)
    cached(s.docroot, 'content/site/en/child.html', 'child')
    const r = await s.send('/content/site/en?x=1')
    expect(r.status).toBe(301)
    expect(r.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/content\/site\/en\/\?x=1$/)
    expect(modDir(r.trace)).toEqual([
      expect.stringMatching(
        /^mod_dir: .*\/content\/site\/en is a folder and the URL has no trailing slash: DirectorySlash On \(default\.vhost:\d+\) redirects \(301\) to http/
      )
    ])
    expect(r.trace.stages.some((e) => e.stage === 'filter')).toBe(false)
    // Any method: mod_dir does not look at it (only `redirect-carefully` does).
    const post = await s.send('/content/site/en', { method: 'POST', body: 'a=1' })
    expect(post.status).toBe(301)
    const page = await s.send('/content/site/en.html')
    expect(page.status).toBe(200)
    expect(modDir(page.trace)).toEqual([])
    expect(s.up.publish.count).toBe(1)
  })

  it('a folder that appears later is seen, replayed decision or not: at once when the cache made it, within ~50 ms when made behind its back', async () => {
    const s = await embeddedSite(slashOn)
    // With a query the page is fetched every time, never cached.
    const first = await s.send('/content/later/en.html?q=1')
    const second = await s.send('/content/later/en.html?q=1')
    expect([first.status, second.status]).toEqual([200, 200])
    expect(second.trace.replayedFrom).toBe(first.trace.id)
    // The Dispatcher caches a page below it: `en.html` is now a folder.
    const below = await s.send('/content/later/en.html/child.html')
    expect(below.trace.outcome).toBe('miss-stored')
    const third = await s.send('/content/later/en.html?q=1')
    expect(third.status).toBe(301)
    expect(third.headers.location).toMatch(/\/content\/later\/en\.html\/\?q=1$/)
    expect(third.trace.replayedFrom).toBeUndefined()
    // A folder made in a shell.
    expect((await s.send('/content/other.html?q=1')).status).toBe(200)
    cached(s.docroot, 'content/other.html/x.json', '{}')
    await new Promise((r) => setTimeout(r, 60))
    expect((await s.send('/content/other.html?q=1')).status).toBe(301)
  })

  it('a folder a flush removes is seen at once: the redirect stops', async () => {
    const s = await embeddedSite(slashOn)
    cached(s.docroot, 'content/site/en/child.html', 'child')
    expect((await s.send('/content/site/en?q=1')).status).toBe(301)
    const flush = await s.send('/dispatcher/invalidate.cache', {
      method: 'POST',
      headers: { 'cq-action': 'Delete', 'cq-handle': '/content/site/en' }
    })
    expect(flush.status).toBe(200)
    expect(fs.existsSync(path.join(s.docroot, 'content/site/en'))).toBe(false)
    const after = await s.send('/content/site/en?q=1')
    expect(after.status).not.toBe(301)
    expect(modDir(after.trace)).toEqual([])
  })

  it("the AEMaaCS baseline's DirectorySlash Off: the folder goes to the Dispatcher as it is, with the reason in the trace", async () => {
    const s = await embeddedSite()
    cached(s.docroot, 'content/site/en/child.html', 'child')
    const r = await s.send('/content/site/en')
    expect(r.status).not.toBe(301)
    // The folder URL goes to the Dispatcher, whose filters deny it.
    expect(r.status).toBe(404)
    expect(modDir(r.trace)).toEqual([
      expect.stringMatching(/DirectorySlash Off \(default\.vhost:\d+\): no redirect, the handler gets the folder$/)
    ])
    expect(r.trace.stages.some((e) => e.stage === 'filter')).toBe(true)
  })

  it('with the slash, a cached index.html answers: the Dispatcher serves /…/index.html from its cache (DispatcherUseProcessedURL On)', async () => {
    const s = await embeddedSite()
    cached(s.docroot, 'content/site/en/index.html', '<p>cached index</p>')
    const r = await s.send('/content/site/en/')
    expect(r.status).toBe(200)
    expect(r.text).toBe('<p>cached index</p>')
    expect(r.trace.outcome).toBe('hit')
    expect(modDir(r.trace)).toEqual([
      expect.stringMatching(
        /^mod_dir: DirectoryIndex index\.html, the default: index\.html answers for the folder \(internal redirect to \/content\/site\/en\/index\.html\)$/
      )
    ])
    expect(s.up.publish.count).toBe(0)
    // Without an index the Dispatcher gets the folder URL itself (which this farm's filters deny).
    cached(s.docroot, 'content/site/de/child.html', 'child')
    const none = await s.send('/content/site/de/')
    expect(filterLine(none.trace)).toMatch(/blocked 'GET \/content\/site\/de\/ HTTP\/1\.1'$/)
  })

  it('DirectoryCheckHandler On leaves the dispatcher-handler alone: no index lookup, yet the slash redirect stays', async () => {
    const s = await embeddedSite('<Directory />\n    DirectorySlash On\n    DirectoryCheckHandler On\n</Directory>')
    cached(s.docroot, 'content/site/en/index.html', 'never')
    const r = await s.send('/content/site/en/')
    expect(r.text).not.toBe('never')
    // No index lookup: the folder URL itself goes to the Dispatcher, whose filters deny it.
    expect(r.status).toBe(404)
    expect(modDir(r.trace)).toEqual([
      expect.stringMatching(/DirectoryCheckHandler On \(default\.vhost:\d+\) leaves it to the dispatcher-handler/)
    ])
    expect(filterLine(r.trace)).toMatch(/'GET \/content\/site\/en\/ HTTP\/1\.1'$/)
    expect((await s.send('/content/site/en')).status).toBe(301)
  })
})
