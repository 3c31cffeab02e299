/**
 * The typed Dispatcher configuration: what the engine runs and what the UI shows.
 * Plain JSON (no functions, no classes) so it crosses process boundaries as is.
 * Every rule and every value keeps the source position it came from.
 * Defaults are the documented ones (dispatcher-behavior.md §2, §5.1).
 */
import type { Diagnostic, SourcePos } from './diagnostics'

/** A value with the place it was written; `pos` is absent for defaults. */
export interface Sourced<T> {
  value: T
  pos?: SourcePos
}

/**
 * A pattern as written in a glob/regex position. Double quotes (and bare words) are
 * Dispatcher globs, single quotes POSIX extended regular expressions (§1.1, §1.5).
 */
export interface PatternSpec {
  kind: 'glob' | 'regex'
  source: string
  pos: SourcePos
}

export type RuleType = 'allow' | 'deny'

/** The element properties a filter rule may test (§4.1). */
export type FilterElement =
  'method' | 'url' | 'query' | 'protocol' | 'path' | 'selectors' | 'extension' | 'suffix' | 'glob'

export const FILTER_ELEMENTS: readonly FilterElement[] = [
  'method',
  'url',
  'query',
  'protocol',
  'path',
  'selectors',
  'extension',
  'suffix',
  'glob'
]

export interface FilterRule {
  /** Label without the slash (`0001`, `AMS_PUB_DENY_DEBUG`); `''` for an anonymous block. */
  label: string
  /** `null` when `/type` is missing or not allow/deny (a diagnostic says so; the rule never matches). */
  type: RuleType | null
  /** The element matchers, in the order written. */
  matchers: { element: FilterElement; pattern: PatternSpec }[]
  pos: SourcePos
}

/** A `/glob` allow/deny rule as used by /rules, /invalidate, /allowedClients, /ignoreUrlParams, auth_checker. */
export interface GlobRule {
  label: string
  type: RuleType | null
  glob: PatternSpec | null
  pos: SourcePos
}

export interface Render {
  label: string
  hostname: Sourced<string>
  /** Default 80, or 443 when `/secure "1"` (as DOT reads it). */
  port: Sourced<number>
  /** Connect timeout in ms; 0 = wait forever. */
  timeout: Sourced<number>
  /** Response timeout in ms; default 600000; 0 = none. */
  receiveTimeout: Sourced<number>
  ipv4: Sourced<boolean>
  secure: Sourced<boolean>
  alwaysResolve: Sourced<boolean>
  pos: SourcePos
}

export interface CacheConfig {
  /** `undefined` → "not cacheable: document root non-existent". */
  docroot?: Sourced<string>
  statfile?: Sourced<string>
  serveStaleOnError: Sourced<boolean>
  allowAuthorized: Sourced<boolean>
  rules: GlobRule[]
  statfileslevel: Sourced<number>
  /** `undefined` when the section is absent (nothing is auto-invalidated). */
  invalidate?: GlobRule[]
  invalidateHandler?: Sourced<string>
  /** `undefined` when the section is absent (anyone may flush). */
  allowedClients?: GlobRule[]
  /** `undefined` when the section is absent (any query string prevents caching). */
  ignoreUrlParams?: GlobRule[]
  headers: Sourced<string>[]
  /** Octal permission bits for new files and folders (default 0o755). */
  mode: Sourced<number>
  gracePeriod: Sourced<number>
  enableTTL: Sourced<boolean>
  pos: SourcePos
}

export interface StatisticsCategory {
  label: string
  glob: PatternSpec | null
  pos: SourcePos
}

export interface StickyConnections {
  /** `/stickyConnectionsFor` and `/stickyConnections/paths` merged, in order. */
  paths: Sourced<string>[]
  domain?: Sourced<string>
  httpOnly: Sourced<boolean>
  secure: Sourced<boolean>
  pos: SourcePos
}

export interface SessionManagement {
  directory?: Sourced<string>
  encode: Sourced<'md5' | 'hex' | string>
  header: Sourced<string>
  timeout: Sourced<number>
  pos: SourcePos
}

export interface VanityUrls {
  url: Sourced<string>
  file?: Sourced<string>
  delay: Sourced<number>
  loadOnStartup: Sourced<boolean>
  pos: SourcePos
}

export interface AuthChecker {
  url?: Sourced<string>
  filter: GlobRule[]
  headers: GlobRule[]
  pos: SourcePos
}

export interface Farm {
  /** Label without the slash. */
  name: string
  pos: SourcePos
  /** Header names; `["*"]` forwards all. Absent section → the standard list (§6.3). */
  clientheaders: Sourced<string>[]
  clientheadersDefaulted: boolean
  virtualhosts: Sourced<string>[]
  renders: Render[]
  /** `undefined` when the farm has no `/filter` section (every request is accepted, §4.3). */
  filter?: FilterRule[]
  cache?: CacheConfig
  statistics: StatisticsCategory[]
  sticky?: StickyConnections
  sessionmanagement?: SessionManagement
  vanityUrls?: VanityUrls
  authChecker?: AuthChecker
  healthCheckUrl?: Sourced<string>
  propagateSyndPost: Sourced<boolean>
  retryDelay: Sourced<number>
  numberOfRetries: Sourced<number>
  unavailablePenalty: Sourced<number>
  failover: Sourced<boolean>
  info: Sourced<boolean>
  /** Seconds a render connection is kept for reuse (DispatcherKeepAliveTimeout per farm). */
  keepAliveTimeout?: Sourced<number>
}

export interface DispatcherConfig {
  /** `/name` of the instance, if given. */
  name?: Sourced<string>
  ignoreEINTR: Sourced<boolean>
  /** In document order (after include expansion). Farm selection walks them bottom-up. */
  farms: Farm[]
}

/* ------------------------------------------------------------------------------------- */
/* Apache side                                                                             */
/* ------------------------------------------------------------------------------------- */

/** One `RewriteCond TestString CondPattern [flags]`. */
export interface RewriteCond {
  testString: string
  pattern: string
  /** Flags in lower case without brackets: `nc`, `or`, `nv`. */
  flags: string[]
  pos: SourcePos
}

/** One `RewriteRule Pattern Substitution [flags]` with the conditions written before it. */
export interface RewriteRule {
  pattern: string
  substitution: string
  /** Flags as written, split on commas, e.g. `["R=301", "L", "E=cdncache"]`. */
  flags: string[]
  conds: RewriteCond[]
  pos: SourcePos
}

export interface RewriteMapDef {
  name: string
  /** `txt`, `rnd`, `int`, `prg`, `dbm`, … */
  type: string
  /** Resolved file path for txt/rnd/dbm, function name for int. */
  source: string
  pos: SourcePos
}

/** `Header` / `RequestHeader` directive, arguments kept as written after variable expansion. */
export interface HeaderDirective {
  directive: 'Header' | 'RequestHeader'
  args: string[]
  pos: SourcePos
}

/** `SetEnvIf`, `SetEnvIfNoCase`, `SetEnvIfExpr`. */
export interface SetEnvDirective {
  directive: 'SetEnvIf' | 'SetEnvIfNoCase' | 'SetEnvIfExpr'
  args: string[]
  pos: SourcePos
}

/** A `<If "expr">`/`<ElseIf>`/`<Else>`/`<Location>`/`<LocationMatch>`/`<Directory>`/`<Files>` scope. */
export interface ApacheScope {
  kind:
    'If' | 'ElseIf' | 'Else' | 'Location' | 'LocationMatch' | 'Directory' | 'DirectoryMatch' | 'Files' | 'FilesMatch'
  /** The section argument (expression, path or regex) as written after variable expansion. */
  arg: string
  settings: VhostSettings
  pos: SourcePos
}

/** `<Limit GET POST>` (the listed methods) or `<LimitExcept GET>` (every other method) around a directive. */
export interface MethodLimit {
  methods: string[]
  except: boolean
  /** The enclosing `<Limit>` of a nested one: a method must pass both. */
  and?: MethodLimit
}

/** `Require [not] provider args` (mod_authz_core). */
export interface AuthzRequire {
  kind: 'Require'
  negate: boolean
  /** Provider name in lower case (`all`, `ip`, `env`, `expr`, …). */
  provider: string
  /** The rest of the line as written. */
  args: string
  limit?: MethodLimit
  pos: SourcePos
}

/** `<RequireAll>`, `<RequireAny>`, `<RequireNone>`; `implicit` for the `RequireAny` httpd puts around a context's own `Require` lines. */
export interface AuthzGroup {
  kind: 'RequireAll' | 'RequireAny' | 'RequireNone'
  implicit?: boolean
  children: (AuthzRequire | AuthzGroup)[]
  pos: SourcePos
}

export interface AccessRule<T> {
  value: T
  limit?: MethodLimit
  pos: SourcePos
}

/**
 * Access control in one context: mod_authz_core (`Require`, `<Require*>`, `AuthMerging`) and
 * mod_access_compat (`Order`, `Allow`, `Deny`, `Satisfy`). Each part is present only when the
 * context has one of its directives: that is what decides whether it replaces an outer one.
 */
export interface AccessDirectives {
  authz?: { root?: AuthzGroup; merging?: AccessRule<'off' | 'and' | 'or'> }
  compat?: {
    order: AccessRule<'deny,allow' | 'allow,deny' | 'mutual-failure'>[]
    allow: AccessRule<string>[]
    deny: AccessRule<string>[]
    satisfy: AccessRule<'any' | 'all'>[]
  }
}

/**
 * mod_alias `Redirect`, `RedirectMatch`, `RedirectPermanent`, `RedirectTemp`. `list`: a URL-path
 * prefix (or regex) and its target, tried in order; `expr`: the form without a URL-path
 * (`Redirect [status] URL` in a `<Location>`), an ap_expr string, or none for `Redirect gone`.
 */
export interface AliasRedirect {
  directive: string
  kind: 'list' | 'expr'
  regex: boolean
  from?: string
  to?: string
  status: number
  pos: SourcePos
}

/** Everything the pipeline needs from one Apache context (server, vhost or a nested scope). */
export interface VhostSettings {
  rewriteEngine?: boolean
  rewriteRules: RewriteRule[]
  rewriteMaps: RewriteMapDef[]
  /** `RewriteOptions` values as written (e.g. `Inherit`). */
  rewriteOptions: string[]
  headers: HeaderDirective[]
  setEnv: SetEnvDirective[]
  /** status → document (`ErrorDocument 404 /404.html`). */
  errorDocuments: { status: number; document: string; pos: SourcePos }[]
  aliases: {
    directive: 'Alias' | 'AliasMatch' | 'ScriptAlias' | 'ScriptAliasMatch'
    from: string
    to: string
    pos: SourcePos
  }[]
  /** `Dispatcher*` directives by name (case as the directive is documented), last one wins. */
  dispatcher: Record<string, Sourced<string>>
  /** `SetHandler` value where set in this context. */
  setHandler?: Sourced<string>
  /** `ProxyPass`/`ProxyPassMatch` as written. */
  proxyPass: { directive: string; args: string[]; pos: SourcePos }[]
  /** Other directives that matter to serving (DirectorySlash, AllowEncodedSlashes, …), last one wins. */
  other: Record<string, Sourced<string[]>>
  /** Access control directives of this context (runtime/access.ts), when it has any. */
  access?: AccessDirectives
  /** mod_alias redirects of this context, in file order. */
  redirects?: AliasRedirect[]
  scopes: ApacheScope[]
}

export interface VirtualHost {
  /** `<VirtualHost *:80>` addresses. */
  addresses: string[]
  serverName?: Sourced<string>
  serverAliases: Sourced<string>[]
  documentRoot?: Sourced<string>
  /** `DispatcherConfig` in this vhost (overrides the server-wide one). */
  dispatcherConfig?: Sourced<string>
  settings: VhostSettings
  pos: SourcePos
  /** httpd's main server standing in as a vhost (the runtime makes it for a port no vhost takes). */
  mainServer?: true
}

export interface ApacheConfig {
  /** The file the Apache configuration was loaded from. */
  root: string
  /** Server-wide context (outside any VirtualHost). */
  server: VhostSettings
  serverName?: Sourced<string>
  documentRoot?: Sourced<string>
  /** Server-wide `DispatcherConfig`. */
  dispatcherConfig?: Sourced<string>
  /** In the order Apache sees them; the first is the default for unmatched hosts. */
  virtualHosts: VirtualHost[]
  /** Defines in effect after loading (name → value). */
  defines: Record<string, string>
  /**
   * Identifiers of the modules httpd would run with (`rewrite_module`, …): the runtime's own
   * and those LoadModule lines add, as `<IfModule>` saw them. Absent: the runtime's defaults.
   */
  modules?: string[]
}

/* ------------------------------------------------------------------------------------- */
/* A whole loaded configuration                                                           */
/* ------------------------------------------------------------------------------------- */

export type ConfigLayout = 'aemaacs' | 'classic' | 'any-file' | 'embedded-default'

export interface LoadedConfig {
  layout: ConfigLayout
  /** What the user pointed at (folder or file). */
  input: string
  /** Folder that paths are shown relative to. */
  baseDir: string
  /** The dispatcher.any that was loaded. */
  anyFile: string
  dispatcher: DispatcherConfig
  /** `undefined` when the configuration has no Apache side (a bare .any file). */
  apache?: ApacheConfig
  /** Variables in effect: environment used plus Apache Defines. */
  variables: Record<string, string>
  /**
   * The process environment httpd runs with (the runtime's variables, then the user's own):
   * what `%{ENV:…}` and `env()` read when the request's environment has no such variable.
   */
  environment: Record<string, string>
  diagnostics: Diagnostic[]
  /** Every file read (for hot reload and the config panel). */
  files: string[]
  /** Folders to watch for new files matching include globs. */
  watchDirs: string[]
  loadedAt: number
}
