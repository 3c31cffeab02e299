/**
 * The cache tree's "governed by" cell: what can make a cached file out of date (§5.5). A file
 * `/invalidate` matches is judged by its nearest `.stat` (none may exist yet: no flush has
 * written one on its path); one it does not match never goes stale by a `.stat` and is said
 * to be so rather than left blank; a `.ttl` companion is checked before either (§5.5.5). The
 * trace's Cache tab says the `.stat` part in the same words (`governingStatWords`).
 */
import type { CacheEntryInfo } from '../../../shared/cache-types'
import { formatDateTime } from './format'

export const NOT_AUTO_INVALIDATED = 'not auto-invalidated (/invalidate)'

export const NO_STAT_YET = 'no .stat yet'

/**
 * The `.stat` part alone, and why, in the words the cache tree and the trace's Cache tab share:
 * the same fact said two ways read as two facts.
 */
export function governingStatWords(info: Pick<CacheEntryInfo, 'governingStat' | 'autoInvalidated'>): {
  text: string
  why: string
} {
  return info.governingStat
    ? {
        text: info.governingStat,
        why: `matched by /invalidate: stale once ${info.governingStat} is newer than the file`
      }
    : info.autoInvalidated
      ? { text: NO_STAT_YET, why: 'matched by /invalidate, but no .stat exists on its path yet: a flush writes one' }
      : {
          text: NOT_AUTO_INVALIDATED,
          why: 'not matched by /invalidate: no .stat makes it stale; a flush of its handle deletes it'
        }
}

export function governedBy(info: CacheEntryInfo): { text: string; title: string } {
  const { text: stat, why } = governingStatWords(info)
  if (info.ttlExpiresAt === null) return { text: stat, title: capitalised(why) }
  return {
    text: `TTL, ${stat}`,
    title: `TTL until ${formatDateTime(info.ttlExpiresAt)} (checked first); ${why}`
  }
}

export function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
