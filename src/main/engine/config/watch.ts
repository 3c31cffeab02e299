/**
 * Hot reload: watches every path the configuration depends on (watch-points.ts); changes are
 * debounced into one reload. chokidar handles the platform differences (editors that replace
 * files by rename, macOS FSEvents, …).
 *
 * chokidar does not watch a path again once it is gone: it drops what it noticed removed, and
 * a folder removed with everything in it and put back (rm -rf and a copy, a `git checkout`)
 * can leave it holding watches on the deleted folders and files that never report again, with
 * no event to tell (the new files may even reuse the old inode numbers, so nothing on disk
 * tells either). So every load gets a fresh chokidar watcher on what exists then (missing
 * paths: where they will appear); a load is far costlier than the scan this takes.
 */
import fs from 'node:fs'
import { watch, type FSWatcher } from 'chokidar'
import { watchPoints } from './watch-points'

export class ConfigWatcher {
  private watcher?: FSWatcher
  private timer?: NodeJS.Timeout
  private settled: Promise<void> = Promise.resolve()
  private closed = false

  /** `paths` and `since` as for update(). */
  constructor(
    paths: Iterable<string>,
    since: number,
    private readonly onChange: () => void,
    private readonly debounceMs: number
  ) {
    this.update(paths, since)
  }

  /**
   * Watch `paths` (what the serving configuration and a refused one depend on) with a fresh
   * chokidar watcher. `since`: when the load that named them began. What changed after that
   * and before the new watcher was ready (its events went to the old one, closed meanwhile)
   * reloads once it is.
   */
  update(paths: Iterable<string>, since: number): void {
    if (this.closed) return
    const wanted = [...paths]
    const points = watchPoints(wanted)
    // Closed first: a fresh watcher would otherwise share the old one's (possibly deaf)
    // fs.watch handle on the same path, as chokidar shares them per path within the process.
    const closing = this.watcher?.close()
    const checked = [...new Set([...wanted, ...points])]
    const existed = checked.map((p) => fs.existsSync(p))
    const next = watch(points, { ignoreInitial: true, awaitWriteFinish: false })
    this.watcher = next
    next.on('all', () => this.fire())
    // A watch chokidar could not set up or keep: the reload it brings sets up a fresh one.
    next.on('error', () => this.fire())
    const ready = new Promise<void>((resolve) => next.once('ready', () => resolve()))
    this.settled = Promise.all([ready, closing]).then(() => {
      if (this.watcher === next && changedSince(checked, existed, since)) this.fire()
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

/**
 * Whether a path came or went since `existed` was taken, or was modified at or after `since`.
 * (A file system stamps with a coarse clock, never ahead of the real one: a file stamped before
 * the load began was written before; one written in the clock tick the load began is missed.)
 */
function changedSince(paths: string[], existed: boolean[], since: number): boolean {
  return paths.some((p, i) => {
    try {
      const modified = fs.statSync(p).mtimeMs
      return !existed[i] || modified >= since
    } catch {
      return existed[i]
    }
  })
}
