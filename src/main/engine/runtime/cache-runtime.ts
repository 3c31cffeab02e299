/**
 * One cache store per farm with a docroot. The docroot is created only when it lies inside
 * the workbench's own cache folder (DOCROOT defaults there); a docroot elsewhere must already
 * exist — the workbench never creates folders on the user's system outside its own
 * (§5.3 step 1: otherwise "document root non-existent").
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { CacheEvent } from '../../../shared/cache-types'
import type { Farm } from '../../../shared/config-model'
import { CacheStore, compileCachePolicy, SessionManager, type CachePolicy } from '../cache'

export interface ActiveCache {
  policy: CachePolicy
  /** `null` when the docroot does not exist (nothing is cached; hits impossible). */
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

function ensureDocroot(docroot: string): boolean {
  const st = fs.statSync(docroot, { throwIfNoEntry: false })
  if (st) return st.isDirectory()
  const own = path.resolve(workbenchCacheRoot())
  if (!path.resolve(docroot).startsWith(own + path.sep)) return false
  fs.mkdirSync(docroot, { recursive: true })
  return true
}

export function compileCache(farm: Farm, onEvent: (e: CacheEvent) => void): ActiveCache | null {
  if (!farm.cache) return null
  const policy = compileCachePolicy(farm.cache, farm)
  const sessions = farm.sessionmanagement ? new SessionManager(farm.sessionmanagement) : null
  if (policy.docroot === null || !ensureDocroot(policy.docroot)) return { policy, store: null, sessions }
  return { policy, store: new CacheStore(policy, { onEvent }), sessions }
}
