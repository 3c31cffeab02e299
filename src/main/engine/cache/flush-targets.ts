/**
 * What an invalidation deletes (dispatcher-behavior.md §7.3), as a pure description that the
 * flush, its preview and the write guard share. For handle `/content/site/en/page`:
 * in `/content/site/en/` every entry named `page.*`, the file `page` if it is one, the folder
 * `page/_jcr_content`, and for Deactivate/Delete the folder `page/` itself. A handle with an
 * extension (`/content/dam/logo.jpg`) works the same way: the exact file, `logo.jpg.*` and
 * `logo.jpg/_jcr_content` (UNCERTAIN, AMS). The files of re-fetch URIs (§7.4) that their re-fetch
 * will store are not deleted by an Activate, even when the handle names them: the re-fetch
 * replaces them, so visitors keep getting the old copy until the new one is in place ("the cached
 * page is not deleted from the cache … the dispatcher is making a request back to the publish
 * instance to replace the cached file, instead of deleting it", EXP refetching-flush). A write
 * begun before the flush is still discarded for them (`deletedByFlush`), as for any file the
 * flush invalidates.
 */
import type { FlushAction } from '../../../shared/cache-types'
import { HEADERS_SUFFIX, TTL_SUFFIX } from './companions'

export interface FlushTargets {
  handle: string
  action: FlushAction
  /** Folder holding the handle's files, docroot-relative (`/` for the docroot). */
  dir: string
  /** Last handle segment; `''` for the handle `/`, which deletes nothing. */
  base: string
  deleteHandleDir: boolean
  /** Re-fetch URIs as docroot-relative files: deleted with the handle's, unless kept. */
  extraFiles: string[]
  /** Those of `extraFiles` left in place for their re-fetch to replace (`keptForRefetch`). */
  keptFiles: string[]
}

/** A re-fetch URI's cache file, and whether the re-fetch's answer can be stored there. */
export interface RefetchFile {
  file: string
  stored: boolean
}

export function flushTargets(handle: string, action: FlushAction, refetch: readonly RefetchFile[] = []): FlushTargets {
  const cut = handle.lastIndexOf('/')
  const dir = cut <= 0 ? '/' : handle.slice(0, cut)
  return {
    handle,
    action,
    dir,
    base: handle.slice(cut + 1),
    deleteHandleDir: action === 'Delete' || action === 'Deactivate',
    extraFiles: refetch.map((r) => r.file),
    keptFiles: action === 'Activate' ? refetch.filter((r) => r.stored).map((r) => r.file) : []
  }
}

export type EntryVerdict = 'delete' | 'delete-jcr-content' | 'keep'

/** What happens to one entry of the handle's folder. */
export function entryVerdict(t: FlushTargets, name: string, isDir: boolean): EntryVerdict {
  if (t.base === '' || t.action === 'Test') return 'keep'
  if (name.startsWith(t.base + '.')) return 'delete'
  if (name !== t.base) return 'keep'
  if (!isDir) return 'delete'
  return t.deleteHandleDir ? 'delete' : 'delete-jcr-content'
}

/**
 * A re-fetch URI's file or its `.h`/`.ttl`: left in place for the re-fetch to replace, under
 * Activate only. Activate is the one action the re-fetch is documented and observed with (PI's
 * request, EXP's publish); PI's words are "delete and recache", and EXP saw the file replaced
 * instead. Under Delete or Deactivate the page is gone from the render, so a kept copy would
 * outlive the re-fetch's 404 as a fresh file: the listed files are deleted first, like the
 * handle's, and the re-fetch stores them anew if the render still has them. A URI whose re-fetch
 * the cache would not store (a query string /ignoreUrlParams keeps, no extension, /rules deny)
 * can replace nothing, so its file is deleted too (RefetchFile.stored); a kept file whose
 * re-fetch stores nothing is deleted after it (refetchListed, flush.ts).
 */
export function keptForRefetch(t: FlushTargets, relPath: string): boolean {
  if (t.keptFiles.length === 0) return false
  for (const suffix of [HEADERS_SUFFIX, TTL_SUFFIX]) {
    if (relPath.endsWith(suffix) && t.keptFiles.includes(relPath.slice(0, -suffix.length))) return true
  }
  return t.keptFiles.includes(relPath)
}

/**
 * Whether a flush with these targets invalidates the document `relPath` by deleting it, or (a
 * re-fetch URI) by replacing it: either way a write of it begun before the flush is obsolete.
 */
export function deletedByFlush(t: FlushTargets, relPath: string): boolean {
  if (t.action === 'Test') return false
  if (t.extraFiles.includes(relPath)) return true
  if (t.base === '') return false
  const prefix = t.dir === '/' ? '/' : t.dir + '/'
  if (!relPath.startsWith(prefix)) return false
  const rest = relPath.slice(prefix.length)
  const slash = rest.indexOf('/')
  const first = slash < 0 ? rest : rest.slice(0, slash)
  if (first.startsWith(t.base + '.')) return true
  if (first !== t.base) return false
  if (slash < 0) return true
  return t.deleteHandleDir || rest.startsWith(t.base + '/_jcr_content/')
}
