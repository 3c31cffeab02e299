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
 *
 * A watcher error never reloads: the fresh watcher the reload brings scans the same tree and
 * meets the same error (a symlink loop, a folder it may not read), so it would reload forever.
 * It is reported once per path and code, and the rest of the tree stays watched.
 */
import fs from 'node:fs'
import { watch, type FSWatcher } from 'chokidar'
import { watchPoints } from './watch-points'

/** A path chokidar could not watch: told once per path and code, for the watcher's lifetime. */
export interface WatchProblem {
  path: string
  code: string
  message: string
}

export class ConfigWatcher {
  private watcher?: FSWatcher
  private readonly reported = new Set<string>()
  private timer?: NodeJS.Timeout
  private settled: Promise<void> = Promise.resolve()
  private closed = false

  /** `paths`, `since` and `read` as for update(); `onProblem` hears of what cannot be watched. */
  constructor(
    paths: Iterable<string>,
    since: number,
    private readonly onChange: () => void,
    private readonly debounceMs: number,
    { read = [], onProblem = () => {} }: { read?: Iterable<string>; onProblem?: (problem: WatchProblem) => void } = {}
  ) {
    this.onProblem = onProblem
    this.update(paths, since, read)
  }

  private readonly onProblem: (problem: WatchProblem) => void

  /**
   * Watch `paths` (what the serving configuration and a refused one depend on) with a fresh
   * chokidar watcher. `since`: when the load that named them began; `read`: the files that load
   * read. What changed after that and before the new watcher was ready (its events went to the
   * old one, closed meanwhile) reloads once it is.
   */
  update(paths: Iterable<string>, since: number, read: Iterable<string>): void {
    if (this.closed) return
    const wanted = [...paths]
    const points = watchPoints(wanted)
    // Closed first: a fresh watcher would otherwise share the old one's (possibly deaf)
    // fs.watch handle on the same path, as chokidar shares them per path within the process.
    const closing = this.watcher?.close()
    const checked = [...new Set([...wanted, ...points])]
    // The files the load read existed then, whatever is there now: one deleted since (before
    // the watcher below is ready) must count as gone. Other paths are sampled now, later than
    // the load, as they are not known otherwise.
    const wasRead = new Set(read)
    const existed = checked.map((p) => wasRead.has(p) || fs.existsSync(p))
    const next = watch(points, { ignoreInitial: true, awaitWriteFinish: false })
    this.watcher = next
    next.on('all', () => this.fire())
    next.on('error', (e: unknown) => this.problem(e))
    const ready = new Promise<void>((resolve) => next.once('ready', () => resolve()))
    this.settled = Promise.all([ready, closing]).then(() => {
      if (this.watcher === next && changedSince(checked, existed, since)) this.fire()
    })
  }

  private problem(e: unknown): void {
    const err = e as NodeJS.ErrnoException
    const problem = { path: err.path ?? '', code: err.code ?? 'ERROR', message: err.message ?? String(e) }
    const key = `${problem.code}\0${problem.path}`
    if (this.reported.has(key)) return
    this.reported.add(key)
    this.onProblem(problem)
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
 * Whether a path came or went since `existed` was taken, or was changed at or after `since`.
 * Changed: the later of mtime and ctime, as `cp -a` and `rsync -a` give a file they write now
 * its old mtime, but no tool can set ctime. (A file system
 * stamps with a coarse clock, never ahead of the real one: a file stamped before the load began
 * was written before; one written in the clock tick the load began is missed.)
 */
function changedSince(paths: string[], existed: boolean[], since: number): boolean {
  return paths.some((p, i) => {
    try {
      const st = fs.statSync(p)
      return !existed[i] || Math.max(st.mtimeMs, st.ctimeMs) >= since
    } catch {
      return existed[i]
    }
  })
}
