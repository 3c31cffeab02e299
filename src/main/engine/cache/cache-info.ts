/**
 * The `X-Cache-Info` words (dispatcher-behavior.md §8.3) for what the cache decided, so the
 * pipeline, the trace and the debug header say the same thing. Module words where the module
 * has them; `x-workbench:` where it has none (TTL expiry, §8.3 last paragraph).
 */
import type { CacheLookup } from './store'
import { textMemo } from '../text-memo'

export const CACHE_INFO = {
  delivered: 'target file cached',
  caching: 'caching',
  staleByStat: 'caching: stat file is more recent',
  expiredByTtl: 'x-workbench: caching: cache file has expired',
  deliveredInGrace: 'x-workbench: target file cached (stale, within the grace period)',
  deliveredWhileRefetched: 'x-workbench: target file cached (stale, being fetched again by another request)',
  /** §5.7: the module's words for a valid file would claim a fresh hit; no words are documented for this. */
  deliveredOnError: 'x-workbench: target file cached (stale, revalidation failed: /serveStaleOnError)'
} as const

export function notCacheable(reason: string): string {
  return notCacheableText(reason)
}

/** One string per reason: traces keep it (see sharedText). */
const notCacheableText = textMemo((reason) => `not cacheable: ${reason}`, 1000)

/** What a look-up means for `X-Cache-Info` before the render is asked (a refused path is "not cacheable"). */
export function cacheInfoForLookup(lookup: CacheLookup): string {
  switch (lookup.kind) {
    case 'refused':
    case 'not-cacheable':
      return notCacheable(lookup.reason)
    case 'missing':
      return CACHE_INFO.caching
    case 'cached':
      switch (lookup.state) {
        case 'fresh':
          return CACHE_INFO.delivered
        case 'grace':
          return CACHE_INFO.deliveredInGrace
        case 'stale':
          return CACHE_INFO.staleByStat
        case 'expired':
          return CACHE_INFO.expiredByTtl
      }
  }
}
