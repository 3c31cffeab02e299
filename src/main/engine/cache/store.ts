/**
 * One farm's cache on disk: lookups for the hit path, atomic writes for misses, and the
 * state a flush updates (dispatcher-behavior.md §5). Built once per configuration load from
 * the compiled policy; `close()` aborts writes still open.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { CacheEvent, CacheFileState, StoredHeader } from '../../../shared/cache-types'
import { writeStoredHeaders, writeTtl } from './companions'
import { TempFileWriter, type CacheWriter, type CommitResult } from './cache-writer'
import { Docroot, tempSibling, trackTemp, untrackTemp } from './docroot'
import { FlushJournal } from './flush-journal'
import { evaluateFreshness } from './freshness'
import { HotFiles, type CachedFile, type HotFilesOptions } from './hot-files'
import { isAutoInvalidated, type CachePolicy } from './policy'
import { governingStat, StatfileIndex, type StatLayout } from './statfiles'
import { statLite } from './throttled-stat'

export interface CacheStoreOptions {
  /** The cache's clock (epoch ms): file mtimes, `.stat` touches and freshness use it. */
  clock?: () => number
  /** Monotonic clock for the ~50 ms re-validation windows. */
  monotonic?: () => number
  windowMs?: number
  hotFiles?: Omit<HotFilesOptions, 'ttl' | 'windowMs' | 'monotonic'>
  onEvent?: (event: CacheEvent) => void
}

export type CacheLookup =
  /** The path would leave the docroot; the request is answered without the cache. */
  | { kind: 'refused'; reason: string; log: string[] }
  /** §5.3 step 9: `target is a directory`, `cache file path too long`, `temporary file path too long`. */
  | { kind: 'not-cacheable'; reason: string; log: string[] }
  | { kind: 'missing'; abs: string; log: string[] }
  | {
      kind: 'cached'
      abs: string
      file: CachedFile
      state: CacheFileState
      autoInvalidated: boolean
      governingStat: string | null
      statMtime: number | null
      log: string[]
    }

export type BeginWrite = { ok: true; writer: CacheWriter } | { ok: false; reason: string; log: string[] }

export class CacheStore {
  readonly docroot: Docroot
  readonly statIndex: StatfileIndex
  readonly hot: HotFiles
  readonly journal = new FlushJournal()
  readonly layout: StatLayout
  readonly now: () => number
  private readonly writers = new Set<CacheWriter>()
  private readonly onEvent?: (event: CacheEvent) => void
  /** Files committed in the current millisecond of the cache clock (see `settleSameMillisecond`). */
  private sameMsCommits: { at: number; files: string[] } = { at: -1, files: [] }

  constructor(
    readonly policy: CachePolicy,
    opts: CacheStoreOptions = {}
  ) {
    if (policy.docroot === null) throw new Error(`farm ${policy.farm} has no /cache/docroot`)
    const throttle = { windowMs: opts.windowMs, monotonic: opts.monotonic }
    this.docroot = new Docroot(policy.docroot, policy.mode, throttle)
    this.statIndex = new StatfileIndex(this.docroot.root, throttle)
    this.hot = new HotFiles({ ...opts.hotFiles, ...throttle, ttl: policy.enableTTL })
    this.layout = { level: policy.statfileslevel, rootStatfile: policy.statfile }
    this.now = opts.clock ?? Date.now
    this.onEvent = opts.onEvent
  }

  /**
   * Called by a flush right after it touched `.stat` files at `now`. A file this store
   * committed earlier in that same millisecond carries the same mtime and would count as
   * fresh (equality means fresh, §5.5.4) although it was fetched before the flush; if the
   * flush touched its governing `.stat`, it is moved one millisecond back. A refetch
   * committed after the flush in that millisecond stays fresh.
   */
  settleSameMillisecond(now: number, touched: readonly string[]): void {
    const batch = this.sameMsCommits
    if (batch.at !== now) {
      this.sameMsCommits = { at: -1, files: [] }
      return
    }
    const before = new Date(now - 1)
    const untouched: string[] = []
    for (const rel of batch.files) {
      const gov = isAutoInvalidated(this.policy, rel) ? governingStat(rel, this.layout, this.statIndex.mtime) : null
      if (!gov || !touched.includes(gov.relPath)) {
        untouched.push(rel)
        continue
      }
      const abs = path.join(this.docroot.root, rel)
      try {
        fs.utimesSync(abs, before, before)
      } catch {
        // deleted meanwhile
      }
      this.hot.forget(abs)
    }
    batch.files = untouched
  }

  private noteCommit(relPath: string, at: number): void {
    if (this.sameMsCommits.at !== at) this.sameMsCommits = { at, files: [] }
    this.sameMsCommits.files.push(relPath)
  }

  docrootExists(): boolean {
    return this.docroot.exists()
  }

  /** Hit path: one in-memory look-up most of the time (see hot-files.ts, statfiles.ts). */
  lookup(relPath: string): CacheLookup {
    const r = this.docroot.resolve(relPath)
    if (!r.ok) return { kind: 'refused', reason: r.reason, log: [] }
    const tooLong = this.docroot.lengthProblem(r.abs)
    if (tooLong) return { kind: 'not-cacheable', reason: tooLong, log: [] }
    if (!this.docroot.isInside(r.abs))
      return { kind: 'refused', reason: 'x-workbench: path escapes the docroot', log: [] }
    const found = this.hot.get(r.abs)
    if (found.kind === 'dir') return { kind: 'not-cacheable', reason: 'target is a directory', log: [] }
    if (found.kind === 'missing') return { kind: 'missing', abs: r.abs, log: [] }
    const file = found.file
    const autoInvalidated = isAutoInvalidated(this.policy, relPath)
    const gov = autoInvalidated ? governingStat(relPath, this.layout, this.statIndex.mtime) : null
    const { state, log } = evaluateFreshness({
      file: r.abs,
      fileMtime: file.mtime,
      ttlExpiresAt: this.policy.enableTTL ? file.ttlExpiresAt : null,
      autoInvalidated,
      statMtime: gov?.mtime ?? null,
      gracePeriodMs: this.policy.gracePeriodMs,
      now: this.now()
    })
    return {
      kind: 'cached',
      abs: r.abs,
      file,
      state,
      autoInvalidated,
      governingStat: gov?.relPath ?? null,
      statMtime: gov?.mtime ?? null,
      log
    }
  }

  /**
   * Starts storing a response at `relPath`. The start time and the flush sequence number are
   * taken before anything else, so any flush from here on is seen by the commit check.
   */
  async beginWrite(relPath: string): Promise<BeginWrite> {
    const startedAt = this.now()
    const startSeq = this.journal.seq
    const r = this.docroot.resolve(relPath)
    if (!r.ok) return { ok: false, reason: r.reason, log: [] }
    const abs = r.abs
    const tooLong = this.docroot.lengthProblem(abs)
    if (tooLong) return { ok: false, reason: tooLong, log: [] }
    if (statLite(abs)?.kind === 'dir') return { ok: false, reason: 'target is a directory', log: [] }
    const dir = this.docroot.prepareDir(path.dirname(abs))
    if (!dir.ok) return { ok: false, reason: 'x-workbench: the parent directory cannot be created', log: [dir.log] }
    const temp = tempSibling(abs)
    trackTemp(temp)
    let handle: fs.promises.FileHandle
    try {
      const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW
      handle = await fs.promises.open(temp, flags, this.policy.mode & 0o777)
    } catch (e) {
      untrackTemp(temp)
      return { ok: false, reason: `x-workbench: cannot create a temporary file (${(e as Error).message})`, log: [] }
    }
    const autoInvalidated = isAutoInvalidated(this.policy, relPath)
    const writer: TempFileWriter = new TempFileWriter(
      relPath,
      startedAt,
      temp,
      handle,
      (t, bytes, headers, ttl) =>
        this.finalize({ relPath, abs, temp: t, bytes, headers, ttl, startedAt, startSeq, autoInvalidated }),
      () => this.writers.delete(writer)
    )
    this.writers.add(writer)
    return { ok: true, writer }
  }

  /**
   * The commit's synchronous last step: nothing can run between the flush check and the
   * rename. A write is discarded when a flush after its start deleted its path or touched its
   * governing `.stat` (journal, exact for this process), or when that `.stat`'s mtime is newer
   * than the write's start (a flush from outside the workbench).
   */
  private finalize(w: {
    relPath: string
    abs: string
    temp: string
    bytes: number
    headers: readonly StoredHeader[]
    ttl: number | null
    startedAt: number
    startSeq: number
    autoInvalidated: boolean
  }): CommitResult {
    const now = this.now()
    const discard = (reason: string): CommitResult => {
      this.onEvent?.({ type: 'cache-discarded', farm: this.policy.farm, relPath: w.relPath, reason, at: now })
      return { stored: false, reason, log: [] }
    }
    const mtimes = (rel: string): number | null => {
      const st = statLite(path.join(this.docroot.root, rel))
      return st?.kind === 'file' ? st.mtime : null
    }
    const gov = w.autoInvalidated ? governingStat(w.relPath, this.layout, mtimes) : null
    const conflict = this.journal.conflict(w.startSeq, w.relPath, gov?.relPath ?? null)
    if (conflict) return discard(`x-workbench: discarded, ${conflict} while the response was being written`)
    if (gov && gov.mtime > w.startedAt) {
      return discard(`x-workbench: discarded, ${gov.relPath} was touched while the response was being written`)
    }
    if (statLite(w.abs)?.kind === 'dir') return discard('target is a directory')
    if (!this.docroot.isInside(path.dirname(w.abs))) return discard('x-workbench: path escapes the docroot')
    const ttl = this.policy.enableTTL ? w.ttl : null
    try {
      writeStoredHeaders(w.abs, w.headers, this.policy.mode)
      writeTtl(w.abs, ttl, this.policy.mode)
      const when = new Date(now)
      fs.utimesSync(w.temp, when, when)
      fs.renameSync(w.temp, w.abs)
    } catch (e) {
      return discard(`x-workbench: could not store the cache file (${(e as Error).message})`)
    }
    this.hot.forget(w.abs)
    this.noteCommit(w.relPath, now)
    this.onEvent?.({
      type: 'cache-stored',
      farm: this.policy.farm,
      relPath: w.relPath,
      bytes: w.bytes,
      at: now,
      ttlExpiresAt: ttl
    })
    return {
      stored: true,
      relPath: w.relPath,
      bytes: w.bytes,
      ttlExpiresAt: ttl,
      log: [`Cache file successfully created: ${w.abs}`]
    }
  }

  emit(event: CacheEvent): void {
    this.onEvent?.(event)
  }

  /** Aborts writes still open (their temp files are deleted) and drops in-memory state. */
  async close(): Promise<void> {
    await Promise.all([...this.writers].map((w) => w.abort()))
    this.writers.clear()
    this.hot.clear()
    this.statIndex.clear()
  }
}
