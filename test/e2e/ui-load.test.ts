/**
 * The UI under load: 20,000 requests pushed through the proxy (loopback, 16 connections) while
 * the request log is open and following the tail. Measured in the page: the longest main-thread
 * task (PerformanceObserver 'longtask'), the JS heap after garbage collection and the number of
 * DOM nodes. The log stays bounded by the engine's ring buffer (10,000 requests) and says how
 * many older ones it dropped. The figures are written to screenshots/load-figures.json.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, CDPSession } from 'playwright-core'
import { launch, openUi, screenshot, SCREENSHOTS, textOf, type UiPage } from './support/browser'
import { prepareBuilds, serve, type Served } from './support/serve'

const TOTAL = 20_000
const CONNECTIONS = 16
const PATHS = [
  '/content/demo/us/en.html',
  '/content/demo/us/en.model.json',
  '/bin/querybuilder.json',
  '/content/demo/us/en/adventures.html',
  '/etc.clientlibs/demo/clientlibs/site.min.css'
]

let served: Served
let browser: Browser
let ui: UiPage
let cdp: CDPSession

/** What the page's init script keeps (this file is type-checked with Node's types, not the DOM's). */
type PageGlobals = { __longTasks: number[] }

beforeAll(async () => {
  await prepareBuilds()
  served = await serve()
  browser = await launch()
  ui = await openUi(browser, served.ui, {
    init: () => {
      const page = globalThis as unknown as PageGlobals
      page.__longTasks = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) page.__longTasks.push(e.duration)
      }).observe({ type: 'longtask', buffered: true } as never)
    }
  })
  cdp = await ui.context.newCDPSession(ui.page)
  await cdp.send('Performance.enable')
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

async function metrics(): Promise<Record<string, number>> {
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]))
}

/** Sends `total` GETs over `connections` keep-alive connections; resolves with the elapsed ms. */
async function push(base: string, total: number, connections: number): Promise<number> {
  const u = new URL(base)
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  let next = 0
  const started = Date.now()
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: u.hostname, port: u.port, path: PATHS[i % PATHS.length], agent }, (res) => {
          res.resume()
          res.on('end', resolve)
        })
        req.on('error', reject)
        req.end()
      })
    }
  }
  await Promise.all(Array.from({ length: connections }, worker))
  agent.destroy()
  return Date.now() - started
}

describe('the request log under load', () => {
  it(`stays responsive and bounded while ${TOTAL.toLocaleString('en-US')} requests pass through the proxy`, async () => {
    const before = await metrics()
    let slowestRoundTrip = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const t = Date.now()
        await ui.page.evaluate(() => 0)
        slowestRoundTrip = Math.max(slowestRoundTrip, Date.now() - t)
        await new Promise((r) => setTimeout(r, 200))
      }
    })()
    let elapsed: number
    try {
      elapsed = await push(served.proxy, TOTAL, CONNECTIONS)
      await expect
        .poll(() => textOf(ui.page.locator('.counts .dropped')), { timeout: 20_000, interval: 100 })
        .toBe('10,000 older requests dropped')
    } finally {
      sampling = false
      await sampler
    }
    await expect.poll(() => textOf(ui.page.locator('.counts')), { timeout: 5000 }).toContain('10,000 requests')

    const longTasks: number[] = await ui.page.evaluate(() => (globalThis as unknown as PageGlobals).__longTasks)
    const after = await metrics()
    const figures = {
      requests: TOTAL,
      connections: CONNECTIONS,
      pushSeconds: elapsed / 1000,
      requestsPerSecond: Math.round(TOTAL / (elapsed / 1000)),
      longTasks: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
      totalLongTaskMs: Math.round(longTasks.reduce((a, b) => a + b, 0)),
      slowestEvaluateRoundTripMs: slowestRoundTrip,
      heapBeforeMB: +(before.JSHeapUsedSize / 1e6).toFixed(1),
      heapAfterMB: +(after.JSHeapUsedSize / 1e6).toFixed(1),
      domNodes: after.Nodes,
      rowsInDom: await ui.page.locator('.rows .row').count()
    }
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    fs.writeFileSync(path.join(SCREENSHOTS, 'load-figures.json'), JSON.stringify(figures, null, 2))
    console.log('UI load figures', figures)
    await screenshot(ui.page, 'requests-under-load')

    expect(figures.longestTaskMs).toBeLessThan(1000)
    expect(figures.heapAfterMB).toBeLessThan(150)
    expect(figures.rowsInDom).toBeLessThan(100)
    expect(figures.domNodes).toBeLessThan(10_000)
  })

  it('scrolling up stops following the tail; "Follow new requests" goes back to the newest', async () => {
    const scroller = ui.page.locator('.table-scroll')
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }))
    await expect.poll(() => ui.page.locator('.follow-button').count(), { timeout: 3000 }).toBe(1)
    await ui.page.locator('.follow-button').click()
    await expect
      .poll(() => scroller.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 4), { timeout: 3000 })
      .toBe(true)
    expect(await ui.page.locator('.follow-button').count()).toBe(0)
  })

  it('the page logged no errors', () => {
    expect(ui.errors).toEqual([])
  })
})
