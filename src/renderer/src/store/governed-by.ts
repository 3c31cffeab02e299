/**
 * The cache tree's "governed by" cell: what can make a cached file out of date (§5.5). A file
 * `/invalidate` matches is judged by its nearest `.stat` (none may exist yet: no flush has
 * written one on its path); one it does not match never goes stale by a `.stat` and is said
 * to be so, in the words of the trace's Cache tab ("not auto-invalidated"), rather than left
 * blank; a `.ttl` companion is checked before either (§5.5.5).
 */
import type { CacheEntryInfo } from '../../../shared/cache-types'
import { formatDateTime } from './format'

export const NOT_AUTO_INVALIDATED = 'not auto-invalidated (/invalidate)'

export function governedBy(info: CacheEntryInfo): { text: string; title: string } {
  const [stat, why] = info.governingStat
    ? [info.governingStat, `matched by /invalidate: stale once ${info.governingStat} is newer than the file`]
    : info.autoInvalidated
      ? ['no .stat yet', 'matched by /invalidate, but no .stat exists on its path yet: a flush writes one']
      : [NOT_AUTO_INVALIDATED, 'not matched by /invalidate: no .stat makes it stale; a flush of its handle deletes it']
  if (info.ttlExpiresAt === null) return { text: stat, title: capitalised(why) }
  return {
    text: `TTL, ${stat}`,
    title: `TTL until ${formatDateTime(info.ttlExpiresAt)} (checked first); ${why}`
  }
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
