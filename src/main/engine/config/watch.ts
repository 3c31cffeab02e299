/**
 * Hot reload: watches every path the configuration depends on (watch-points.ts); changes are
 * debounced into one reload. chokidar handles the platform differences (editors that replace
 * files by rename, macOS FSEvents, …).
 *
 * chokidar does not watch a path again once it is gone: it drops what it noticed removed, and
 * a watched folder removed with everything in it (rm -rf, a `git checkout`) can leave it
 * holding a watch on the deleted folder that never reports again. So after anything was
 * removed, when a watched folder is no longer the same folder, and whenever what to watch
 * changes, the next update (after each reload) replaces the chokidar watcher with a fresh one
 * on what exists now (missing paths: where they will appear).
 */
import fs from 'node:fs'
import { watch, type FSWatcher } from 'chokidar'
import { watchPoints } from './watch-points'

export class ConfigWatcher {
  private watcher?: FSWatcher
  private timer?: NodeJS.Timeout
  private points: string[] = []
  /** The paths the watcher was made for, and which folder each was then (folders()). */
  private checked: string[] = []
  private folders: string[] = []
  /** Something was removed (or chokidar failed) since the watcher was made: it may be deaf. */
  private lost = false
  private settled: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    paths: Iterable<string>,
    private readonly onChange: () => void,
    private readonly debounceMs: number
  ) {
    this.update(paths, true)
  }

  /**
   * Watch `paths` (what the serving configuration and a refused one depend on). `renew`: make a
   * fresh chokidar watcher even if nothing seems lost (an explicit Reload re-arms everything).
   */
  update(paths: Iterable<string>, renew = false): void {
    if (this.closed) return
    const wanted = [...paths]
    const points = watchPoints(wanted)
    const same = sameList(points, this.points) && sameList(folders(this.checked), this.folders)
    if (!renew && !this.lost && same) return
    this.points = points
    this.lost = false
    // Closed first: a fresh watcher would otherwise share the old one's (possibly deaf)
    // fs.watch handle on the same path, as chokidar shares them per path within the process.
    const closing = this.watcher?.close()
    const checked = [...new Set([...wanted, ...points])]
    this.checked = checked
    this.folders = folders(checked)
    const before = mtimes(checked)
    const next = watch(points, { ignoreInitial: true, awaitWriteFinish: false })
    this.watcher = next
    next.on('all', (event) => {
      if (event === 'unlink' || event === 'unlinkDir') this.lost = true
      this.fire()
    })
    next.on('error', () => {
      this.lost = true
      this.fire()
    })
    const ready = new Promise<void>((resolve) => next.once('ready', () => resolve()))
    this.settled = Promise.all([ready, closing]).then(() => {
      // What changed while no watcher was listening (between closing and ready) still reloads.
      if (this.watcher === next && !sameList(before, mtimes(checked))) this.fire()
    })
  }

  private fire(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.onChange(), this.debounceMs)
  }

  /** Settles when the newest watcher watches everything it was given. */
  ready(): Promise<void> {
    return this.settled
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.timer)
    await this.watcher?.close()
  }
}

function sameList<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** Modification times (a folder's changes when entries come and go); -1 for a missing path. */
function mtimes(paths: string[]): number[] {
  return paths.map((p) => {
    try {
      return fs.statSync(p).mtimeMs
    } catch {
      return -1
    }
  })
}

/**
 * Which folder each path is (device and inode), 'file' or 'none' otherwise: a folder removed and
 * recreated is another one, whose removal chokidar may not have reported (a watch on the
 * deleted folder just goes quiet). A file replaced by rename is not counted: chokidar follows it.
 */
function folders(paths: string[]): string[] {
  return paths.map((p) => {
    try {
      const s = fs.statSync(p)
      return s.isDirectory() ? `${s.dev}:${s.ino}` : 'file'
    } catch {
      return 'none'
    }
  })
}
