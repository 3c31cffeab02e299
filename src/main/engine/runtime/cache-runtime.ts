/**
 * One cache store per farm with a `/docroot`. The docroot is created at load only when it lies
 * inside the workbench's own cache folder (DOCROOT defaults there; the SDK image's
 * `20-create-docroots` entrypoint script does the same for the container's). A docroot
 * elsewhere is never created, but the store is kept all the same: like the module, which
 * looks at the docroot on every request (§5.3 step 1: "document root non-existent" while it
 * is missing), the cache stage asks the store whether it exists now, so a folder made later
 * is used from then on without a reload.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { CacheEvent } from '../../../shared/cache-types'
import type { Farm } from '../../../shared/config-model'
import { CacheStore, compileCachePolicy, SessionManager, type CachePolicy } from '../cache'

export interface ActiveCache {
  policy: CachePolicy
  /**
   * `null` when the farm names no `/docroot`. Whether the docroot exists is asked of the store
   * at request time (`CacheStore.docrootExists`), never decided here.
   */
  store: CacheStore | null
  /** The farm's `/sessionmanagement`, which decides before the cache does (§5.3 step 7). */
  sessions: SessionManager | null
}

/** Where the workbench keeps cache docroots it owns. */
export function workbenchCacheRoot(): string {
  return process.env.DW_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'dispatcher-workbench')
}

export function defaultDocroot(configInput: string): string {
  let h = 0
  for (const c of path.resolve(configInput)) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0
  const name = path.basename(path.resolve(configInput)).replace(/[^\w.-]+/g, '_') || 'config'
  return path.join(workbenchCacheRoot(), `${name}-${(h >>> 0).toString(16)}`, 'docroot')
}

/** Creates a missing docroot that lies inside the workbench's own cache folder. */
function createOwnDocroot(docroot: string): void {
  if (fs.existsSync(docroot)) return
  const own = path.resolve(workbenchCacheRoot())
  if (path.resolve(docroot).startsWith(own + path.sep)) fs.mkdirSync(docroot, { recursive: true })
}

export function compileCache(farm: Farm, onEvent: (e: CacheEvent) => void): ActiveCache | null {
  if (!farm.cache) return null
  const policy = compileCachePolicy(farm.cache, farm)
  const sessions = farm.sessionmanagement ? new SessionManager(farm.sessionmanagement) : null
  if (policy.docroot === null) return { policy, store: null, sessions }
  createOwnDocroot(policy.docroot)
  return { policy, store: new CacheStore(policy, { onEvent }), sessions }
}
