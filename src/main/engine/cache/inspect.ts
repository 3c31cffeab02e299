/**
 * The cache as the UI shows it: one folder at a time (paged), the `.stat` files, and totals.
 * Every call does bounded work: listings are paged, walks stop at an entry limit.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { CacheEntryInfo, CacheFolderListing, CacheTotals, StatfileInfo } from '../../../shared/cache-types'
import { readStoredHeaders, readTtl } from './companions'
import { evaluateFreshness } from './freshness'
import { isAutoInvalidated } from './policy'
import { dirLevel, governingStat } from './statfiles'
import type { CacheStore } from './store'
import { entryRole, walkDocroot } from './tree-walk'
import { isUnnamedEntry } from './unnamed-entry'

/** The file `relPath` names inside the docroot, with its stats, when it is a file there. */
export function cachedFileAt(store: CacheStore, relPath: string): { abs: string; st: fs.Stats } | null {
  const r = store.docroot.resolve(relPath)
  if (!r.ok || !store.docroot.isInside(r.abs)) return null
  const st = fs.statSync(r.abs, { throwIfNoEntry: false })
  return st?.isFile() ? { abs: r.abs, st } : null
}

/** State of one cached document, as a hit would see it now (`null` when it is not a file). */
export function entryInfo(store: CacheStore, relPath: string): CacheEntryInfo | null {
  const found = cachedFileAt(store, relPath)
  if (!found) return null
  const { abs, st } = found
  const mtime = Math.round(st.mtimeMs)
  const autoInvalidated = isAutoInvalidated(store.policy, relPath)
  const gov = autoInvalidated ? governingStat(relPath, store.layout, store.statIndex.mtime) : null
  const ttl = store.policy.enableTTL ? readTtl(abs) : null
  const { state } = evaluateFreshness({
    file: abs,
    fileMtime: mtime,
    ttlExpiresAt: ttl,
    autoInvalidated,
    statMtime: gov?.mtime ?? null,
    gracePeriodMs: store.policy.gracePeriodMs,
    now: store.now()
  })
  return {
    relPath,
    size: st.size,
    cachedAt: mtime,
    autoInvalidated,
    governingStat: gov?.relPath ?? null,
    statMtime: gov?.mtime ?? null,
    ttlExpiresAt: ttl,
    state,
    storedHeaders: readStoredHeaders(abs)
  }
}

export interface ListOptions {
  offset?: number
  limit?: number
}

export function listFolder(store: CacheStore, relDir: string, opts: ListOptions = {}): CacheFolderListing {
  const offset = Math.max(0, opts.offset ?? 0)
  const limit = Math.max(1, Math.min(opts.limit ?? 200, 1000))
  const dirRel = relDir === '' ? '/' : relDir.replace(/\/+$/, '') || '/'
  const empty: CacheFolderListing = {
    relDir: dirRel,
    dirs: [],
    files: [],
    statfile: null,
    totalFiles: 0,
    offset,
    limit,
    missing: true
  }
  const r = store.docroot.resolve(dirRel)
  if (!r.ok || !store.docroot.isInside(r.abs)) return empty
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(r.abs, { withFileTypes: true })
  } catch {
    return empty
  }
  const names = new Set(entries.map((e) => e.name))
  const prefix = dirRel === '/' ? '' : dirRel
  const dirs: CacheFolderListing['dirs'] = []
  const documents: string[] = []
  let statfile: StatfileInfo | null = null
  for (const e of entries) {
    if (isUnnamedEntry(r.abs, e.name)) continue
    const role = entryRole(e.name, e.isDirectory(), e.isFile(), names)
    const rel = `${prefix}/${e.name}`
    if (role === 'dir') dirs.push({ name: e.name, relPath: rel })
    else if (role === 'document') documents.push(rel)
    else if (role === 'statfile') statfile = statfileInfo(r.abs, rel)
  }
  dirs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  documents.sort()
  const files = documents
    .slice(offset, offset + limit)
    .map((rel) => entryInfo(store, rel))
    .filter((e): e is CacheEntryInfo => e !== null)
  return {
    relDir: dirRel,
    dirs: dirs.slice(0, 5000),
    files,
    statfile,
    totalFiles: documents.length,
    offset,
    limit,
    missing: false
  }
}

function statfileInfo(absDir: string, rel: string): StatfileInfo | null {
  const st = fs.statSync(path.join(absDir, '.stat'), { throwIfNoEntry: false })
  return st ? { relPath: rel, level: dirLevel(rel), mtime: Math.round(st.mtimeMs) } : null
}

/** Every `.stat` down to `/statfileslevel` (deeper ones are never read), plus a custom `/statfile`. */
export function listStatfiles(
  store: CacheStore,
  opts: { maxEntries?: number } = {}
): { statfiles: StatfileInfo[]; truncated: boolean } {
  const out: StatfileInfo[] = []
  const root = store.docroot.root
  const custom = store.layout.rootStatfile
  if (custom !== '/.stat') {
    const st = fs.statSync(path.join(root, custom), { throwIfNoEntry: false })
    if (st?.isFile()) out.push({ relPath: custom, level: 0, mtime: Math.round(st.mtimeMs) })
  }
  const { truncated } = walkDocroot(
    root,
    (e) => {
      if (e.role !== 'statfile' || e.level > store.layout.level) return
      if (custom !== '/.stat' && e.level === 0) return
      const st = fs.statSync(e.abs, { throwIfNoEntry: false })
      if (st) out.push({ relPath: e.relPath, level: e.level, mtime: Math.round(st.mtimeMs) })
    },
    { maxEntries: opts.maxEntries ?? 20_000, enterDir: (_rel, _abs, level) => level <= store.layout.level }
  )
  out.sort((a, b) => a.level - b.level || (a.relPath < b.relPath ? -1 : 1))
  return { statfiles: out, truncated }
}

export function cacheTotals(store: CacheStore, opts: { maxEntries?: number } = {}): CacheTotals {
  const totals: CacheTotals = { files: 0, bytes: 0, statfiles: 0, truncated: false }
  const { truncated } = walkDocroot(
    store.docroot.root,
    (e) => {
      if (e.role === 'statfile') totals.statfiles++
      if (e.role !== 'document') return
      const st = fs.statSync(e.abs, { throwIfNoEntry: false })
      if (!st) return
      totals.files++
      totals.bytes += st.size
    },
    { maxEntries: opts.maxEntries ?? 100_000 }
  )
  totals.truncated = truncated
  return totals
}
