/**
 * The docroot on disk (dispatcher-behavior.md §5.2): file = docroot + decoded URL path.
 * Every path is checked lexically (`safe-path.ts`) and against symlinks before it is read,
 * written or deleted. Temporary files are siblings of their target named
 * `<target>_<YYYY><6 random characters>` (the module's `<target>_YYYYXXXXXX` style) and are
 * tracked process-wide so none survives an abort or a shutdown.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { isWithin, realNearest, resolveLexically, type Resolved } from './safe-path'
import { foldersChanged } from './folder-checks'
import { ThrottledStat, type ThrottleOptions } from './throttled-stat'
import { errorCode } from '../http/error-code'

/** Linux NAME_MAX and PATH_MAX: past them the module reports the path as too long (§8.3). */
const NAME_MAX = 255
const PATH_MAX = 4095
const TEMP_SUFFIX_LENGTH = 11

const openTemps = new Set<string>()
let exitHookInstalled = false

/** Deletes every temporary file still open in this process (engine shutdown, process exit). */
export function removeOpenTemps(): void {
  for (const temp of openTemps) {
    try {
      fs.unlinkSync(temp)
    } catch {
      // already renamed or removed
    }
  }
  openTemps.clear()
}

export function openTempCount(): number {
  return openTemps.size
}

export function trackTemp(temp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', removeOpenTemps)
  }
  openTemps.add(temp)
}

export function untrackTemp(temp: string): void {
  openTemps.delete(temp)
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function tempSibling(abs: string, year = new Date().getFullYear()): string {
  const bytes = crypto.randomBytes(6)
  let tail = ''
  for (const b of bytes) tail += ALNUM[b % ALNUM.length]
  return `${abs}_${String(year).padStart(4, '0')}${tail}`
}

/** A temporary name in the pattern above, so the cache browser can leave such files out. */
export const TEMP_NAME = /_\d{4}[A-Za-z0-9]{6}$/

/**
 * The docroot's own real path, `null` while it does not exist: the nearest existing parent would
 * let paths beside the docroot count as inside. Not remembered until it exists, since a docroot
 * may be created after the configuration loaded (cache-runtime.ts).
 */
function realPathOf(root: string): string | null {
  try {
    return fs.realpathSync(root)
  } catch {
    return null
  }
}

export class Docroot {
  readonly root: string
  private realRoot: string | null = null
  private readonly checks: ThrottledStat
  private readonly verified = new Map<string, { at: number; ok: boolean }>()
  private readonly resolved = new Map<string, Resolved>()
  private readonly windowMs: number
  private readonly monotonic: () => number

  constructor(
    root: string,
    readonly mode: number,
    opts: ThrottleOptions = {}
  ) {
    this.root = path.resolve(root)
    this.checks = new ThrottledStat(opts)
    this.windowMs = opts.windowMs ?? 50
    this.monotonic = opts.monotonic ?? (() => performance.now())
  }

  /** The docroot folder exists (looked at no more than every ~50 ms). */
  exists(): boolean {
    return this.checks.get(this.root)?.kind === 'dir'
  }

  /** Lexical resolution, remembered per path (it depends on nothing but the path). */
  resolve(relPath: string): Resolved {
    let r = this.resolved.get(relPath)
    if (r === undefined) {
      r = resolveLexically(this.root, relPath)
      if (this.resolved.size >= 20_000) this.resolved.clear()
      this.resolved.set(relPath, r)
    }
    return r
  }

  /** The path-length reasons of §5.3 step 9 (Linux NAME_MAX/PATH_MAX), `null` when the names fit. */
  lengthProblem(abs: string): string | null {
    const name = Buffer.byteLength(path.basename(abs))
    const full = Buffer.byteLength(abs)
    if (name > NAME_MAX || full > PATH_MAX) return 'cache file path too long'
    if (name + TEMP_SUFFIX_LENGTH > NAME_MAX || full + TEMP_SUFFIX_LENGTH > PATH_MAX)
      return 'temporary file path too long'
    return null
  }

  /**
   * The real location of `abs` (or of its nearest existing ancestor) lies inside the
   * docroot's real location. Remembered per path for the throttle window.
   */
  /** `now`: the monotonic clock, when the caller has read it already. */
  isInside(abs: string, now: number = this.monotonic()): boolean {
    const hit = this.verified.get(abs)
    if (hit && now - hit.at < this.windowMs) return hit.ok
    const ok = this.checkInside(abs)
    if (this.verified.size > 20_000) this.verified.clear()
    this.verified.set(abs, { at: now, ok })
    return ok
  }

  private checkInside(abs: string): boolean {
    if (!isWithin(this.root, abs)) return false
    const realRoot = this.realRoot ?? (this.realRoot = realPathOf(this.root))
    const real = realNearest(abs)
    if (realRoot === null || real === null) return false
    return isWithin(realRoot, real)
  }

  /** Creates `absDir` (and missing parents) with `/mode` after checking that it stays inside. */
  prepareDir(absDir: string): { ok: true } | { ok: false; log: string } {
    if (!isWithin(this.root, absDir) || !this.checkInside(absDir)) {
      return { ok: false, log: `x-workbench: refusing to create ${absDir}: it leads outside the docroot` }
    }
    try {
      // The first folder it had to create: every new one is that or below it.
      const made = fs.mkdirSync(absDir, { recursive: true, mode: this.mode })
      if (made !== undefined) foldersChanged(made)
    } catch (e) {
      const code = errorCode(e)
      const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'Not a directory' : String((e as Error).message)
      return { ok: false, log: `Unable to create parent directory ${absDir}: ${why}` }
    }
    if (!this.checkInside(absDir))
      return { ok: false, log: `x-workbench: refusing to use ${absDir}: it leads outside the docroot` }
    return { ok: true }
  }

  /** Forgets remembered checks below `abs` (after deletions). */
  forgetUnder(abs: string): void {
    this.checks.forgetUnder(abs)
    const prefix = abs + path.sep
    for (const key of this.verified.keys()) if (key === abs || key.startsWith(prefix)) this.verified.delete(key)
  }

  /**
   * Removes a file or a whole folder without following symlinks (a link is removed, never its
   * target, so symlink loops cannot be walked, 4.3.0 DISP-706).
   */
  removeEntry(abs: string): 'file' | 'dir' | null {
    if (abs === this.root || !isWithin(this.root, abs) || !this.isInsideParent(abs)) return null
    let st: fs.Stats | undefined
    try {
      st = fs.lstatSync(abs, { throwIfNoEntry: false })
    } catch {
      return null
    }
    if (!st) return null
    try {
      if (st.isDirectory()) fs.rmSync(abs, { recursive: true, force: true })
      else fs.unlinkSync(abs)
    } catch {
      return null
    }
    this.forgetUnder(abs)
    if (st.isDirectory()) foldersChanged(abs)
    return st.isDirectory() ? 'dir' : 'file'
  }

  /** The folder holding `abs` is really inside (the entry itself may be a link, which is fine to remove). */
  private isInsideParent(abs: string): boolean {
    return this.checkInside(path.dirname(abs))
  }
}
