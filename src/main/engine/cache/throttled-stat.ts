/**
 * `stat` results remembered for a short window, so a cache hit usually costs no system call
 * while a change made behind the workbench's back (a `touch` in a shell, another process) is
 * still seen within `windowMs`. Changes the workbench makes itself are written through with
 * `set`/`forget` and seen at once.
 */
import fs from 'node:fs'

export interface StatLite {
  /** Whole milliseconds: mtimes set by the workbench are whole ms, and rounding keeps them exact. */
  mtime: number
  size: number
  kind: 'file' | 'dir' | 'other'
}

export interface ThrottleOptions {
  windowMs?: number
  /** Monotonic clock for the window (not the cache's clock, which tests may fake). */
  monotonic?: () => number
  /** Entries kept at most; the map is cleared wholesale beyond it (a cold start, never a wrong answer). */
  maxEntries?: number
}

export function statLite(abs: string): StatLite | null {
  let st: fs.Stats | undefined
  try {
    st = fs.statSync(abs, { throwIfNoEntry: false })
  } catch {
    return null
  }
  if (!st) return null
  return {
    mtime: Math.round(st.mtimeMs),
    size: st.size,
    kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other'
  }
}

export class ThrottledStat {
  private readonly entries = new Map<string, { at: number; value: StatLite | null }>()
  private readonly windowMs: number
  private readonly monotonic: () => number
  private readonly maxEntries: number

  constructor(opts: ThrottleOptions = {}) {
    this.windowMs = opts.windowMs ?? 50
    this.monotonic = opts.monotonic ?? (() => performance.now())
    this.maxEntries = opts.maxEntries ?? 50_000
  }

  /** `key` names the entry; `toPath` turns it into the file to stat (only done on a miss). */
  get(key: string, toPath: (key: string) => string = (k) => k, now: number = this.monotonic()): StatLite | null {
    const hit = this.entries.get(key)
    if (hit && now - hit.at < this.windowMs) return hit.value
    const value = statLite(toPath(key))
    this.set(key, value, now)
    return value
  }

  set(abs: string, value: StatLite | null, at = this.monotonic()): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(abs)) this.entries.clear()
    this.entries.set(abs, { at, value })
  }

  forget(abs: string): void {
    this.entries.delete(abs)
  }

  /** Drops `dir` itself and everything below it. */
  forgetUnder(dir: string): void {
    const prefix = dir.endsWith('/') ? dir : dir + '/'
    for (const key of this.entries.keys()) {
      if (key === dir || key.startsWith(prefix)) this.entries.delete(key)
    }
  }

  clear(): void {
    this.entries.clear()
  }
}
