/** The outcomes the log names (their words: shared/outcome-labels.ts) and their filter aliases. */
import type { Outcome } from '../../../shared/trace'
import { OUTCOME_LABEL } from '../../../shared/outcome-labels'

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
