/**
 * The configuration and renders screens against `serve --demo` on a copy of the default
 * configuration: a broken edit is refused with its file:line:col shown, the previous configuration
 * keeps serving, and fixing the file brings the next generation in.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { attrOf, launch, openUi, screenshot, textOf, type UiPage } from './support/browser'
import { get, prepareBuilds, root, serve, type Served } from './support/serve'
import { freePort } from '../integration/support/ports'

const POLL = { timeout: 8000, interval: 50 }
const FILTERS = 'conf.dispatcher.d/filters/filters.any'

let served: Served
let browser: Browser
let ui: UiPage
let original: string
/** Folders a test made, removed at the end. */
const made: string[] = []

beforeAll(async () => {
  await prepareBuilds()
  served = await serve()
  browser = await launch()
  ui = await openUi(browser, served.ui)
  original = fs.readFileSync(path.join(served.configDir, FILTERS), 'utf8')
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

const tab = (name: string) => ui.page.locator(`[data-tab="${name}"]`).click()

describe('the configuration screen', () => {
  it('shows the folder, layout, farms and files the configuration came from', async () => {
    await tab('config')
    await expect.poll(() => textOf(ui.page.locator('.reload-state .pill')), POLL).toBe('loaded')
    expect(await textOf(ui.page.locator('.config-view dd').first())).toBe(served.configDir)
    expect(await textOf(ui.page.locator('.config-view .grid-table td').first())).toBe('/publishfarm')
    await expect.poll(() => ui.page.locator('.file-list li', { hasText: FILTERS }).count(), POLL).toBe(1)
    // The runtime's own files, outside the folder, by their whole path rather than ../../…
    const files = await textOf(ui.page.locator('.file-list'))
    expect(files).toContain(path.join(root, 'resources', 'base-httpd.conf'))
    expect(files).not.toContain('../')
    const vars = await textOf(ui.page.locator('.config-view .grid-table.compact'))
    expect(vars).toContain('AEM_PORT')
    expect(vars).not.toContain('PATH')
    await screenshot(ui.page, 'config')
  })

  it('a broken edit is refused: the error names file:line:col as check prints it, the top bar warns, the old configuration keeps serving', async () => {
    fs.appendFileSync(path.join(served.configDir, FILTERS), '\n/9999 { /type "allow" /url "/broken"\n')
    await expect.poll(() => textOf(ui.page.locator('.reload-state .pill')), POLL).toBe('refused')
    const error = ui.page.locator('.diagnostics.tone-border-bad .diagnostic').first()
    await expect.poll(() => textOf(error.locator('.source-link')), POLL).toBe(`${FILTERS}:13:7`)
    expect(await textOf(error)).toContain('ANY_UNCLOSED_BRACE')
    expect(await textOf(ui.page.locator('.reload-state'))).toContain('the previous configuration keeps serving')
    await expect.poll(() => textOf(ui.page.locator('.topbar .chip-bad')), POLL).toBe('config #1 · reload failed')
    expect(await ui.page.locator('.tab-alert').count()).toBe(1)
    // The chip opens the screen with the errors, from any other.
    await tab('requests')
    await ui.page.locator('.topbar .chip-bad').click()
    expect(await attrOf(ui.page.locator('[data-tab="config"]'), 'aria-selected')).toBe('true')
    await expect.poll(() => textOf(ui.page.locator('.reload-state .pill')), POLL).toBe('refused')
    expect(await get(served.proxy, '/content/demo/us/en.html')).toBe(200)
    expect(await get(served.proxy, '/bin/querybuilder.json')).toBe(404)
    await screenshot(ui.page, 'config-error')
  })

  it("a refused reload also shows the refused configuration's own warnings, which explain its errors (the enabled farm deleted)", async () => {
    const enabled = path.join(served.configDir, 'conf.dispatcher.d/enabled_farms/default.farm')
    const text = fs.readFileSync(enabled)
    fs.rmSync(enabled)
    const refusedWarnings = ui.page.locator('.diagnostics', { hasText: 'Warnings of the refused configuration' })
    await expect
      .poll(() => refusedWarnings.locator('.diagnostic', { hasText: 'INCLUDE_GLOB_EMPTY' }).count(), POLL)
      .toBe(1)
    expect(await textOf(refusedWarnings)).toContain('available_farms/ has 1 file(s) that would match (default.farm)')
    expect(await textOf(ui.page.locator('.diagnostics.tone-border-bad'))).toContain('MODEL_NO_FARMS')
    await screenshot(ui.page, 'config-refused-warnings')
    // Back to the broken filter alone: its refusal does not have that warning.
    fs.writeFileSync(enabled, text)
    await expect.poll(() => ui.page.locator('.diagnostic', { hasText: 'INCLUDE_GLOB_EMPTY' }).count(), POLL).toBe(0)
    expect(await textOf(ui.page.locator('.diagnostics.tone-border-bad'))).toContain('ANY_UNCLOSED_BRACE')
  })

  it('fixing the file loads the next generation and clears the error', async () => {
    fs.writeFileSync(path.join(served.configDir, FILTERS), original)
    await expect.poll(() => textOf(ui.page.locator('.reload-state .pill')), POLL).toBe('loaded')
    expect(await textOf(ui.page.locator('.reload-state'))).toContain('generation 2')
    expect(await ui.page.locator('.diagnostics.tone-border-bad').count()).toBe(0)
    expect(await ui.page.locator('.tab-alert').count()).toBe(0)
  })

  it('a mistyped folder is told next to the field: the configuration in use is not marked as failed', async () => {
    const missing = path.join(served.docroot, 'nothing-here')
    const input = ui.page.getByLabel('Configuration folder')
    await input.fill(missing)
    await ui.page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect.poll(() => textOf(ui.page.locator('.open-error')), POLL).toBe(`${missing}: no such file or folder`)
    expect(await textOf(ui.page.locator('.reload-state .pill'))).toBe('loaded')
    expect(await ui.page.locator('.diagnostics.tone-border-bad').count()).toBe(0)
    expect(await ui.page.locator('.tab-alert').count()).toBe(0)
    expect(await ui.page.locator('.topbar .chip-bad').count()).toBe(0)
    expect(await textOf(ui.page.locator('.config-view dd').first())).toBe(served.configDir)
    expect(await get(served.proxy, '/content/demo/us/en.html')).toBe(200)
    await screenshot(ui.page, 'config-open-missing')
    // Typing again clears the message: it was about the path that was in the field.
    await input.fill(missing + '2')
    expect(await ui.page.locator('.open-error').count()).toBe(0)
  })

  it('opening a folder whose configuration has errors is refused with them; the current one keeps serving', async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-config-'))
    made.push(broken)
    fs.cpSync(served.configDir, broken, { recursive: true })
    fs.appendFileSync(path.join(broken, FILTERS), '\n/9999 { /type "allow" /url "/broken"\n')
    await ui.page.getByLabel('Configuration folder').fill(broken)
    await ui.page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect.poll(() => textOf(ui.page.locator('.reload-state .pill')), POLL).toBe('refused')
    const error = ui.page.locator('.diagnostics.tone-border-bad .diagnostic').first()
    await expect.poll(() => textOf(error), POLL).toContain('ANY_UNCLOSED_BRACE')
    expect(await textOf(ui.page.locator('.config-view dd').first())).toBe(served.configDir)
    expect(await get(served.proxy, '/content/demo/us/en.html')).toBe(200)
  })

  it('the reload button reloads the configuration from disk', async () => {
    await ui.page.getByRole('button', { name: 'Reload', exact: true }).click()
    await expect.poll(() => textOf(ui.page.locator('.reload-state .pill')), POLL).toBe('loaded')
    expect(await textOf(ui.page.locator('.reload-state'))).toContain('generation 3')
  })
})

describe('the runtime settings', () => {
  it('switching the run mode reloads with the new Define; a bad AEM address is refused with the reason', async () => {
    const form = ui.page.locator('.runtime-form')
    expect(await form.getByLabel('Run mode').inputValue()).toBe('dev')
    expect(await form.getByLabel('AEM render host:port').inputValue()).toMatch(/^127\.0\.0\.1:\d+$/)
    await form.getByLabel('Run mode').selectOption('stage')
    await form.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain('generation 4')
    const vars = await textOf(ui.page.locator('.config-view .grid-table.compact'))
    expect(vars).toContain('ENVIRONMENT_STAGE')
    expect(vars).not.toContain('ENVIRONMENT_DEV')
    expect(await form.getByLabel('Run mode').inputValue()).toBe('stage')

    await form.getByLabel('AEM render host:port').fill('nohost')
    await form.getByRole('button', { name: 'Apply' }).click()
    await expect
      .poll(() => textOf(ui.page.locator('.card.runtime .error-text')), POLL)
      .toBe('AEM render expects host:port, got "nohost"')
    expect(await textOf(ui.page.locator('.reload-state'))).toContain('generation 4')
    expect(await get(served.proxy, '/content/demo/us/en.html')).toBe(200)
    await screenshot(ui.page, 'config-runtime')
  })
})

describe('the renders screen', () => {
  it('shows the render as up with its requests, share of the farm and latency', async () => {
    for (let i = 0; i < 5; i++) await get(served.proxy, `/content/demo/us/en.model.json?n=${i}`)
    await tab('renders')
    const row = ui.page.locator('.renders-view tr[data-render="0"]')
    await expect.poll(() => textOf(row.locator('.pill')), POLL).toBe('up')
    await expect.poll(async () => Number((await textOf(row.locator('td').nth(4))) ?? 0), POLL).toBeGreaterThanOrEqual(5)
    expect(await textOf(row.locator('td').nth(5))).toBe('100%')
    expect(await textOf(row.locator('td[data-col="avg"]'))).toMatch(/ms$/)
    await screenshot(ui.page, 'renders')
  })

  it("a rule no request can match is marked in a request's trace, with the reason and the fix", async () => {
    // /url without its leading "/": the module compares it with /content/…, so it never matches.
    fs.writeFileSync(
      path.join(served.configDir, FILTERS),
      `${original}\n/9998 { /type "allow" /url "content/demo/*" }\n`
    )
    await tab('config')
    await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain('generation 5')
    expect(await get(served.proxy, '/content/demo/us/en.html?dead-rule')).toBe(200)
    await tab('requests')
    await ui.page.locator('.rows .row', { hasText: 'dead-rule' }).click()
    const filterStage = ui.page.locator('.detail-pane .stage[data-stage="filter"]')
    await filterStage.locator('.stage-row').click()
    const dead = filterStage.locator('tr.rule[data-rule="9998"]')
    await expect
      .poll(() => textOf(dead.locator('.muted')), POLL)
      .toBe(
        'the rule never matches any request: the URL is the path alone, which begins with "/" (/content/a.html), so "content/demo/*" never matches; write /url "/content/demo/*"'
      )
    await dead.scrollIntoViewIfNeeded()
    await screenshot(ui.page, 'trace-dead-rule')
  })

  it('a render nobody listens on: requests count once, attempts and failures apart, no latency; the trace names the address, the cause and the rounds', async () => {
    await tab('renders')
    const row = ui.page.locator('.renders-view tr[data-render="0"]')
    const demo = (await textOf(row.locator('td').nth(2)))!
    const dead = await freePort()
    await tab('config')
    const form = ui.page.locator('.runtime-form')
    await form.getByLabel('AEM render host:port').fill(`127.0.0.1:${dead}`)
    await form.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain('generation 6')
    // The embedded farm's defaults, /numberOfRetries 5 and /retryDelay 1: about 4 s each, side by side.
    const statuses = await Promise.all(
      [1, 2].map((n) => get(served.proxy, `/content/demo/us/en.html?unreachable=${n}`))
    )
    expect(statuses).toEqual([503, 503])

    await tab('renders')
    const cell = (col: string) => textOf(row.locator(`td[data-col="${col}"]`))
    await expect.poll(() => cell('attempts'), POLL).toBe('10')
    expect(await textOf(row.locator('td').nth(2))).toBe(`127.0.0.1:${dead}`)
    expect([await cell('requests'), await cell('failed'), await cell('avg'), await cell('p95')]).toEqual([
      '2',
      '10',
      '—',
      '—'
    ])
    // Ten failures of /unavailablePenalty "1" (100 ms each), halving every 10 s: under a second in milliseconds.
    expect(await cell('penalty')).toMatch(/^\d{3} ms$/)
    expect(await cell('last-error')).toBe('Connection refused')
    expect(await attrOf(ui.page.locator('.renders-view th', { hasText: 'attempts' }), 'title')).toContain(
      '/numberOfRetries'
    )
    expect(await attrOf(ui.page.locator('.renders-view th', { hasText: 'penalty' }), 'title')).toContain(
      '/unavailablePenalty'
    )
    await screenshot(ui.page, 'renders-unreachable')

    await tab('requests')
    await ui.page.locator('.rows .row', { hasText: 'unreachable=1' }).click()
    const stage = ui.page.locator('.detail-pane .stage[data-stage="render"]')
    await expect
      .poll(() => textOf(stage.locator('.stage-summary')), POLL)
      .toMatch(
        new RegExp(
          `^no render answered: 127\\.0\\.0\\.1:${dead}: Connection refused, 5 attempts in 5 rounds over 4\\.\\d s ` +
            '\\(/numberOfRetries 5 by default, /retryDelay 1 s by default\\); Unable to connect to any backend in farm publishfarm: 503$'
        )
      )
    await stage.locator('.stage-row').click()
    expect(await textOf(stage.locator('.attempts-note'))).toMatch(
      /^5 attempts in 5 rounds over 4\.\d s: the default \/numberOfRetries \(5\) allows 5 rounds, each trying every render once, and the default \/retryDelay waits 1 s between rounds\.$/
    )
    const attempts = stage.locator('.render-attempts tbody tr')
    expect(await attempts.count()).toBe(5)
    expect(await textOf(attempts.nth(0))).toMatch(
      new RegExp(`^1 1 0 /0 127\\.0\\.0\\.1:${dead} Connection refused \\(ECONNREFUSED\\) [\\d.]+ ms$`)
    )
    expect(await textOf(attempts.nth(4))).toMatch(/^5 5 \+4\.\d\d s /)
    await screenshot(ui.page, 'trace-render-unreachable')

    await tab('config')
    await form.getByLabel('AEM render host:port').fill(demo)
    await form.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain('generation 7')
    expect(await get(served.proxy, '/content/demo/us/en.html?unreachable=back')).toBe(200)
  })

  it("a /virtualhosts value a browser's Host misses by its port says so under its row in the farm stage", async () => {
    const farms = path.join(served.configDir, 'conf.dispatcher.d/enabled_farms')
    const named = path.join(farms, 'aa-named.farm')
    await tab('config')
    const generation = Number(/generation (\d+)/.exec((await textOf(ui.page.locator('.reload-state'))) ?? '')?.[1])
    // Included before default.farm, so walked after it: publishfarm's "*" still takes the request.
    fs.writeFileSync(
      named,
      fs
        .readFileSync(path.join(farms, 'default.farm'), 'utf8')
        .replace('/publishfarm {', '/namedfarm {')
        .replace('$include "../virtualhosts/virtualhosts.any"', '"www.example.com"')
    )
    try {
      await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain(`generation ${generation + 1}`)
      const port = new URL(served.proxy).port
      // The status is the render's business; the farm stage is what this is about.
      await getWithHost(served.proxy, '/content/demo/us/en.html?named-host', `www.example.com:${port}`)
      await tab('requests')
      await ui.page.locator('.rows .row', { hasText: 'named-host' }).click()
      const stage = ui.page.locator('.detail-pane .stage[data-stage="farm"]')
      await stage.locator('.stage-row').click()
      await expect
        .poll(() => textOf(stage.locator('.farm-checks tr.port-hint')), POLL)
        .toBe(
          `does not match 'www.example.com:${port}': the port is part of the compared host; ` +
            `'www.example.com:${port}' (this port) or 'www.example.com:*' (any port) would match`
        )
      await screenshot(ui.page, 'trace-farm-port-hint')
    } finally {
      fs.rmSync(named)
    }
  })

  it('an AMS or classic configuration: the run mode, an SDK-only define, is disabled and says why; the render field is the publish one', async () => {
    const classic = fs.mkdtempSync(path.join(os.tmpdir(), 'classic-config-'))
    made.push(classic)
    fs.writeFileSync(
      path.join(classic, 'dispatcher.any'),
      '/farms { /site { /virtualhosts { "*" } /renders { /0 { /hostname "${PUBLISH_IP}" /port "${PUBLISH_PORT}" } } } }\n'
    )
    await tab('config')
    const form = ui.page.locator('.card.runtime')
    expect(await form.getByLabel('Run mode').isDisabled()).toBe(false)
    await ui.page.getByLabel('Configuration folder').fill(classic)
    await ui.page.getByRole('button', { name: 'Open', exact: true }).click()
    try {
      await expect.poll(() => textOf(ui.page.locator('.config-view dd').first()), POLL).toBe(classic)
      expect(await form.getByLabel('Run mode').isDisabled()).toBe(true)
      expect(await textOf(form.locator('#run-mode-note'))).toBe(
        "the AEMaaCS SDK's -D ENVIRONMENT_… define, which a configuration of this layout does not read"
      )
      expect(await textOf(form.locator('label').first().locator('span'))).toBe('publish render')
      await screenshot(ui.page, 'config-runtime-classic')
    } finally {
      await ui.page.getByLabel('Configuration folder').fill(served.configDir)
      await ui.page.getByRole('button', { name: 'Open', exact: true }).click()
      await expect.poll(() => textOf(ui.page.locator('.config-view dd').first()), POLL).toBe(served.configDir)
    }
  })

  it('a rule list that loops with [N] to its limit: a 500 the log calls an error, the reason in the rewrite stage, its rounds marked and the middle ones counted', async () => {
    const rules = path.join(served.configDir, 'conf.d/rewrites/rewrite.rules')
    const saved = fs.readFileSync(rules, 'utf8')
    await tab('config')
    const generation = Number(/generation (\d+)/.exec((await textOf(ui.page.locator('.reload-state'))) ?? '')?.[1])
    try {
      fs.appendFileSync(rules, '\nRewriteRule "^/loop(.*)$" "/loop$1" [N]\n')
      await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain(`generation ${generation + 1}`)
      expect(await get(served.proxy, '/loop/a1')).toBe(500)
      await tab('requests')
      const row = ui.page.locator('.rows .row', { hasText: '/loop/a1' })
      await expect.poll(() => textOf(row.locator('.pill')), POLL).toBe('error')
      await row.click()
      const stage = ui.page.locator('.detail-pane .stage[data-stage="rewrite"]')
      await expect
        .poll(() => textOf(stage.locator('.stage-summary')), POLL)
        .toContain('exceeded maximum number of rounds (10000) via the [N] flag')
      await stage.locator('.stage-row').click()
      const breaks = stage.locator('tr.round-break')
      await expect.poll(() => breaks.count(), POLL).toBe(5)
      expect(await textOf(breaks.nth(0))).toBe('Round 1 of 9999')
      expect(await textOf(stage.locator('tr.round-break.omitted'))).toBe(
        'Rounds 4–9998 ran the rules again and are not listed: the trace keeps the first 3 rounds and the last'
      )
      expect(await textOf(breaks.nth(4))).toBe('Round 9999 of 9999 ([N] started the rules again)')
      await breaks.nth(3).scrollIntoViewIfNeeded()
      await screenshot(ui.page, 'trace-rewrite-loop')
      expect(await textOf(ui.page.getByTestId('trace-generation'))).toBe(`config #${generation + 1}`)
      expect(await ui.page.getByTestId('old-config').count()).toBe(0)
    } finally {
      fs.writeFileSync(rules, saved)
      await tab('config')
      await expect.poll(() => textOf(ui.page.locator('.reload-state')), POLL).toContain(`generation ${generation + 2}`)
    }
    // The rule is gone from rewrite.rules: the trace says its links point into files changed since.
    await tab('requests')
    await ui.page.locator('.rows .row', { hasText: '/loop/a1' }).click()
    await expect
      .poll(() => textOf(ui.page.getByTestId('old-config')), POLL)
      .toBe(
        `Ran on configuration #${generation + 1}; #${generation + 2} serves now. The file:line links below open the files as they are today: an edit since may have moved the lines they name. Replay runs it on today's configuration.`
      )
    await screenshot(ui.page, 'trace-old-config')
  })

  it('the page logged no errors', () => {
    expect(ui.errors).toEqual([])
  })
})

/** One GET through the proxy with the Host header a browser would send for a named host. */
function getWithHost(base: string, target: string, host: string): Promise<number> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: target, headers: { host }, agent: false },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      }
    )
    req.on('error', reject)
    req.end()
  })
}
