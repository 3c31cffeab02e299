/**
 * The cache under concurrency (issue 4 item 7; dispatcher-behavior.md §5.2, §5.5.3): many
 * simultaneous misses for one URL, a flush landing while a response is still being written,
 * clients that go away mid-download, and a restart (the cache is the docroot on disk).
 */
import fs from 'node:fs'
import http from 'node:http'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openTempCount } from '../../src/main/engine/cache'
import {
  cacheStackForThisTest,
  configC,
  statfilesIn,
  tempDocroot,
  withCacheHelpers,
  type CacheStack
} from './support/cache'
import { writeConfig } from './support/config'
import { stackForThisTest, startStack } from './support/engine'
import { startGatedRender, type GatedRender } from './support/gated-render'
import { patternBuffer, startUpstream } from './support/upstream'

const A = '/content/site/en/a.html'

/** Until no cache write is open in this process (every commit or abort has finished). */
async function writesSettled(timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (openTempCount() > 0) {
    if (Date.now() > deadline) throw new Error(`${openTempCount()} cache write(s) still open after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
  // The rename or the discard happens right after the temp file is closed.
  await new Promise((r) => setTimeout(r, 20))
}

async function gatedStack(head: number, tail: number): Promise<{ s: CacheStack; render: GatedRender; body: Buffer }> {
  const body = patternBuffer(0, head + tail)
  const render = await startGatedRender({ [A]: { head: body.subarray(0, head), tail: body.subarray(head) } })
  onTestFinished(() => render.close())
  const docroot = tempDocroot()
  const stack = await stackForThisTest({ any: configC(render.port, docroot) })
  return { s: withCacheHelpers(stack, docroot), render, body }
}

describe('simultaneous misses', () => {
  it('20 simultaneous misses for one URL all get the whole body and leave one intact file, no temporary files', async () => {
    const s = await cacheStackForThisTest()
    const size = 300 * 1024
    s.up.publish.behave(A, { bodyBytes: size, delayMs: 30 })
    const expected = patternBuffer(0, size)
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.get(A)))
    for (const a of answers) {
      expect(a.status).toBe(200)
      expect(a.body.equals(expected)).toBe(true)
    }
    await writesSettled()
    expect(fs.readFileSync(s.abs(A)).equals(expected)).toBe(true)
    expect(s.temps()).toEqual([])
    expect(s.up.publish.count).toBeGreaterThanOrEqual(1)
    expect(s.up.publish.count).toBeLessThanOrEqual(20)
    const hit = await s.get(A)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(hit.body.equals(expected)).toBe(true)
  })

  it('while a stale file is being fetched again, simultaneous requests get the stale copy (§5.5.3)', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(A, { body: 'old' })
    await s.prime(A)
    await new Promise((r) => setTimeout(r, 5))
    await s.flush({ handle: '/content/site/en/page' })
    s.up.publish.behave(A, { body: 'new', delayMs: 300 })
    const refetch = s.get(A)
    await new Promise((r) => setTimeout(r, 50))
    const others = await Promise.all(Array.from({ length: 5 }, () => s.get(A)))
    for (const o of others) {
      expect(o.text).toBe('old')
      // Delivered from the cache, not cached by this request: the header must not say "caching".
      expect(o.headers['x-cache-info']).toBe(
        'x-workbench: target file cached (stale, being fetched again by another request)'
      )
    }
    const first = await refetch
    expect(first.text).toBe('new')
    expect(first.headers['x-cache-info']).toBe('caching: stat file is more recent')
    expect(s.up.publish.count).toBe(2)
  })
})

describe('a flush while a response is being written', () => {
  it('an Activate touching the governing .stat mid-body leaves the file not fresh: the next request goes to the render', async () => {
    const { s, render, body } = await gatedStack(64 * 1024, 64 * 1024)
    const pending = s.get(A)
    await render.firstPartSent(A)
    await new Promise((r) => setTimeout(r, 30))
    expect((await s.flush({ handle: '/content/site/en/page' })).status).toBe(200)
    render.open(A)
    const a = await pending
    expect(a.body.equals(body)).toBe(true)
    await writesSettled()
    expect(s.temps()).toEqual([])
    const next = await s.get(A)
    expect(next.headers['x-cache-info']).not.toBe('target file cached')
    expect(render.count).toBe(2)
  })

  it('a ResourceOnly flush deleting the page mid-body does not let the old response reappear as a fresh file', async () => {
    const { s, render } = await gatedStack(64 * 1024, 64 * 1024)
    const pending = s.get(A)
    await render.firstPartSent(A)
    await new Promise((r) => setTimeout(r, 30))
    expect((await s.flush({ handle: '/content/site/en/a', scope: 'ResourceOnly' })).status).toBe(200)
    expect(statfilesIn(s.docroot)).toEqual([])
    render.open(A)
    await pending
    await writesSettled()
    const next = await s.get(A)
    expect(next.headers['x-cache-info']).not.toBe('target file cached')
    expect(render.count).toBe(2)
  })

  it('a .stat touched by another process mid-body (a flush the workbench did not see) also leaves the file not fresh', async () => {
    const { s, render } = await gatedStack(64 * 1024, 64 * 1024)
    const pending = s.get(A)
    await render.firstPartSent(A)
    await new Promise((r) => setTimeout(r, 30))
    fs.mkdirSync(s.abs('/content/site/en'), { recursive: true })
    fs.writeFileSync(s.abs('/content/site/en/.stat'), '')
    render.open(A)
    await pending
    await writesSettled()
    await new Promise((r) => setTimeout(r, 100))
    const next = await s.get(A)
    expect(next.headers['x-cache-info']).not.toBe('target file cached')
    expect(render.count).toBe(2)
  })
})

describe('clients that go away', () => {
  it('a client that aborts mid-download leaves no temporary file behind', async () => {
    const { s, render } = await gatedStack(64 * 1024, 1024 * 1024)
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: s.port, path: A, agent: false }, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.on('error', (e) =>
        e.message.includes('aborted') || e.message.includes('socket hang up') ? resolve() : reject(e)
      )
    })
    await new Promise((r) => setTimeout(r, 50))
    render.open(A)
    await writesSettled()
    expect(s.temps()).toEqual([])
    if (s.exists(A)) expect(fs.statSync(s.abs(A)).size).toBe(64 * 1024 + 1024 * 1024)
  })

  it('a client that aborts a large streamed miss leaves no temporary file behind', async () => {
    const s = await cacheStackForThisTest()
    s.up.publish.behave(A, { bodyBytes: 32 * 1024 * 1024 })
    await new Promise<void>((resolve) => {
      let got = 0
      const req = http.get({ host: '127.0.0.1', port: s.port, path: A, agent: false }, (res) => {
        res.on('data', (c: Buffer) => {
          got += c.length
          if (got > 256 * 1024) {
            req.destroy()
            resolve()
          }
        })
      })
      req.on('error', () => resolve())
    })
    await writesSettled(5000)
    expect(s.temps()).toEqual([])
  })
})

describe('restart', () => {
  it('the cache survives an engine restart: a new Engine on the same configuration answers from the files on disk', async () => {
    const up = await startUpstream('publish')
    onTestFinished(() => up.close())
    const docroot = tempDocroot()
    const config = writeConfig(configC(up.port, docroot))
    onTestFinished(() => config.remove())
    const first = withCacheHelpers(await startStack({ configDir: config.dir }), docroot)
    await first.prime('/content/site/fr/b.html')
    await first.flush({ handle: '/content/site/fr/page' })
    await first.prime(A)
    await first.stop()
    const second = withCacheHelpers(await startStack({ configDir: config.dir }), docroot)
    onTestFinished(() => second.stop())
    const before = up.count
    const hit = await second.get(A)
    expect(hit.headers['x-cache-info']).toBe('target file cached')
    expect(up.count).toBe(before)
    // The .stat written before the restart still governs the files cached before it.
    const stale = await second.get('/content/site/fr/b.html')
    expect(stale.headers['x-cache-info']).toBe('caching: stat file is more recent')
    expect(up.count).toBe(before + 1)
  })
})
