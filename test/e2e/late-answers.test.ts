/**
 * The UI shows the answers to its newest questions only: an answer the engine gives late (held
 * back here with `page.route`) must not replace what the view shows now. In the cache view: one
 * for a farm no longer chosen, a listing asked before the last Refresh, the "Show in folder" of a
 * file left for another, and a flush's report beside choices changed while it was sent. On the
 * configuration screen: a reload's answer overtaken by a reload the file watcher made meanwhile,
 * and a folder refused after the field was edited. In the request log: a Replay's answer after
 * another request was opened. When the page connects: the renders it asks for, overtaken by a
 * renders event.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { APIResponse, Browser, Page, Request, Route } from 'playwright-core'
import type { RenderHealth } from '../../src/shared/api'
import { attrOf, launch, openUi, textOf, type UiPage } from './support/browser'
import { get, prepareBuilds, serve, type Served } from './support/serve'

const POLL = { timeout: 8000, interval: 50 }

let served: Served
let browser: Browser
let ui: UiPage
/** The second farm's docroot: three files, where the demo farm's starts empty. */
let otherDocroot: string

beforeAll(async () => {
  await prepareBuilds()
  served = await serve()
  otherDocroot = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-other-docroot-'))
  for (const name of ['a.html', 'b.html', 'c.html']) fs.writeFileSync(path.join(otherDocroot, name), name)
  const farms = path.join(served.configDir, 'conf.dispatcher.d/enabled_farms')
  fs.writeFileSync(
    path.join(farms, 'aa-other.farm'),
    fs
      .readFileSync(path.join(farms, 'default.farm'), 'utf8')
      .replace('/publishfarm {', '/otherfarm {')
      .replace('$include "../virtualhosts/virtualhosts.any"', '"other.example"')
      .replace('/docroot "${DOCROOT}"', `/docroot "${otherDocroot}"`)
  )
  browser = await launch()
  ui = await openUi(browser, served.ui)
  await ui.page.locator('[data-tab="cache"]').click()
  // The configuration with both farms is the one in use once the Farm menu offers the second.
  await ui.page
    .locator('select[aria-label="Farm"] option[value="otherfarm"]')
    .waitFor({ state: 'attached', timeout: POLL.timeout })
})

// A test that fails with a dialog open would otherwise fail every later one at its first click.
afterEach(async () => {
  if (await ui.page.locator('dialog[open]').count()) await ui.page.keyboard.press('Escape')
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  fs.rmSync(otherDocroot, { recursive: true, force: true })
})

const counts = () => textOf(ui.page.locator('.cache-view .counts'))
const treeRow = (relPath: string) => ui.page.locator(`.tree .row[data-path="${relPath}"]`)
const chooseFarm = (name: string) => ui.page.getByLabel('Farm').selectOption(name)

/**
 * Holds back the engine's answer to the first request `matches` accepts: the engine answers it
 * at once (`answered`: the answer says what was true then), the page gets it on `release()`.
 * Later requests pass.
 */
async function holdFirst(
  matches: (url: URL) => boolean,
  page: Page = ui.page
): Promise<{ answered: Promise<APIResponse>; release(): Promise<void> }> {
  let heldRequest: Request | undefined
  let answeredNow: (answer: APIResponse) => void = () => undefined
  const answered = new Promise<APIResponse>((r) => (answeredNow = r))
  let releaseNow: () => void = () => undefined
  const released = new Promise<void>((r) => (releaseNow = r))
  const handler = async (route: Route): Promise<void> => {
    if (heldRequest) return route.continue()
    heldRequest = route.request()
    const answer = await route.fetch()
    answeredNow(answer)
    await released
    await route.fulfill({ response: answer })
  }
  await page.route(matches, handler)
  return {
    answered,
    async release() {
      await answered
      const finished = page.waitForEvent('requestfinished', (r) => r === heldRequest)
      releaseNow()
      await finished
      await page.unroute(matches, handler)
      // The page reads the body and applies it a few tasks after the request has finished.
      await new Promise((r) => setTimeout(r, 300))
    }
  }
}

const isTotals = (url: URL) => url.pathname === '/api/cache/totals'
const isRootListing = (url: URL) => url.pathname === '/api/cache/folder' && url.searchParams.get('path') === '/'

describe('late answers in the cache view', () => {
  it("the totals of a farm no longer chosen, arriving last, are not shown as the chosen farm's", async () => {
    await chooseFarm('publishfarm')
    await expect.poll(counts, POLL).toMatch(/^0 files /)
    const other = await holdFirst((url) => isTotals(url) && url.searchParams.get('farm') === 'otherfarm')
    await chooseFarm('otherfarm')
    await chooseFarm('publishfarm')
    await expect.poll(counts, POLL).toMatch(/^0 files /)
    await other.release()
    expect(await counts()).toMatch(/^0 files /)
    // The other farm's totals, asked again, are its own.
    await chooseFarm('otherfarm')
    await expect.poll(counts, POLL).toMatch(/^3 files /)
  })

  it('a listing and totals asked before the last Refresh do not replace the newer ones', async () => {
    await chooseFarm('otherfarm')
    await treeRow('/c.html').waitFor()
    const listing = await holdFirst(isRootListing)
    const totals = await holdFirst(isTotals)
    const refresh = ui.page.getByRole('button', { name: 'Refresh' })
    await refresh.click()
    await Promise.all([listing.answered, totals.answered])
    fs.writeFileSync(path.join(otherDocroot, 'd.html'), 'd.html')
    try {
      await refresh.click()
      await treeRow('/d.html').waitFor()
      await expect.poll(counts, POLL).toMatch(/^4 files /)
      await listing.release()
      await totals.release()
      expect(await treeRow('/d.html').count()).toBe(1)
      expect(await counts()).toMatch(/^4 files /)
    } finally {
      fs.rmSync(path.join(otherDocroot, 'd.html'))
    }
  })

  it('"Show in folder" on one file, then another: the first answer, coming last, does not name its file', async () => {
    await chooseFarm('otherfarm')
    const isReveal = (url: URL) => url.pathname === '/api/cache/reveal'
    let releaseNow: () => void = () => undefined
    const released = new Promise<void>((r) => (releaseNow = r))
    // Answered here, as a machine with no file manager answers: the engine's own launcher would
    // open one where there is.
    const answer = async (route: Route): Promise<void> => {
      const { path: relPath } = route.request().postDataJSON() as { path: string }
      if (relPath === '/a.html') await released
      await route.fulfill({
        json: { opened: false, reason: 'no file manager in this test', path: path.join(otherDocroot, relPath) }
      })
    }
    await ui.page.route(isReveal, answer)
    try {
      for (const relPath of ['/a.html', '/b.html']) {
        const row = treeRow(relPath)
        await row.hover()
        await row.getByRole('button', { name: 'Show in folder' }).click()
      }
      const shown = () => textOf(ui.page.locator('.cache-view .reveal-notice .reveal-path'))
      await expect.poll(shown, POLL).toBe(path.join(otherDocroot, 'b.html'))
      const first = ui.page.waitForEvent('requestfinished', (r) => isReveal(new URL(r.url())))
      releaseNow()
      await first
      // The page reads the answer and acts on it a few tasks after the request has finished.
      await new Promise((r) => setTimeout(r, 300))
      expect(await shown()).toBe(path.join(otherDocroot, 'b.html'))
    } finally {
      releaseNow()
      await ui.page.unroute(isReveal, answer)
    }
    await ui.page.locator('.cache-view .reveal-notice').getByRole('button', { name: 'Dismiss' }).click()
  })

  it('while a flush is on its way its choices stay as sent, so its report stands beside the choices it used', async () => {
    await chooseFarm('publishfarm')
    await ui.page.getByRole('button', { name: 'Flush / (root handle)…' }).click()
    const dialog = ui.page.locator('dialog.dialog')
    const send = dialog.getByRole('button', { name: 'Flush', exact: true })
    await expect.poll(() => send.isEnabled(), POLL).toBe(true)
    let releaseNow: () => void = () => undefined
    const released = new Promise<void>((r) => (releaseNow = r))
    const isFlush = (url: URL) => url.pathname === '/api/cache/flush'
    const hold = async (route: Route): Promise<void> => {
      await released
      await route.continue()
    }
    await ui.page.route(isFlush, hold)
    try {
      await send.click()
      expect(await dialog.locator('input[name="action"][value="Delete"]').isDisabled()).toBe(true)
      expect(await dialog.getByRole('checkbox', { name: /Resource only/ }).isDisabled()).toBe(true)
    } finally {
      releaseNow()
    }
    await expect
      .poll(() => textOf(dialog.locator('.flush-preview p').first()), POLL)
      .toMatch(/^Done: HTTP 200\. Activate \/: /)
    await ui.page.unroute(isFlush, hold)
    expect(await dialog.locator('input[name="action"][value="Activate"]').isChecked()).toBe(true)
    await dialog.getByRole('button', { name: 'Close' }).click()
  })
})

describe('late answers on the configuration screen', () => {
  it("a Reload's answer that comes after the file watcher's next reload does not put the older generation back", async () => {
    await ui.page.locator('[data-tab="config"]').click()
    const reloadState = () => textOf(ui.page.locator('.reload-state'))
    await expect.poll(reloadState, POLL).toMatch(/^loaded .* generation \d+$/)
    const generation = Number(/generation (\d+)$/.exec((await reloadState()) ?? '')?.[1])
    const reload = await holdFirst((url) => url.pathname === '/api/config/reload')
    await ui.page.getByRole('button', { name: 'Reload', exact: true }).click()
    await reload.answered
    await expect.poll(reloadState, POLL).toMatch(new RegExp(`generation ${generation + 1}$`))
    const filters = path.join(served.configDir, 'conf.dispatcher.d/filters/filters.any')
    fs.appendFileSync(filters, '\n# touched by late-answers.test.ts\n')
    await expect.poll(reloadState, POLL).toMatch(new RegExp(`generation ${generation + 2}$`))
    await reload.release()
    expect(await reloadState()).toMatch(new RegExp(`generation ${generation + 2}$`))
  })

  it('a folder that cannot be opened, answered after the field was edited, is not told beside the new path', async () => {
    const input = ui.page.getByLabel('Configuration folder')
    const missing = path.join(otherDocroot, 'no-config-here')
    const opening = await holdFirst((url) => url.pathname === '/api/config/open')
    await input.fill(missing)
    await ui.page.getByRole('button', { name: 'Open', exact: true }).click()
    await opening.answered
    await input.fill(served.configDir)
    await opening.release()
    expect(await ui.page.locator('.open-error').count()).toBe(0)
    expect(await attrOf(input, 'aria-invalid')).toBe('false')
    // Asked again, the same path is refused beside it, as before.
    await input.fill(missing)
    await ui.page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect.poll(() => textOf(ui.page.locator('.open-error')), POLL).toBe(`${missing}: no such file or folder`)
    await input.fill('')
  })
})

describe('late answers in the request log', () => {
  it('a Replay whose answer comes after another request was opened leaves that one open', async () => {
    for (const target of ['/content/demo/us/en/adventures.html?replay=1', '/content/demo/us/en.json?other=1'])
      await get(served.proxy, target)
    await ui.page.locator('[data-tab="requests"]').click()
    const rows = ui.page.locator('.rows .row')
    /** Clicks the row and waits for its own trace in the detail; its id. */
    const open = async (text: string): Promise<string> => {
      const row = rows.filter({ hasText: text })
      await row.click()
      const id = (await row.getAttribute('data-id'))!
      await expect.poll(() => attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id'), POLL).toBe(id)
      return id
    }
    await open('replay=1')
    const before = await rows.count()
    let releaseNow: () => void = () => undefined
    const released = new Promise<void>((r) => (releaseNow = r))
    const isReplay = (url: URL) => /^\/api\/traces\/[^/]+\/replay$/.test(url.pathname)
    const hold = async (route: Route): Promise<void> => {
      await released
      await route.continue()
    }
    await ui.page.route(isReplay, hold)
    await ui.page.locator('.overview-actions button', { hasText: 'Replay' }).click()
    const other = await open('other=1')
    const replayed = ui.page.waitForEvent('requestfinished', (r) => isReplay(new URL(r.url())))
    releaseNow()
    await replayed
    await ui.page.unroute(isReplay, hold)
    await expect.poll(() => rows.count(), POLL).toBe(before + 1)
    // The page reads the answer and acts on it a few tasks after the request has finished.
    await new Promise((r) => setTimeout(r, 300))
    expect(await attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id')).toBe(other)
    expect(await attrOf(ui.page.locator('.rows .row.selected'), 'data-id')).toBe(other)
  })
})

describe('late answers when the page connects', () => {
  it("the renders the catch-up asked for, overtaken by a renders event, do not replace the event's", async () => {
    const page = await ui.context.newPage()
    try {
      const renders = await holdFirst((url) => url.pathname === '/api/renders', page)
      await page.goto(served.ui)
      await page.locator('.conn-open').waitFor({ timeout: 10_000 })
      const asked = ((await (await renders.answered).json()) as RenderHealth[]).find(
        (r) => r.farm === 'publishfarm' && r.render === '0'
      )!.requests
      // Forwarded (a query string is never cached), so counted; the event follows within a second.
      for (const n of [1, 2]) expect(await get(served.proxy, `/content/demo/us/en.html?catch-up=${n}`)).toBe(200)
      await page.locator('[data-tab="renders"]').click()
      const row = page.locator('.renders-view tr[data-render="0"]', { hasText: '/publishfarm' })
      const requests = () => textOf(row.locator('td[data-col="requests"]'))
      await expect.poll(requests, POLL).toBe(String(asked + 2))
      await renders.release()
      expect(await requests()).toBe(String(asked + 2))
    } finally {
      await page.close()
    }
  })
})

describe('the page', () => {
  it('logged no errors', () => {
    expect(ui.errors).toEqual([])
  })
})
