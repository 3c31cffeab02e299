/**
 * The per-request part of a vhost's Apache configuration: mod_headers (`Header`,
 * `RequestHeader`), `ErrorDocument` and mod_expires directives of the server, the vhost and every section that
 * applies to the request (sections.ts), merged as httpd merges per-directory configuration:
 * mod_headers appends an inner section's directives after the outer ones, mod_expires lets
 * the inner ones override (expires.ts).
 *
 * What a combination of sections compiles to is remembered per vhost: a site has a handful
 * of combinations, and a request only pays for the section walk.
 */
import type { ApacheScope, HeaderDirective, VhostSettings } from '../../../shared/config-model'
import { shortPos, type Diagnostic } from '../../../shared/diagnostics'
import { compilePcre, ExprError, exprDiagnostic, parseExpr } from '../apache-expr'
import { compileHeaders, compileSetEnv, type CompiledHeaders, type CompiledSetEnv } from '../pipeline/headers'
import { hasExpiresDirectives, mergeExpires, type ExpiresConfig } from '../pipeline/expires'
import { moduleLoaded } from '../config/apache/modules'
import { byTypeFilterOf, outputFilterOf, setOutputFilterOf, type OutputFilter } from '../pipeline/output-filters'
import { requestReadTimeoutProblems } from '../config/apache/request-read-timeout'
import { substituteProblems, substituteRulesOf, type SubstituteRules } from '../pipeline/substitute'
import { hasMimeDirectives, mimeSettingsOf, type MimeSettings } from '../pipeline/mime-settings'
import { atOrBelow, compileSections, type CompiledSections, type SectionWalkInput } from './sections'
import { hasDirRewriteConfig, type DirRewrite, type DirRewriteRules } from './dir-rewrite'
import { allContexts } from './contexts'
import { hasModEnv } from './mod-env'
import { AccessControl, accessProblems } from './access'
import { patternProblems } from './pattern-problems'
import { hasIndexDirectives, indexSettingsOf, type IndexSettings } from './index-config'
import {
  dirRedirects,
  redirectProblems,
  serverRedirects,
  type CompiledRedirect,
  type DirRedirects
} from './alias-redirect'

export interface ScopedApache {
  responseHeaders: CompiledHeaders | null
  requestHeaders: CompiledHeaders | null
  expires: ExpiresConfig | null
  /** The `SetOutputFilter` that puts DEFLATE in effect, if one does. */
  deflate: OutputFilter | null
  /** mod_mime's `ForceType`/`AddType` and core's `AddDefaultCharset` in effect. */
  mime: MimeSettings
  /** Access control in effect (`Require`, `Order`/`Allow`/`Deny`), null when no context has any. */
  access: AccessControl | null
  /** mod_substitute's filter and the patterns it runs, when a directive puts SUBSTITUTE in. */
  substitute: SubstituteSetup | null
}

export interface SubstituteSetup {
  /**
   * What puts SUBSTITUTE in: `SetOutputFilter`'s instance, then mod_filter's. Both may be in an
   * answer's way, and then its body is rewritten twice, as httpd runs two instances.
   */
  filters: OutputFilter[]
  rules: SubstituteRules
}

export interface ResolvedApache extends ScopedApache {
  /** Sections that applied, in merge order (empty when none). */
  scopes: ApacheScope[]
  /** The trace line naming the sections (`Apache sections: <Location "/x"> (file:line), …`); empty when none. */
  label: string
  /** Request headers `<If>` sections read (for `Vary`). */
  vary: string[]
  /** mod_rewrite's per-directory rules these sections leave (dir-rewrite.ts), null when none run. */
  dirRewrite: DirRewrite | null
  /** mod_alias's per-directory redirects (the target form, the sections' lists), null when none. */
  redirects: DirRedirects | null
  /** The sections' SetEnvIf directives (mod_setenvif's header_parser), in merge order; null when none. */
  setEnv: CompiledSetEnv | null
}

/** Combinations remembered per vhost before the memo starts over. */
const MEMO_LIMIT = 256

/**
 * How far httpd got with its per-directory merge when the answer was made: `full` once
 * `map_to_storage` walked the directories and files (the Dispatcher's answers, static files);
 * `translate` when the request never got there — an answer from mod_rewrite (`[F]`, `[R]`, a
 * status) or one mod_proxy forwarded (its `map_to_storage` skips the directory walk) — so
 * only `<Location>` and `<If>` sections apply; `server` for an answer core's map_to_storage
 * makes (TRACE), after httpd reset the request to the server's defaults: no section applies.
 */
export type SectionsPhase = 'full' | 'translate' | 'server'

export class VhostScopes {
  /** What applies without any section. */
  readonly base: ResolvedApache
  /** `constantOf('full')`, worked out with the vhost. */
  private readonly constantFull: ResolvedApache | null
  /** `constantOf('translate')`, worked out when first asked (it compiles that phase). */
  private constantTranslate: ResolvedApache | null | undefined
  /** Some context (a section included) has a `RequestHeader`: the fixups have work to do. */
  readonly hasRequestHeaders: boolean
  /**
   * The server's and the vhost's `RequestHeader`s when some are `early`: mod_headers runs those
   * when the request has been read (post_read_request, first), before mod_setenvif and mod_rewrite.
   * httpd allows `early` only there, so no section adds any.
   */
  readonly earlyRequestHeaders: CompiledHeaders | null
  /** Some context has a `Header` or mod_expires directive: answers have work to do. */
  readonly hasResponseDirectives: boolean
  /** Some context sets `SetOutputFilter` with DEFLATE: answers may be compressed. */
  readonly hasDeflate: boolean
  /** Some context puts SUBSTITUTE in: answers' bodies may be rewritten. */
  readonly hasSubstitute: boolean
  /** Some context has `ForceType`, `AddType` or `AddDefaultCharset`: answers' types may change. */
  readonly hasMime: boolean
  /** Some context has access control directives: requests are checked before the handler. */
  readonly hasAccess: boolean
  /** Some context has a mod_alias redirect. */
  readonly hasRedirects: boolean
  /** Some section has SetEnvIf: they run after the section walk. */
  readonly hasSectionSetEnv: boolean
  /** Some context has `SetEnv`, `PassEnv` or `UnsetEnv`: mod_env's fixup has work to do. */
  readonly hasModEnv: boolean
  /** Some context has an `<If>`: what its condition reads goes into the answer's Vary. */
  readonly hasConditions: boolean
  /** The server's and the vhost's `Redirect` lists (the vhost's first), tried when the URI is translated. */
  readonly serverRedirects: CompiledRedirect[]
  private readonly fullSections: CompiledSections | null
  /** Compiled when a request first reaches the translate phase (a load or `check` never does). */
  private translateSections: CompiledSections | null | undefined
  private readonly relevant: (s: VhostSettings) => boolean
  /** Which of the output filters the workbench runs have their module loaded. */
  private readonly filters: RunningFilters
  /** Some section has RewriteRules: mod_rewrite's fixup hook has work to do. */
  get hasDirRewrite(): boolean {
    return this.dirRules !== null
  }
  /** The docroot without its trailing slashes. */
  private readonly root: string
  /** By walk key: node indices are the same in both phases, so one memo serves both. */
  private readonly memo = new Map<string, ResolvedApache>()
  /** The sections with Options, mod_dir or mod_autoindex directives: compiled when a folder is first asked for. */
  private indexSections: CompiledSections | null | undefined
  /** What those sections merge to, by walk key. */
  private readonly indexMemo = new Map<string, IndexSettings>()

  /** `dirRules`: the sections' own RewriteRules, when some section has any. */
  constructor(
    private readonly layers: VhostSettings[],
    private readonly docroot: string | undefined,
    private readonly dirRules: DirRewriteRules | null = null,
    /** The configuration's loaded modules: an output filter no module registers is never added. */
    modules?: readonly string[]
  ) {
    this.filters = {
      deflate: moduleLoaded(modules, 'deflate_module'),
      substitute: moduleLoaded(modules, 'substitute_module')
    }
    this.root = (docroot ?? '').replace(/\/+$/, '')
    this.relevant = (s: VhostSettings): boolean =>
      s.headers.length > 0 ||
      s.errorDocuments.length > 0 ||
      hasExpiresDirectives(s) ||
      s.other.SetOutputFilter !== undefined ||
      s.other.AddOutputFilterByType !== undefined ||
      hasSubstituteDirectives(s) ||
      hasMimeDirectives(s) ||
      s.access !== undefined ||
      s.other.AuthType !== undefined ||
      s.other.AuthName !== undefined ||
      s.other.AuthUserFile !== undefined ||
      s.redirects !== undefined ||
      s.setEnv.length > 0 ||
      hasModEnv(s) ||
      s.other.LimitRequestBody !== undefined ||
      (dirRules !== null && hasDirRewriteConfig(s))
    this.fullSections = compileSections(layers, docroot, this.relevant, 'full', true)
    this.base = {
      ...scopedApache(layers, this.filters),
      scopes: [],
      label: '',
      vary: [],
      dirRewrite: null,
      redirects: dirRedirects(layers, []),
      setEnv: null
    }
    this.constantFull = this.constantFor('full')
    const own = this.base.requestHeaders
    this.earlyRequestHeaders = own && own.entries.some((e) => e.condition?.kind === 'early') ? own : null
    const all = allContexts(layers)
    this.hasRequestHeaders = all.some((c) => c.headers.some((h) => h.directive === 'RequestHeader'))
    this.hasResponseDirectives = all.some(
      (c) => c.headers.some((h) => h.directive === 'Header') || hasExpiresDirectives(c)
    )
    this.hasDeflate = this.filters.deflate && all.some((c) => outputFilterOf([c], 'DEFLATE') !== null)
    this.hasSubstitute = this.filters.substitute && all.some((c) => outputFilterOf([c], 'SUBSTITUTE') !== null)
    this.hasMime = all.some(hasMimeDirectives)
    this.hasAccess = all.some((c) => c.access !== undefined)
    this.hasRedirects = all.some((c) => c.redirects !== undefined)
    this.hasSectionSetEnv = all.some((c) => !layers.includes(c) && c.setEnv.length > 0)
    this.hasModEnv = all.some(hasModEnv)
    this.hasConditions = all.some((c) => c.scopes.some((sc) => sc.kind === 'If' || sc.kind === 'ElseIf'))
    this.serverRedirects = serverRedirects(layers)
  }

  private sectionsOf(phase: Exclude<SectionsPhase, 'server'>): CompiledSections | null {
    if (phase === 'full') return this.fullSections
    if (this.translateSections === undefined)
      this.translateSections = compileSections(this.layers, this.docroot, this.relevant, 'translate', true)
    return this.translateSections
  }

  /**
   * What applies to every request of this phase when no walk is needed (no sections, or only
   * ones that cover every request): the request path then builds no walk input at all. Null
   * when it depends on the request.
   */
  constantOf(phase: SectionsPhase): ResolvedApache | null {
    if (phase === 'server') return this.base
    if (phase === 'full') return this.constantFull
    if (this.constantTranslate === undefined) this.constantTranslate = this.constantFor('translate')
    return this.constantTranslate
  }

  private constantFor(phase: Exclude<SectionsPhase, 'server'>): ResolvedApache | null {
    const sections = this.sectionsOf(phase)
    if (!sections) return this.base
    return sections.fixed ? this.resolved(sections.fixed.key, sections.fixed.scopes) : null
  }

  resolve(input: SectionWalkInput, phase: SectionsPhase = 'full'): ResolvedApache {
    if (phase === 'server') return this.base
    const sections = this.sectionsOf(phase)
    if (!sections) return this.base
    // The constant answer holds for filenames under the docroot (see sections.ts).
    const constant = this.constantOf(phase)
    if (constant && atOrBelow(input.filename, this.root)) return constant
    const walk = sections.walk(input)
    const resolved = this.resolved(walk.key, walk.scopes)
    // Shared between requests (the trace keeps the label string, not a copy) unless <If> read headers.
    return walk.vary.length === 0 ? resolved : { ...resolved, vary: walk.vary }
  }

  /**
   * Only the access control in effect for a request in the `full` phase: what the load-time
   * check of the docroot needs, without compiling the headers, expiry and the rest.
   */
  accessAt(input: SectionWalkInput): AccessControl | null {
    const sections = this.fullSections
    if (!sections) return this.base.access
    const walk = sections.walk(input)
    if (walk.key === '') return this.base.access
    const known = this.memo.get(walk.key)
    if (known) return known.access
    return accessOf([...this.layers, ...walk.scopes.map((s) => s.settings)])
  }

  /**
   * core's Options, mod_dir's and mod_autoindex's settings for a request (`full` phase): what
   * decides a request for a folder (runtime/index-config.ts). Walked with its own set of
   * sections, so the other walks stay as they were.
   */
  indexAt(input: SectionWalkInput): IndexSettings {
    if (this.indexSections === undefined)
      this.indexSections = compileSections(this.layers, this.docroot, hasIndexDirectives)
    const walk = this.indexSections?.walk(input)
    const key = walk?.key ?? ''
    let settings = this.indexMemo.get(key)
    if (!settings) {
      settings = indexSettingsOf([
        ...this.layers.map((settings) => ({ settings })),
        ...(walk?.scopes ?? []).map((scope) => ({ settings: scope.settings, scope }))
      ])
      if (this.indexMemo.size >= MEMO_LIMIT) this.indexMemo.clear()
      this.indexMemo.set(key, settings)
    }
    return settings
  }

  /** What a combination of sections compiles to, remembered by its key. */
  private resolved(key: string, scopes: ApacheScope[]): ResolvedApache {
    if (key === '') return this.base
    let resolved = this.memo.get(key)
    if (!resolved) {
      resolved = {
        ...scopedApache([...this.layers, ...scopes.map((s) => s.settings)], this.filters),
        scopes,
        label: 'Apache sections: ' + scopes.map(sectionLabel).join(', '),
        vary: [],
        dirRewrite: this.dirRules?.merge(scopes) ?? null,
        redirects: dirRedirects(
          this.layers,
          scopes.map((s) => s.settings)
        ),
        setEnv: sectionSetEnv(scopes)
      }
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear()
      this.memo.set(key, resolved)
    }
    return resolved
  }
}

/** `<LocationMatch "^/x"> (file.conf:12)`: how traces name a section. */
export function sectionLabel(s: ApacheScope): string {
  const arg = s.kind === 'Else' ? '' : ` "${s.arg}"`
  return `<${s.kind}${arg}> (${shortPos(s.pos)})`
}

/**
 * The output filters the workbench runs whose module is loaded: httpd adds no filter it does not
 * know ("an unknown filter was not added", AH00082), so the answer goes out unfiltered.
 */
interface RunningFilters {
  deflate: boolean
  substitute: boolean
}

function scopedApache(contexts: VhostSettings[], filters: RunningFilters): ScopedApache {
  const headers: HeaderDirective[] = contexts.flatMap((c) => c.headers)
  const response = headers.filter((h) => h.directive === 'Header')
  const request = headers.filter((h) => h.directive === 'RequestHeader')
  return {
    responseHeaders: response.length > 0 ? compileHeaders(response) : null,
    requestHeaders: request.length > 0 ? compileHeaders(request) : null,
    expires: mergeExpires(contexts),
    deflate: filters.deflate ? outputFilterOf(contexts, 'DEFLATE') : null,
    mime: mimeSettingsOf(contexts),
    access: accessOf(contexts),
    substitute: filters.substitute ? substituteOf(contexts) : null
  }
}

function substituteOf(contexts: VhostSettings[]): SubstituteSetup | null {
  const filters = [setOutputFilterOf(contexts, 'SUBSTITUTE'), byTypeFilterOf(contexts, 'SUBSTITUTE')].filter(
    (f) => f !== null
  )
  return filters.length > 0 ? { filters, rules: substituteRulesOf(contexts) } : null
}

function hasSubstituteDirectives(s: VhostSettings): boolean {
  return (
    s.other.Substitute !== undefined ||
    s.other.SubstituteInheritBefore !== undefined ||
    s.other.SubstituteMaxLineLength !== undefined
  )
}

/** merge_setenvif_config: each section's directives after the outer ones'. */
function sectionSetEnv(scopes: ApacheScope[]): CompiledSetEnv | null {
  const directives = scopes.flatMap((s) => s.settings.setEnv)
  return directives.length > 0 ? compileSetEnv(directives) : null
}

function accessOf(contexts: VhostSettings[]): AccessControl | null {
  if (!contexts.some((c) => c.access !== undefined)) return null
  const control = new AccessControl(contexts)
  return control.empty ? null : control
}

/**
 * Problems httpd would refuse to start with, in every context of the vhost (sections included,
 * whether or not a request ever reaches them): bad `Header`/`RequestHeader` arguments, bad
 * mod_expires codes, section regexes and `<If>` expressions that do not compile.
 */
export function scopedProblems(layers: VhostSettings[]): Diagnostic[] {
  return layers.flatMap(layerProblems)
}

/** By layer: the server's is shared by every vhost, and checked once per load. */
const problemsByLayer = new WeakMap<VhostSettings, Diagnostic[]>()

function layerProblems(layer: VhostSettings): Diagnostic[] {
  let out = problemsByLayer.get(layer)
  if (out === undefined) {
    out = []
    visitProblems(layer, false, out)
    problemsByLayer.set(layer, out)
  }
  return out
}

function visitProblems(s: VhostSettings, nested: boolean, out: Diagnostic[]): void {
  // The server's and vhost's own Header directives are compiled (and reported) with the vhost.
  if (nested && s.headers.length > 0) out.push(...compileHeaders(s.headers).problems)
  if (nested && s.setEnv.length > 0) out.push(...compileSetEnv(s.setEnv).problems)
  mergeExpires([s], out)
  out.push(...accessProblems(s), ...redirectProblems(s), ...patternProblems(s), ...substituteProblems(s))
  out.push(...requestReadTimeoutProblems(s))
  for (const scope of s.scopes) {
    out.push(...sectionProblems(scope))
    visitProblems(scope.settings, true, out)
  }
}

const REGEX_SECTIONS = new Set<ApacheScope['kind']>(['LocationMatch', 'DirectoryMatch', 'FilesMatch'])

function sectionProblems(scope: ApacheScope): Diagnostic[] {
  if (REGEX_SECTIONS.has(scope.kind)) {
    const r = compilePcre(scope.arg)
    if (r.ok) return []
    return [
      {
        severity: r.unsupported ? 'warning' : 'error',
        code: r.unsupported ? 'SECTION_UNSUPPORTED' : 'SECTION_BAD_REGEX',
        category: 'syntax',
        message: `<${scope.kind} "${scope.arg}">: ${r.error}${r.unsupported ? ' (the section never applies here)' : ''}`,
        pos: scope.pos
      }
    ]
  }
  if (scope.kind === 'If' || scope.kind === 'ElseIf') {
    try {
      parseExpr(scope.arg)
    } catch (e) {
      if (e instanceof ExprError) return [exprDiagnostic(e, scope.pos, `<${scope.kind}>`)]
      throw e
    }
  }
  return []
}
