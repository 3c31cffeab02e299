/**
 * The cache tree against `serve --demo` with its own docroot: what the proxy caches appears
 * with its state, and a flush or a clear started from the tree (a flush after its preview)
 * makes the next request for the page a miss that fetches it from the render again; "Show in
 * folder", with no file manager to open, shows the file's path to copy. A flush is the flush
 * agent's request sent to the proxy, so it is in the Requests log, and a farm whose
 * /allowedClients refuses the loopback client answers it with the Dispatcher's 403.
 */
import fs from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator } from 'playwright-core'
import { attrOf, launch, openUi, screenshot, textOf, type UiPage } from './support/browser'
import { get, prepareBuilds, serve, type Served } from './support/serve'

const HOME = '/content/demo/us/en.html'
const PAGE = '/content/demo/us/en/adventures.html'
const POLL = { timeout: 5000, interval: 50 }

/** The flush agent's request for PAGE's handle (§7.1), as the dialog shows it before and after sending. */
const FLUSH_REQUEST = [
  'POST /dispatcher/invalidate.cache HTTP/1.1',
  'Host: localhost',
  'CQ-Action: Activate',
  'CQ-Handle: /content/demo/us/en/adventures',
  'CQ-Path: /content/demo/us/en/adventures',
  'Content-Type: application/octet-stream',
  'Content-Length: 0'
]

/**
 * A miss is written to the cache just after its answer ends (the file is renamed into place
 * last, its headers beside it first): the next request or listing waits until it is there.
 */
async function stored(relPath: string): Promise<void> {
  await expect.poll(() => fs.existsSync(join(served.docroot, relPath)), POLL).toBe(true)
}

let served: Served
let browser: Browser
let ui: UiPage

beforeAll(async () => {
  await prepareBuilds()
  // The server inherits a PATH with no file manager launcher: "Show in folder" must then show the path instead.
  const savedPath = process.env.PATH
  process.env.PATH = fs.mkdtempSync(join(os.tmpdir(), 'dw-no-launcher-'))
  try {
    served = await serve()
  } finally {
    fs.rmSync(process.env.PATH, { recursive: true, force: true })
    process.env.PATH = savedPath
  }
  browser = await launch()
  ui = await openUi(browser, served.ui)
})

// A test that fails with its dialog open would otherwise fail every later one at its first click.
afterEach(async () => {
  if (await ui.page.locator('dialog[open]').count()) await ui.page.keyboard.press('Escape')
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

const logRow = (text: string) => ui.page.locator('.rows .row', { hasText: text })
const tab = (name: string) => ui.page.locator(`[data-tab="${name}"]`).click()
const treeRow = (relPath: string) => ui.page.locator(`.tree .row[data-path="${relPath}"]`)

/** The little of the page's DOM the keyboard checks read (the tests compile without the DOM's types). */
interface Focused {
  tagName: string
  textContent: string | null
  getAttribute(name: string): string | null
  closest(selector: string): Focused | null
}
type InPage = { document: { activeElement: Focused | null } }

/** Where the keyboard's focus is: the tree row it is in (its path) and the element (a row, or a button's name). */
async function focusAt(): Promise<{ path: string | null; on: string }> {
  return ui.page.evaluate(() => {
    const el = (globalThis as unknown as InPage).document.activeElement
    const path = el?.closest('[data-path]')?.getAttribute('data-path') ?? null
    return { path, on: el?.tagName === 'BUTTON' ? (el.textContent ?? '') : (el?.getAttribute('role') ?? '') }
  })
}

/** The entries a dialog lists under a heading ("Deleted", ".stat files touched"). */
const listUnder = (dialog: Locator, heading: string) =>
  dialog
    .locator('.flush-preview > div')
    .filter({ has: ui.page.locator('.section-label', { hasText: new RegExp(`^${heading}$`, 'i') }) })
    .locator('li')

async function openFolder(relPath: string): Promise<void> {
  const row = treeRow(relPath)
  await row.waitFor()
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.name').click()
}

/** The newest request for the page went to the render and was stored again, as its trace says. */
async function expectMissStored(): Promise<void> {
  await logRow(PAGE).last().click()
  const detail = ui.page.locator('.detail-pane')
  await expect.poll(() => textOf(detail.locator('.overview-facts .pill')), POLL).toBe('miss · stored')
  await expect
    .poll(() => textOf(detail.locator('.stage[data-stage="render"] .stage-summary')), POLL)
    .toMatch(/answered 200/)
  await ui.page.keyboard.press('Escape')
}

describe('the cache tree', () => {
  it('shows what the proxy cached, folder by folder, with its state', async () => {
    for (const p of [HOME, PAGE]) {
      expect(await get(served.proxy, p)).toBe(200)
      await stored(p)
      expect(await get(served.proxy, p)).toBe(200)
    }
    await tab('requests')
    await expect.poll(() => textOf(logRow(PAGE).last().locator('.cell-outcome')), POLL).toBe('hit')
    await tab('cache')
    for (const dir of ['/content', '/content/demo', '/content/demo/us', '/content/demo/us/en']) await openFolder(dir)
    await expect.poll(() => textOf(treeRow(PAGE).locator('.pill')), POLL).toBe('fresh')
    await expect.poll(() => textOf(treeRow(HOME).locator('.pill')), POLL).toBe('fresh')
    await expect
      .poll(() => textOf(ui.page.locator('.cache-view .counts')), POLL)
      .toMatch(/^2 files .* hit ratio 50% \(2\/4\)$/)
    await screenshot(ui.page, 'cache')
  })

  it('"Show in folder" where no file manager can be opened shows the absolute path, with a button that copies it', async () => {
    const file = treeRow(PAGE)
    await file.hover()
    await file.getByRole('button', { name: 'Show in folder' }).click()
    const notice = ui.page.locator('.cache-view .reveal-notice')
    const abs = join(served.docroot, PAGE)
    await expect.poll(() => textOf(notice.locator('.reveal-path')), POLL).toBe(abs)
    expect(await textOf(notice)).toContain('No file manager opened (xdg-open is not installed). The path:')
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(served.ui).origin })
    await notice.getByRole('button', { name: 'Copy' }).click()
    await expect.poll(() => textOf(notice.locator('.muted')), POLL).toBe('copied')
    type Clipboard = { navigator: { clipboard: { readText(): Promise<string> } } }
    expect(await ui.page.evaluate(() => (globalThis as unknown as Clipboard).navigator.clipboard.readText())).toBe(abs)
    await screenshot(ui.page, 'cache-show-in-folder')
    await notice.getByRole('button', { name: 'Dismiss' }).click()
    await expect.poll(() => notice.count(), POLL).toBe(0)
  })

  it('"governed by" says a file /invalidate does not match is not auto-invalidated, as the trace\'s Cache tab does, rather than nothing', async () => {
    const MODEL = '/content/demo/us/en.model.json'
    expect(await get(served.proxy, MODEL)).toBe(200)
    await stored(MODEL)
    await ui.page.getByRole('button', { name: 'Refresh' }).click()
    for (const dir of ['/content', '/content/demo', '/content/demo/us', '/content/demo/us/en']) await openFolder(dir)
    const governed = (relPath: string) => textOf(treeRow(relPath).locator('.governed-by'))
    await expect.poll(() => governed(MODEL), POLL).toBe('not auto-invalidated (/invalidate)')
    expect(await attrOf(treeRow(MODEL).locator('.governed-by'), 'title')).toBe(
      'Not matched by /invalidate: no .stat makes it stale; a flush of its handle deletes it'
    )
    // No flush has written a .stat yet: an .html file /invalidate matches has none to be judged by.
    expect(await governed(PAGE)).toBe('no .stat yet')
    await screenshot(ui.page, 'cache-governed-by')
  })

  it("the tree is used by keyboard: Tab reaches a row, the arrows move, folders open and close, Tab reaches the row's actions", async () => {
    const refresh = ui.page.getByRole('button', { name: 'Refresh' })
    await refresh.click()
    await expect.poll(() => treeRow('/content').getAttribute('aria-expanded'), POLL).toBe('false')
    await ui.page.mouse.move(0, 0)
    await refresh.focus()
    const flushOf = (relPath: string) => treeRow(relPath).getByRole('button', { name: 'Flush…' })
    expect(await flushOf('/content').isVisible()).toBe(false)
    await ui.page.keyboard.press('Tab')
    expect(await focusAt()).toEqual({ path: '/content', on: 'treeitem' })
    // The focused row shows its actions, as hovering it does.
    expect(await flushOf('/content').isVisible()).toBe(true)
    const press = async (key: string, path: string): Promise<void> => {
      await ui.page.keyboard.press(key)
      await expect.poll(focusAt, POLL).toEqual({ path, on: 'treeitem' })
    }
    const expanded = (relPath: string) => treeRow(relPath).getAttribute('aria-expanded')
    /** The folder is open and its listing has come (the arrows move over the rows shown). */
    const opened = async (relPath: string, child: string): Promise<void> => {
      await expect.poll(() => expanded(relPath), POLL).toBe('true')
      await treeRow(child).waitFor()
    }
    await press('ArrowRight', '/content')
    await opened('/content', '/content/demo')
    await press('ArrowRight', '/content/demo')
    await press('Enter', '/content/demo')
    await opened('/content/demo', '/content/demo/us')
    await press('ArrowDown', '/content/demo/us')
    await press(' ', '/content/demo/us')
    await opened('/content/demo/us', '/content/demo/us/en')
    await press('ArrowDown', '/content/demo/us/en')
    await press('ArrowRight', '/content/demo/us/en')
    await opened('/content/demo/us/en', PAGE)
    await press('ArrowLeft', '/content/demo/us/en')
    await expect.poll(() => expanded('/content/demo/us/en'), POLL).toBe('false')
    await press('Enter', '/content/demo/us/en')
    await opened('/content/demo/us/en', PAGE)
    await press('ArrowDown', PAGE)
    await press('ArrowLeft', '/content/demo/us/en')
    await press('ArrowDown', PAGE)
    await ui.page.keyboard.press('Tab')
    expect(await focusAt()).toEqual({ path: PAGE, on: 'Flush…' })
    await screenshot(ui.page, 'cache-keyboard')
    await ui.page.keyboard.press('Tab')
    expect(await focusAt()).toEqual({ path: PAGE, on: 'Show in folder' })
    await ui.page.keyboard.press('Shift+Tab')
    await ui.page.keyboard.press('Enter')
    const dialog = ui.page.locator('dialog.dialog')
    await expect.poll(() => textOf(dialog.locator('.dialog-title')), POLL).toBe('Flush /content/demo/us/en/adventures')
    await ui.page.keyboard.press('Escape')
    await expect.poll(() => dialog.count(), POLL).toBe(0)
    // The focus is back on the button that opened the dialog; Shift+Tab goes to its row, then leaves the tree.
    await expect.poll(focusAt, POLL).toEqual({ path: PAGE, on: 'Flush…' })
    await ui.page.keyboard.press('Shift+Tab')
    expect(await focusAt()).toEqual({ path: PAGE, on: 'treeitem' })
    await ui.page.keyboard.press('Shift+Tab')
    expect(await ui.page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.textContent)).toBe(
      'Refresh'
    )
  })

  it('a flush of a page from the tree shows its preview first; the page is deleted, others go stale, the next request is a miss', async () => {
    const file = treeRow(PAGE)
    await file.hover()
    await file.getByRole('button', { name: 'Flush…' }).click()
    const dialog = ui.page.locator('dialog.dialog')
    await expect.poll(() => textOf(dialog.locator('.dialog-title')), POLL).toBe('Flush /content/demo/us/en/adventures')
    // The count is that of the entries listed under Deleted: the page and its stored headers (.h).
    await expect
      .poll(() => textOf(dialog.locator('.flush-preview p').first()), POLL)
      .toBe('1 cached document will become stale, 2 deleted.')
    expect(await listUnder(dialog, 'Deleted').allInnerTexts()).toEqual([PAGE, `${PAGE}.h`])
    await expect
      .poll(() => textOf(dialog.locator('.path-list li', { hasText: '/content/demo/.stat' })), POLL)
      .toBe('/content/demo/.stat')
    // Before anything is sent, the request is stated as it will go out, and the farm its Host selects by which value (file:line).
    await expect
      .poll(async () => (await textOf(dialog.locator('.flush-request')))?.split(/ (?=[A-Z][\w-]+: )/), POLL)
      .toEqual(FLUSH_REQUEST)
    expect(await textOf(dialog.locator('.flush-host'))).toMatch(
      /^Host selects farm \/publishfarm by its \/virtualhosts value "\*" \(conf\.dispatcher\.d\/virtualhosts\/default_virtualhosts\.any:6\)\.$/
    )
    await screenshot(ui.page, 'cache-flush-preview')
    await dialog.getByRole('button', { name: 'Flush', exact: true }).click()
    // The trace's own summary of the flush, whose count is that of the files listed under Deleted.
    await expect
      .poll(() => textOf(dialog.locator('.flush-preview p').first()), POLL)
      .toBe(
        "Done: HTTP 200. Activate /content/demo/us/en/adventures: 3 .stat touched, 2 deleted; /allowedClients allows 127.0.0.1 (the connection's address)"
      )
    expect(await listUnder(dialog, 'Deleted').allInnerTexts()).toEqual([PAGE, `${PAGE}.h`])
    const done = (await textOf(dialog.locator('.flush-preview p').first()))!
    expect((await textOf(dialog.locator('.flush-request')))?.split(/ (?=[A-Z][\w-]+: )/)).toEqual(FLUSH_REQUEST)
    await screenshot(ui.page, 'cache-flush-sent')
    await dialog.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => treeRow(PAGE).count(), POLL).toBe(0)
    await expect.poll(() => textOf(treeRow(HOME).locator('.pill')), POLL).toMatch(/^(grace|stale)$/)
    await expect.poll(() => ui.page.locator('.tree .tree-stat').count(), POLL).toBeGreaterThan(0)
    await screenshot(ui.page, 'cache-after-flush')

    expect(await get(served.proxy, PAGE)).toBe(200)
    await tab('requests')
    await expect.poll(() => logRow(PAGE).count(), POLL).toBe(3)
    const flushRow = logRow('/dispatcher/invalidate.cache')
    await expect.poll(() => flushRow.count(), POLL).toBe(1)
    expect(await textOf(flushRow.locator('.cell-outcome'))).toBe('flush')
    await flushRow.click()
    await expect
      .poll(() => textOf(ui.page.locator('.detail-pane .stage[data-stage="flush"] .stage-summary')), POLL)
      .toBe(done.replace(/^Done: HTTP 200\. /, ''))
    await ui.page.keyboard.press('Escape')
    await expectMissStored()
  })

  it('clearing a folder from the tree empties it and the next request fetches from the render', async () => {
    // The request the test before made for the page is stored again.
    await stored(PAGE)
    await tab('cache')
    await ui.page.getByRole('button', { name: 'Refresh' }).click()
    for (const dir of ['/content', '/content/demo', '/content/demo/us', '/content/demo/us/en']) await openFolder(dir)
    await expect.poll(() => treeRow(PAGE).count(), POLL).toBe(1)
    const folder = treeRow('/content/demo/us/en')
    await folder.hover()
    await folder.getByRole('button', { name: 'Clear…' }).click()
    const dialog = ui.page.locator('dialog.dialog')
    await dialog.getByRole('button', { name: 'Delete cached files' }).click()
    await expect.poll(() => textOf(dialog.locator('.dialog-body p').last()), POLL).toBe('1 file deleted.')
    await dialog.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => treeRow(PAGE).count(), POLL).toBe(0)
    expect(await get(served.proxy, PAGE)).toBe(200)
    await tab('requests')
    await expect.poll(() => logRow(PAGE).count(), POLL).toBe(4)
    await expectMissStored()
  })

  it("a ResourceOnly flush deletes the handle's files and touches no .stat, in the preview and when sent", async () => {
    // The request the test before made for the page is stored again.
    await stored(PAGE)
    await tab('cache')
    await ui.page.getByRole('button', { name: 'Refresh' }).click()
    for (const dir of ['/content', '/content/demo', '/content/demo/us', '/content/demo/us/en']) await openFolder(dir)
    const file = treeRow(PAGE)
    await file.hover()
    await file.getByRole('button', { name: 'Flush…' }).click()
    const dialog = ui.page.locator('dialog.dialog')
    await expect
      .poll(() => textOf(dialog.locator('.path-list li', { hasText: '/content/demo/.stat' })), POLL)
      .toBe('/content/demo/.stat')
    // The preview for the new choice is held back, so the old one (it touches three .stat files)
    // would be on screen after the click if the dialog kept showing it until the new one came.
    await ui.page.route('**/api/cache/flush-preview', async (route) => {
      if (route.request().postData()?.includes('"resourceOnly":true')) await new Promise((r) => setTimeout(r, 500))
      await route.continue()
    })
    await dialog.getByRole('checkbox', { name: /Resource only/ }).check()
    expect(await dialog.locator('.path-list li', { hasText: '.stat' }).count()).toBe(0)
    expect(await dialog.getByRole('button', { name: 'Flush', exact: true }).isDisabled()).toBe(true)
    await expect
      .poll(() => textOf(dialog.locator('.flush-preview p').first()), POLL)
      .toBe('0 cached documents will become stale, 2 deleted.')
    // Only now, with the held preview through: a route taken away while its handler still waits
    // is handled by Playwright, and the handler's continue() then rejects ("Route is already
    // handled!"), an unhandled error that fails the run although every test passed.
    await ui.page.unroute('**/api/cache/flush-preview')
    expect(await dialog.locator('.path-list li', { hasText: '.stat' }).count()).toBe(0)
    await dialog.getByRole('button', { name: 'Flush', exact: true }).click()
    await expect
      .poll(() => textOf(dialog.locator('.flush-preview p').first()), POLL)
      .toBe(
        "Done: HTTP 200. Activate /content/demo/us/en/adventures: 0 .stat touched, 2 deleted; /allowedClients allows 127.0.0.1 (the connection's address)"
      )
    expect(await textOf(dialog.locator('.flush-request'))).toContain('CQ-Action-Scope: ResourceOnly')
    await dialog.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => treeRow(PAGE).count(), POLL).toBe(0)
  })

  it('the root handle says what it touches: /.stat only, so files below a deeper .stat stay fresh', async () => {
    const button = ui.page.getByRole('button', { name: 'Flush / (root handle)…' })
    expect(await button.getAttribute('title')).toMatch(/^Sends CQ-Handle: \/ — touches only the docroot's \.stat;/)
    await button.click()
    const dialog = ui.page.locator('dialog.dialog')
    await expect
      .poll(() => textOf(dialog.locator('.root-handle-note')), POLL)
      .toMatch(
        /^Handle \/ touches only \/\.stat: a cached file is judged by its nearest \.stat, so files below a deeper \.stat/
      )
    await screenshot(ui.page, 'cache-flush-root')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })

  it("the flush action is chosen by keyboard too, and offers Deactivate, AEM's unpublish request", async () => {
    await tab('cache')
    await ui.page.getByRole('button', { name: 'Flush / (root handle)…' }).click()
    const dialog = ui.page.locator('dialog.dialog')
    const radios = dialog.getByRole('radio')
    expect(await radios.evaluateAll((els) => els.map((e) => e.getAttribute('value')))).toEqual([
      'Activate',
      'Deactivate',
      'Delete'
    ])
    await radios.first().focus()
    await ui.page.keyboard.press('ArrowRight')
    expect(await dialog.getByRole('radio', { name: 'Deactivate' }).isChecked()).toBe(true)
    await expect.poll(() => textOf(dialog.locator('.flush-request-preview')), POLL).toContain('CQ-Action: Deactivate')
    expect(await dialog.getByRole('button', { name: 'Deactivate', exact: true }).isEnabled()).toBe(true)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })

  it("a folder of a page's renderings (its _jcr_content) is flushed through the page's handle", async () => {
    fs.mkdirSync(join(served.docroot, 'content/demo/us/en/adventures/_jcr_content/root'), { recursive: true })
    fs.writeFileSync(join(served.docroot, 'content/demo/us/en/adventures/_jcr_content/root/image.png'), 'png')
    await ui.page.getByRole('button', { name: 'Refresh' }).click()
    for (const dir of ['/content', '/content/demo', '/content/demo/us', '/content/demo/us/en']) await openFolder(dir)
    await openFolder('/content/demo/us/en/adventures')
    const folder = treeRow('/content/demo/us/en/adventures/_jcr_content')
    await folder.hover()
    await folder.getByRole('button', { name: 'Flush…' }).click()
    const dialog = ui.page.locator('dialog.dialog')
    await expect.poll(() => textOf(dialog.locator('.dialog-title')), POLL).toBe('Flush /content/demo/us/en/adventures')
    await expect
      .poll(() => textOf(dialog.locator('.path-list li', { hasText: '_jcr_content' })), POLL)
      .toBe('/content/demo/us/en/adventures/_jcr_content/')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })

  it("a farm whose /allowedClients refuses the loopback client answers the flush with the Dispatcher's 403, and says why", async () => {
    const farmFile = join(served.configDir, 'conf.dispatcher.d/enabled_farms/default.farm')
    const text = fs.readFileSync(farmFile, 'utf8')
    fs.writeFileSync(
      farmFile,
      text.replace('/0100 { /glob "127.0.0.1" /type "allow" }', '/0100 { /glob "*" /type "deny" }')
    )
    await tab('config')
    await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain('generation 2')
    await tab('cache')
    const file = treeRow(HOME)
    await file.hover()
    await file.getByRole('button', { name: 'Flush…' }).click()
    const dialog = ui.page.locator('dialog.dialog')
    await expect.poll(() => textOf(dialog.locator('.flush-preview p').first()), POLL).toMatch(/will become stale/)
    await dialog.getByRole('button', { name: 'Flush', exact: true }).click()
    await expect
      .poll(() => textOf(dialog.locator('.flush-preview p').first()), POLL)
      .toBe(
        "HTTP 403: nothing was invalidated in this farm. Flushing rejected from 127.0.0.1: /allowedClients does not allow 127.0.0.1 (the connection's address), answered 403"
      )
    await screenshot(ui.page, 'cache-flush-refused')
    await dialog.getByRole('button', { name: 'Show the request in the log' }).click()
    await expect
      .poll(() => textOf(ui.page.locator('.detail-pane .stage[data-stage="flush"] .stage-summary')), POLL)
      .toMatch(/^Flushing rejected from 127\.0\.0\.1/)
    await ui.page.keyboard.press('Escape')
    expect(fs.existsSync(join(served.docroot, HOME))).toBe(true)
  })

  it('the page logged no errors', () => {
    expect(ui.errors).toEqual([])
  })
})
