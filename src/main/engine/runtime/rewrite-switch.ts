/**
 * `RewriteEngine On|Off` inside `<Location>`, `<LocationMatch>` and `<If>`: whether the vhost's
 * rewrite rules run for a request.
 *
 * mod_rewrite's translate-name hook reads the engine state from `r->per_dir_config`, not from
 * the server: at that point httpd has merged the vhost's defaults with the `<Location>` and
 * `<If>` sections that match the URI as it arrived (`<Directory>` sections come later and do
 * not count). The innermost setting wins. The AEMaaCS baseline relies on it:
 * `<LocationMatch "/system/probes"> RewriteEngine Off` and the `/systemready` and CRXDE
 * locations keep a project's rewrite rules away from the probes and the proxied paths.
 */
import type { ApacheScope, VhostSettings } from '../../../shared/config-model'
import { anySectionMatters, compileSections, type CompiledSections, type SectionWalkInput } from './sections'

const TRANSLATE_KINDS = new Set<ApacheScope['kind']>(['Location', 'LocationMatch', 'If', 'ElseIf', 'Else'])

export interface RewriteSwitch {
  /**
   * The section whose `RewriteEngine` decides for this request, or null when none applies (the
   * vhost's own state). Request headers an `<If>` read are added to `vary` (httpd varies on them).
   */
  resolve(input: SectionWalkInput, vary: string[]): { on: boolean; scope: ApacheScope } | null
  /** Some section turns the engine on: the vhost's rules are needed even when the vhost itself has it off. */
  readonly turnsOn: boolean
}

const setsEngine = (s: VhostSettings): boolean => s.rewriteEngine !== undefined

export function compileRewriteSwitch(layers: VhostSettings[], docroot: string | undefined): RewriteSwitch | null {
  if (!anySectionMatters(layers, setsEngine, 'translate')) return null
  // The walk is compiled when a request first asks: a load (or `check`) needs only `turnsOn`.
  let sections: CompiledSections | null | undefined
  let turnsOn = false
  const visit = (scopes: ApacheScope[]): void => {
    for (const s of scopes) {
      if (!TRANSLATE_KINDS.has(s.kind)) continue
      if (s.settings.rewriteEngine === true) turnsOn = true
      visit(s.settings.scopes)
    }
  }
  for (const l of layers) visit(l.scopes)
  return {
    turnsOn,
    resolve(input, vary) {
      sections ??= compileSections(layers, docroot, setsEngine, 'translate')
      if (!sections) return null
      const walk = sections.walk(input)
      for (const h of walk.vary) if (!vary.includes(h)) vary.push(h)
      const scopes = walk.scopes
      for (let i = scopes.length - 1; i >= 0; i--) {
        const on = scopes[i].settings.rewriteEngine
        if (on !== undefined) return { on, scope: scopes[i] }
      }
      return null
    }
  }
}
