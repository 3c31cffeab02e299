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
import { captureList, compilePcre, pregsub } from '../apache-expr'
import { compileSections, type CompiledSections, type SectionWalkInput } from '../runtime/sections'

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
  | { kind: 'proxy'; url: string; noCanon: boolean; via: string }
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
}

export class ProxyPasses {
  private readonly server: ProxyAlias[]
  private readonly sections: CompiledSections | null
  /** The location alias per arrived URI, when no `<If>` takes part (the walk then reads nothing else). */
  private readonly byUri = new Map<string, ProxyAlias | null>()

  constructor(layers: VhostSettings[], docroot: string | undefined) {
    this.server = layers.flatMap((l) => l.proxyPass.flatMap((p) => serverAlias(p) ?? []))
    this.sections = compileSections(layers, docroot, (s) => s.proxyPass.length > 0, 'translate')
  }

  /** Nothing to look at: the handler skips the call. */
  get empty(): boolean {
    return this.server.length === 0 && this.sections === null
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

  private locationAlias(input: ProxyPassInput): ProxyAlias | null {
    const sections = this.sections
    if (!sections) return null
    if (!sections.readsRequest) {
      let known = this.byUri.get(input.arrivedUri)
      if (known === undefined) {
        known = locationAliasOf(sections.walk({ ...input.walk, uri: input.arrivedUri }).scopes)
        if (this.byUri.size >= 1000) this.byUri.clear()
        this.byUri.set(input.arrivedUri, known)
      }
      return known
    }
    return locationAliasOf(sections.walk({ ...input.walk, uri: input.arrivedUri }).scopes)
  }
}

/** The last matched section's one-argument ProxyPass (`merge_proxy_dir_config`: the inner one replaces). */
function locationAliasOf(scopes: ApacheScope[]): ProxyAlias | null {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i]
    const p = s.settings.proxyPass.findLast((d) => d.args.length >= 1)
    if (!p) continue
    const regex = s.kind === 'LocationMatch' || p.directive === 'ProxyPassMatch'
    return {
      prefix: regex ? null : s.arg,
      regex: regex ? pcre(s.arg) : null,
      real: p.args[0],
      noCanon: p.args.slice(1).some((a) => a.toLowerCase() === 'nocanon'),
      via: where(`${p.directive} in <${s.kind} ${s.arg}>`, p.pos)
    }
  }
  return null
}

function serverAlias(p: VhostSettings['proxyPass'][number]): ProxyAlias | null {
  if (p.args.length < 2 || (p.directive !== 'ProxyPass' && p.directive !== 'ProxyPassMatch')) return null
  const [pattern, real] = p.args
  const match = p.directive === 'ProxyPassMatch'
  return {
    prefix: match ? null : pattern,
    regex: match ? pcre(pattern) : null,
    real,
    noCanon: p.args.slice(2).some((a) => a.toLowerCase() === 'nocanon'),
    via: where(`${p.directive} ${pattern}`, p.pos)
  }
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
  if (raw !== undefined) return { kind: 'proxy', url: raw, noCanon: true, via: a.via }
  return { kind: 'proxy', url, noCanon: false, via: a.via }
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
export function aliasMatch(uri: string, prefix: string): number {
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

const regexCache = new Map<string, RegExp | null>()

/** Apache regexes are PCRE; a pattern that does not translate never matches (`check` reports it). */
function pcre(source: string): RegExp | null {
  let r = regexCache.get(source)
  if (r === undefined) {
    const c = compilePcre(source)
    r = c.ok ? c.regex : null
    regexCache.set(source, r)
  }
  return r
}

function where(directive: string, pos: { file: string; line: number }): string {
  return `${directive} (${pos.file.split('/').pop()}:${pos.line})`
}
