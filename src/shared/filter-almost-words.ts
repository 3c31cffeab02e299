/**
 * The words for `FilterResult.almost` (the allow rules a later deny overrode, the ones that
 * missed by one property), shared by the UI's filter stage and `explain`'s text so both say the
 * same thing. The lists themselves come from the engine (pipeline/filter-almost.ts).
 */
import type { FilterElementCheck, FilterNearMiss, FilterOverriddenAllow } from './trace-match'

/** One-property misses shown; the rest are counted (the rule table lists every rule). */
export const NEAR_MISSES_SHOWN = 3

/** Headings, in the order the lists are shown. */
export const OVERRIDDEN_HEADING = 'Allowed, then overridden by a later deny'
export const NEAR_MISSES_HEADING = 'Almost allowed by (one property missed, closest first)'

/** `allows it (/extension … /path …), but deny /0019, written after it, matches too: the last match wins`. */
export function overriddenWords(o: FilterOverriddenAllow): string {
  const denies = o.overriddenBy.map((d) => `/${d.label}`)
  const which = denies.length === 1 ? `deny ${denies[0]}` : `denies ${denies.join(', ')}`
  const verb = denies.length === 1 ? 'matches' : 'match'
  return `allows it (${o.props}), but ${which}, written after it, ${verb} too: the last match wins`
}

/** `another resource: /extension "theme" does not match 'html'`. */
export function nearMissWords(n: FilterNearMiss): string {
  return `${closenessWords(n)}: ${n.failed.explanation}`
}

/** Why the miss ranks where it does, in the failed property's terms. */
function closenessWords(n: FilterNearMiss): string {
  switch (n.closeness) {
    case 'case':
      return 'only the letter case differs'
    case 'method':
      return `the same URL with another ${n.failed.element === 'protocol' ? 'protocol' : 'method'}`
    case 'query':
      return 'the same URL with another query string'
    case 'rendering':
      return `the same resource with ${n.failed.element === 'suffix' ? 'another suffix' : 'other selectors'}`
    case 'resource':
      return 'another resource'
  }
}

/** `and 4 more` for the near misses past NEAR_MISSES_SHOWN, or null. */
export function moreNearMisses(all: readonly FilterNearMiss[]): string | null {
  const more = all.length - NEAR_MISSES_SHOWN
  return more > 0 ? `and ${more} more` : null
}

/** A rule's properties as written: `/extension "json" /path "/content/*"`. */
export function writtenProps(checked: readonly FilterElementCheck[]): string {
  return checked
    .map((c) => `/${c.element} ${c.kind === 'regex' ? `'${c.patternSource}'` : `"${c.patternSource}"`}`)
    .join(' ')
}
