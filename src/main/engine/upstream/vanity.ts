/**
 * Vanity URLs of a farm (dispatcher-behavior.md §4.4): the list is fetched from a render
 * (`/vanity_urls/url`) at start when `/loadOnStartup` is `1` (the default) and again every
 * `/delay` seconds, kept in memory and in what stands for `/file` (vanity-file.ts: in memory too,
 * by its path, never on disk). A request the filter denies is let through
 * when its path is in the list — the filter stage asks `isVanity(path)`.
 *
 * The log lines are the module's (AMS-common-logs): `Checking vanity URLs`, `Vanity URL file
 * (/tmp/vanity_urls) not found, fetching...`, `Loaded 18 vanity URLs from file
 * /tmp/vanity_urls`, `Unable to fetch vanity URLs from 10.43.0.42:4503/libs/granite/
 * dispatcher/content/vanityUrls.html: remote server returned: HTTP/1.1 404 Not Found`.
 *
 * Nothing here blocks start-up: `start()` returns at once with a promise the caller may
 * ignore, and a render that is not reachable only costs a log line. The renders are tried in
 * order until one answers 200. Without `/file` the list is kept in memory only.
 * Match key (UNCERTAIN, §4.4): the exact path, query and fragment removed.
 */
import { STATUS_CODES } from 'node:http'
import type { Render, VanityUrls } from '../../../shared/config-model'
import { renderAddress } from './render-address'
import { getFromRender, type RenderGetResult } from './render-get'
import { parseVanityList, readVanityFile, vanityFilePath, writeVanityFile } from './vanity-file'

export const VANITY_FETCH_TIMEOUT_MS = 10_000

export interface VanityOptions {
  config: VanityUrls
  /** The farm's renders, asked in order. */
  renders: Render[]
  /** Folder that a relative `/file` is resolved against. */
  baseDir: string
  log?: (line: string) => void
  /** Called after every successful load with the new list. */
  onChange?: (urls: readonly string[]) => void
  allowSelfSigned?: boolean
  /** Replaces the HTTP fetch (tests). */
  fetch?: (render: Render, url: string) => Promise<RenderGetResult>
  /** Milliseconds since the epoch, to compare with the file's age (tests pass a fake one). */
  now?: () => number
}

export class VanityUrlList {
  /** Absolute path of the list file, or `null` without `/file`. */
  readonly file: string | null
  private list: readonly string[] = []
  /** Where the list in memory came from; null before anything was loaded. */
  private source: 'file' | 'render' | null = null
  private storedTried = false
  private set = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private inflight: Promise<boolean> | null = null
  private started: Promise<void> | null = null
  private stopped = false

  constructor(private readonly opts: VanityOptions) {
    this.file = opts.config.file ? vanityFilePath(opts.config.file.value, opts.baseDir) : null
  }

  get urls(): readonly string[] {
    return this.list
  }

  isVanity(path: string): boolean {
    const cut = path.search(/[?#]/)
    return this.set.has(cut < 0 ? path : path.slice(0, cut))
  }

  /**
   * Schedules the refresh every `/delay` seconds and, with `/loadOnStartup`, loads the list
   * now. The promise settles when that first load is over (never rejects); nobody has to wait.
   */
  start(): Promise<void> {
    if (this.started) return this.started
    const delayMs = this.opts.config.delay.value * 1000
    if (delayMs > 0) {
      this.timer = setInterval(() => void this.refresh(), delayMs)
      this.timer.unref()
    }
    this.started = this.opts.config.loadOnStartup.value ? this.loadAtStart(delayMs) : Promise.resolve()
    return this.started
  }

  /** Where the list in memory came from: `/file`, a render, or nowhere yet (null). */
  get loadedFrom(): 'file' | 'render' | null {
    return this.source
  }

  /**
   * For `explain` and `test`, which contact no render: the list stored for `/file` now (by a farm
   * that fetched it in this process). The module starts from the same file when it is there.
   * Does nothing once a list is loaded.
   */
  useStoredFile(): void {
    if (this.storedTried || this.source !== null || !this.file) return
    this.storedTried = true
    const stored = readVanityFile(this.file)
    if (stored) this.use(stored.urls, 'file')
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Fetches the list now; `true` when a render delivered it. Overlapping calls share one fetch. */
  refresh(): Promise<boolean> {
    if (!this.inflight) {
      this.inflight = this.fetchAndStore().finally(() => {
        this.inflight = null
      })
    }
    return this.inflight
  }

  private async loadAtStart(delayMs: number): Promise<void> {
    this.log('Checking vanity URLs')
    if (this.file) {
      const stored = readVanityFile(this.file)
      if (!stored) this.log(`Vanity URL file (${this.file}) not found, fetching...`)
      else {
        this.use(stored.urls, 'file')
        this.log(`Loaded ${stored.urls.length} vanity URLs from file ${this.file}`)
        if (delayMs > 0 && this.now() - stored.writtenAt < delayMs) return
      }
    }
    await this.refresh()
  }

  private async fetchAndStore(): Promise<boolean> {
    const url = this.opts.config.url.value
    for (const render of this.opts.renders) {
      if (this.stopped) return false
      const from = `${renderAddress(render)}${url}`
      const fetch =
        this.opts.fetch ??
        ((r: Render, u: string) =>
          getFromRender(r, u, { timeoutMs: VANITY_FETCH_TIMEOUT_MS, allowSelfSigned: this.opts.allowSelfSigned }))
      const res = await fetch(render, url)
      if (res.kind === 'error') {
        this.log(`Unable to fetch vanity URLs from ${from}: ${res.message}`)
        continue
      }
      if (res.status !== 200) {
        this.log(
          `Unable to fetch vanity URLs from ${from}: remote server returned: HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`.trimEnd()
        )
        continue
      }
      if (this.stopped) return false
      const urls = parseVanityList(res.body)
      this.use(urls, 'render')
      if (this.file) {
        writeVanityFile(this.file, urls, this.now())
        this.log(`Loaded ${urls.length} vanity URLs from file ${this.file}`)
      } else this.log(`Loaded ${urls.length} vanity URLs from ${from}`)
      return true
    }
    return false
  }

  private use(urls: string[], source: 'file' | 'render'): void {
    this.source = source
    this.list = urls
    this.set = new Set(urls)
    this.opts.onChange?.(urls)
  }

  private log(line: string): void {
    this.opts.log?.(line)
  }

  private now(): number {
    return (this.opts.now ?? Date.now)()
  }
}
