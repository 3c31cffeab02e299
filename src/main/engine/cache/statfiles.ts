/**
 * `.stat` files (dispatcher-behavior.md §5.5): where they are written on a flush, which one
 * governs a cached file, and when a file counts as stale. Paths are docroot-relative with a
 * leading `/`; the level of a path is the depth of the folder that contains it (docroot = 0).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileMode } from './policy'
import { ThrottledStat, type ThrottleOptions } from './throttled-stat'

export interface StatLayout {
  /** `/statfileslevel`. */
  level: number
  /** The level-0 statfile: `/.stat`, or the configured `/statfile` when the level is 0 (§5.1). */
  rootStatfile: string
}

function dirSegments(relPath: string): string[] {
  const segs = relPath.split('/').filter((s) => s !== '')
  return segs.slice(0, -1)
}

function statfileAt(segs: string[], level: number, layout: StatLayout): string {
  return level === 0 ? layout.rootStatfile : '/' + segs.slice(0, level).join('/') + '/.stat'
}

/** Level of the folder that holds `relPath`: `/content/site/en/page.html` → 3. */
export function dirLevel(relPath: string): number {
  return dirSegments(relPath).length
}

/**
 * The `.stat` files a flush of `handle` touches: every one on the handle's path from the
 * docroot down to the handle's own folder level or `/statfileslevel`, whichever is smaller
 * (§5.5.2). Siblings are never touched; the handle's own folder (`…/page/.stat`) is not
 * either (UNCERTAIN, the documented examples stop at the containing folder).
 */
export function statfilesToTouch(handle: string, layout: StatLayout): string[] {
  const segs = dirSegments(handle)
  const deepest = Math.min(segs.length, layout.level)
  const out: string[] = []
  for (let l = 0; l <= deepest; l++) out.push(statfileAt(segs, l, layout))
  return out
}

/** Candidates for the governing `.stat` of `relPath`, nearest first (§5.5.3). */
export function statfileCandidates(relPath: string, layout: StatLayout): string[] {
  const segs = dirSegments(relPath)
  const out: string[] = []
  for (let l = Math.min(segs.length, layout.level); l >= 0; l--) out.push(statfileAt(segs, l, layout))
  return out
}

/** Anything that tells the mtime of a docroot-relative `.stat`, or `null` when it does not exist. */
export type StatMtimes = (relStat: string) => number | null

/**
 * The nearest existing `.stat` walking up from the file's folder, starting no deeper than
 * `/statfileslevel` (§5.5.3). `null` when none exists: the file counts as fresh.
 */
export function governingStat(
  relPath: string,
  layout: StatLayout,
  mtimes: StatMtimes
): { relPath: string; mtime: number } | null {
  for (const candidate of statfileCandidates(relPath, layout)) {
    const mtime = mtimes(candidate)
    if (mtime !== null) return { relPath: candidate, mtime }
  }
  return null
}

/**
 * §5.5.4: stale ⇔ the file is older than its `.stat` and the grace period after that
 * `.stat`'s last touch has passed. Continuous activations therefore keep a page servable.
 */
export function isStale(fileMtime: number, statMtime: number, gracePeriodMs: number, now: number): boolean {
  const from = staleFrom(fileMtime, statMtime, gracePeriodMs)
  return from !== null && now >= from
}

/** When a file older than its `.stat` turns stale (the grace period's end); `null` for a newer file. */
export function staleFrom(fileMtime: number, statMtime: number, gracePeriodMs: number): number | null {
  return fileMtime < statMtime ? statMtime + gracePeriodMs : null
}

/**
 * Touches the `.stat` files of a flush (creating missing folders and files, §5.5.2) and sets
 * their mtime to `now`, so the comparison with cache files uses one clock. Returns the
 * docroot-relative paths touched. `prepareDir` creates a folder only after checking that it
 * stays inside the docroot (no symlink leading out); a `.stat` that is itself a symlink is
 * not followed (O_NOFOLLOW) and skipped.
 */
export function touchStatfiles(
  docroot: string,
  relStats: readonly string[],
  opts: { now: number; mode: number; index?: StatfileIndex; prepareDir: (absDir: string) => boolean }
): string[] {
  const touched: string[] = []
  const when = new Date(opts.now)
  for (const rel of relStats) {
    const abs = path.join(docroot, rel)
    const dir = path.dirname(abs)
    try {
      if (!opts.prepareDir(dir)) continue
      const fd = fs.openSync(
        abs,
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW,
        fileMode(opts.mode)
      )
      fs.closeSync(fd)
      fs.utimesSync(abs, when, when)
    } catch {
      continue
    }
    opts.index?.noteTouched(rel, opts.now)
    touched.push(rel)
  }
  return touched
}

/**
 * `.stat` mtimes for the hit path: remembered for ~50 ms per file (absence included), written
 * through by the flush code, so a hit normally costs no `stat` while a `touch` from outside
 * is noticed almost at once.
 */
export class StatfileIndex {
  private readonly stats: ThrottledStat

  constructor(
    private readonly docroot: string,
    opts: ThrottleOptions = {}
  ) {
    this.stats = new ThrottledStat(opts)
  }

  private readonly toPath = (relStat: string): string => path.join(this.docroot, relStat)

  /** Keyed by the docroot-relative name, so a hit builds no path. */
  readonly mtime: StatMtimes = (relStat) => this.mtimeAt(relStat)

  /** `mtime` with the monotonic clock read by the caller (one reading for a whole lookup). */
  mtimeAt(relStat: string, now?: number): number | null {
    const st = this.stats.get(relStat, this.toPath, now)
    return st && st.kind === 'file' ? st.mtime : null
  }

  noteTouched(relStat: string, mtime: number): void {
    this.stats.set(relStat, { mtime, size: 0, kind: 'file' })
  }

  /** A flush deleted a folder: `.stat` files inside it are gone. */
  forgetUnder(relDir: string): void {
    this.stats.forgetUnder(relDir)
  }

  clear(): void {
    this.stats.clear()
  }
}
