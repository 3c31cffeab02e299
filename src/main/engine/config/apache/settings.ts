/**
 * Puts evaluated directives into the typed model (`VhostSettings` of the server, a vhost or
 * a nested `<Directory>`/`<Location>`/`<If>` scope; shared/config-model.ts). Directives
 * the pipeline has no field for go to `other` by canonical name, so nothing is dropped and
 * an unknown directive is never an error (httpd would refuse it; we only emulate serving).
 * DocumentRoot and DispatcherConfig stay as written: a relative one is relative to
 * ServerRoot, which the caller knows (RewriteMap files are resolved here, being ours to read).
 */
import { parseTimeoutMs } from './timeout-arg'
import type { DiagnosticSink, SourcePos } from '../../../../shared/diagnostics'
import type {
  ApacheConfig,
  ApacheScope,
  AuthzGroup,
  MethodLimit,
  RewriteCond,
  VhostSettings,
  VirtualHost
} from '../../../../shared/config-model'
import { AccessWriter, type AccessCtx } from './access-directives'
import { isRedirectDirective, isUrl, readRedirect } from './alias-directives'
import { lineShape } from './lexer'
import { parseRewriteFlags, splitRewriteArgs } from './rewrite-args'
import {
  condFlags,
  isCondFlag,
  misplacedRewriteMap,
  readRewriteMap,
  redirectCodeError,
  removedDirective,
  rewriteBaseError,
  rewriteOptionsError,
  type MapEnvironment
} from './rewrite-directives'
import {
  indexDirectiveError,
  initialIndexDirectiveState,
  isIndexDirective,
  type IndexDirectiveState
} from './index-directives'
import { textMemo } from '../../text-memo'
import { condRefusals } from '../../pipeline/rewrite'
import type { ServerRootPaths } from './server-root'
import { atoi } from '../../c-numbers'
import { STATUS_LINES } from '../../pipeline/rewrite/flags'
import { parseStringExpr } from '../../apache-expr'

export const APACHE_BAD_ARGUMENT = 'APACHE_BAD_ARGUMENT'
export const APACHE_DANGLING_REWRITECOND = 'APACHE_DANGLING_REWRITECOND'
/** A directive httpd knows but not in this context (apache2 -t: "not allowed in", "only valid in"). */
export const APACHE_MISPLACED_DIRECTIVE = 'APACHE_MISPLACED_DIRECTIVE'
/** A directive httpd reads and then ignores, with its own warning at start-up. */
export const APACHE_IGNORED_DIRECTIVE = 'APACHE_IGNORED_DIRECTIVE'
/** A 2.2 directive httpd 2.4 no longer has (apache2 -t: "Invalid command"). */
export const APACHE_REMOVED_DIRECTIVE = 'APACHE_REMOVED_DIRECTIVE'

/**
 * Directives httpd takes only for the server or a vhost (RSRC_CONF), which it refuses inside any
 * section; keyed by lower-case name, valued by the spelling httpd's message uses (its command
 * table's). The ones a Dispatcher configuration may plausibly misplace; checked with apache2 -t.
 */
const byLowerName = (names: string): Map<string, string> =>
  new Map(names.split(' ').map((name) => [name.toLowerCase(), name]))

/**
 * Directives httpd takes only for the main server, outside any `<VirtualHost>` too (GLOBAL_ONLY:
 * "cannot occur within <VirtualHost> section"). Checked with apache2 -t.
 */
const GLOBAL_ONLY = byLowerName(
  'AcceptFilter CoreDumpDirectory GracefulShutdownTimeout Group Listen ListenBacklog MaxConnectionsPerChild ' +
    'MaxMemFree MaxRequestWorkers Mutex PidFile RegisterHttpMethod ServerLimit ServerTokens SSLRandomSeed ' +
    'SSLSessionCache StartServers ThreadLimit ThreadsPerChild User'
)

const SERVER_ONLY = byLowerName(
  'AccessFileName AllowEncodedSlashes CustomLog DeflateCompressionLevel DocumentRoot ErrorLog ErrorLogFormat ' +
    'HttpProtocolOptions KeepAlive KeepAliveTimeout LimitInternalRecursion LimitRequestFields ' +
    'LimitRequestFieldsize LimitRequestLine LogFormat MaxKeepAliveRequests MergeSlashes Protocols ProxyRequests ' +
    'ProxyTimeout ProxyVia RemoteIPHeader RemoteIPInternalProxy RemoteIPTrustedProxy RequestReadTimeout ServerAdmin ServerAlias ' +
    'ServerName ServerPath Timeout TraceEnable TypesConfig ' +
    [...GLOBAL_ONLY.values()].join(' ')
)

/**
 * Directives httpd takes only in `<Directory>`, `<Location>`, `<Files>` and `<If>` (ACCESS_CONF,
 * OR_AUTHCFG): refused for the server ("not allowed here") and a vhost ("not allowed in
 * <VirtualHost> context"). Require, Order, Allow, Deny, Satisfy, AuthMerging: access-directives.ts.
 */
const DIRECTORY_ONLY = byLowerName(
  'AllowMethods AllowOverride AllowOverrideList AuthBasicAuthoritative AuthBasicFake AuthBasicProvider ' +
    'AuthBasicUseDigestAlgorithm AuthGroupFile AuthName AuthType AuthUserFile AuthzSendForbiddenOnFailure'
)

/** One occurrence of a directive kept in `other` (where only the last occurrence fits). */
export interface ApacheDirectiveRecord {
  name: string
  args: string[]
  pos: SourcePos
  /** Access-control container the directive sits in (`Limit GET POST`, `RequireAny`), if any. */
  within?: string
}

/**
 * `VhostSettings` as the loader builds them: plus `otherList`, every directive that went to
 * `other` in order, because many of them repeat and add up (AddType, ExpiresByType,
 * Require, SetEnv…) while `other` keeps only the last one.
 */
export interface VhostSettingsWithList extends VhostSettings {
  otherList: ApacheDirectiveRecord[]
}

export function emptySettings(): VhostSettingsWithList {
  return {
    rewriteRules: [],
    rewriteMaps: [],
    rewriteOptions: [],
    headers: [],
    setEnv: [],
    errorDocuments: [],
    aliases: [],
    dispatcher: {},
    proxyPass: [],
    other: {},
    scopes: [],
    otherList: []
  }
}

/** The arguments of the last `name` directive among these contexts, outer to inner: the innermost one wins. */
export function lastOther(contexts: readonly VhostSettings[], name: string): string[] | undefined {
  let value: string[] | undefined
  for (const c of contexts) value = c.other[name]?.value ?? value
  return value
}

/** Every occurrence of a directive (or of any of several) kept in `other` of these settings, in file order. */
export function otherOccurrences(settings: VhostSettings, name: string | readonly string[]): ApacheDirectiveRecord[] {
  const list = (settings as Partial<VhostSettingsWithList>).otherList ?? []
  const names = (typeof name === 'string' ? [name] : name).map((n) => n.toLowerCase())
  return list.filter((r) => names.includes(r.name.toLowerCase()))
}

export interface WriteContext {
  settings: VhostSettingsWithList
  level: 'server' | 'vhost' | 'scope'
  /** Kind of the innermost request scope around the current line, if any. */
  scopeKind?: ApacheScope['kind']
  /** The innermost section around the current line as httpd names it (`Directory` for `<Directory ~ re>`, `Limit`). */
  section?: string
  vhost?: VirtualHost
  /** Set inside `<Limit>`, `<RequireAny>` and the like: contents are recorded, not modelled. */
  within?: string
  /** Inside `<Limit>`/`<LimitExcept>`: the methods access directives there apply to. */
  limit?: MethodLimit
  /** The `<Location>`/`<LocationMatch>` around the current line, however deep (as httpd spells it). */
  inLocation?: string
  /** Inside `<RequireAll|Any|None>`: the group `Require` lines go to. */
  authzGroup?: AuthzGroup
  /** Inside a container whose access directives are not modelled (`<Proxy>`, unknown ones). */
  accessIgnored?: boolean
}

export interface EvaluatedDirective {
  /** Canonical spelling. */
  name: string
  args: string[]
  /** The whole line after `${VAR}` expansion, for directives with their own word splitting. */
  line: string
  pos: SourcePos
}

function argText(line: string): string {
  const shape = lineShape(line)
  return shape.kind === 'directive' ? shape.argText : ''
}

interface RewriteLine {
  args: string[]
  error?: string
  flags: string[]
  flagError?: string
}

function readRewriteLine(line: string, knownFlag?: (key: string) => boolean): RewriteLine {
  const { args, error } = splitRewriteArgs(argText(line))
  if (error !== undefined || args[2] === undefined) return { args, error, flags: [] }
  const f = parseRewriteFlags(args[2], knownFlag)
  return { args, flags: f.flags, flagError: f.error }
}

/**
 * A RewriteRule/RewriteCond line split into its arguments and flags (rewrite-args.ts),
 * remembered by text: the same rules come back on every reload. Shared: callers copy the
 * flag list they keep. A rule's flags are read by the rewrite engine when it compiles; a
 * condition's are httpd's to refuse here, as it reads them before the pattern, and are kept
 * as the model has them.
 */
const ruleLine = textMemo((line) => readRewriteLine(line))
const condLine = textMemo((line): RewriteLine => {
  const r = readRewriteLine(line, isCondFlag)
  return { ...r, flags: condFlags(r.flags) }
})

/** A `Require` line's provider arguments as written: the text after the provider name (and `not`). */
function requireRest(d: EvaluatedDirective): string {
  if (d.name.toLowerCase() !== 'require') return ''
  return argText(d.line).replace(/^\s*(?:not\s+)?\S+\s*/i, '')
}

/** A `Dispatcher*` directive's documented spelling, for the `dispatcher` map (§2). */
const isDispatcherDirective = (name: string): boolean => name.startsWith('Dispatcher')

export class SettingsWriter {
  /** RewriteConds wait for the next RewriteRule of the same context (mod_rewrite keeps them per config). */
  private readonly pendingConds = new Map<VhostSettings, RewriteCond[]>()
  /** Each context's `Options` and `IndexOptions` so far: whether httpd takes a line depends on those before it. */
  private readonly indexStates = new Map<VhostSettings, IndexDirectiveState>()
  private readonly access: AccessWriter

  /** `mapFiles`: whether a RewriteMap's file exists, and which modules are loaded (the loader knows). */
  constructor(
    private readonly sink: DiagnosticSink,
    private readonly paths: ServerRootPaths,
    private readonly config: ApacheConfig,
    private readonly mapFiles: Pick<MapEnvironment, 'exists' | 'moduleLoaded'>
  ) {
    this.access = new AccessWriter(sink)
  }

  /** What an access container (`<Limit>`, `<RequireAll>`, …, or another one) means for the directives inside it. */
  enterContainer(name: string, args: string[], ctx: WriteContext, pos: SourcePos): AccessCtx {
    return this.access.enter(name, args, ctx, pos)
  }

  apply(ctx: WriteContext, d: EvaluatedDirective): void {
    // Refused wherever they stand, inside <Limit> or <Proxy> too.
    const removed = removedDirective(d.name)
    if (removed) return this.sink.warn(APACHE_REMOVED_DIRECTIVE, 'syntax', removed, d.pos)
    const misplacedMap = d.name === 'RewriteMap' ? misplacedRewriteMap(ctx) : undefined
    if (misplacedMap) return this.sink.error(APACHE_MISPLACED_DIRECTIVE, 'syntax', misplacedMap, d.pos)
    const misplaced = this.misplaced(ctx, d.name.toLowerCase())
    if (misplaced) return this.sink.error(APACHE_MISPLACED_DIRECTIVE, 'syntax', misplaced, d.pos)
    if (isIndexDirective(d.name)) {
      // Options, mod_dir and mod_autoindex: refused lines are not kept (httpd would not start).
      let state = this.indexStates.get(ctx.settings)
      if (!state) this.indexStates.set(ctx.settings, (state = initialIndexDirectiveState(ctx.level === 'scope')))
      const error = indexDirectiveError(d.name, d.args, state)
      if (error !== undefined) return this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', error, d.pos)
    }
    this.model(ctx, d)
  }

  /** apache2 -t's refusal of a directive (lower-case name) out of its place, if it is. */
  private misplaced(ctx: WriteContext, lower: string): string | undefined {
    if (ctx.section !== undefined) {
      const name = SERVER_ONLY.get(lower)
      return name && `${name} not allowed in <${ctx.section}> context`
    }
    if (ctx.level === 'vhost' && GLOBAL_ONLY.has(lower))
      return `${GLOBAL_ONLY.get(lower)} cannot occur within <VirtualHost> section`
    const dirOnly = ctx.level !== 'scope' ? DIRECTORY_ONLY.get(lower) : undefined
    if (dirOnly) return `${dirOnly} not allowed ${ctx.level === 'vhost' ? 'in <VirtualHost> context' : 'here'}`
    return undefined
  }

  private model(ctx: WriteContext, d: EvaluatedDirective): void {
    if (AccessWriter.isAccessDirective(d.name)) {
      this.access.directive(ctx, d, requireRest(d))
      this.keepOther(ctx, d)
      return
    }
    if (ctx.within !== undefined) {
      // httpd applies what <Limit>/<LimitExcept> hold to every method: only access directives
      // honour the methods. What other containers hold is recorded, not modelled.
      if (ctx.limit && !ctx.accessIgnored && !ctx.authzGroup) return this.model({ ...ctx, within: undefined }, d)
      this.keepOther(ctx, d)
      return
    }
    const s = ctx.settings
    const pos = d.pos
    switch (d.name) {
      case 'ServerName':
        if (ctx.level === 'vhost' && ctx.vhost) ctx.vhost.serverName = { value: d.args[0], pos }
        else if (ctx.level === 'server') this.config.serverName = { value: d.args[0], pos }
        else this.keepOther(ctx, d)
        return
      case 'ServerAlias':
        if (ctx.level === 'vhost' && ctx.vhost) {
          for (const a of d.args) ctx.vhost.serverAliases.push({ value: a, pos })
        } else this.keepOther(ctx, d)
        return
      case 'DocumentRoot':
        if (ctx.level === 'vhost' && ctx.vhost) ctx.vhost.documentRoot = { value: d.args[0], pos }
        else if (ctx.level === 'server') this.config.documentRoot = { value: d.args[0], pos }
        else this.keepOther(ctx, d)
        return
      case 'DispatcherConfig':
        s.dispatcher[d.name] = { value: d.args[0], pos }
        if (ctx.level === 'vhost' && ctx.vhost) ctx.vhost.dispatcherConfig = { value: d.args[0], pos }
        else if (ctx.level === 'server') this.config.dispatcherConfig = { value: d.args[0], pos }
        return
      case 'RewriteEngine':
        this.rewriteEngine(s, d)
        return
      case 'RewriteCond':
        this.rewriteCond(s, d)
        return
      case 'RewriteRule':
        this.rewriteRule(s, d)
        return
      case 'RewriteMap':
        this.rewriteMap(s, d)
        return
      case 'RewriteOptions':
        this.rewriteOptions(s, d)
        return
      case 'RewriteBase':
        this.rewriteBase(ctx, d)
        return
      case 'Header':
      case 'RequestHeader':
        s.headers.push({ directive: d.name, args: d.args, pos })
        return
      case 'SetEnvIf':
      case 'SetEnvIfNoCase':
      case 'SetEnvIfExpr':
        s.setEnv.push({ directive: d.name, args: d.args, pos })
        return
      // mod_setenvif reads `BrowserMatch regex var…` as `SetEnvIf User-Agent regex var…` (add_browser).
      case 'BrowserMatch':
        s.setEnv.push({ directive: 'SetEnvIf', args: ['User-Agent', ...d.args], pos })
        return
      case 'BrowserMatchNoCase':
        s.setEnv.push({ directive: 'SetEnvIfNoCase', args: ['User-Agent', ...d.args], pos })
        return
      case 'ErrorDocument':
        this.errorDocument(s, d)
        return
      case 'Alias':
      case 'AliasMatch':
      case 'ScriptAlias':
      case 'ScriptAliasMatch':
        // Inside <Location>, the one-argument form aliases the location itself (httpd 2.4.13+).
        if (d.args.length === 1) s.aliases.push({ directive: d.name, from: '', to: d.args[0], pos })
        else s.aliases.push({ directive: d.name, from: d.args[0], to: d.args[1], pos })
        return
      case 'SetHandler':
        s.setHandler = { value: d.args[0], pos }
        return
      case 'ProxyPass':
      case 'ProxyPassMatch':
      case 'ProxyPassReverse':
        if (this.proxyPassPlaced(ctx, d)) s.proxyPass.push({ directive: d.name, args: d.args, pos })
        return
      case 'KeepAliveTimeout':
        // httpd refuses to start on a timeout ap_timeout_parameter_parse cannot read.
        if (parseTimeoutMs(d.args[0]) === undefined)
          this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', 'KeepAliveTimeout has wrong format', pos)
        this.keepOther(ctx, d)
        return
      case 'AuthUserFile':
        // A password file, relative to ServerRoot like RewriteMap files: read by the access checks.
        this.keepOther(ctx, { ...d, args: d.args.length > 0 ? [this.paths.resolve(d.args[0])] : d.args })
        return
      default:
        if (isDispatcherDirective(d.name)) s.dispatcher[d.name] = { value: d.args.join(' '), pos }
        else if (isRedirectDirective(d.name)) {
          const redirect = readRedirect(d, ctx.level === 'scope', this.sink)
          if (redirect) (s.redirects ??= []).push(redirect)
        } else this.keepOther(ctx, d)
    }
  }

  /**
   * Records a directive in `other` (last one wins) and in `otherList` (all of them). Inside an
   * access-control container the key names the container (`Limit GET/Require`), so it cannot
   * pass for an unconditional directive of the context.
   */
  keepOther(ctx: WriteContext, d: EvaluatedDirective): void {
    const key = ctx.within !== undefined ? `${ctx.within}/${d.name}` : d.name
    ctx.settings.other[key] = { value: d.args, pos: d.pos }
    ctx.settings.otherList.push(
      ctx.within !== undefined
        ? { name: d.name, args: d.args, pos: d.pos, within: ctx.within }
        : { name: d.name, args: d.args, pos: d.pos }
    )
  }

  /**
   * RewriteConds with no RewriteRule after them in their context: mod_rewrite drops them
   * silently, once it has compiled them (no rule compiles them here, so they are checked here).
   */
  finish(): void {
    this.access.finish()
    for (const conds of this.pendingConds.values()) {
      if (conds.length === 0) continue
      for (const refusal of condRefusals(conds)) this.sink.add(refusal)
      this.sink.warn(
        APACHE_DANGLING_REWRITECOND,
        'syntax',
        `${conds.length === 1 ? 'this RewriteCond is' : `these ${conds.length} RewriteConds are`} not followed by a RewriteRule in the same context; mod_rewrite ignores ${conds.length === 1 ? 'it' : 'them'}`,
        conds[0].pos
      )
    }
  }

  /**
   * mod_proxy's start-up refusals (apache2 -t wording): ProxyPass and ProxyPassReverse belong to
   * the server, a vhost, or a `<Location>`/`<LocationMatch>`, where the section is their path.
   */
  private proxyPassPlaced(ctx: WriteContext, d: EvaluatedDirective): boolean {
    const refuse = (message: string): false => {
      this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', message, d.pos)
      return false
    }
    const inLocation = ctx.scopeKind === 'Location' || ctx.scopeKind === 'LocationMatch'
    if (ctx.level === 'scope' && !inLocation) return refuse(`${d.name} cannot occur within <${ctx.scopeKind}> section`)
    const [first, second] = d.args
    if (d.name === 'ProxyPassReverse') {
      if (inLocation && second !== undefined && second.toLowerCase() !== 'interpolate')
        return refuse('ProxyPassReverse can not have a path when defined in a location')
      if (!inLocation && second === undefined)
        return refuse('ProxyPassReverse needs a path when not defined in a location')
      return true
    }
    if (first === undefined) return refuse(`${d.name} takes at least 1 argument`)
    // In a location the first word is the backend (the section is the path), the rest options.
    if (inLocation && first.startsWith('/') && second !== undefined)
      return refuse('ProxyPass|ProxyPassMatch can not have a path when defined in a location.')
    if (!inLocation && second === undefined)
      return refuse('ProxyPass|ProxyPassMatch needs a path when not defined in a location')
    return true
  }

  private rewriteEngine(s: VhostSettings, d: EvaluatedDirective): void {
    // Only On or Off come here (directive-arity.ts refuses the rest).
    s.rewriteEngine = d.args[0].toLowerCase() === 'on'
  }

  private rewriteCond(s: VhostSettings, d: EvaluatedDirective): void {
    const r = condLine(d.line)
    if (r.error) {
      this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', `RewriteCond: ${r.error}`, d.pos)
      return
    }
    if (r.flagError) this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', `RewriteCond: ${r.flagError}`, d.pos)
    const list = this.pendingConds.get(s) ?? []
    list.push({ testString: r.args[0], pattern: r.args[1], flags: r.flags.slice(), pos: d.pos })
    this.pendingConds.set(s, list)
  }

  private rewriteRule(s: VhostSettings, d: EvaluatedDirective): void {
    const r = ruleLine(d.line)
    if (r.error) {
      this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', `RewriteRule: ${r.error}`, d.pos)
      return
    }
    if (r.flagError) this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', `RewriteRule: ${r.flagError}`, d.pos)
    const conds = this.pendingConds.get(s) ?? []
    this.pendingConds.delete(s)
    // Not kept: said here, at the line, so the compile check does not refuse it a second time.
    const badCode = redirectCodeError(r.flags)
    if (badCode) return this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', `RewriteRule: ${badCode}`, d.pos)
    s.rewriteRules.push({ pattern: r.args[0], substitution: r.args[1], flags: r.flags.slice(), conds, pos: d.pos })
  }

  /** `RewriteOptions Inherit …`: kept only when httpd takes every word. */
  private rewriteOptions(s: VhostSettings, d: EvaluatedDirective): void {
    const error = rewriteOptionsError(d.args)
    if (error) this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', error, d.pos)
    else s.rewriteOptions.push(...d.args)
  }

  /** Kept in `other` (the per-directory rewrite reads it there) when httpd takes it. */
  private rewriteBase(ctx: WriteContext, d: EvaluatedDirective): void {
    const error = rewriteBaseError(d.args, ctx)
    if (!error) return this.keepOther(ctx, d)
    this.sink.error(error.misplaced ? APACHE_MISPLACED_DIRECTIVE : APACHE_BAD_ARGUMENT, 'syntax', error.message, d.pos)
  }

  /**
   * `RewriteMap name type:source`; file-based maps resolve against ServerRoot. A map httpd
   * refuses is not kept, so the compile check does not report it again.
   */
  private rewriteMap(s: VhostSettings, d: EvaluatedDirective): void {
    const def = readRewriteMap(d.args, { resolve: (p) => this.paths.resolve(p), ...this.mapFiles })
    if ('map' in def) s.rewriteMaps.push({ ...def.map, pos: d.pos })
    else this.sink.error(def.code ?? APACHE_BAD_ARGUMENT, 'syntax', def.error, d.pos)
  }

  /**
   * `ErrorDocument 404 /404.html`, as core's set_error_document reads it: two arguments, a
   * status httpd has a line for (atoi'd), then httpd's heuristic: a text with a space, or that
   * is neither a local path nor a URL (ap_is_url: a scheme and a colon), is a message, stored
   * with a leading `"` as httpd stores it. The document is a string expression (2.4.13+:
   * `%{REQUEST_URI}`), parsed now; `default` restores the built-in page. A full URL for 401 is
   * ignored, with httpd's warning.
   */
  private errorDocument(s: VhostSettings, d: EvaluatedDirective): void {
    const status = atoi(d.args[0])
    if (status !== 500 && !STATUS_LINES.has(status)) {
      this.sink.error(APACHE_BAD_ARGUMENT, 'syntax', `Unsupported HTTP response code ${d.args[0]}`, d.pos)
      return
    }
    const doc = d.args[1]
    const what = doc.includes(' ') ? 'message' : doc.startsWith('/') ? 'local' : isUrl(doc) ? 'url' : 'message'
    if (status === 401 && what === 'url') {
      this.sink.warn(
        APACHE_IGNORED_DIRECTIVE,
        'syntax',
        'cannot use a full URL in a 401 ErrorDocument directive --- ignoring!',
        d.pos
      )
      return
    }
    if (doc.toLowerCase() === 'default') {
      s.errorDocuments.push({ status, document: doc, pos: d.pos })
      return
    }
    const document = what === 'message' ? `"${doc}` : doc
    try {
      parseStringExpr(document)
    } catch (e) {
      this.sink.error(
        APACHE_BAD_ARGUMENT,
        'syntax',
        `Cannot parse expression in ErrorDocument: ${(e as Error).message}`,
        d.pos
      )
      return
    }
    s.errorDocuments.push({ status, document, pos: d.pos })
  }
}
