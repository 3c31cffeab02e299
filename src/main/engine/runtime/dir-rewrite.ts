/**
 * mod_rewrite in `<Directory>`, `<Location>`, `<Files>` and `<If>` sections: the rule list
 * httpd's per-directory merge leaves for a request (mod_rewrite's `config_perdir_merge`).
 *
 * - Each section that holds a mod_rewrite directive has its own per-directory config; sections
 *   without one leave the merge alone (httpd creates a module's per-directory config only when
 *   one of its directives appears).
 * - Walking the applying sections in merge order, the later one's rules *replace* the earlier
 *   ones' — even when it has none, so `RewriteEngine Off` alone in a `<Location>` silences a
 *   `<Directory>`'s rules — unless the options in effect say `Inherit` (its own rules first,
 *   then the inherited ones) or `InheritBefore` (the inherited ones first), or the outer ones
 *   said `InheritDown`/`InheritDownBefore` and it does not say `IgnoreInherit`.
 * - `RewriteEngine` and `RewriteOptions` are inherited when a section does not set them;
 *   `RewriteBase` only with `RewriteOptions MergeBase`. The vhost's own `RewriteEngine` and
 *   `RewriteOptions` are the starting point (httpd sets the server's base directory config with
 *   them); its rules are not in the list (they ran in the translate phase).
 * - The per-directory prefix (`r->filename` is matched with it stripped, and relative
 *   substitutions get it back) is the innermost such section's path plus a slash.
 *
 * Not modelled: `Options -FollowSymLinks` (httpd then refuses per-directory rules with 403;
 * every baseline turns the option on).
 */
import type { ApacheScope, RewriteMapDef, VhostSettings } from '../../../shared/config-model'
import type { Diagnostic } from '../../../shared/diagnostics'
import { compileRewriteRules, type CompiledRewrite, type CompiledRule } from '../pipeline/rewrite'
import { sectionContexts } from './contexts'

export interface DirRewrite {
  /** The merged rule list. */
  compiled: CompiledRewrite
  /** `dconf->directory`: the per-directory prefix, with a trailing slash. */
  directory: string
  /** `RewriteBase`, when one is in effect. */
  baseUrl: string | null
  /** The innermost section with mod_rewrite directives: where the rules come from, for the trace. */
  scope: ApacheScope
}

/** Whether a context holds a mod_rewrite directive of the per-directory kind. */
export function hasDirRewriteConfig(s: VhostSettings): boolean {
  return (
    s.rewriteEngine !== undefined ||
    s.rewriteRules.length > 0 ||
    s.rewriteOptions.length > 0 ||
    s.other.RewriteBase !== undefined
  )
}

/**
 * Some section of these layers (not the layers themselves) has RewriteRules, or turns the
 * engine on (which is enough for mod_rewrite's fixup to check Options).
 */
export function hasSectionRewriting(layers: VhostSettings[]): boolean {
  return sectionContexts(layers).some((c) => c.rewriteRules.length > 0 || c.rewriteEngine === true)
}

/** Compiles every section's own rules once; the problems are httpd's start-up errors. */
export class DirRewriteRules {
  private readonly bySection = new Map<VhostSettings, CompiledRule[]>()
  readonly problems: Diagnostic[] = []

  constructor(
    layers: VhostSettings[],
    private readonly baseEngine: boolean,
    maps: RewriteMapDef[]
  ) {
    for (const c of sectionContexts(layers)) {
      if (c.rewriteRules.length === 0) continue
      const compiled = compileRewriteRules(c.rewriteRules, maps)
      this.bySection.set(c, compiled.rules)
      this.problems.push(...compiled.problems)
    }
  }

  /** The merged per-directory config for the sections that apply (merge order), or null when nothing would run. */
  merge(scopes: readonly ApacheScope[]): DirRewrite | null {
    let engine = this.baseEngine
    // The server's and the vhost's RewriteOptions are server config (cmd_rewriteoptions): the
    // directory merge starts from none, and a section's own are inherited by the ones inside it.
    let options: ReadonlySet<string> = NO_OPTIONS
    let baseUrl: string | null = null
    let rules: CompiledRule[] = []
    let last: ApacheScope | null = null
    for (const scope of scopes) {
      const s = scope.settings
      if (!hasDirRewriteConfig(s)) continue
      const inherited = options
      if (s.rewriteEngine !== undefined) engine = s.rewriteEngine
      if (s.rewriteOptions.length > 0) options = optionSet(s.rewriteOptions)
      const own = s.other.RewriteBase?.value[0]
      // Without MergeBase a section's RewriteBase is its own: an inner section without one has none.
      baseUrl = own ?? (options.has('mergebase') ? baseUrl : null)
      const mine = this.bySection.get(s) ?? []
      const ignore = options.has('ignoreinherit')
      if (options.has('inherit') || (inherited.has('inheritdown') && !ignore)) rules = [...mine, ...rules]
      else if (options.has('inheritbefore') || (inherited.has('inheritdownbefore') && !ignore))
        rules = [...rules, ...mine]
      else rules = mine
      last = scope
    }
    // Engine on in a section with mod_rewrite config is enough for hook_fixup to act (and to
    // check Options), rules or not.
    if (!engine || last === null) return null
    return { compiled: { rules, problems: [] }, directory: prefixOf(last), baseUrl, scope: last }
  }
}

const NO_OPTIONS: ReadonlySet<string> = new Set()

/** `RewriteOptions` words, lower-cased (mod_rewrite compares them without case). */
function optionSet(words: string[]): ReadonlySet<string> {
  return new Set(words.flatMap((w) => w.split(/\s+/)).map((w) => w.toLowerCase()))
}

/**
 * `cmd->path` of the section plus a slash (mod_rewrite's `config_perdir_create`): its path or
 * pattern as written, and for `<If>`/`<ElseIf>`/`<Else>` core's placeholder `*If`, which no
 * filename starts with.
 */
function prefixOf(scope: ApacheScope): string {
  const p = scope.kind === 'If' || scope.kind === 'ElseIf' || scope.kind === 'Else' ? '*If' : scope.arg
  return p.endsWith('/') ? p : `${p}/`
}
