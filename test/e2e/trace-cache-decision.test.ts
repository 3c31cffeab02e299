/**
 * The trace's Cache tab says what the request was decided on (dispatcher-behavior.md §5.5): a
 * page delivered within /gracePeriod after a flush shows the copy it got, its .stat and when the
 * grace period ended, as read then; the docroot as it is now (a later request stored a new copy)
 * is shown apart, labelled as now.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { attrOf, launch, openUi, textOf, type UiPage } from './support/browser'
import { get, prepareBuilds, serve, type Served } from './support/serve'

let served: Served
let browser: Browser
let ui: UiPage

const POLL = { timeout: 5000, interval: 50 }
const PAGE = '/content/demo/us/en/about.html'

beforeAll(async () => {
  await prepareBuilds()
  served = await serve()
  browser = await launch()
  ui = await openUi(browser, served.ui)
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

/** An Activate of `handle` as the flush agent sends it (§7.1). */
function activate(handle: string): Promise<number> {
  const u = new URL(served.proxy)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: '/dispatcher/invalidate.cache',
        headers: { 'CQ-Action': 'Activate', 'CQ-Handle': handle, 'Content-Length': '0' },
        agent: false
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

it('a page delivered within the grace period shows the copy, .stat and grace end it was decided on, and the file as it is now apart', async () => {
  const file = path.join(served.docroot, PAGE)
  expect(await get(served.proxy, PAGE)).toBe(200)
  await expect.poll(() => fs.existsSync(file), POLL).toBe(true)
  const storedAt = new Date(Math.round(fs.statSync(file).mtimeMs)).toISOString()
  await new Promise((r) => setTimeout(r, 5))
  // A sibling's flush touches the .stat the page is judged by (default farm: /statfileslevel "2").
  expect(await activate('/content/demo/us/en/zz')).toBe(200)
  const flushedAt = Date.now()
  expect(await get(served.proxy, PAGE)).toBe(200)
  // After the default /gracePeriod "2" the next request stores a new copy.
  await new Promise((r) => setTimeout(r, Math.max(0, flushedAt + 2000 - Date.now()) + 200))
  expect(await get(served.proxy, PAGE)).toBe(200)
  await expect.poll(() => new Date(Math.round(fs.statSync(file).mtimeMs)).toISOString(), POLL).not.toBe(storedAt)

  const rows = ui.page.locator('.rows .row', { hasText: PAGE })
  await expect.poll(() => rows.count(), POLL).toBe(3)
  await rows.nth(1).click()
  const id = await attrOf(rows.nth(1), 'data-id')
  await expect.poll(() => attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id'), POLL).toBe(id)
  await ui.page.locator('.subtab', { hasText: 'Cache' }).click()

  const decided = ui.page.locator('[data-testid=cache-decided]')
  await expect.poll(() => textOf(decided.locator('h4')), POLL).toMatch(/^When the request was decided/)
  expect(await textOf(decided.locator('.pill'))).toBe('grace')
  expect(await attrOf(decided.locator('dt:text-is("cached at") + dd time'), 'datetime')).toBe(storedAt)
  expect(await textOf(decided.locator('dt:text-is("governing .stat") + dd'))).toMatch(
    /^\/content\/demo\/\.stat \(touched .+, after the file was stored\)$/
  )
  expect(await textOf(decided.locator('dt:text-is("grace period") + dd'))).toMatch(/^ends .+ \(not over then\)$/)

  const now = ui.page.locator('[data-testid=cache-now]')
  await expect.poll(() => textOf(now.locator('.pill')), POLL).toBe('fresh')
  expect(await textOf(now.locator('h4'))).toMatch(/^Now/)
  expect(await attrOf(now.locator('dt:text-is("cached at") + dd time'), 'datetime')).not.toBe(storedAt)
})
