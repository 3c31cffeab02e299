/**
 * Cache files kept in memory for the hit path: metadata (size, mtime, stored `.h` headers,
 * `.ttl` expiry) for every file looked up, and the body for files up to `maxFileBytes`
 * within a total budget (least recently used dropped first). An entry is trusted for
 * `windowMs` and then validated with one `stat` (mtime + size); so is the answer that a path
 * is missing (every miss of an uncacheable page would stat it otherwise). Writes and
 * deletions made by the workbench itself forget the entry at once.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { StoredHeader } from '../../../shared/cache-types'
import { readStoredHeaders, readTtl } from './companions'
import { mtimeMicros } from './serve-file'

export interface CachedFile {
  abs: string
  size: number
  mtime: number
  /** The modification time in whole microseconds (the ETag's part). */
  mtimeUs: number
  stored: StoredHeader[]
  /** `.ttl` expiry, `null` without one (always `null` when TTL reading is off). */
  ttlExpiresAt: number | null
  /** The whole file when it is small enough to keep. */
  body: Buffer | null
  /** Per-entry memo for the response builder (headers that only depend on this version of the file). */
  memo: Map<string, unknown>
}

export type HotLookup = { kind: 'file'; file: CachedFile } | { kind: 'dir' } | { kind: 'missing' }

export interface HotFilesOptions {
  maxFileBytes?: number
  maxTotalBytes?: number
  windowMs?: number
  monotonic?: () => number
  /** Read `.ttl` companions (`/enableTTL "1"`). */
  ttl?: boolean
}

/** Metadata entries kept at most (bodies are bounded by bytes). */
const MAX_ENTRIES = 100_000

const MISSING: HotLookup = { kind: 'missing' }
const DIR: HotLookup = { kind: 'dir' }

interface Entry {
  file: CachedFile
  checkedAt: number
}

/** A path found missing (or a folder), trusted for the same window as a file. */
interface Absent {
  kind: 'missing' | 'dir'
  checkedAt: number
}

export class HotFiles {
  private readonly entries = new Map<string, Entry>()
  private readonly absent = new Map<string, Absent>()
  private bodyBytes = 0
  private readonly maxFileBytes: number
  private readonly maxTotalBytes: number
  private readonly windowMs: number
  private readonly monotonic: () => number
  private readonly ttl: boolean

  constructor(opts: HotFilesOptions = {}) {
    this.maxFileBytes = opts.maxFileBytes ?? 1024 * 1024
    this.maxTotalBytes = opts.maxTotalBytes ?? 64 * 1024 * 1024
    this.windowMs = opts.windowMs ?? 50
    this.monotonic = opts.monotonic ?? (() => performance.now())
    this.ttl = opts.ttl ?? false
  }

  /** `now`: the monotonic clock, when the caller has read it already. */
  get(abs: string, now: number = this.monotonic()): HotLookup {
    const entry = this.entries.get(abs)
    if (entry && now - entry.checkedAt < this.windowMs) {
      this.touch(abs, entry)
      return { kind: 'file', file: entry.file }
    }
    const gone = entry ? undefined : this.absent.get(abs)
    if (gone && now - gone.checkedAt < this.windowMs) return gone.kind === 'dir' ? DIR : MISSING
    let st: fs.Stats | undefined
    try {
      st = fs.statSync(abs, { throwIfNoEntry: false })
    } catch {
      st = undefined
    }
    if (!st || !st.isFile()) {
      if (entry) this.drop(abs, entry)
      const kind = st?.isDirectory() ? 'dir' : 'missing'
      if (this.absent.size >= MAX_ENTRIES) this.absent.clear()
      this.absent.set(abs, { kind, checkedAt: now })
      return kind === 'dir' ? DIR : MISSING
    }
    this.absent.delete(abs)
    if (entry && entry.file.size === st.size && entry.file.mtime === Math.round(st.mtimeMs)) {
      entry.checkedAt = now
      if (this.ttl) entry.file.ttlExpiresAt = readTtl(abs)
      this.touch(abs, entry)
      return { kind: 'file', file: entry.file }
    }
    if (entry) this.drop(abs, entry)
    const file = this.load(abs)
    if (!file) return { kind: 'missing' }
    const fresh: Entry = { file, checkedAt: now }
    this.entries.set(abs, fresh)
    if (file.body) this.bodyBytes += file.body.byteLength
    this.evict()
    return { kind: 'file', file }
  }

  forget(abs: string): void {
    this.absent.delete(abs)
    const entry = this.entries.get(abs)
    if (entry) this.drop(abs, entry)
  }

  /** Forgets `abs` and everything below it (a flush deleted a folder). */
  forgetUnder(abs: string): void {
    const prefix = abs + path.sep
    for (const [key, entry] of this.entries) if (key === abs || key.startsWith(prefix)) this.drop(key, entry)
    for (const key of this.absent.keys()) if (key === abs || key.startsWith(prefix)) this.absent.delete(key)
  }

  clear(): void {
    this.entries.clear()
    this.absent.clear()
    this.bodyBytes = 0
  }

  get usage(): { entries: number; bodyBytes: number } {
    return { entries: this.entries.size, bodyBytes: this.bodyBytes }
  }

  /** Reads size, mtime and body from one open descriptor so they belong to the same version. */
  private load(abs: string): CachedFile | null {
    let fd: number
    try {
      fd = fs.openSync(abs, 'r')
    } catch {
      return null
    }
    try {
      const st = fs.fstatSync(fd)
      if (!st.isFile()) return null
      let body: Buffer | null = null
      if (st.size <= this.maxFileBytes) {
        body = Buffer.allocUnsafe(st.size)
        let off = 0
        while (off < st.size) {
          const n = fs.readSync(fd, body, off, st.size - off, off)
          if (n === 0) break
          off += n
        }
        if (off !== st.size) body = null
      }
      return {
        abs,
        size: st.size,
        mtime: Math.round(st.mtimeMs),
        mtimeUs: mtimeMicros(fs.fstatSync(fd, { bigint: true })),
        stored: readStoredHeaders(abs),
        ttlExpiresAt: this.ttl ? readTtl(abs) : null,
        body,
        memo: new Map()
      }
    } catch {
      return null
    } finally {
      fs.closeSync(fd)
    }
  }

  private touch(abs: string, entry: Entry): void {
    // Map order is the LRU order: move the entry to the end.
    this.entries.delete(abs)
    this.entries.set(abs, entry)
  }

  private drop(abs: string, entry: Entry): void {
    this.entries.delete(abs)
    if (entry.file.body) this.bodyBytes -= entry.file.body.byteLength
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bodyBytes <= this.maxTotalBytes && this.entries.size <= MAX_ENTRIES) return
      this.drop(key, entry)
    }
  }
}
