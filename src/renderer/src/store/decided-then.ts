/**
 * The Cache tab's words for whether the grace period was over and the TTL expired when the request
 * was decided. Said from the state the lookup decided, not from the trace's start: the lookup read
 * the clock later in the pipeline, so at the edge the start time could say "not over" beside a
 * stale file.
 */
import type { CacheDecision } from '../../../shared/cache-types'

export function graceThen(state: CacheDecision['state'], graceEndsAt: number, at: number): string {
  if (state === 'grace') return 'not over then'
  if (state === 'stale') return 'over then'
  // Expired by its TTL (decided before any .stat) or fresh: the clock is all there is.
  return at < graceEndsAt ? 'not over then' : 'over then'
}

export function ttlThen(state: CacheDecision['state']): string {
  return state === 'expired' ? 'expired then' : 'not expired then'
}
