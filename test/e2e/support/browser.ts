/** Headless Chromium (Debian's) driven by playwright-core, and screenshots for people to look at. */
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { root } from './serve'

export const SCREENSHOTS = path.join(root, 'test/e2e/screenshots')

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
  })
}

export interface UiPage {
  context: BrowserContext
  page: Page
  /** Console errors and uncaught exceptions of the page (a failed resource load is not one). */
  errors: string[]
}

export async function openUi(
  browser: Browser,
  url: string,
  opts: { colorScheme?: 'light' | 'dark'; init?: () => void; timezoneId?: string } = {}
): Promise<UiPage> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 860 },
    colorScheme: opts.colorScheme ?? 'light',
    timezoneId: opts.timezoneId,
    acceptDownloads: true
  })
  if (opts.init) await context.addInitScript(opts.init)
  const page = await context.newPage()
  page.setDefaultTimeout(5000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  await page.goto(url)
  await page.locator('.conn-open').waitFor({ timeout: 10_000 })
  return { context, page, errors }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}

/** The element's text (white space collapsed) once it exists, `null` while it does not (for `expect.poll`). */
export async function textOf(locator: Locator): Promise<string | null> {
  return (await locator.count()) > 0
    ? (await locator.first().innerText({ timeout: 2000 })).replace(/\s+/g, ' ').trim()
    : null
}

export async function attrOf(locator: Locator, name: string): Promise<string | null> {
  return (await locator.count()) > 0 ? locator.first().getAttribute(name, { timeout: 2000 }) : null
}
