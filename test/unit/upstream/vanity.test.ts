import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Render } from '../../../src/shared/config-model'
import type { RenderGetResult } from '../../../src/main/engine/upstream/render-get'
import { VanityUrlList, type VanityOptions } from '../../../src/main/engine/upstream/vanity'
import {
  parseVanityList,
  readVanityFile,
  vanityFilePath,
  writeVanityFile
} from '../../../src/main/engine/upstream/vanity-file'
import { render, vanityConfig } from './helpers'

const URL = '/libs/granite/dispatcher/content/vanityUrls.html'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vanity-'))
})
afterEach(async () => {
  vi.useRealTimers()
  await rm(dir, { recursive: true, force: true })
})

/** Each render answers from its list of results in turn (the last one repeats). */
function fakeFetch(answers: Record<number, RenderGetResult[]>) {
  const calls: string[] = []
  const fetch = async (r: Render, url: string): Promise<RenderGetResult> => {
    calls.push(`${r.port.value}${url}`)
    const list = answers[r.port.value]
    return list[Math.min(list.length - 1, calls.filter((c) => c.startsWith(String(r.port.value))).length - 1)]
  }
  return { calls, fetch }
}

function list(opts: Partial<VanityOptions> & Pick<VanityOptions, 'fetch'>): { vanity: VanityUrlList; log: string[] } {
  const log: string[] = []
  const vanity = new VanityUrlList({
    config: vanityConfig({ file: { value: 'vanity_urls' } }),
    renders: [render('rend01', 4503)],
    baseDir: dir,
    log: (l) => log.push(l),
    ...opts
  })
  return { vanity, log }
}

const ok = (body: string): RenderGetResult => ({ kind: 'response', status: 200, body })

describe('vanity URL file location', () => {
  it('a relative /file is taken from the configuration folder', () => {
    expect(vanityFilePath('cache/vanity_urls', '/conf/dispatcher')).toBe(
      path.resolve('/conf/dispatcher/cache/vanity_urls')
    )
  })

  it('/tmp/vanity_urls stays in /tmp on POSIX and moves to the temp folder on Windows', () => {
    expect(vanityFilePath('/tmp/vanity_urls', '/conf', 'linux')).toBe('/tmp/vanity_urls')
    expect(vanityFilePath('/tmp/vanity_urls', '/conf', 'win32')).toBe(path.join(os.tmpdir(), 'vanity_urls'))
  })

  it('the list is one path per line; blank and other lines are ignored, duplicates dropped', () => {
    expect(parseVanityList('/aboutus\r\n\n  /contact  \n<html>\n/aboutus\n')).toEqual(['/aboutus', '/contact'])
  })
})

describe('loading the vanity URL list (§4.4)', () => {
  it('at start without a file: fetches from the render, stores the list for /file (in memory) and logs like the module', async () => {
    const f = fakeFetch({ 4503: [ok('/aboutus\n/contact\n')] })
    const { vanity, log } = list({ fetch: f.fetch })
    await vanity.start()
    vanity.stop()
    const file = path.join(dir, 'vanity_urls')
    expect(log).toEqual([
      'Checking vanity URLs',
      `Vanity URL file (${file}) not found, fetching...`,
      `Loaded 2 vanity URLs from file ${file}`
    ])
    expect(f.calls).toEqual([`4503${URL}`])
    expect(readVanityFile(file)?.urls).toEqual(['/aboutus', '/contact'])
    // Kept in memory: nothing is written outside the cache docroot.
    expect(fs.existsSync(file)).toBe(false)
  })

  it('a listed path is a vanity URL with or without a query; other paths are not', async () => {
    const { vanity } = list({ fetch: fakeFetch({ 4503: [ok('/aboutus\n')] }).fetch })
    await vanity.start()
    vanity.stop()
    expect(vanity.isVanity('/aboutus')).toBe(true)
    expect(vanity.isVanity('/aboutus?x=1')).toBe(true)
    expect(vanity.isVanity('/aboutus/more')).toBe(false)
    expect(vanity.isVanity('/AboutUs')).toBe(false)
  })

  it('a file younger than /delay is used as is, without asking the render', async () => {
    const file = path.join(dir, 'vanity_urls')
    writeVanityFile(file, ['/a', '/b', '/c'])
    const f = fakeFetch({ 4503: [ok('/x\n')] })
    const { vanity, log } = list({ fetch: f.fetch })
    await vanity.start()
    vanity.stop()
    expect(log).toEqual(['Checking vanity URLs', `Loaded 3 vanity URLs from file ${file}`])
    expect(f.calls).toEqual([])
    expect(vanity.urls).toEqual(['/a', '/b', '/c'])
  })

  it('an older file is loaded first, then replaced by a fresh fetch', async () => {
    const file = path.join(dir, 'vanity_urls')
    writeVanityFile(file, ['/old'], Date.now() - 3600_000)
    const f = fakeFetch({ 4503: [ok('/new\n')] })
    const { vanity } = list({ fetch: f.fetch })
    await vanity.start()
    vanity.stop()
    expect(f.calls).toHaveLength(1)
    expect(vanity.urls).toEqual(['/new'])
  })

  it('a render answering 404 logs the module line, and the next render is asked', async () => {
    const f = fakeFetch({ 4503: [{ kind: 'response', status: 404, body: '' }], 4504: [ok('/aboutus\n')] })
    const { vanity, log } = list({ fetch: f.fetch, renders: [render('rend01', 4503), render('rend02', 4504)] })
    await vanity.start()
    vanity.stop()
    expect(log).toContain(
      `Unable to fetch vanity URLs from 127.0.0.1:4503${URL}: remote server returned: HTTP/1.1 404 Not Found`
    )
    expect(vanity.isVanity('/aboutus')).toBe(true)
  })

  it('an unreachable render costs a log line; start-up completes with an empty list', async () => {
    const f = fakeFetch({ 4503: [{ kind: 'error', code: 'ECONNREFUSED', message: 'Connection refused' }] })
    const { vanity, log } = list({ fetch: f.fetch })
    await vanity.start()
    vanity.stop()
    expect(log).toContain(`Unable to fetch vanity URLs from 127.0.0.1:4503${URL}: Connection refused`)
    expect(vanity.urls).toEqual([])
  })

  it('a failed refresh keeps the list it had', async () => {
    const f = fakeFetch({ 4503: [ok('/aboutus\n'), { kind: 'response', status: 500, body: '' }] })
    const { vanity } = list({ fetch: f.fetch })
    await vanity.start()
    expect(await vanity.refresh()).toBe(false)
    vanity.stop()
    expect(vanity.isVanity('/aboutus')).toBe(true)
  })

  it('without /file the list lives in memory only', async () => {
    const f = fakeFetch({ 4503: [ok('/aboutus\n')] })
    const { vanity, log } = list({ fetch: f.fetch, config: vanityConfig() })
    await vanity.start()
    vanity.stop()
    expect(vanity.file).toBeNull()
    expect(log).toEqual(['Checking vanity URLs', `Loaded 1 vanity URLs from 127.0.0.1:4503${URL}`])
  })
})

describe('refresh every /delay seconds', () => {
  it('the list is fetched again every /delay seconds until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const f = fakeFetch({ 4503: [ok('/a\n'), ok('/a\n/b\n')] })
    const { vanity } = list({ fetch: f.fetch, config: vanityConfig({ delay: { value: 60 } }) })
    await vanity.start()
    expect(f.calls).toHaveLength(1)
    vi.advanceTimersByTime(60_000)
    await vi.waitFor(() => expect(vanity.urls).toEqual(['/a', '/b']))
    expect(f.calls).toHaveLength(2)
    vanity.stop()
    vi.advanceTimersByTime(600_000)
    expect(f.calls).toHaveLength(2)
  })

  it('with /loadOnStartup "0" nothing is fetched at start, only after /delay', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const f = fakeFetch({ 4503: [ok('/a\n')] })
    const { vanity, log } = list({
      fetch: f.fetch,
      config: vanityConfig({ delay: { value: 30 }, loadOnStartup: { value: false } })
    })
    await vanity.start()
    expect(f.calls).toEqual([])
    expect(log).toEqual([])
    vi.advanceTimersByTime(30_000)
    await vi.waitFor(() => expect(vanity.isVanity('/a')).toBe(true))
    vanity.stop()
  })

  it('overlapping refreshes share one fetch', async () => {
    const f = fakeFetch({ 4503: [ok('/a\n')] })
    const { vanity } = list({ fetch: f.fetch, config: vanityConfig() })
    await Promise.all([vanity.refresh(), vanity.refresh()])
    expect(f.calls).toHaveLength(1)
  })
})

describe('what stands for /file', () => {
  it('a list a file on disk holds is not read: another Dispatcher’s /tmp/vanity_urls never stands in', async () => {
    const file = path.join(dir, 'vanity_urls')
    fs.writeFileSync(file, '/from-disk\n')
    const f = fakeFetch({ 4503: [ok('/fetched\n')] })
    const { vanity } = list({ fetch: f.fetch })
    await vanity.start()
    vanity.stop()
    expect(f.calls).toHaveLength(1)
    expect(vanity.urls).toEqual(['/fetched'])
    expect(fs.readFileSync(file, 'utf8')).toBe('/from-disk\n')
  })
})
