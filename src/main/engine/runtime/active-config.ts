/**
 * A loaded configuration compiled for serving: patterns compiled once, vhost names matched
 * cheaply, render pools attached. Immutable once built; a request keeps the snapshot it
 * started with, so a hot reload never changes the rules under a request in flight.
 */
import path from 'node:path'
import type {
  ApacheConfig,
  ApacheScope,
  Farm,
  LoadedConfig,
  Render,
  VhostSettings,
  VirtualHost
} from '../../../shared/config-model'
import type { SourcePos } from '../../../shared/diagnostics'
import { isFlagOn } from '../config/apache/flag-words'
import { emptySettings, lastOther } from '../config/apache/settings'
import { moduleLoaded } from '../config/apache/modules'
import { hostProblem } from '../pipeline/host-header'
import { listenPort, takesPort } from './listen-port'
import { aliasMatcher, nameHost, requestVhostMatcher, serverHostname } from './request-vhost'
import { NO_ADMIN } from '../apache-expr'
import { compileAuthChecker, type ActiveAuthChecker } from '../pipeline/auth-check'
import { compileFilter, type CompiledFilter } from '../pipeline/filter'
import type { EncodedSlashes } from '../pipeline/normalise-url'
import type { RenderClient } from '../upstream/render-client'
import { compileVhostApache, containerProbe, type CountingProbe, type VhostApache } from './apache-runtime'
import type { RenderRegistry } from './render-registry'
import { takePrecompiled } from './precompiled'
import { serverBanner } from './server-banner'
import { compileCache, type ActiveCache } from './cache-runtime'
import { RenderStatistics } from '../upstream/statistics'
import { compileSticky, type StickyPolicy } from '../upstream/sticky'
import type { AttemptTarget } from '../upstream/attempts'
import { renderName } from '../upstream/selection'
import { VanityUrlList } from '../upstream/vanity'
import type { CacheEvent } from '../../../shared/cache-types'
import type { FallbackFarm } from '../../../shared/api'
import { compileRemoteIp, type RemoteIpConfig } from './remote-ip'
import { HTTPD_KEEP_ALIVE, keepAlivePolicy, type KeepAlivePolicy } from '../http/keep-alive'
import { connectionReadStages, HTTPD_TIMEOUT_MS, reqtimeoutStages, requestTimeoutMs } from '../http/request-timeout'
import type { ReadStages } from '../config/apache/request-read-timeout'

export interface ActiveVhost {
  index: number
  /** ServerName, or the first alias, or the addresses: how the trace names it. */
  label: string
  vhost: VirtualHost
  pos: SourcePos
  matches(host: string): boolean
  /** `ap_matches_request_vhost`: whether a full URL's host and port name this server (request-vhost.ts). */
  isThisServer(host: string, port: number): boolean
  /** `r->server->server_admin`: the vhost's ServerAdmin, else the server's, else httpd's `[no address given]`. */
  serverAdmin: string
  /** Server-wide settings first, then the vhost's own: what applies to a request here. */
  layers: VhostSettings[]
  docroot?: string
  /** The DocumentRoot resolved to an absolute path, where static answers and mod_dir look. */
  docrootAbs?: string
  /** mod_dir is loaded: its fixup runs for every request whose file is a folder. */
  modDir: boolean
  /** `SetHandler dispatcher-handler` applies; otherwise Apache serves the docroot itself. */
  dispatcherHandled: boolean
  encodedSlashes: EncodedSlashes
  /** `MergeSlashes` (On by default; a server setting vhosts inherit): whether r->uri loses its runs of slashes. */
  mergeSlashes: boolean
  /**
   * Apache's `FileETag` where the cache files are served: `none` leaves out Apache's own ETag,
   * so an `ETag` stored through `/headers` is the one delivered (§5.6). `MTime Size` otherwise
   * (the 2.4 default; INode and the +/- forms are not told apart).
   */
  fileETag: 'MTime Size' | 'none'
  dispatcher: DispatcherDirectives
  /** mod_setenvif / mod_rewrite / mod_headers, compiled. */
  apache: VhostApache
  /** File system as the emulated server sees it (docroot real, container folders elsewhere). */
  probe: CountingProbe
  /** `r->server->server_hostname`: the vhost's ServerName, else the main server's (mod_proxy's X-Forwarded-Server). */
  serverHostname: string
  /**
   * `r->server->server_scheme`: the scheme a `ServerName https://name` gives, which self-referential
   * URLs then use (with 443 as the default port); null when the ServerName names none.
   */
  serverScheme: string | null
  /**
   * `r->server->port`: the ServerName's port (0 when it names none: httpd resets it), else the
   * first `<VirtualHost>` address's. Self-referential URLs use it when the Host header has no
   * port; 0 means the scheme's default.
   */
  serverPort: number
  /**
   * `UseCanonicalName On` (the vhost's, else the server's): self-referential URLs and
   * `%{SERVER_NAME}`/`%{SERVER_PORT}` take the ServerName's host and port, never the Host header's.
   */
  canonicalName: boolean
  /** mod_remoteip's settings for this vhost (runtime/remote-ip.ts), null without `RemoteIPHeader`. */
  remoteIp: RemoteIpConfig | null
  /** `KeepAlive`, `KeepAliveTimeout`, `MaxKeepAliveRequests` for answers of this vhost (http/keep-alive.ts). */
  keepAlive: KeepAlivePolicy
  /** `Timeout` (ms): how long each read of a request body this vhost answers may wait (request-timeout.ts). */
  requestTimeoutMs: number
  /** mod_reqtimeout's `RequestReadTimeout` stages for this vhost; null where the module is not loaded. */
  readStages: ReadStages | null
}

/** The module's Apache directives in effect for a vhost (dispatcher-behavior.md §2). */
export interface DispatcherDirectives {
  useProcessedURL: boolean
  declineRoot: boolean
  /** `true` = hand every status ≥ 400 to Apache; a set = only those; `false` = none. */
  passError: boolean | Set<number>
  keepAliveSeconds: number
  noCanonURL: boolean
  useForwardedHost: boolean
  restrictUncacheableContent: boolean
}

export interface ActiveRender {
  render: Render
  client: RenderClient
}

export interface ActiveFarm {
  index: number
  farm: Farm
  filter: CompiledFilter
  renders: ActiveRender[]
  /** Lower-case header names to forward, or `'all'` for `"*"` (§6.3). */
  clientHeaders: Set<string> | 'all'
  /** `null` when the farm has no `/cache` section. */
  cache: ActiveCache | null
  /** Response-time estimates per render and category, render health (§6.1). */
  statistics: RenderStatistics
  /** `null` when the farm has no sticky paths (§6.2). */
  sticky: StickyPolicy | null
  /** Render names as `renderid` uses them (label, or position when unlabelled). */
  renderNames: string[]
  /** Each render as attempts and traces name it: its name and `host:port`. */
  attemptTargets: AttemptTarget[]
  /** `/vanity_urls` list (started by the engine when serving); `null` without the section. */
  vanity: VanityUrlList | null
  /** `/auth_checker` (§5.9); `null` without the section. */
  authChecker: ActiveAuthChecker | null
}

export interface CompileOptions {
  /** Accept self-signed certificates from `/secure "1"` renders (off unless the user asks). */
  allowSelfSigned?: boolean
  /** The farm used when no `/virtualhosts` value matches (§3.3): the module's `last` (default) or the docs' `first`. */
  fallbackFarm?: FallbackFarm
  /** The cache folder the workbench was given (`--docroot`, else its default): docroots inside it are created (cache-runtime.ts). */
  cacheFolder?: string
}

export interface ActiveConfig {
  generation: number
  loaded: LoadedConfig
  vhosts: ActiveVhost[]
  /** The vhosts that take the listener's port (listen-port.ts), in file order: those a request chooses from. */
  servingVhosts: ActiveVhost[]
  farms: ActiveFarm[]
  farmModels: Farm[]
  /** The farm used when no `/virtualhosts` value matches (§3.3). */
  fallbackFarm: FallbackFarm
  /** Settings used when the configuration has no Apache side (a bare dispatcher.any). */
  defaults: DispatcherDirectives
  /** How a re-fetching flush fetches and stores a page again (set by the engine that serves it). */
  refetch?: (host: string, uri: string) => Promise<string>
  /**
   * Some vhost has mod_rewrite rules or `Header` directives: their trace detail is large, so it
   * is completed when a trace is read rather than while serving (see RequestContext.recordLazy).
   */
  deferredExplanations?: boolean
  /** httpd's `Server` header for this configuration (`ServerTokens`, server-banner.ts). */
  serverBanner: string
  /**
   * The keep-alive policy of the listener's default vhost (the first on the port), else of
   * the main server: how long an idle connection waits (httpd takes `KeepAliveTimeout` from
   * the vhost the address selects, not the name-based one), and what applies to an answer
   * that has no vhost.
   */
  keepAlive: KeepAlivePolicy
  /**
   * `Timeout` of the listener's default vhost, else of the main server (ms): how long each read
   * of a request head may wait, before the Host header has chosen a vhost (request-timeout.ts).
   */
  requestTimeoutMs: number
  /**
   * mod_reqtimeout's stages of the listener's default vhost (its header stage times every head),
   * null when the module is not loaded or is off for the connection (request-timeout.ts).
   */
  connectionReadStages: ReadStages | null
}

export function compileConfig(
  loaded: LoadedConfig,
  generation: number,
  registry: RenderRegistry,
  used: Set<string>,
  onCacheEvent: (e: CacheEvent) => void = () => {},
  options: CompileOptions = {}
): ActiveConfig {
  const apache = loaded.apache
  const pre = takePrecompiled(loaded)
  const vhosts = (apache?.virtualHosts ?? []).map((v, i) =>
    compileVhost(v, i, apache!.server, apache!.serverName?.value, pre?.vhosts.get(v), apache!.modules)
  )
  const port = listenPort(apache)
  const onPort = vhosts.filter((v) => takesPort(v.vhost.addresses, port))
  const defaults = dispatcherDirectives([apache?.server].filter((s): s is VhostSettings => !!s))
  const farms = loaded.dispatcher.farms.map((farm, index): ActiveFarm => {
    const keepAlive = farm.keepAliveTimeout?.value ?? defaults.keepAliveSeconds
    const clients = registry.acquire(
      farm.renders,
      { keepAliveSeconds: keepAlive, allowSelfSigned: options.allowSelfSigned },
      used
    )
    const names = farm.clientheaders.map((h) => h.value.toLowerCase())
    return {
      index,
      farm,
      filter: pre?.filters.get(farm) ?? compileFilter(farm.filter),
      renders: farm.renders.map((render, i) => ({ render, client: clients[i] })),
      clientHeaders: names.includes('*') ? 'all' : new Set(names),
      cache: compileCache(farm, onCacheEvent, options.cacheFolder),
      statistics: new RenderStatistics({
        farm: farm.name,
        renders: farm.renders.map((r, i) => ({
          label: renderName(r.label, i),
          origin: `${r.hostname.value}:${r.port.value}`
        })),
        categories: farm.statistics,
        unavailablePenalty: farm.unavailablePenalty.value
      }),
      sticky: compileSticky(farm.sticky),
      renderNames: farm.renders.map((r, i) => renderName(r.label, i)),
      attemptTargets: farm.renders.map((r, i) => ({
        label: renderName(r.label, i),
        origin: `${r.hostname.value}:${r.port.value}`
      })),
      vanity: farm.vanityUrls
        ? new VanityUrlList({
            config: farm.vanityUrls,
            renders: farm.renders,
            baseDir: loaded.baseDir,
            allowSelfSigned: options.allowSelfSigned
          })
        : null,
      authChecker: compileAuthChecker(farm.authChecker)
    }
  })
  // No vhost on the port: httpd's main server answers every request there.
  const servingVhosts =
    onPort.length > 0 || !apache
      ? onPort
      : [compileVhost(mainServerVhost(apache), vhosts.length, emptySettings(), undefined, undefined, apache.modules)]
  const deferredExplanations = servingVhosts.some(
    (v) => v.apache.rewrite !== null || v.apache.scoped.hasResponseDirectives
  )
  return {
    generation,
    loaded,
    vhosts,
    servingVhosts,
    farms,
    farmModels: loaded.dispatcher.farms,
    fallbackFarm: options.fallbackFarm ?? 'last',
    defaults,
    deferredExplanations,
    serverBanner: serverBanner(apache),
    keepAlive: servingVhosts[0]?.keepAlive ?? (apache ? keepAlivePolicy([apache.server]) : HTTPD_KEEP_ALIVE),
    requestTimeoutMs:
      servingVhosts[0]?.requestTimeoutMs ?? (apache ? requestTimeoutMs([apache.server]) : HTTPD_TIMEOUT_MS),
    connectionReadStages: connectionReadStages(
      servingVhosts[0]?.readStages ?? reqtimeoutStages(apache ? [apache.server] : [], apache?.modules)
    )
  }
}

/**
 * httpd's main server as a vhost: it answers on a port no `<VirtualHost>` takes (a one-file
 * httpd.conf without vhosts, RHEL's main server on :80 beside ssl.conf's `_default_:443`).
 * Its own settings are the server context's, with nothing above them: its RewriteRules run
 * as a vhost's own do.
 */
function mainServerVhost(apache: ApacheConfig): VirtualHost {
  return {
    addresses: [],
    serverName: apache.serverName,
    serverAliases: [],
    documentRoot: apache.documentRoot,
    dispatcherConfig: apache.dispatcherConfig,
    settings: apache.server,
    pos: { file: apache.root, line: 1, column: 1 },
    mainServer: true
  }
}

/** `apache`: the vhost's Apache runtime when loading compiled it already. */
function compileVhost(
  vhost: VirtualHost,
  index: number,
  server: VhostSettings,
  mainServerName?: string,
  apache?: VhostApache,
  modules?: readonly string[]
): ActiveVhost {
  // The ServerName's host (a vhost on `*` without one has the main server's), compared
  // case-insensitively and literally; then the aliases (request-vhost.ts).
  const hostname = serverHostname(vhost, mainServerName)?.toLowerCase()
  const aliases = vhost.serverAliases.map((a) => aliasMatcher(a.value))
  const layers = [server, vhost.settings]
  const docroot = vhost.documentRoot?.value
  const handlerScopes = layers.flatMap((l) => [
    l,
    ...l.scopes.filter((s) => coversDocroot(s, docroot)).map((s) => s.settings)
  ])
  const handler = [...handlerScopes].reverse().find((s) => s.setHandler)?.setHandler?.value
  // A server setting httpd does not merge into vhosts (merge_core_server_configs leaves it out):
  // a vhost reads only its own, the main server its own.
  const slashes = lastOther([vhost.settings], 'AllowEncodedSlashes')?.[0]?.toLowerCase()
  const name = vhost.serverName?.value ?? vhost.serverAliases[0]?.value ?? vhost.addresses.join(' ')
  return {
    index,
    label: vhost.mainServer ? `main server${name ? ` ${name}` : ''}` : name,
    vhost,
    pos: vhost.pos,
    matches: (host) => host.toLowerCase() === hostname || aliases.some((m) => m(host)),
    isThisServer: requestVhostMatcher(vhost, mainServerName),
    serverAdmin: lastOther(layers, 'ServerAdmin')?.[0] ?? NO_ADMIN,
    layers,
    docroot,
    docrootAbs: docroot ? path.resolve(docroot) : undefined,
    modDir: moduleLoaded(modules, 'dir_module'),
    dispatcherHandled: handler === 'dispatcher-handler',
    encodedSlashes: slashes === 'nodecode' ? 'nodecode' : slashes === 'on' ? 'on' : 'off',
    mergeSlashes: lastOther(layers, 'MergeSlashes')?.[0]?.toLowerCase() !== 'off',
    fileETag: lastOther(handlerScopes, 'FileETag')?.join(' ').toLowerCase() === 'none' ? 'none' : 'MTime Size',
    dispatcher: dispatcherDirectives(handlerScopes),
    apache: apache ?? compileVhostApache(server, vhost.settings, docroot, undefined, modules),
    probe: containerProbe(docroot),
    serverHostname: nameHost(vhost.serverName?.value ?? mainServerName ?? 'localhost'),
    serverScheme: schemeOf(vhost.serverName?.value ?? mainServerName),
    serverPort: serverPortOf(vhost),
    canonicalName: lastOther(layers, 'UseCanonicalName')?.[0]?.toLowerCase() === 'on',
    remoteIp: compileRemoteIp(server, vhost.settings),
    keepAlive: keepAlivePolicy(layers),
    requestTimeoutMs: requestTimeoutMs(layers),
    readStages: reqtimeoutStages(layers, modules)
  }
}

/** `<Directory />`, `<Directory docroot-or-above>` and `<Location />` cover every request of the vhost. */
function coversDocroot(scope: ApacheScope, docroot: string | undefined): boolean {
  const arg = scope.arg.replace(/\/+$/, '') || '/'
  if (scope.kind === 'Location') return arg === '/'
  if (scope.kind !== 'Directory') return false
  if (arg === '/') return true
  return !!docroot && (docroot === arg || docroot.startsWith(arg + '/'))
}

export function dispatcherDirectives(layers: VhostSettings[]): DispatcherDirectives {
  const get = (name: string): string | undefined => {
    let v: string | undefined
    for (const l of layers) if (l.dispatcher[name]) v = l.dispatcher[name].value
    return v
  }
  const passError = get('DispatcherPassError')
  return {
    useProcessedURL: isFlagOn(get('DispatcherUseProcessedURL') ?? 'off'),
    declineRoot: isFlagOn(get('DispatcherDeclineRoot') ?? 'off'),
    passError: parsePassError(passError),
    keepAliveSeconds: Number(get('DispatcherKeepAliveTimeout') ?? 60) || 0,
    noCanonURL: isFlagOn(get('DispatcherNoCanonURL') ?? 'off'),
    useForwardedHost: isFlagOn(get('DispatcherUseForwardedHost') ?? 'off'),
    restrictUncacheableContent: isFlagOn(get('DispatcherRestrictUncacheableContent') ?? 'off')
  }
}

/** `0`/`1`/`On`/`Off`, or a list of codes and ranges such as `400-411,413-417` (§2). */
export function parsePassError(value: string | undefined): boolean | Set<number> {
  if (!value) return false
  const v = value.trim()
  if (/^(0|off|false)$/i.test(v)) return false
  if (/^(1|on|true)$/i.test(v)) return true
  const codes = new Set<number>()
  for (const part of v.split(/[,\s]+/)) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part)
    if (!m) continue
    const from = Number(m[1])
    const to = Number(m[2] ?? m[1])
    for (let c = from; c <= to; c++) codes.add(c)
  }
  return codes.size > 0 ? codes : false
}

function serverPortOf(vhost: VirtualHost): number {
  const name = vhost.serverName?.value
  if (name !== undefined) {
    const m = /:(\d+)$/.exec(name.replace(/^[a-z]+:\/\//i, ''))
    return m ? Number(m[1]) : 0
  }
  const m = /:(\d+)$/.exec(vhost.addresses[0] ?? '')
  return m ? Number(m[1]) : 0
}

/** httpd's ServerName parser: the part before `://`, lower-cased. */
function schemeOf(name: string | undefined): string | null {
  const at = name?.indexOf('://') ?? -1
  return name && at >= 0 ? name.slice(0, at).toLowerCase() : null
}

export interface VhostChoice {
  vhost: ActiveVhost
  matched: boolean
  /** Why httpd refuses the Host header (a 400 from the first-listed vhost); absent when it reads it. */
  malformed?: string
}

/**
 * The vhost a request's host names: its absolute URL's host, else its Host header (selectVhost);
 * an internal request's is the one it came from (`server`).
 */
export function requestVhost(
  vhosts: ActiveVhost[],
  req: { urlHost?: string; headers: Record<string, string | undefined>; server?: ActiveVhost }
): VhostChoice | undefined {
  if (req.server) return { vhost: req.server, matched: true }
  return selectVhost(vhosts, req.urlHost ?? req.headers.host ?? '', req.urlHost === '')
}

/**
 * Apache's name-based virtual host choice: first vhost whose name or alias matches, else the
 * first one, which also answers when there is no host name or httpd cannot read it.
 * `emptyName`: the host name is "" itself (only a CONNECT's `:443` gives one), which the names
 * and aliases are matched against (a `ServerAlias *` matches), where an empty or missing Host
 * header names no host at all.
 */
export function selectVhost(vhosts: ActiveVhost[], hostHeader: string, emptyName = false): VhostChoice | undefined {
  if (vhosts.length === 0) return undefined
  if (emptyName) {
    const found = vhosts.find((v) => v.matches(''))
    return found ? { vhost: found, matched: true } : { vhost: vhosts[0], matched: false }
  }
  let memo = vhostMemos.get(vhosts)
  if (!memo) vhostMemos.set(vhosts, (memo = new Map()))
  const known = memo.get(hostHeader)
  if (known) return known
  const malformed = hostHeader === '' ? null : hostProblem(hostHeader)
  // r->hostname as fix_hostname leaves it: no port, no trailing dot, lower case, and an IPv6
  // literal without its brackets (apr_parse_addr_port), which is what names and aliases meet.
  const named = hostHeader.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase()
  const host = named.startsWith('[') && named.endsWith(']') ? named.slice(1, -1) : named
  const found = hostHeader === '' || malformed !== null ? undefined : vhosts.find((v) => v.matches(host))
  const chosen: VhostChoice = found
    ? { vhost: found, matched: true }
    : malformed !== null
      ? { vhost: vhosts[0], matched: false, malformed }
      : { vhost: vhosts[0], matched: false }
  if (memo.size >= VHOST_MEMO_LIMIT) memo.clear()
  memo.set(hostHeader, chosen)
  return chosen
}

/** Per vhost list (one per configuration snapshot), the choice for each Host header seen. */
const vhostMemos = new WeakMap<ActiveVhost[], Map<string, VhostChoice>>()
const VHOST_MEMO_LIMIT = 1000
