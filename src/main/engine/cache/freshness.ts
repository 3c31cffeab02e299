/**
 * Whether a cached file may be delivered (dispatcher-behavior.md §5.5), with 4.3.5+ TTL
 * semantics: a `.ttl` in the past means "expired" and nothing else is checked; otherwise
 * files matched by `/invalidate` are compared with their governing `.stat`, honouring
 * `/gracePeriod`.
 */
import type { CacheFileState } from '../../../shared/cache-types'
import { isStale } from './statfiles'

export interface FreshnessInput {
  /** Shown in the log lines. */
  file: string
  fileMtime: number
  /** `.ttl` expiry, `null` without one or with `/enableTTL "0"`. */
  ttlExpiresAt: number | null
  autoInvalidated: boolean
  /** Governing `.stat` mtime, `null` when none exists. */
  statMtime: number | null
  gracePeriodMs: number
  now: number
}

export function evaluateFreshness(i: FreshnessInput): { state: CacheFileState; log: string[] } {
  const log: string[] = []
  if (i.ttlExpiresAt !== null) {
    if (i.now >= i.ttlExpiresAt) {
      log.push(`cache file has expired: ${i.file}`)
      return { state: 'expired', log }
    }
    log.push(`cache file has not expired: ${i.file}`)
  }
  if (!i.autoInvalidated || i.statMtime === null) return { state: 'fresh', log }
  if (i.fileMtime >= i.statMtime) {
    log.push(`cache file is newer than lastflush -> use cache [${i.file}]`)
    return { state: 'fresh', log }
  }
  if (isStale(i.fileMtime, i.statMtime, i.gracePeriodMs, i.now)) {
    log.push(`cache file is older than lastflush -> flush [${i.file}]`)
    return { state: 'stale', log }
  }
  log.push(`x-workbench: cache file is older than lastflush but within the grace period -> use cache [${i.file}]`)
  return { state: 'grace', log }
}
