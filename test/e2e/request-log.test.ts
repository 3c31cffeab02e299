/**
 * The request log and the trace, in headless Chromium against `serve --demo`: requests show
 * up as they happen, a blocked request explains itself down to the rule's file and line, the
 * filter bar narrows the log, and the log exports as HAR.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator } from 'playwright-core'
import { attrOf, launch, openUi, screenshot, textOf, type UiPage } from './support/browser'
import { get, prepareBuilds, serve, type Served } from './support/serve'
import { FILTER_HINTS } from '../../src/renderer/src/store/filter-hints'

let served: Served
let browser: Browser
let ui: UiPage

const POLL = { timeout: 5000, interval: 50 }

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

const row = (text: string) => ui.page.locator('.rows .row', { hasText: text })

/** Clicks the newest row with this text and waits for its own trace in the detail pane. */
async function openRequest(text: string): Promise<void> {
  const r = row(text).last()
  await r.waitFor({ timeout: 5000 })
  await r.click()
  const id = await attrOf(r, 'data-id')
  await expect.poll(() => attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id'), POLL).toBe(id)
}

describe('the request log', () => {
  it('shows requests as they pass through the proxy', async () => {
    await expect.poll(() => textOf(ui.page.locator('.empty-title')), POLL).toBe('No requests yet')
    for (const p of [
      '/',
      '/content/demo/us/en.html',
      '/content/demo/us/en/adventures.html',
      '/etc.clientlibs/demo/clientlibs/site.min.css'
    ]) {
      expect(await get(served.proxy, p)).toBe(200)
    }
    await row('/content/demo/us/en/adventures.html').waitFor({ timeout: 5000 })
    await expect.poll(() => ui.page.locator('.rows .row').count(), POLL).toBe(4)
    expect(await row('/content/demo/us/en/adventures.html').locator('.cell-status').innerText()).toBe('200')
  })

  it('a blocked request shows its outcome, the deciding rule, and in the trace the rule with its file:line', async () => {
    expect(await get(served.proxy, '/bin/querybuilder.json?path=/content')).toBe(404)
    const r = row('/bin/querybuilder.json')
    await r.waitFor({ timeout: 5000 })
    expect(await r.locator('.cell-outcome').innerText()).toBe('blocked')
    expect(await r.locator('.cell-rule').innerText()).toBe('/0001')
    await r.click()
    const detail = ui.page.locator('.detail-pane')
    await expect
      .poll(() => textOf(detail.locator('.overview-reason')), POLL)
      .toBe("Filter rule entry /0001 blocked 'GET /bin/querybuilder.json?path=/content HTTP/1.1'")
    // The line the Cloud's dispatcher.log would show for it.
    await expect
      .poll(() => textOf(detail.locator('[data-testid="log-line"]')), POLL)
      .toMatch(
        /^\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] \[I\] \[workbench\] "GET \/bin\/querybuilder\.json\?path=\/content" 404 \d+ms \[publishfarm\/-\] \[action none\] "127\.0\.0\.1:\d+"$/
      )
    const filterStage = detail.locator('.stage[data-stage="filter"]')
    await expect
      .poll(() => textOf(filterStage.locator('.stage-source .source-link')), POLL)
      .toBe('conf.dispatcher.d/filters/default_filters.any:17')
    const deciding = filterStage.locator('tr.rule.decided')
    await expect.poll(() => deciding.count(), POLL).toBe(1)
    await expect.poll(() => attrOf(deciding, 'data-rule'), POLL).toBe('0001')
    await expect.poll(() => textOf(deciding.locator('.source-link')), POLL).toBe('default_filters.any:17')
    const href = await deciding.locator('.source-link').getAttribute('href')
    expect(href).toBe(`vscode://file${served.configDir}/conf.dispatcher.d/filters/default_filters.any:17:1`)
    await screenshot(ui.page, 'trace-blocked')
  })

  it('a request denied because no rule allows it lists the allow rules that almost matched', async () => {
    expect(await get(served.proxy, '/content/demo/us/en.json')).toBe(404)
    await row('/content/demo/us/en.json').click()
    const near = ui.page.locator('.detail-pane .near-misses li')
    await expect.poll(() => textOf(near.first()), POLL).toContain('/0010')
    await expect.poll(() => textOf(near.first()), POLL).toContain("another resource: /extension '(html|")
    await expect.poll(() => textOf(near.first()), POLL).toContain("does not match 'json'")
    expect(await near.count()).toBe(1)
    expect(await ui.page.locator('.detail-pane .near-misses .section-label').textContent()).toBe(
      'Almost allowed by (one property missed, closest first)'
    )
    expect(await ui.page.locator('.detail-pane .overridden-allows').count()).toBe(0)
  })

  it('a request denied by a deny rule lists no allow rule written above it as a near miss (last match wins)', async () => {
    // /0020 denies en.infinity.json; /0010, above it, could not have allowed it even had it matched.
    expect(await get(served.proxy, '/content/demo/us/en.infinity.json')).toBe(404)
    await row('en.infinity.json').click()
    await expect
      .poll(() => textOf(ui.page.locator('.detail-pane .overview-url')), POLL)
      .toBe('/content/demo/us/en.infinity.json')
    // The filter stage, where the request stopped, is open.
    const filterStage = ui.page.locator('.detail-pane .stage[data-stage="filter"]')
    await expect.poll(() => attrOf(filterStage.locator('tr.rule.decided'), 'data-rule'), POLL).toBe('0020')
    expect(await ui.page.locator('.detail-pane .near-misses').count()).toBe(0)
  })

  it('the request tab shows the request as received next to the request sent to the render', async () => {
    await row('/content/demo/us/en/adventures.html').click()
    await ui.page.locator('.subtab', { hasText: 'Request' }).click()
    const added = ui.page.locator('.headers.compare tr.change-added', { hasText: 'x-forwarded-for' })
    await expect.poll(() => added.count(), POLL).toBe(1)
    await screenshot(ui.page, 'trace-request-headers')
    await ui.page.locator('.subtab', { hasText: 'Timing' }).click()
    await expect.poll(() => ui.page.locator('.wf-row').count(), POLL).not.toBe(0)
    await screenshot(ui.page, 'trace-timing')
    await ui.page.locator('.subtab', { hasText: 'Trace' }).click()
  })

  it("the Cache tab says a stored page no flush has reached has 'no .stat yet', in the Cache view's words", async () => {
    await openRequest('/content/demo/us/en/adventures.html')
    await ui.page.locator('.subtab', { hasText: 'Cache' }).click()
    try {
      const stat = ui.page.locator('.detail-pane [data-testid=cache-now] dt:text-is("governing .stat") + dd')
      await expect.poll(() => textOf(stat), POLL).toBe('no .stat yet')
      expect(await attrOf(stat, 'title')).toBe(
        'Matched by /invalidate, but no .stat exists on its path yet: a flush writes one'
      )
    } finally {
      // The tests after this one read the Trace tab.
      await ui.page.locator('.subtab', { hasText: 'Trace' }).click()
    }
  })

  it("the Cache tab of a URL whose escapes are not UTF-8 ('caf%E9') shows its path instead of blanking the page", async () => {
    await get(served.proxy, '/content/demo/us/caf%E9.html')
    await openRequest('caf%E9')
    await ui.page.locator('.subtab', { hasText: 'Cache' }).click()
    try {
      await expect
        .poll(
          () => textOf(ui.page.locator('.detail-pane .cache-tab p', { hasText: 'Cache file:' }).locator('.mono')),
          POLL
        )
        .toMatch(/^\/content\/demo\/us\/caf.+\.html$/)
    } finally {
      await ui.page.locator('.subtab', { hasText: 'Trace' }).click()
    }
  })

  it('replay sends the request again and opens the new request', async () => {
    await row('/content/demo/us/en/adventures.html').first().click()
    const before = await ui.page.locator('.rows .row').count()
    await ui.page.locator('.overview-actions button', { hasText: 'Replay' }).click()
    await expect.poll(() => ui.page.locator('.rows .row').count(), POLL).toBe(before + 1)
    const newest = ui.page.locator('.rows .row').last()
    await expect
      .poll(() => attrOf(ui.page.locator('.rows .row.selected'), 'data-seq'), POLL)
      .toBe(await newest.getAttribute('data-seq'))
    // The request replayed shows the same URL: wait for the new request's own trace first.
    await expect
      .poll(() => attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id'), POLL)
      .toBe(await newest.getAttribute('data-id'))
    await expect
      .poll(() => textOf(ui.page.locator('.detail-pane .overview-url')), POLL)
      .toBe('/content/demo/us/en/adventures.html')
  })

  it('the filter bar keeps only what matches: outcome:blocked, then -ext:json', async () => {
    const input = ui.page.getByLabel('Filter requests')
    await input.fill('outcome:blocked')
    await expect.poll(() => ui.page.locator('.rows .row').count(), POLL).toBe(3)
    await input.fill('outcome:blocked -ext:json')
    await expect.poll(() => ui.page.locator('.rows .row').count(), POLL).toBe(0)
    await expect.poll(() => textOf(ui.page.locator('.empty-title')), POLL).toBe('No request matches the filter')
    await input.fill('status:abc')
    await expect
      .poll(() => textOf(ui.page.locator('.filter-errors')), POLL)
      .toBe('status expects a number, 4xx, >N, <N or N-M, got "abc"')
    // A mistyped key is as clear as a bad value, not free text that silently matches nothing.
    const all = await ui.page.locator('.rows .row').count()
    await input.fill('bogus:1')
    await expect
      .poll(() => textOf(ui.page.locator('.filter-errors')), POLL)
      .toBe(
        'unknown key "bogus:" (known keys: status, outcome, farm, method, host, ext, rule, render, url, duration, size)'
      )
    expect(await ui.page.locator('.rows .row').count()).toBe(all)
    // An address typed as a browser shows it is free text, searched in the hosts, not an unknown key.
    await input.fill('localhost:8080')
    try {
      await expect.poll(() => textOf(ui.page.locator('.empty-title')), POLL).toBe('No request matches the filter')
      expect(await ui.page.locator('.filter-errors').count()).toBe(0)
    } finally {
      await input.fill('')
    }
    await expect.poll(() => ui.page.locator('.rows .row').count(), POLL).not.toBe(0)
  })

  it('the farm the trace shows (farm /publishfarm), typed into the filter bar as farm:/publishfarm, keeps its requests', async () => {
    const all = await ui.page.locator('.rows .row').count()
    // The request open before (the replayed page) is of the same farm: wait for this one's own trace.
    const page = row('/content/demo/us/en/adventures.html').first()
    await page.click()
    await expect
      .poll(() => attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id'), POLL)
      .toBe(await page.getAttribute('data-id'))
    await expect
      .poll(() => textOf(ui.page.locator('.detail-pane .overview-facts')), POLL)
      .toContain('farm /publishfarm')
    const input = ui.page.getByLabel('Filter requests')
    expect(await input.getAttribute('placeholder')).toContain('farm:publishfarm')
    await input.fill('farm:/publishfarm')
    // Every row was shown before the filter too: wait until the counts say it applies, and keeps them all.
    await expect
      .poll(() => attrOf(ui.page.locator('.log-toolbar .counts'), 'title'), POLL)
      .toMatch(/^(\d+) of \1 requests$/)
    expect(await ui.page.locator('.rows .row').count()).toBe(all)
    await input.fill('')
  })

  it('pause holds new requests back and resume shows them', async () => {
    await ui.page.getByRole('button', { name: 'Pause' }).click()
    const count = await ui.page.locator('.rows .row').count()
    await get(served.proxy, '/content/demo/us/en.html?while-paused')
    await expect.poll(() => textOf(ui.page.locator('.counts .held')), POLL).toBe('1 new while paused')
    expect(await ui.page.locator('.rows .row').count()).toBe(count)
    await ui.page.getByRole('button', { name: 'Resume' }).click()
    await row('while-paused').waitFor()
  })

  it('exports the log as HAR 1.2 with the trace of each request in _dispatcher', async () => {
    const rows = await ui.page.locator('.rows .row').count()
    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      ui.page.getByRole('button', { name: 'Export HAR' }).click()
    ])
    expect(download.suggestedFilename()).toMatch(/^dispatcher-workbench-.*\.har$/)
    const har = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'))
    expect(har.log.version).toBe('1.2')
    expect(har.log.creator.name).toBe('Dispatcher Workbench')
    expect(har.log.entries).toHaveLength(rows)
    for (const e of har.log.entries) {
      expect(new Date(e.startedDateTime).toISOString()).toBe(e.startedDateTime)
      expect(e.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
      expect(Array.isArray(e.request.headers)).toBe(true)
      expect(typeof e.response.status).toBe('number')
      expect(e.time).toBeGreaterThanOrEqual(0)
      for (const k of ['send', 'wait', 'receive']) expect(e.timings[k]).toBeGreaterThanOrEqual(0)
      expect(e._dispatcher.stages.length).toBeGreaterThan(0)
    }
    const blocked = har.log.entries.find((e: { request: { url: string } }) => e.request.url.includes('querybuilder'))
    expect(blocked._dispatcher).toMatchObject({ outcome: 'blocked', decidingRule: { label: '0001', type: 'deny' } })
  })

  it('a repeated request says which earlier request its decisions were replayed from', async () => {
    const target = '/content/demo/us/en/adventures.html?replayed=1'
    expect(await get(served.proxy, target)).toBe(200)
    expect(await get(served.proxy, target)).toBe(200)
    const rows = ui.page.locator('.rows .row', { hasText: 'replayed=1' })
    await expect.poll(() => rows.count(), POLL).toBe(2)
    const detail = ui.page.locator('.detail-pane')
    const notes: string[] = []
    for (const i of [0, 1]) {
      await rows.nth(i).click()
      // Both rows show the same URL: wait for the clicked row's own trace, not the previous one.
      const id = await attrOf(rows.nth(i), 'data-id')
      await expect.poll(() => attrOf(detail.locator('.overview'), 'data-trace-id'), POLL).toBe(id)
      expect(await textOf(detail.locator('.overview-url'))).toBe(target)
      const note = detail.locator('[data-testid="replayed-from"]')
      notes.push((await note.count()) > 0 ? await note.innerText() : '')
    }
    const replayed = notes.filter((n) => n !== '')
    await rows.nth(notes.findIndex((n) => n !== '')).click()
    await screenshot(ui.page, 'trace-replayed')
    expect(replayed).toHaveLength(1)
    expect(replayed[0]).toMatch(/^Same request head as request #\d+ on this configuration/)
  })

  it("a request the render answered has the cache's decision as its one-line reason", async () => {
    // The response stages (mod_deflate, Header) come after the cache's last word and say nothing
    // about what the request became, so they must not be its headline.
    const cases: [string, RegExp][] = [
      ['/content/demo/us/en/about.html?why=1', /^not cacheable: request contained a query string$/],
      ['/content/demo/us/en/adventures/surfing.html', /^stored \/content\/demo\/us\/en\/adventures\/surfing\.html \(/],
      ['/content/demo/us/en/live-scores.html', /no_cache/]
    ]
    const detail = ui.page.locator('.detail-pane')
    for (const [target, reason] of cases) {
      expect(await get(served.proxy, target)).toBe(200)
      const r = row(target)
      await r.waitFor({ timeout: 5000 })
      await r.click()
      const id = await attrOf(r, 'data-id')
      await expect.poll(() => attrOf(detail.locator('.overview'), 'data-trace-id'), POLL).toBe(id)
      await expect.poll(() => textOf(detail.locator('.overview-reason')), POLL).toMatch(reason)
    }
  })

  it('a denied request the vanity URL list lets through says so in its filter rules, without near misses', async () => {
    // /adventures is the demo page's vanity path: /0001 denies it, the vanity check forwards it.
    expect(await get(served.proxy, '/adventures')).toBe(200)
    const r = ui.page.locator('.rows .row').filter({ has: ui.page.locator('.cell-url', { hasText: /^\/adventures$/ }) })
    await r.waitFor({ timeout: 5000 })
    await r.click()
    const filterStage = ui.page.locator('.detail-pane .stage[data-stage="filter"]')
    await filterStage.locator('.stage-row').click()
    await expect
      .poll(() => textOf(filterStage.locator('.filter-rescued')), POLL)
      .toBe(
        "Forwarded all the same: its path is in the farm's vanity URL list (/vanity_urls), which the Dispatcher checks before refusing a denied request."
      )
    expect(await filterStage.locator('.near-misses').count()).toBe(0)
  })

  it('a request httpd refuses before the Dispatcher handler takes it has no dispatcher.log line to show or copy', async () => {
    // A malformed escape: httpd's 400 (ap_unescape_url), and the SDK logs only dispatcher-handler requests.
    expect(await get(served.proxy, '/content/demo/us/en%zz.html')).toBe(400)
    const r = row('en%zz.html')
    await r.waitFor({ timeout: 5000 })
    await r.click()
    const detail = ui.page.locator('.detail-pane')
    await expect
      .poll(() => textOf(detail.locator('[data-testid="log-line"]')), POLL)
      .toMatch(/^No dispatcher\.log line: the Dispatcher handler never took this request/)
    expect(await detail.getByRole('button', { name: 'Copy log line' }).count()).toBe(0)
    expect(await detail.getByRole('button', { name: 'Copy as curl' }).count()).toBe(1)
  })

  it('a request a later deny overrode names the allow rule that matched it first, and the deny that won', async () => {
    // /0010 allows pages under /content; /0022, written after it, denies ?wcmmode=… and decides.
    expect(await get(served.proxy, '/content/demo/us/en.html?wcmmode=disabled')).toBe(404)
    await row('en.html?wcmmode=disabled').click()
    const filterStage = ui.page.locator('.detail-pane .stage[data-stage="filter"]')
    await expect.poll(() => attrOf(filterStage.locator('tr.rule.decided'), 'data-rule'), POLL).toBe('0022')
    const overridden = filterStage.locator('.overridden-allows')
    // textContent: the label is upper-cased by CSS only.
    await expect
      .poll(() => overridden.locator('.section-label').textContent(), POLL)
      .toBe('Allowed, then overridden by a later deny')
    expect(await overridden.locator('li').count()).toBe(1)
    expect(await attrOf(overridden.locator('li'), 'data-rule')).toBe('0010')
    expect(await textOf(overridden.locator('li'))).toContain(
      'but deny /0022, written after it, matches too: the last match wins'
    )
    expect(await textOf(overridden.locator('li .source-link'))).toBe('conf.dispatcher.d/filters/default_filters.any:20')
    // Nothing written after /0022 comes within one property of a page.
    expect(await filterStage.locator('.near-misses').count()).toBe(0)
  })

  it('the accept stage names the target as received, query included', async () => {
    expect(await get(served.proxy, '/content/demo/us/en.html?a=b')).toBe(200)
    await openRequest('en.html?a=b')
    await expect
      .poll(() => textOf(ui.page.locator('.detail-pane .stage[data-stage="accept"] .stage-summary')), POLL)
      .toBe('accepted /content/demo/us/en.html?a=b')
  })

  it('every expandable stage row is reached with Tab and opens and closes with Enter and Space', async () => {
    await openRequest('en.html?a=b')
    const expandable = await ui.page
      .locator('.detail-pane .stage-row[role="button"]')
      .evaluateAll((rows) => rows.map((r) => r.closest('.stage')?.getAttribute('data-stage')))
    expect(expandable).toEqual(expect.arrayContaining(['rewrite', 'filter', 'render']))
    // From the Trace tab, Tab walks the stage rows (and the source links between them) in order.
    await ui.page.locator('.subtab', { hasText: 'Trace' }).focus()
    const reached: string[] = []
    for (let i = 0; i < 30 && reached.length < expandable.length; i++) {
      await ui.page.keyboard.press('Tab')
      const [stage] = await ui.page
        .locator(':focus')
        .evaluateAll((els) =>
          els.map((el) =>
            el.classList.contains('stage-row') ? el.closest('.stage')?.getAttribute('data-stage') : null
          )
        )
      if (stage) reached.push(stage)
    }
    expect(reached).toEqual(expandable)
    const rewrite = ui.page.locator('.detail-pane .stage[data-stage="rewrite"] .stage-row')
    await rewrite.focus()
    expect(await rewrite.getAttribute('aria-expanded')).toBe('false')
    await ui.page.keyboard.press('Enter')
    await expect.poll(() => rewrite.getAttribute('aria-expanded'), POLL).toBe('true')
    expect(await ui.page.locator('.detail-pane .stage[data-stage="rewrite"] .stage-more').count()).toBe(1)
    await screenshot(ui.page, 'trace-keyboard')
    await ui.page.keyboard.press(' ')
    await expect.poll(() => rewrite.getAttribute('aria-expanded'), POLL).toBe('false')
    // The list keeps its keys: arrows move the selection, Esc closes the detail.
    const selected = await attrOf(ui.page.locator('.rows .row.selected'), 'data-seq')
    await ui.page.locator('.table[role="grid"]').focus()
    await ui.page.keyboard.press('ArrowUp')
    await expect.poll(() => attrOf(ui.page.locator('.rows .row.selected'), 'data-seq'), POLL).not.toBe(selected)
    await ui.page.keyboard.press('Escape')
    await expect.poll(() => ui.page.locator('.detail-pane').count(), POLL).toBe(0)
  })

  it('farm names show whole at 1280 and 1024 px, and each row shows its request number', async () => {
    // The whole log, without a request open beside it.
    await ui.page.keyboard.press('Escape')
    await expect.poll(() => ui.page.locator('.detail-pane').count(), POLL).toBe(0)
    for (const width of [1280, 1024]) {
      await ui.page.setViewportSize({ width, height: 800 })
      const cells = ui.page.locator('.rows .row .cell-farm')
      await expect.poll(() => cells.count(), POLL).not.toBe(0)
      // Nor the request numbers and the column headers.
      const cut = await ui.page
        .locator('.rows .row .cell-farm, .rows .row .cell-seq, .table .row.header > .cell')
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent))
      expect(cut, `cells cut off at ${width} px`).toEqual([])
      expect(await cells.allInnerTexts()).toContain('publishfarm')
      // Every row is a grid of its own: the header's columns must line up with the rows'.
      const lefts = (cells: Locator): Promise<number[]> =>
        cells.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left))
      const header = await lefts(ui.page.locator('.table .row.header > .cell'))
      const first = await lefts(ui.page.locator('.rows .row').first().locator(':scope > .cell'))
      expect(first.length).toBe(header.length)
      const offsets = header.map((x, i) => Math.abs(x - first[i]))
      expect(Math.max(...offsets), `header and rows misaligned at ${width} px`).toBeLessThan(0.5)
      await screenshot(ui.page, `requests-${width}`)
    }
    const numbers = await ui.page
      .locator('.rows .row')
      .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-seq'), r.querySelector('.cell-seq')?.textContent]))
    expect(numbers.length).toBeGreaterThan(0)
    for (const [seq, shown] of numbers) expect(shown).toBe(seq)
    expect(await textOf(ui.page.locator('.row.header [role="columnheader"]').first())).toBe('#')
  })

  it('at 1024 px the open trace shows the log line whole, breaks source paths only after a "/", and fits the filter hint', async () => {
    await ui.page.setViewportSize({ width: 1024, height: 800 })
    await openRequest('en.html?a=b')
    const logLine = ui.page.locator('.detail-pane [data-testid="log-line"]')
    await expect.poll(() => textOf(logLine), POLL).toMatch(/\[action none\] "127\.0\.0\.1:\d+"$/)
    expect(await logLine.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0)
    for (const stage of ['rewrite', 'filter']) {
      await ui.page.locator(`.detail-pane .stage[data-stage="${stage}"] .stage-row`).click()
    }
    await expect.poll(() => ui.page.locator('.detail-pane td .source-link').count(), POLL).toBeGreaterThan(5)
    expect(
      await ui.page
        .locator('.detail-pane .rewrite-rules tbody td:nth-child(2)', { hasText: '/content/demo/us/en.html' })
        .count()
    ).toBeGreaterThan(0)
    await screenshot(ui.page, 'trace-narrow-1024')
    await ui.page.locator('.detail-pane .rewrite-rules table').scrollIntoViewIfNeeded()
    await screenshot(ui.page, 'trace-rewrite-1024')
    await ui.page.locator('.detail-pane .stage[data-stage="accept"]').scrollIntoViewIfNeeded()
    // Each line of a wrapped link or tested URL, but the last, must end with a path separator.
    const badBreaks = await ui.page
      .locator('.detail-pane .source-link, .detail-pane .rewrite-rules tbody td:nth-child(2)')
      .evaluateAll((links) =>
        links.flatMap((link) => {
          const lines: string[] = []
          let top: number | null = null
          // Every character of the link's text nodes (the <wbr>s between them have none), in order.
          const texts = [...link.childNodes].flatMap((n) => (n.nodeType === 3 ? [n] : [...n.childNodes]))
          for (const n of texts) {
            const data = n.textContent ?? ''
            for (let i = 0; i < data.length; i++) {
              const r = link.ownerDocument.createRange()
              r.setStart(n, i)
              r.setEnd(n, i + 1)
              const y: number | null = r.getClientRects()[0]?.top ?? top
              if (top === null || y !== top) lines.push('')
              top = y
              lines[lines.length - 1] += data[i]
            }
          }
          return lines.slice(0, -1).some((l) => !/[/\\]$/.test(l)) ? [lines.join(' | ')] : []
        })
      )
    expect(badBreaks).toEqual([])
    const input = ui.page.getByLabel('Filter requests')
    const hint = (await input.getAttribute('placeholder')) ?? ''
    expect(hint).not.toBe('')
    const overflowOf = (text: string): Promise<number> =>
      input.evaluate((el, text) => {
        const doc = el.ownerDocument
        const css = doc.defaultView!.getComputedStyle(el)
        const probe = doc.createElement('span')
        probe.style.font = css.font
        probe.style.whiteSpace = 'pre'
        probe.style.position = 'absolute'
        probe.textContent = text
        doc.body.append(probe)
        const width = probe.getBoundingClientRect().width
        probe.remove()
        return width - (el.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight))
      }, text)
    /** The hint shown is the longest that fits: it does, and every longer one overflows. */
    const expectLongestFitting = async (shown: string): Promise<void> => {
      expect(await overflowOf(shown), `placeholder "${shown}" overflows the filter input`).toBeLessThanOrEqual(0)
      expect(FILTER_HINTS).toContain(shown)
      for (const longer of FILTER_HINTS.slice(0, FILTER_HINTS.indexOf(shown)))
        expect(await overflowOf(longer), `"${longer}" fits but "${shown}" is shown`).toBeGreaterThan(0)
    }
    await expectLongestFitting(hint)
    await ui.page.setViewportSize({ width: 1440, height: 860 })
    // Wider, a longer hint fits: the input shows it (the shortest would still fit, and be wrong).
    await expect.poll(() => input.getAttribute('placeholder'), POLL).not.toBe(hint)
    await expectLongestFitting((await input.getAttribute('placeholder')) ?? '')
  })

  it('"same request head as request #N" links to request N, which the log numbers', async () => {
    const target = '/content/demo/us/en.html?ref=1'
    expect(await get(served.proxy, target)).toBe(200)
    expect(await get(served.proxy, target)).toBe(200)
    const rows = ui.page.locator('.rows .row', { hasText: 'ref=1' })
    await expect.poll(() => rows.count(), POLL).toBe(2)
    const [first, second] = [await attrOf(rows.nth(0), 'data-seq'), await attrOf(rows.nth(1), 'data-seq')]
    await rows.nth(1).click()
    await expect.poll(() => attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id'), POLL).toBe(second)
    const ref = ui.page.locator('.detail-pane [data-testid="replayed-from"] button')
    await expect.poll(() => textOf(ref), POLL).toBe(`request #${first}`)
    expect(await textOf(rows.nth(0).locator('.cell-seq'))).toBe(first)
    await ref.click()
    await expect.poll(() => attrOf(ui.page.locator('.rows .row.selected'), 'data-seq'), POLL).toBe(first)
    await expect.poll(() => attrOf(ui.page.locator('.detail-pane .overview'), 'data-trace-id'), POLL).toBe(first)
  })

  it("a cache hit's timing accounts for the whole answer: the time in no stage is the last bar", async () => {
    const seen = Number(await attrOf(ui.page.locator('.rows .row').last(), 'data-seq'))
    expect(await get(served.proxy, '/content/demo/us/en.html')).toBe(200)
    // The log holds earlier hits (the replayed page): wait for this request's own row.
    const hit = ui.page.locator('.rows .row.outcome-row-hit').last()
    await expect.poll(async () => Number(await attrOf(hit, 'data-seq')), POLL).toBeGreaterThan(seen)
    await hit.click()
    await ui.page.locator('.subtab', { hasText: 'Timing' }).click()
    const note = ui.page.locator('[data-testid="wf-unattributed"]')
    await expect
      .poll(() => textOf(note), POLL)
      .toMatch(/^The stages recorded [\d.]+ ms of it\. The other [\d.]+ ms passed in no stage: /)
    const last = ui.page.locator('.wf-row').last()
    expect(await textOf(last.locator('.wf-label'))).toBe('other (in no stage)')
    const bar = (await last.locator('.wf-bar').boundingBox())!
    const answered = (await last.locator('.wf-answered').boundingBox())!
    expect(Math.abs(bar.x + bar.width - answered.x)).toBeLessThanOrEqual(1.5)
    await screenshot(ui.page, 'trace-timing-hit')
    await ui.page.locator('.subtab', { hasText: 'Trace' }).click()
  })

  it("clear empties the log, and the Cache view's hit ratio, said to be the log's, starts again", async () => {
    await screenshot(ui.page, 'requests')
    // The ratio is counted from the requests in the log (what Clear empties), and says so.
    const ratio = ui.page.locator('.cache-view .counts span', { hasText: 'hit ratio' })
    await ui.page.locator('.tab[data-tab="cache"]').click()
    await expect.poll(() => textOf(ratio), POLL).toMatch(/^requests in the log: hit ratio \d+% \(\d+\/\d+\)$/)
    expect(await attrOf(ratio, 'title')).toContain('Clear in the Requests view empties the log')
    await screenshot(ui.page, 'cache-hit-ratio')
    await ui.page.locator('.tab[data-tab="requests"]').click()
    await ui.page.getByRole('button', { name: 'Clear' }).click()
    await expect.poll(() => textOf(ui.page.locator('.empty-title')), POLL).toBe('No requests yet')
    await ui.page.locator('.tab[data-tab="cache"]').click()
    await expect.poll(() => textOf(ratio), POLL).toBe('requests in the log: hit ratio — (0/0)')
    await ui.page.locator('.tab[data-tab="requests"]').click()
  })

  it('the page logged no errors', () => {
    expect(ui.errors).toEqual([])
  })
})
