/**
 * One farm's cache on disk: lookups for the hit path, atomic writes for misses, and the
 * state a flush updates (dispatcher-behavior.md §5). Built once per configuration load from
 * the compiled policy; `close()` aborts writes still open.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { CacheDecision, CacheEvent, CacheFileState, StoredHeader } from '../../../shared/cache-types'
import { HEADERS_SUFFIX, removeQuietly, TTL_SUFFIX, writeStoredHeaders, writeTtl } from './companions'
import { TempFileWriter, type CacheWriter, type CommitResult } from './cache-writer'
import { Docroot, tempSibling, trackTemp, untrackTemp } from './docroot'
import { FlushJournal } from './flush-journal'
import { evaluateFreshness } from './freshness'
import { HotFiles, type CachedFile, type HotFilesOptions } from './hot-files'
import { fileMode, isAutoInvalidated, type CachePolicy } from './policy'
import { governingStat, staleFrom, statfileCandidates, StatfileIndex, type StatLayout } from './statfiles'
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
      /** What the state was decided on, for the trace (made with the result, shared like it). */
      decided: CacheDecision
      log: string[]
    }

export type BeginWrite = { ok: true; writer: CacheWriter } | { ok: false; reason: string; log: string[] }

type PathFacts =
  | {
      /** The answer when the path itself is refused or not cacheable. */
      early: CacheLookup
    }
  | {
      early: null
      abs: string
      /** The answer while there is no file (the same every time). */
      missing: CacheLookup
      autoInvalidated: boolean
      /** Candidates for the governing `.stat`, nearest first. */
      statCandidates: readonly string[]
    }

type CachedLookup = Extract<CacheLookup, { kind: 'cached' }>

/** The last fresh lookup of a file version, with what it was decided on. */
interface RememberedLookup {
  relPath: string
  statMtime: number | null
  ttlExpiresAt: number | null
  result: CachedLookup
}

const LOOKUP_MEMO = 'lookup'
/** Distinct paths remembered before the memo starts over. */
const PATH_MEMO_LIMIT = 20_000

export class CacheStore {
  readonly docroot: Docroot
  readonly statIndex: StatfileIndex
  readonly hot: HotFiles
  readonly journal = new FlushJournal()
  readonly layout: StatLayout
  readonly now: () => number
  private readonly monotonic: () => number
  private readonly writers = new Set<CacheWriter>()
  private readonly onEvent?: (event: CacheEvent) => void
  /** Per docroot-relative path: see `pathFacts`. */
  private readonly paths = new Map<string, PathFacts>()
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
    this.monotonic = opts.monotonic ?? (() => performance.now())
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

  /**
   * Deletes a stale copy the render's new answer did not replace (with `/serveStaleOnError "0"`
   * invalidated content does not outlive its refetch, §5.7), with its `.h`/`.ttl`. Only when the
   * file is still that version: a concurrent request may have stored a fresh one meanwhile.
   */
  dropStale(relPath: string, file: CachedFile, reason: string): boolean {
    const abs = path.join(this.docroot.root, relPath)
    let st: fs.Stats | undefined
    try {
      st = fs.statSync(abs, { throwIfNoEntry: false })
    } catch {
      return false
    }
    if (!st || !st.isFile() || Math.round(st.mtimeMs) !== file.mtime || st.size !== file.size) return false
    if (this.docroot.removeEntry(abs) !== 'file') return false
    removeQuietly(abs + HEADERS_SUFFIX)
    removeQuietly(abs + TTL_SUFFIX)
    this.hot.forget(abs)
    this.onEvent?.({ type: 'cache-discarded', farm: this.policy.farm, relPath, reason, at: this.now() })
    return true
  }

  private noteCommit(relPath: string, at: number): void {
    if (this.sameMsCommits.at !== at) this.sameMsCommits = { at, files: [] }
    this.sameMsCommits.files.push(relPath)
  }

  docrootExists(): boolean {
    return this.docroot.exists()
  }

  /**
   * Hit path: one in-memory look-up most of the time (see hot-files.ts, statfiles.ts). What
   * depends only on the path is worked out once per path, and a fresh answer is kept with the
   * file version and given again while its governing `.stat` and `.ttl` are unchanged, so a
   * hit allocates nothing here. The result is shared: read it, do not change it.
   */
  lookup(relPath: string): CacheLookup {
    const p = this.paths.get(relPath) ?? this.pathFacts(relPath)
    if (p.early) return p.early
    // One reading of the monotonic clock for every throttled check of this lookup.
    const mono = this.monotonic()
    if (!this.docroot.isInside(p.abs, mono))
      return { kind: 'refused', reason: 'x-workbench: path escapes the docroot', log: [] }
    const found = this.hot.get(p.abs, mono)
    if (found.kind === 'dir') return { kind: 'not-cacheable', reason: 'target is a directory', log: [] }
    if (found.kind === 'missing') return p.missing
    const file = found.file
    const gov = p.autoInvalidated ? this.governing(p.statCandidates, mono) : null
    const statMtime = gov?.mtime ?? null
    const ttlExpiresAt = this.policy.enableTTL ? file.ttlExpiresAt : null
    const last = file.memo.get(LOOKUP_MEMO) as RememberedLookup | undefined
    if (
      last !== undefined &&
      last.relPath === relPath &&
      last.statMtime === statMtime &&
      last.result.governingStat === (gov?.relPath ?? null) &&
      last.ttlExpiresAt === ttlExpiresAt &&
      (ttlExpiresAt === null || this.now() < ttlExpiresAt)
    ) {
      return last.result
    }
    const now = this.now()
    const { state, log } = evaluateFreshness({
      file: p.abs,
      fileMtime: file.mtime,
      ttlExpiresAt,
      autoInvalidated: p.autoInvalidated,
      statMtime,
      gracePeriodMs: this.policy.gracePeriodMs,
      now
    })
    const governing = gov?.relPath ?? null
    const result: CachedLookup = {
      kind: 'cached',
      abs: p.abs,
      file,
      state,
      autoInvalidated: p.autoInvalidated,
      governingStat: governing,
      statMtime,
      decided: {
        state,
        fileMtime: file.mtime,
        autoInvalidated: p.autoInvalidated,
        governingStat: governing,
        statMtime,
        graceEndsAt:
          statMtime !== null && this.policy.gracePeriodMs > 0
            ? staleFrom(file.mtime, statMtime, this.policy.gracePeriodMs)
            : null,
        ttlExpiresAt
      },
      log
    }
    // Only a fresh answer is given again: stale and grace states depend on the clock.
    if (state === 'fresh') file.memo.set(LOOKUP_MEMO, { relPath, statMtime, ttlExpiresAt, result })
    else file.memo.delete(LOOKUP_MEMO)
    return result
  }

  /** What a lookup needs that depends only on the path (the docroot check is not: a symlink may appear). */
  private pathFacts(relPath: string): PathFacts {
    const r = this.docroot.resolve(relPath)
    const tooLong = r.ok ? this.docroot.lengthProblem(r.abs) : null
    const facts: PathFacts = !r.ok
      ? { early: { kind: 'refused', reason: r.reason, log: [] } }
      : tooLong
        ? { early: { kind: 'not-cacheable', reason: tooLong, log: [] } }
        : {
            early: null,
            abs: r.abs,
            missing: { kind: 'missing', abs: r.abs, log: [] },
            autoInvalidated: isAutoInvalidated(this.policy, relPath),
            statCandidates: statfileCandidates(relPath, this.layout)
          }
    if (this.paths.size >= PATH_MEMO_LIMIT) this.paths.clear()
    this.paths.set(relPath, facts)
    return facts
  }

  /** `governingStat` over candidates worked out once per path. */
  private governing(candidates: readonly string[], mono: number): { relPath: string; mtime: number } | null {
    for (const candidate of candidates) {
      const mtime = this.statIndex.mtimeAt(candidate, mono)
      if (mtime !== null) return { relPath: candidate, mtime }
    }
    return null
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
      handle = await fs.promises.open(temp, flags, fileMode(this.policy.mode))
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
