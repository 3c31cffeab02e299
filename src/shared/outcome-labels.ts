/**
 * How each outcome reads where people see it: the request log's pill and `explain --json`'s
 * `outcomeLabel`, the same words in both.
 */
import type { Outcome } from './trace'

export const OUTCOME_LABEL: Record<Outcome, string> = {
  hit: 'hit',
  'miss-stored': 'miss · stored',
  'miss-uncacheable': 'not cacheable',
  stale: 'stale',
  blocked: 'blocked',
  redirect: 'redirect',
  flush: 'flush',
  static: 'static',
  proxied: 'proxied',
  error: 'error'
}
