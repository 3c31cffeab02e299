/**
 * One cache store per farm with a `/docroot`. A missing docroot is created at load only inside
 * a folder the workbench was given for its cache: its own cache folder (DOCROOT defaults
 * there) or the folder `--docroot` names, when that exists. An AMS layout puts its docroots
 * below that folder (PUBLISH_DOCROOT is DIR/html, AUTHOR_DOCROOT DIR/author: loaders/
 * environment.ts), as the AMS host's own setup makes them under /mnt/var/www, and the SDK
 * image's `20-create-docroots` entrypoint script makes the container's. A docroot elsewhere
 * is never created, but the store is kept all the same: like the module, which looks at the
 * docroot on every request (§5.3 step 1: "document root non-existent" while it is missing),
 * the cache stage asks the store whether it exists now, so a folder made later is used from
 * then on without a reload; `missingDocroots` names the farms that cache nothing meanwhile.
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

/** The folders whose insides the workbench may create docroots in (see the top of this file), as real paths. */
function cacheFolders(given: string | undefined): string[] {
  const folders = [workbenchCacheRoot()]
  if (given !== undefined && fs.statSync(given, { throwIfNoEntry: false })?.isDirectory()) folders.push(given)
  return folders.map(realOrResolved)
}

/**
 * Made only when the folders mkdir would create lie inside one of `folders` on disk: the
 * nearest existing ancestor's real path is compared, not the text, so a symbolic link below
 * the cache folder that leads elsewhere (`DIR/link → /etc`, docroot `DIR/link/html`) does not
 * make the workbench create folders outside it.
 */
function createDocrootInside(docroot: string, folders: readonly string[]): void {
  if (fs.existsSync(docroot)) return
  const abs = path.resolve(docroot)
  // lstat: a dangling link is an existing ancestor too, and one whose real path is unknown.
  let existing = path.dirname(abs)
  while (!fs.lstatSync(existing, { throwIfNoEntry: false }) && path.dirname(existing) !== existing)
    existing = path.dirname(existing)
  let real: string
  try {
    real = path.join(fs.realpathSync.native(existing), path.relative(existing, abs))
  } catch {
    return
  }
  if (folders.some((f) => real.startsWith(f + path.sep))) fs.mkdirSync(real, { recursive: true })
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync.native(p)
  } catch {
    return path.resolve(p)
  }
}

/**
 * `cacheFolder`: the folder the workbench was given for its cache (`--docroot`, else its
 * default one); docroots inside it are created.
 */
export function compileCache(farm: Farm, onEvent: (e: CacheEvent) => void, cacheFolder?: string): ActiveCache | null {
  if (!farm.cache) return null
  const policy = compileCachePolicy(farm.cache, farm)
  const sessions = farm.sessionmanagement ? new SessionManager(farm.sessionmanagement) : null
  if (policy.docroot === null) return { policy, store: null, sessions }
  createDocrootInside(policy.docroot, cacheFolders(cacheFolder))
  return { policy, store: new CacheStore(policy, { onEvent }), sessions }
}

/** A farm that caches nothing because its `/docroot` does not exist now. */
export interface MissingDocroot {
  farm: string
  docroot: string
}

export function missingDocroots(farms: readonly { farm: Farm; cache: ActiveCache | null }[]): MissingDocroot[] {
  const out: MissingDocroot[] = []
  for (const f of farms) {
    const store = f.cache?.store
    if (store && !store.docrootExists()) out.push({ farm: f.farm.name, docroot: store.docroot.root })
  }
  return out
}
