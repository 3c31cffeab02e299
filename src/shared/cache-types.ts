/**
 * Plain-JSON views of the Dispatcher cache for the UI, traces and the event bus
 * (dispatcher-behavior.md §5, §7). Paths are docroot-relative and start with `/`;
 * times are epoch milliseconds.
 */
import type { SourcePos } from './diagnostics'

/**
 * fresh — served as is; grace — older than its `.stat` but still served inside
 * `/gracePeriod` (§5.5.4); stale — older than its `.stat`, refetched on the next request;
 * expired — its `.ttl` lies in the past (§5.5.5, checked before the `.stat`).
 */
export type CacheFileState = 'fresh' | 'grace' | 'stale' | 'expired'

/** One stored response header (`/headers`, §5.6): name as configured, value as received. */
export type StoredHeader = [name: string, value: string]

/**
 * What the cache stage decided a cached file's state on, as it read them then (the trace keeps
 * it: by the time someone looks, a flush or a refetch may have changed the file, its `.stat` and
 * its `.ttl`). Times are the cache clock's epoch milliseconds.
 */
export interface CacheDecision {
  state: CacheFileState
  /** The cached file's mtime: when the copy the decision was about was stored. */
  fileMtime: number
  /** Matched by `/invalidate`, so compared with a `.stat` file (§5.5.1). */
  autoInvalidated: boolean
  /** The governing `.stat` (docroot-relative) and its mtime; `null` without one. */
  governingStat: string | null
  statMtime: number | null
  /** `statMtime` plus `/gracePeriod` for a file older than its `.stat` (§5.5.4); `null` otherwise. */
  graceEndsAt: number | null
  /** The `.ttl` expiry (§5.5.5), `null` without one or with `/enableTTL "0"`. */
  ttlExpiresAt: number | null
}

export interface CacheEntryInfo {
  relPath: string
  size: number
  /** The file's mtime: when it was stored. */
  cachedAt: number
  /** Matched by `/invalidate`, so compared with a `.stat` file (§5.5.1). */
  autoInvalidated: boolean
  /** Nearest existing `.stat` (docroot-relative), `null` when none exists or the file is not auto-invalidated. */
  governingStat: string | null
  statMtime: number | null
  /** Expiry from the `.ttl` companion, `null` without one (or with `/enableTTL "0"`). */
  ttlExpiresAt: number | null
  state: CacheFileState
  storedHeaders: StoredHeader[]
}

export interface CacheDirInfo {
  name: string
  relPath: string
}

export interface CacheFolderListing {
  relDir: string
  /** Sub-folders, sorted by name (all of them, up to the listing limit). */
  dirs: CacheDirInfo[]
  /** Cached documents of this folder (companions `.h`/`.ttl`, `.stat` and temporary files left out). */
  files: CacheEntryInfo[]
  /** The `.stat` file of this folder, if any. */
  statfile: StatfileInfo | null
  /** Documents in the folder before paging. */
  totalFiles: number
  offset: number
  limit: number
  /** The folder does not exist (yet) in the docroot. */
  missing: boolean
}

export interface StatfileInfo {
  relPath: string
  /** Directory depth below the docroot (docroot = 0). */
  level: number
  mtime: number
}

export interface CacheTotals {
  files: number
  bytes: number
  statfiles: number
  /** The walk stopped at its entry limit; the numbers are lower bounds. */
  truncated: boolean
}

export type FlushAction = 'Activate' | 'Deactivate' | 'Delete' | 'Test'

/** What an invalidation request will do, computed without touching anything (§7.3). */
export interface FlushPreview {
  handle: string
  action: FlushAction
  resourceOnly: boolean
  /** `.stat` files that will be touched (created when missing), docroot-relative, level 0 first. */
  statfiles: string[]
  /** Existing files and folders that will be deleted. */
  deletions: { relPath: string; kind: 'file' | 'dir' }[]
  /** Cached documents that are fresh now and will be stale (or in grace) afterwards. */
  invalidated: { count: number; sample: string[]; truncated: boolean }
  /** URIs the module will fetch again right after the deletions (§7.4). */
  refetch: string[]
  /** `/invalidateHandler` that will run, if configured. */
  handler: string | null
  log: string[]
  /** The request the dialog will send, and the farm its Host selects (absent: none reaches the farm, see requestProblem). */
  request?: FlushRequestPreview
  /** Why no request can be sent (no Host reaches the farm, the proxy is not listening). */
  requestProblem?: string
}

/** The invalidation request the Cache view sends (§7.1), stated before it is sent. */
export interface FlushRequestPreview {
  method: 'POST'
  /** The request line's target and the header lines, in order, as they will be sent. */
  target: string
  headers: [name: string, value: string][]
  /** The farm the Host (and target) select. */
  farm: string
  /** The `/virtualhosts` value that selects it and where it is written; null when it is the fallback farm. */
  value: { value: string; pos?: SourcePos } | null
  /** Why the Host reaches that farm: the farm stage's own reason. */
  hostReason: string
  /** When the Host selects a flush farm sharing the docroot (AMS), not the farm asked for: said so. */
  flushFarmNote?: string
}

export interface FlushReport {
  handle: string
  action: FlushAction
  resourceOnly: boolean
  status: number
  statfilesTouched: string[]
  deleted: string[]
  refetch: string[]
  handler: { program: string; exitCode: number | null; error?: string } | null
  log: string[]
}

/**
 * The invalidation request the Cache view sent through the proxy's own listener, as AEM's flush
 * agent sends it (§7.1), and what that request's trace says it did.
 */
export interface FlushSent {
  /** The request line's target and the header lines as sent, in order. */
  request: { method: 'POST'; target: string; headers: [name: string, value: string][] }
  /** Why its Host (and target) reach the farm: the farm stage's reason. */
  hostReason: string
  status: number
  /** The request in the log; null when its trace did not come (the log may be paused or full). */
  traceId: string | null
  /** The trace's last word on it: the flush stage's summary (a refusal says why), else the last stage's. */
  summary: string | null
  /** What the invalidation did (from the flush stage), null when it did not run (403, 404, …). */
  report: FlushReport | null
}

export type CacheEvent =
  | { type: 'cache-stored'; farm: string; relPath: string; bytes: number; at: number; ttlExpiresAt: number | null }
  | { type: 'cache-discarded'; farm: string; relPath: string; reason: string; at: number }
  | { type: 'cache-flush'; farm: string; at: number; report: FlushReport }
