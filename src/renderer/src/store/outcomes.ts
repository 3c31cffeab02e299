/** How each outcome reads in the log: the pill's words and its colour class. */
import type { Outcome } from '../../../shared/trace'

export const OUTCOME_LABEL: Record<Outcome, string> = {
  hit: 'hit',
  'miss-stored': 'miss · stored',
  'miss-uncacheable': 'not cacheable',
  stale: 'stale',
  blocked: 'blocked',
  redirect: 'redirect',
  flush: 'flush',
  static: 'static',
  error: 'error'
}

export const OUTCOMES = Object.keys(OUTCOME_LABEL) as Outcome[]

/** What `outcome:` accepts in the filter bar, besides the outcome names themselves. */
export const OUTCOME_ALIASES: Record<string, Outcome[]> = {
  miss: ['miss-stored', 'miss-uncacheable'],
  stored: ['miss-stored'],
  uncacheable: ['miss-uncacheable'],
  'not-cacheable': ['miss-uncacheable'],
  cached: ['hit', 'stale'],
  denied: ['blocked'],
  '3xx': ['redirect']
}
