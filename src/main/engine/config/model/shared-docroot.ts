/**
 * Pitfall 13 (dispatcher-behavior.md §10): farms that cache into the same docroot but count
 * `.stat` levels differently. A flush goes through whichever farm its request matches (AMS
 * has flush farms of their own) and touches the `.stat` files at that farm's levels; the other
 * farm's cached files are checked against `.stat` files at its own levels, so they are
 * invalidated too much, or not at all.
 */
import path from 'node:path'
import type { Farm } from '../../../../shared/config-model'
import type { DiagnosticSink } from '../../../../shared/diagnostics'

/** How a farm finds the `.stat` files that date its cache. */
function statCounting(farm: Farm): string {
  const cache = farm.cache!
  return cache.statfile ? `/statfile "${cache.statfile.value}"` : `/statfileslevel "${cache.statfileslevel.value}"`
}

export function reportSharedDocrootLevels(farms: Farm[], sink: DiagnosticSink): void {
  const byDocroot = new Map<string, Farm>()
  for (const farm of farms) {
    const docroot = farm.cache?.docroot?.value
    if (docroot === undefined) continue
    const key = path.posix.normalize(docroot.replace(/\\/g, '/')).replace(/(.)\/$/, '$1')
    const first = byDocroot.get(key)
    if (!first) {
      byDocroot.set(key, farm)
      continue
    }
    const [mine, theirs] = [statCounting(farm), statCounting(first)]
    if (mine === theirs) continue
    const cache = farm.cache!
    sink.warn(
      'PITFALL_SHARED_DOCROOT_LEVELS',
      'pitfall',
      `farm /${farm.name} caches into ${docroot} as farm /${first.name} does, but dates its files with ${mine} where /${first.name} uses ${theirs}: a flush through one farm touches .stat files the other does not read the same way, so its pages are invalidated too much or not at all`,
      cache.statfile?.pos ?? cache.statfileslevel.pos ?? cache.docroot?.pos ?? farm.pos
    )
  }
}
