/**
 * The renderer on the Electron bridge: the page gets a `window.workbench` object shaped like
 * the preload's (src/preload/channels.ts) — here backed by the headless server, since Electron
 * cannot run in this environment — and must use it instead of its own HTTP client: live
 * requests come through `onEvent`, source links go to `openInEditor`, and the configuration
 * screen offers the native folder picker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launch, openUi, screenshot, textOf, type UiPage } from './support/browser'
import { get, prepareBuilds, serve, type Served } from './support/serve'

const POLL = { timeout: 5000, interval: 50 }

type BridgeGlobals = {
  __opened: unknown[]
  __calls: string[]
  __pick: string | null
  workbench: unknown
  location: { search: string; host: string }
}

let served: Served
let browser: Browser
let ui: UiPage

beforeAll(async () => {
  await prepareBuilds()
  served = await serve()
  browser = await launch()
  ui = await openUi(browser, served.ui, {
    init: () => {
      const w = globalThis as unknown as BridgeGlobals
      const token = new URLSearchParams(w.location.search).get('token') ?? ''
      const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
        w.__calls.push(path)
        const res = await fetch(path, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined
        })
        const value = (await res.json()) as { error?: string }
        if (!res.ok) throw new Error(value.error)
        return value
      }
      const q = (o: Record<string, unknown> = {}): string =>
        new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined)).toString()
      w.__opened = []
      w.__calls = []
      w.__pick = null
      w.workbench = {
        listTraces: (o?: Record<string, unknown>) => call('GET', `/api/traces?${q(o)}`),
        getTrace: (id: string) => call('GET', `/api/traces/${id}`),
        clearTraces: () => call('POST', '/api/traces/clear', {}),
        replay: (id: string) => call('POST', `/api/traces/${id}/replay`, {}),
        getConfigStatus: () => call('GET', '/api/config'),
        reloadConfig: () => call('POST', '/api/config/reload', {}),
        openConfig: (path: string) => call('POST', '/api/config/open', { path }),
        setRuntime: (settings: unknown) => call('POST', '/api/config/runtime', settings),
        listCacheFolder: (farm: string, path: string) => call('GET', `/api/cache/folder?${q({ farm, path })}`),
        cacheTotals: (farm: string) => call('GET', `/api/cache/totals?${q({ farm })}`),
        previewFlush: (farm: string, handle: string, action: string, resourceOnly?: boolean) =>
          call('POST', '/api/cache/flush-preview', { farm, handle, action, resourceOnly }),
        flush: (farm: string, handle: string, action: string, resourceOnly?: boolean) =>
          call('POST', '/api/cache/flush', { farm, handle, action, resourceOnly }),
        clearCacheFolder: (farm: string, path: string) => call('POST', '/api/cache/clear', { farm, path }),
        getRenders: () => call('GET', '/api/renders'),
        onEvent(listener: (e: unknown) => void) {
          const ws = new WebSocket(`ws://${w.location.host}/api/events?token=${token}`)
          ws.onmessage = (m) => listener(JSON.parse(String(m.data)))
          return () => ws.close()
        },
        pickConfigFolder: async () => w.__pick,
        openInEditor: async (pos: unknown) => {
          w.__opened.push(pos)
        }
      }
    }
  })
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

const globals = (): Promise<Pick<BridgeGlobals, '__opened' | '__calls'>> =>
  ui.page.evaluate(() => {
    const w = globalThis as unknown as BridgeGlobals
    return { __opened: w.__opened, __calls: w.__calls }
  })

describe('the renderer on the desktop bridge', () => {
  it('loads through the bridge and receives live requests from its event stream', async () => {
    expect((await globals()).__calls).toContain('/api/config')
    expect(await get(served.proxy, '/bin/querybuilder.json')).toBe(404)
    await expect.poll(() => ui.page.locator('.rows .row', { hasText: '/bin/querybuilder.json' }).count(), POLL).toBe(1)
  })

  it('a rule source link opens the editor through the bridge at the rule line, without navigating', async () => {
    await ui.page.locator('.rows .row', { hasText: '/bin/querybuilder.json' }).click()
    const link = ui.page.locator('.stage[data-stage="filter"] .stage-source .source-link')
    await link.click()
    await expect
      .poll(async () => (await globals()).__opened, POLL)
      .toEqual([{ file: `${served.configDir}/conf.dispatcher.d/filters/default_filters.any`, line: 17, column: 1 }])
    expect(ui.page.url()).toBe(served.ui)
  })

  it('the configuration screen offers the native folder picker instead of a path field', async () => {
    await ui.page.locator('[data-tab="config"]').click()
    await expect.poll(() => textOf(ui.page.getByRole('button', { name: 'Open folder…' })), POLL).toBe('Open folder…')
    expect(await ui.page.getByLabel('Configuration folder').count()).toBe(0)
    await screenshot(ui.page, 'config-desktop')
  })

  it('the page logged no errors', () => {
    expect(ui.errors).toEqual([])
  })
})
