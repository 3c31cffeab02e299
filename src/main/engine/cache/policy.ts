/**
 * A farm's `/cache` section compiled once per configuration (dispatcher-behavior.md §5.1):
 * globs compiled, defaults applied, paths resolved. Pure: nothing here touches the disk.
 */
import path from 'node:path'
import type { CacheConfig, Farm } from '../../../shared/config-model'
import type { StoredHeader } from '../../../shared/cache-types'
import { compileRuleList, type RuleList } from './glob-rules'
import { headerValues, type HeaderBag } from './header-bag'

export interface CachePolicy {
  farm: string
  /** Absolute docroot; `null` when the farm has no `/cache` or no `/docroot` (§5.3 step 1). */
  docroot: string | null
  statfileslevel: number
  /**
   * The level-0 statfile, docroot-relative: `/.stat`, or `/statfile` when `/statfileslevel`
   * is 0 (§5.1: `/statfile` is ignored once `/statfileslevel` is set).
   */
  statfile: string
  allowAuthorized: boolean
  serveStaleOnError: boolean
  gracePeriodMs: number
  enableTTL: boolean
  /** Permission bits for new files and folders; the process umask still applies (§5.1). */
  mode: number
  /** `/headers` names as configured (§5.6). */
  headers: string[]
  /** `/headers` names Set-Cookie: a stored page's cookie goes out with every hit (§5.6). */
  storesSetCookie: boolean
  invalidateHandler: string | null
  rules: RuleList
  /** `null` when the section is absent: nothing is auto-invalidated (§5.1). */
  invalidate: RuleList | null
  /** `null` when absent: any query string prevents caching (§5.3). */
  ignoreUrlParams: RuleList | null
  /** `null` when absent: anyone may flush (§7.2). */
  allowedClients: RuleList | null
  /** Configuration problems found while compiling (shown once per load, not per request). */
  warnings: string[]
}

const NO_RULES: RuleList = () => null

export function compileCachePolicy(cache: CacheConfig | undefined, farm: Farm): CachePolicy {
  const warnings: string[] = []
  const docroot = cache?.docroot?.value ? path.resolve(cache.docroot.value) : null
  const level = Math.max(0, Math.floor(cache?.statfileslevel.value ?? 0))
  let statfile = '/.stat'
  if (cache?.statfile && docroot && level === 0) {
    const abs = path.resolve(docroot, cache.statfile.value)
    const rel = path.relative(docroot, abs)
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) statfile = '/' + rel.split(path.sep).join('/')
    else
      warnings.push(
        `/statfile ${cache.statfile.value} lies outside the docroot ${docroot}; the workbench uses ${path.join(docroot, '.stat')}`
      )
  }
  return {
    farm: farm.name,
    docroot,
    statfileslevel: level,
    statfile,
    allowAuthorized: cache?.allowAuthorized.value ?? false,
    serveStaleOnError: cache?.serveStaleOnError.value ?? false,
    gracePeriodMs: Math.max(0, cache?.gracePeriod.value ?? 0) * 1000,
    enableTTL: cache?.enableTTL.value ?? false,
    mode: cache?.mode.value ?? 0o755,
    headers: (cache?.headers ?? []).map((h) => h.value),
    storesSetCookie: (cache?.headers ?? []).some((h) => h.value.toLowerCase() === 'set-cookie'),
    invalidateHandler: cache?.invalidateHandler?.value || null,
    rules: cache ? compileRuleList(cache.rules) : NO_RULES,
    invalidate: cache?.invalidate ? compileRuleList(cache.invalidate) : null,
    ignoreUrlParams: cache?.ignoreUrlParams ? compileRuleList(cache.ignoreUrlParams) : null,
    allowedClients: cache?.allowedClients ? compileRuleList(cache.allowedClients) : null,
    warnings
  }
}

/**
 * Permission bits of new cache files, their `.h`/`.ttl` and `.stat` files: `/mode` without the
 * search bits, which DC describes for directories only ("Allow the owner to search in
 * directories"); under the default 0755 the module's files are 0644, as the AMS flushing
 * guide's `stat` of a cached logo.jpg and of a `.stat` shows (0644/-rw-r--r--). Folders get
 * `/mode` whole. The process umask still applies.
 */
export function fileMode(mode: number): number {
  return mode & 0o666
}

/** Matched by `/invalidate` (last match wins, allow = auto-invalidated); absent section ⇒ never (§5.5.1). */
export function isAutoInvalidated(policy: CachePolicy, relPath: string): boolean {
  return policy.invalidate?.(relPath)?.type === 'allow'
}

/**
 * `/ignoreUrlParams`: `allow` = the parameter is ignored, `deny` = kept; a name no rule
 * matches is kept, which fits the log `Name not in ignored URL parameters ACL` (§5.3).
 */
export function isIgnoredParam(policy: CachePolicy, name: string): boolean {
  return policy.ignoreUrlParams?.(name)?.type === 'allow'
}

/** `/allowedClients` globs on the client IP, last match wins; absent section ⇒ everyone (§7.2). */
export function clientAllowedToFlush(policy: CachePolicy, ip: string): boolean {
  if (policy.allowedClients === null) return true
  return policy.allowedClients(ip)?.type === 'allow'
}

/**
 * The response headers kept beside the cache file (§5.6): those named in `/headers`
 * (compared without regard to case, as HTTP names are), with the configured spelling.
 * A repeated header (Set-Cookie) keeps every value.
 */
export function storedHeaders(policy: CachePolicy, headers: HeaderBag): StoredHeader[] {
  const out: StoredHeader[] = []
  const seen = new Set<string>()
  for (const name of policy.headers) {
    const key = name.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    for (const value of headerValues(headers, name)) out.push([name, value])
  }
  return out
}
