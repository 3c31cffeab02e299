/**
 * Sticky pages that the cache keeps (dispatcher-behavior.md §6.2: "sticky pages should normally
 * not be cached", DO and the FAQ). Sticky connections send a visitor's requests below a path to
 * the render named in their `renderid` cookie, for pages that depend on that render's session.
 * Once such a page is cached it is served from the docroot to every visitor, and neither the
 * cookie nor the render is asked: the stickiness silently stops for that page.
 */
import type { Farm } from '../../../../shared/config-model'
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import { compileRuleList } from '../../cache/glob-rules'

export function reportStickyCached(farms: readonly Farm[], sink: DiagnosticSink): void {
  for (const farm of farms) {
    const paths = farm.sticky?.paths ?? []
    if (paths.length === 0 || farm.cache?.docroot === undefined) continue
    const rules = compileRuleList(farm.cache.rules)
    for (const p of paths) {
      // A page below the path stands for them all: /rules are globs over the whole URI.
      const page = `${p.value.replace(/\/+$/, '')}/page.html`
      const decided = rules(page)
      if (decided?.type !== 'allow') continue
      sink.warn(
        'PITFALL_STICKY_CACHED',
        'pitfall',
        `farm /${farm.name}: requests below the sticky path "${p.value}" are cached (/cache/rules /${decided.label} allows ${page}): ` +
          `a cached page is served to every visitor without asking the render their renderid cookie names, ` +
          `so stickiness stops for it; sticky pages should normally not be cached (deny them in /cache/rules)`,
        p.pos ?? farm.sticky!.pos
      )
    }
  }
}
