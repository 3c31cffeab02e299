/**
 * What an invalidation deletes (dispatcher-behavior.md §7.3), as a pure description that the
 * flush, its preview and the write guard share. For handle `/content/site/en/page`:
 * in `/content/site/en/` every entry named `page.*`, the file `page` if it is one, the folder
 * `page/_jcr_content`, and for Deactivate/Delete the folder `page/` itself. A handle with an
 * extension (`/content/dam/logo.jpg`) works the same way: the exact file, `logo.jpg.*` and
 * `logo.jpg/_jcr_content` (UNCERTAIN, AMS). Re-fetch URIs (§7.4) are deleted too, so they are
 * stored afresh.
 */
import type { FlushAction } from '../../../shared/cache-types'

export interface FlushTargets {
  handle: string
  action: FlushAction
  /** Folder holding the handle's files, docroot-relative (`/` for the docroot). */
  dir: string
  /** Last handle segment; `''` for the handle `/`, which deletes nothing. */
  base: string
  deleteHandleDir: boolean
  /** Re-fetch URIs as docroot-relative files. */
  extraFiles: string[]
}

export function flushTargets(handle: string, action: FlushAction, refetchFiles: readonly string[] = []): FlushTargets {
  const cut = handle.lastIndexOf('/')
  const dir = cut <= 0 ? '/' : handle.slice(0, cut)
  return {
    handle,
    action,
    dir,
    base: handle.slice(cut + 1),
    deleteHandleDir: action === 'Delete' || action === 'Deactivate',
    extraFiles: [...refetchFiles]
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

/** Whether a flush with these targets removes the document `relPath`. */
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
