/**
 * What the page as a whole must get right, in headless Chromium against `serve --demo`: it
 * loads without a failed request (its icon included), the log's toolbar stays on one line at
 * common window widths, times read in the viewer's time zone, with the exact moment in a
 * tooltip, and the trace's outcome pill fits its column.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { attrOf, launch, openUi, screenshot, textOf, type UiPage } from './support/browser'
import { get, prepareBuilds, serve, type Served } from './support/serve'

let served: Served
let browser: Browser

const POLL = { timeout: 5000, interval: 50 }

beforeAll(async () => {
  await prepareBuilds()
  served = await serve()
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

describe('the page', () => {
  it('loads its icon: no request fails, the favicon included', async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      const failed: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') failed.push(`${m.text()} ${m.location().url}`)
      })
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`)
      })
      await page.goto(served.ui)
      await page.locator('.conn-open').waitFor({ timeout: 10_000 })
      expect(await page.locator('link[rel="icon"]').count()).toBe(1)
      const href = await page.locator('link[rel="icon"]').getAttribute('href')
      const icon = await page.request.get(new URL(href!, page.url()).href)
      expect([icon.status(), icon.headers()['content-type']]).toEqual([200, 'image/svg+xml'])
      // The browser asks for the icon after the page loaded.
      await page.waitForTimeout(500)
      expect(failed).toEqual([])
    } finally {
      await context.close()
    }
  })
})

describe('the request log toolbar', () => {
  let ui: UiPage

  beforeAll(async () => {
    ui = await openUi(browser, served.ui)
    for (const p of ['/content/demo/us/en.html', '/content/demo/us/en/about.html']) {
      expect(await get(served.proxy, p)).toBe(200)
    }
    await ui.page.locator('.rows .row').nth(1).waitFor({ timeout: 5000 })
  })

  afterAll(() => ui?.context.close())

  /** Whether the toolbar's items share one line: every item's box overlaps every other's height. */
  const oneLine = (page: Page): Promise<boolean> =>
    page.locator('.log-pane .toolbar > *').evaluateAll((items) => {
      const boxes = items.map((e) => e.getBoundingClientRect())
      return Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom))
    })

  for (const width of [1280, 1024]) {
    it(`stays on one line at ${width} px, with and without the request detail open`, async () => {
      await ui.page.setViewportSize({ width, height: 800 })
      await ui.page.keyboard.press('Escape')
      await expect.poll(() => ui.page.locator('.detail-pane').count(), POLL).toBe(0)
      expect(await oneLine(ui.page)).toBe(true)
      await ui.page.locator('.rows .row').first().click()
      await ui.page.locator('.detail-pane .overview').waitFor({ timeout: 5000 })
      expect(await oneLine(ui.page)).toBe(true)
      await screenshot(ui.page, `requests-detail-${width}`)
      // Each control is still there, under its name.
      for (const name of ['Pause', 'Clear', 'Columns', 'Export HAR'])
        expect(await ui.page.getByRole('button', { name, exact: true }).count()).toBe(1)
      expect(await ui.page.locator('.log-pane .toolbar .counts').getAttribute('title')).toBe('2 requests')
    })
  }
})

describe('times', () => {
  let ui: UiPage

  beforeAll(async () => {
    ui = await openUi(browser, served.ui, { timezoneId: 'Asia/Kolkata' })
  })

  afterAll(() => ui?.context.close())

  /** `HH:MM:SS.mmm` of an ISO instant in India (UTC+05:30, no daylight saving). */
  const indiaClock = (iso: string): string => new Date(Date.parse(iso) + 5.5 * 3600_000).toISOString().slice(11, 23)
  const indiaDateTime = (iso: string): string =>
    new Date(Date.parse(iso) + 5.5 * 3600_000).toISOString().slice(0, 23).replace('T', ' ')

  it('the log and the detail show local time, with the ISO instant as the tooltip; the dispatcher.log line stays UTC', async () => {
    const target = '/etc.clientlibs/demo/clientlibs/site.min.css'
    expect(await get(served.proxy, target)).toBe(200)
    const r = ui.page.locator('.rows .row', { hasText: target })
    await r.waitFor({ timeout: 5000 })
    const cell = r.locator('.cell-time')
    const iso = await attrOf(cell.locator('[title]'), 'title')
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(await textOf(cell)).toBe(indiaClock(iso!))

    await r.click()
    const detail = ui.page.locator('.detail-pane')
    const when = detail.locator('.overview-facts time')
    await expect.poll(() => attrOf(when, 'title'), POLL).toBe(iso)
    expect(await textOf(when)).toBe(indiaDateTime(iso!))
    expect(await attrOf(when, 'datetime')).toBe(iso)
    // The reason line (the cache's last word) names no instant of its own, in UTC or otherwise.
    await expect
      .poll(() => textOf(detail.locator('.overview-reason')), POLL)
      .toMatch(/^stored \/etc\.clientlibs\/demo\/clientlibs\/site\.min\.css \(\d+ bytes, expires in 2592000 s\)$/)
    // The dispatcher.log line imitates the Cloud's log: UTC, as there.
    const utc = new Date(Date.parse(iso!))
    const hms = utc.toISOString().slice(11, 19)
    expect(await textOf(detail.locator('[data-testid="log-line"]'))).toContain(`:${hms} +0000]`)
    expect(ui.errors).toEqual([])
  })
})

describe('the trace', () => {
  let ui: UiPage

  beforeAll(async () => {
    ui = await openUi(browser, served.ui)
  })

  afterAll(() => ui?.context.close())

  it("the pill of the stage that answered fits its column: a render's 404 under DispatcherPassError 1 is 'not cacheable'", async () => {
    const vhost = path.join(served.configDir, 'conf.d/enabled_vhosts/default.vhost')
    fs.writeFileSync(vhost, fs.readFileSync(vhost, 'utf8').replace('DispatcherPassError 0', 'DispatcherPassError 1'))
    const chip = ui.page.locator('.topbar .chip', { hasText: 'config' })
    await expect.poll(() => textOf(chip), POLL).toBe('config #2')
    // The number is said to be the configuration's generation, and what makes it grow.
    expect(await attrOf(chip, 'title')).toBe(
      'Configuration generation 2: the number of configurations loaded since the start. A reload that is refused keeps the number, and the previous configuration serving.'
    )
    const target = '/content/demo/us/en/no-such-page.html'
    expect(await get(served.proxy, target)).toBe(404)
    const r = ui.page.locator('.rows .row', { hasText: target })
    await r.waitFor({ timeout: 5000 })
    expect(await r.locator('.cell-outcome').innerText()).toBe('not cacheable')
    await r.click()
    const render = ui.page.locator('.detail-pane .stage[data-stage="render"] .stage-row')
    await expect.poll(() => textOf(render.locator('.pill')), POLL).toBe('not cacheable')
    // Its words do not spill out of the pill into the summary beside it.
    const fits = await render
      .locator('.pill')
      .evaluate((e) => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right])
    const summaryLeft = (await render.locator('.stage-summary').boundingBox())!.x
    expect(fits[0]).toBeLessThanOrEqual(fits[1])
    expect(fits[2]).toBeLessThanOrEqual(summaryLeft)
    await screenshot(ui.page, 'trace-pass-error')
  })
})

describe('the request log with several farms and renders', () => {
  let ui: UiPage

  beforeAll(async () => {
    ui = await openUi(browser, served.ui)
    expect(await get(served.proxy, '/content/demo/us/en.html')).toBe(200)
    await ui.page.locator('.rows .row').first().waitFor({ timeout: 5000 })
  })

  afterAll(() => ui?.context.close())

  const headers = (): Promise<string[]> =>
    ui.page.locator('.table .row.header > .cell').evaluateAll((els) => els.map((e) => e.textContent ?? ''))

  it('shows Host and Render once the configuration has two farms and a farm two renders, at 1280 and 1024 px', async () => {
    // One farm with one render (the embedded default): every row would name the same ones.
    expect(await headers()).not.toContain('Host')
    expect(await headers()).not.toContain('Render')
    const conf = path.join(served.configDir, 'conf.dispatcher.d')
    fs.appendFileSync(
      path.join(conf, 'renders/default_renders.any'),
      '/1 {\n    /hostname "${AEM_HOST}"\n    /port "${AEM_PORT}"\n}\n'
    )
    fs.writeFileSync(
      path.join(conf, 'enabled_farms/000_other.farm'),
      [
        '/otherfarm {',
        '    /virtualhosts { "other.example" }',
        '    /renders { $include "../renders/default_renders.any" }',
        '    /filter { /0001 { /type "deny" /url "*" } }',
        '}',
        ''
      ].join('\n')
    )
    await expect.poll(headers, POLL).toEqual(expect.arrayContaining(['Host', 'Render']))
    expect(await get(served.proxy, '/content/demo/us/en/about.html')).toBe(200)
    await ui.page.locator('.rows .row').nth(1).waitFor({ timeout: 5000 })
    for (const width of [1280, 1024]) {
      await ui.page.setViewportSize({ width, height: 800 })
      const cut = await ui.page
        .locator('.rows .row .cell-host, .rows .row .cell-render, .table .row.header > .cell')
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent))
      expect(cut, `cells cut off at ${width} px`).toEqual([])
      await screenshot(ui.page, `requests-farms-${width}`)
      const url = (await ui.page.locator('.rows .row .cell-url').first().boundingBox())!
      expect(url.width, `URL column at ${width} px`).toBeGreaterThanOrEqual(width === 1024 ? 140 : 300)
    }
    await ui.page.setViewportSize({ width: 1440, height: 860 })
  })

  it("keeps the user's choice of columns over the defaults, across a reload of the page", async () => {
    await ui.page.getByRole('button', { name: 'Columns' }).click()
    await ui.page.locator('.menu-item', { hasText: 'Host' }).locator('input').uncheck()
    await expect.poll(headers, POLL).not.toContain('Host')
    await ui.page.reload()
    await ui.page.locator('.rows .row').first().waitFor({ timeout: 5000 })
    expect(await headers()).toContain('Render')
    expect(await headers()).not.toContain('Host')
  })

  it('beside an open request at 1024 px the URL keeps room, and the method its whole name', async () => {
    await ui.page.setViewportSize({ width: 1024, height: 800 })
    await ui.page.locator('.rows .row').first().click()
    await ui.page.locator('.detail-pane .overview').waitFor({ timeout: 5000 })
    await screenshot(ui.page, 'requests-detail-url-1024')
    const url = (await ui.page.locator('.rows .row .cell-url').first().boundingBox())!
    expect(url.width).toBeGreaterThanOrEqual(150)
    const method = ui.page.locator('.rows .row .cell-method').first()
    expect(await method.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true)
    const cut = await ui.page
      .locator('.table .row.header > .cell')
      .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent))
    expect(cut).toEqual([])
    await ui.page.setViewportSize({ width: 1440, height: 860 })
    expect(ui.errors).toEqual([])
  })
})
