/**
 * Which backend mod_proxy's translate hook (`proxy_trans`) sends a request to, from
 * `ProxyPass`/`ProxyPassMatch`:
 *
 * - first the one-argument form of the innermost `<Location>`/`<LocationMatch>` that matched
 *   the URI as it arrived (httpd walks locations before translating, and a later section's
 *   `ProxyPass` replaces an earlier one's), tried against the URI as mod_rewrite left it;
 * - then the two-argument forms, the main server's before the vhost's, in configuration
 *   order: the first that matches decides;
 * - `ProxyPass … !` that matches means "not proxied" and ends the search.
 *
 * A prefix matches on a segment boundary, any run of slashes matching any other
 * (`alias_match`); the backend URL is the target followed by the rest of the URI, as written
 * (no slash is added or taken away). A regex target with `$N` is used as substituted; one
 * without gets the whole URI appended. Hand-written: these are mod_proxy's own rules.
 */
import type { ApacheScope, VhostSettings } from '../../../shared/config-model'
import { shortPos, type SourcePos } from '../../../shared/diagnostics'
import { captureList, pcreOrNull, pregsub } from '../apache-expr'
import { fnmatchTest } from '../match/ap-match'
import { anySectionMatters, compileSections, type CompiledSections, type SectionWalkInput } from '../runtime/sections'
import type { ReverseMaps } from './proxy-reverse'
import { defineWorkers, type ProxyWorker, type WorkerDefinition } from './proxy-workers'
import { otherOccurrences } from '../config/apache/settings'

export interface ProxyPassInput {
  /** `r->uri` (decoded) when httpd walked its locations: before mod_rewrite. */
  arrivedUri: string
  /** `r->uri` (decoded) when mod_proxy translates: after a `[PT]` rewrite. */
  uri: string
  /** The request target as received (`r->unparsed_uri`), for `nocanon`. */
  rawTarget: string
  walk: Omit<SectionWalkInput, 'uri'>
}

export type ProxyPassDecision =
  /** Forward: `url` is the backend URL; `canonical` unless `nocanon` (then it is sent as it is). */
  | {
      kind: 'proxy'
      url: string
      noCanon: boolean
      via: string
      timeoutSeconds?: number
    }
  /** A `ProxyPass … !` matched: not proxied. */
  | { kind: 'excluded'; via: string }

/** One ProxyPass as mod_proxy keeps it (`struct proxy_alias`). */
interface ProxyAlias {
  /** The prefix (`fake`), or null for a regex. */
  prefix: string | null
  regex: RegExp | null
  /** The target URL, or `!`. */
  real: string
  noCanon: boolean
  via: string
  /** Its `timeout=` (seconds), if it names one. */
  timeoutSeconds?: number
}

const proxyRelevant = (s: VhostSettings): boolean =>
  s.proxyPass.length > 0 || DIR_SETTINGS.some((name) => s.other[name] !== undefined)

export class ProxyPasses {
  private readonly server: ProxyAlias[]
  /** Some section holds a ProxyPass or a per-directory mod_proxy setting. */
  private readonly hasSections: boolean
  /** Their walk, compiled when a request first needs it (a load or `check` does not). */
  private compiledSections: CompiledSections | null | undefined
  /** Each section's own alias (or null), made once: the walk is remembered per URI already (sections.ts). */
  private readonly sectionAliases = new WeakMap<ApacheScope, ProxyAlias | null>()

  /** The workers the server's and the vhost's ProxyPass lines define, in configuration order (proxy-workers.ts). */
  readonly workers: readonly ProxyWorker[]
  /** The server's and the vhost's reverse mappings, in configuration order. */
  private readonly reverse: ReverseMaps
  /** Every `<Location>`/`<If>` section, whatever it holds (`anySectionApplies`); made when first asked. */
  private everySection: CompiledSections | null | undefined

  constructor(
    private readonly layers: VhostSettings[],
    private readonly docroot: string | undefined
  ) {
    this.server = layers.flatMap((l) =>
      l.proxyPass.flatMap((p) => {
        if (p.directive !== 'ProxyPass' && p.directive !== 'ProxyPassMatch') return []
        // `ProxyPass ~ regex url` is ProxyPassMatch written the other way.
        const tilde = p.args[0] === '~'
        const [pattern, real, ...options] = tilde ? p.args.slice(1) : p.args
        if (real === undefined) return []
        const regex = tilde || p.directive === 'ProxyPassMatch'
        return [this.alias(pattern, regex, real, options, `${p.directive} ${p.args[0]} ${pattern}`, p.pos)]
      })
    )
    this.workers = layers.flatMap((l) => defineWorkers(workerLines(l, null)))
    this.reverse = { locations: [], cookiePaths: [], cookieDomains: [] }
    for (const l of layers) addReverseMaps(this.reverse, l, null)
    this.hasSections = anySectionMatters(layers, proxyRelevant, 'translate')
  }

  private get sections(): CompiledSections | null {
    if (this.compiledSections === undefined)
      this.compiledSections = this.hasSections
        ? compileSections(this.layers, this.docroot, proxyRelevant, 'translate')
        : null
    return this.compiledSections
  }

  /**
   * Whether any section merges into a proxied request's per-directory configuration. httpd's
   * merge of core's per-directory settings does not carry `AllowEncodedSlashes` into a section
   * (checked with apache2 2.4.71), so with one applying, `NoDecode` no longer keeps `%2F` in the
   * URL mod_proxy sends.
   */
  anySectionApplies(walk: SectionWalkInput): boolean {
    if (this.everySection === undefined)
      this.everySection = compileSections(this.layers, this.docroot, () => true, 'translate')
    return this.everySection !== null && this.everySection.walk(walk).scopes.length > 0
  }

  /**
   * The contexts mod_proxy's per-directory settings (`ProxyPreserveHost`, `ProxyAddHeaders`,
   * `ProxyErrorOverride`) come from for this request, outer to inner: read them with `lastOther`.
   */
  dirContexts(walk: SectionWalkInput): VhostSettings[] {
    if (!this.sections) return this.layers
    return [...this.layers, ...this.sections.walk(walk).scopes.map((s) => s.settings)]
  }

  /**
   * The reverse mappings for an answer mod_proxy relays (proxy-reverse.ts): the server's and
   * the vhost's, then each `<Location>` section's (a one-argument `ProxyPassReverse` takes the
   * section's argument as its path), in the order httpd merges them.
   */
  reverseMaps(walk: SectionWalkInput): ReverseMaps {
    if (!this.sections) return this.reverse
    const scopes = this.sections.walk(walk).scopes
    if (scopes.length === 0) return this.reverse
    const out: ReverseMaps = {
      locations: [...this.reverse.locations],
      cookiePaths: [...this.reverse.cookiePaths],
      cookieDomains: [...this.reverse.cookieDomains]
    }
    for (const s of scopes) addReverseMaps(out, s.settings, s.arg)
    return out
  }

  /** Nothing to look at: the handler skips the call. */
  get empty(): boolean {
    return this.server.length === 0 && !this.hasSections
  }

  decide(input: ProxyPassInput): ProxyPassDecision | undefined {
    const alias = this.locationAlias(input)
    if (alias) {
      const d = apply(alias, input)
      if (d) return d
    }
    for (const a of this.server) {
      const d = apply(a, input)
      if (d) return d
    }
    return undefined
  }

  /** The last matched section's one-argument ProxyPass (`merge_proxy_dir_config`: the inner one replaces). */
  private locationAlias(input: ProxyPassInput): ProxyAlias | null {
    if (!this.sections) return null
    const scopes = this.sections.walk({ ...input.walk, uri: input.arrivedUri }).scopes
    for (let i = scopes.length - 1; i >= 0; i--) {
      const alias = this.sectionAlias(scopes[i])
      if (alias) return alias
    }
    return null
  }

  private sectionAlias(s: ApacheScope): ProxyAlias | null {
    let alias = this.sectionAliases.get(s)
    if (alias === undefined) {
      const p = s.settings.proxyPass.findLast((d) => d.directive !== 'ProxyPassReverse' && d.args.length >= 1)
      // add_pass: the section's path is a regex for ProxyPassMatch, or when apr_fnmatch_test
      // calls it a pattern — a <LocationMatch> regex without wildcards is taken as a plain
      // prefix, and so is `/a[b` (no `]` closes the class) or `/x\*y` (the `*` escaped).
      const regex = p?.directive === 'ProxyPassMatch' || fnmatchTest(s.arg)
      alias = p
        ? this.alias(s.arg, regex, p.args[0], p.args.slice(1), `${p.directive} in <${s.kind} ${s.arg}>`, p.pos)
        : null
      this.sectionAliases.set(s, alias)
    }
    return alias
  }

  private alias(
    pattern: string,
    regex: boolean,
    real: string,
    options: string[],
    directive: string,
    pos: SourcePos
  ): ProxyAlias {
    const timeout = options.find((o) => /^timeout=\d+$/i.test(o))
    return {
      prefix: regex ? null : pattern,
      regex: regex ? pcreOrNull(pattern) : null,
      real,
      noCanon: options.some((o) => o.toLowerCase() === 'nocanon'),
      via: `${directive} (${shortPos(pos)})`,
      timeoutSeconds: timeout ? Number(timeout.slice(8)) : undefined
    }
  }
}

/**
 * The ProxyPass lines of a context that define workers, its sections' after its own (a
 * section's one-argument form names only the target, a matchable one when the section's path
 * is a pattern). `section`: the context's own, if it is one.
 */
function workerLines(s: VhostSettings, section: ApacheScope | null): WorkerDefinition[] {
  const out: WorkerDefinition[] = []
  for (const p of s.proxyPass) {
    if (p.directive !== 'ProxyPass' && p.directive !== 'ProxyPassMatch') continue
    const tilde = p.args[0] === '~'
    const [url, ...options] = section ? p.args : tilde ? p.args.slice(2) : p.args.slice(1)
    if (url === undefined || url === '!') continue
    const matchable = tilde || p.directive === 'ProxyPassMatch' || (section !== null && fnmatchTest(section.arg))
    out.push({ url, matchable, options })
  }
  for (const scope of s.scopes) out.push(...workerLines(scope.settings, scope))
  return out
}

/** mod_proxy's per-directory settings besides the mappings (sections that set them are walked too). */
const DIR_SETTINGS = [
  'ProxyPassReverseCookiePath',
  'ProxyPassReverseCookieDomain',
  'ProxyPreserveHost',
  'ProxyAddHeaders',
  'ProxyErrorOverride',
  'Proxy100Continue'
] as const

/** A context's reverse mappings added to `maps`; `sectionPath`: the `<Location>` argument, for the one-argument form. */
function addReverseMaps(maps: ReverseMaps, s: VhostSettings, sectionPath: string | null): void {
  for (const p of s.proxyPass) {
    if (p.directive !== 'ProxyPassReverse') continue
    if (sectionPath !== null && p.args.length >= 1) maps.locations.push({ fake: sectionPath, real: p.args[0] })
    else if (sectionPath === null && p.args.length >= 2) maps.locations.push({ fake: p.args[0], real: p.args[1] })
  }
  for (const [name, list] of [
    ['ProxyPassReverseCookiePath', maps.cookiePaths],
    ['ProxyPassReverseCookieDomain', maps.cookieDomains]
  ] as const)
    for (const d of otherOccurrences(s, name)) if (d.args.length >= 2) list.push({ fake: d.args[0], real: d.args[1] })
}

/**
 * `ap_proxy_trans_match`: the decision for this alias, or undefined when it does not match.
 * The decoded `r->uri` decides; with `nocanon` the URL is built from the request target as
 * received when that matches the same way, else httpd ignores the unsafe `nocanon`.
 */
function apply(a: ProxyAlias, input: ProxyPassInput): ProxyPassDecision | undefined {
  const url = mapped(a, input.uri)
  if (url === undefined) return undefined
  if (a.real === '!') return { kind: 'excluded', via: a.via }
  const raw = a.noCanon ? mapped(a, input.rawTarget) : undefined
  const decision: ProxyPassDecision = { kind: 'proxy', url: raw ?? url, noCanon: raw !== undefined, via: a.via }
  if (a.timeoutSeconds !== undefined) decision.timeoutSeconds = a.timeoutSeconds
  return decision
}

/** The backend URL this alias maps `uri` to, or undefined when it does not match. */
function mapped(a: ProxyAlias, uri: string): string | undefined {
  if (a.prefix !== null) {
    const len = aliasMatch(uri, a.prefix)
    return len === 0 ? undefined : a.real + uri.slice(len)
  }
  const m = a.regex?.exec(uri)
  if (!m) return undefined
  const substituted = pregsub(a.real, captureList(m))
  return substituted === a.real ? a.real + uri : substituted
}

/**
 * mod_proxy's `alias_match`: how many characters of `uri` the prefix covers (0: no match). A
 * slash in the prefix matches any run of slashes, and the last segment must end where the
 * prefix does.
 */
function aliasMatch(uri: string, prefix: string): number {
  let a = 0
  let u = 0
  while (a < prefix.length && u < uri.length) {
    if (prefix[a] === '/') {
      if (uri[u] !== '/') return 0
      while (prefix[a] === '/') a++
      while (uri[u] === '/') u++
    } else if (uri[u++] !== prefix[a++]) return 0
  }
  if (u === uri.length && a !== prefix.length) return 0
  if (prefix[a - 1] !== '/' && u < uri.length && uri[u] !== '/') return 0
  return u
}
