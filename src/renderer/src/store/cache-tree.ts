/**
 * The cache tree's state: one docroot per farm, listed folder by folder as the user opens
 * them, flattened into rows for a virtualised list. `.stat` files appear in the folder they
 * govern, first, so the freshness of the files below reads top-down.
 */
import { createStore } from 'zustand/vanilla'
import type { TraceSummary } from '../../../shared/api'
import type {
  CacheEntryInfo,
  CacheEvent,
  CacheFolderListing,
  CacheTotals,
  StatfileInfo
} from '../../../shared/cache-types'

export type TreeRow =
  | { kind: 'dir'; key: string; depth: number; name: string; relPath: string; open: boolean; loading: boolean }
  | { kind: 'stat'; key: string; depth: number; name: string; info: StatfileInfo }
  | { kind: 'file'; key: string; depth: number; name: string; info: CacheEntryInfo }
  | { kind: 'more'; key: string; depth: number; shown: number; total: number }
  | { kind: 'empty'; key: string; depth: number; missing: boolean }

export interface CacheTreeState {
  farm: string | null
  listings: Record<string, CacheFolderListing>
  open: string[]
  loading: string[]
  totals: CacheTotals | null
  /** Why the cache cannot be shown (e.g. the engine has no cache for this farm). */
  error: string | null
  /** Folders whose listing is out of date after cache events. */
  stale: string[]
}

export const cacheStore = createStore<CacheTreeState>(() => ({
  farm: null,
  listings: {},
  open: ['/'],
  loading: [],
  totals: null,
  error: null,
  stale: []
}))

function nameOf(relPath: string): string {
  const trimmed = relPath.replace(/\/+$/, '')
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/'
}

export function parentDir(relPath: string): string {
  const trimmed = relPath.replace(/\/+$/, '')
  const i = trimmed.lastIndexOf('/')
  return i <= 0 ? '/' : trimmed.slice(0, i)
}

export function flattenTree(
  listings: Record<string, CacheFolderListing>,
  open: readonly string[],
  loading: readonly string[],
  root = '/'
): TreeRow[] {
  const rows: TreeRow[] = []
  const openSet = new Set(open)
  const loadingSet = new Set(loading)
  const walk = (dir: string, depth: number): void => {
    const listing = listings[dir]
    if (!listing) return
    if (listing.statfile)
      rows.push({
        kind: 'stat',
        key: `s:${listing.statfile.relPath}`,
        depth,
        name: nameOf(listing.statfile.relPath),
        info: listing.statfile
      })
    for (const d of listing.dirs) {
      const isOpen = openSet.has(d.relPath)
      rows.push({
        kind: 'dir',
        key: `d:${d.relPath}`,
        depth,
        name: d.name,
        relPath: d.relPath,
        open: isOpen,
        loading: loadingSet.has(d.relPath)
      })
      if (isOpen) walk(d.relPath, depth + 1)
    }
    for (const f of listing.files)
      rows.push({ kind: 'file', key: `f:${f.relPath}`, depth, name: nameOf(f.relPath), info: f })
    if (listing.totalFiles > listing.files.length) {
      rows.push({ kind: 'more', key: `m:${dir}`, depth, shown: listing.files.length, total: listing.totalFiles })
    }
    if (listing.dirs.length === 0 && listing.files.length === 0 && !listing.statfile) {
      rows.push({ kind: 'empty', key: `e:${dir}`, depth, missing: listing.missing })
    }
  }
  walk(root, 0)
  return rows
}

/** Folders to list again after cache events for this farm: each touched file's folder and its parents that are shown. */
export function foldersTouched(
  events: readonly CacheEvent[],
  farm: string,
  shown: Record<string, CacheFolderListing>
): string[] {
  const out = new Set<string>()
  for (const e of events) {
    if (e.farm !== farm) continue
    const paths = e.type === 'cache-flush' ? [...e.report.deleted, ...e.report.statfilesTouched] : [e.relPath]
    for (const p of paths) {
      let dir = parentDir(p)
      for (;;) {
        if (shown[dir]) out.add(dir)
        if (dir === '/') break
        dir = parentDir(dir)
      }
    }
    // A flush changes freshness everywhere below its statfiles: list every shown folder again.
    if (e.type === 'cache-flush') for (const dir of Object.keys(shown)) out.add(dir)
  }
  return [...out]
}

/**
 * How soon a listing that shows a file in its grace period is read again: the period is the
 * farm's `/gracePeriod` (seconds, §5.5.4), which the listing does not carry.
 */
export const GRACE_RECHECK_MS = 1000

/**
 * When the state of a shown file changes by the clock alone, with no cache event to say so:
 * a `.ttl` running out (fresh → expired, §5.5.5) or a grace period ending (grace → stale).
 * The folders to list again at that moment; `null` when nothing shown changes by itself
 * within a timer's reach (2^31 - 1 ms, about 24.8 days: a later delay fires at once in
 * browsers and Node, which would list the folder again and again; a one-year `.ttl` on a
 * clientlib is common).
 */
/** The longest delay setTimeout keeps (a signed 32-bit number of milliseconds). */
const MAX_TIMER_MS = 2 ** 31 - 1

export function nextClockChange(
  listings: Record<string, CacheFolderListing>,
  now: number
): { at: number; dirs: string[] } | null {
  let at = Infinity
  let dirs: string[] = []
  for (const [dir, listing] of Object.entries(listings)) {
    let due = Infinity
    for (const f of listing.files) {
      if (f.state === 'grace') due = Math.min(due, now + GRACE_RECHECK_MS)
      else if (
        f.state === 'fresh' &&
        f.ttlExpiresAt !== null &&
        f.ttlExpiresAt > now &&
        f.ttlExpiresAt - now <= MAX_TIMER_MS
      )
        due = Math.min(due, f.ttlExpiresAt)
    }
    if (due < at) [at, dirs] = [due, [dir]]
    else if (due === at && due !== Infinity) dirs.push(dir)
  }
  return at === Infinity ? null : { at, dirs }
}

/**
 * The `CQ-Handle` AEM's flush agent sends for a cached file: the page's path, without the
 * selectors and extension of this rendering (`/content/site/en.model.json` → `/content/site/en`);
 * assets under /content/dam keep their name (their node is `logo.png`). Flushing that handle
 * deletes every rendering of the page (§7.3 step 1), `_jcr_content` renderings and suffixed
 * ones (`page.html/suffix.json`, cached in the folder `page.html/`) included, so those are
 * flushed through their page too: AEM activates the page, never a node below it.
 */
export function flushHandleFor(relPath: string): string {
  const content = relPath.search(/\/(_jcr_content|jcr:content)(\/|$)/)
  const node = content > 0 ? relPath.slice(0, content) : relPath
  if (node.startsWith('/content/dam/')) return node
  // Under /content the first dot ends the page's path (Sling's resource path, §4.1), whatever
  // folders a suffix adds; elsewhere (`/etc.clientlibs/…`) the file's own name is the handle.
  const from = node.startsWith('/content/') ? 0 : node.lastIndexOf('/')
  const dot = node.indexOf('.', from + 1)
  return dot > node.lastIndexOf('/', dot) + 1 ? node.slice(0, dot) : node
}

/**
 * The `CQ-Handle` for a folder's Flush: a folder that holds renderings of a page rather than
 * pages (its `_jcr_content`, or a suffix folder `page.html/`) is flushed through that page, as
 * its files are (`flushHandleFor`); the folder's own path would delete nothing but its own
 * `_jcr_content` (§7.3). Other folders are pages or plain paths, their own handle; outside
 * /content a dot in a folder name is part of the name (`/etc.clientlibs`), not a rendering's.
 */
export function flushHandleForFolder(relPath: string): string {
  const dir = relPath.replace(/\/+$/, '') || '/'
  if (!dir.startsWith('/content/') && !/\/(_jcr_content|jcr:content)(\/|$)/.test(dir)) return dir
  return flushHandleFor(dir)
}

/** Cache hit ratio of a farm over the requests in the log: served from cache / requests that asked the cache. */
export function hitRatio(
  rows: readonly TraceSummary[],
  farm: string | null
): { hits: number; lookups: number; ratio: number | null } {
  let hits = 0
  let lookups = 0
  for (const r of rows) {
    if (farm !== null && r.farm !== farm) continue
    if (r.outcome === 'hit' || r.outcome === 'stale') {
      hits++
      lookups++
    } else if (r.outcome === 'miss-stored' || r.outcome === 'miss-uncacheable') lookups++
  }
  return { hits, lookups, ratio: lookups > 0 ? hits / lookups : null }
}
