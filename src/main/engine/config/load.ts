/**
 * Loads a configuration the way the Dispatcher's runtime would assemble it, whatever the
 * user points at: an AEMaaCS `dispatcher/src` tree, an AMS/classic server-root tree
 * (`conf/`, `conf.d/`, `conf.dispatcher.d/`), a folder holding `dispatcher.any`, or an
 * `.any` file. The Apache side is loaded first because its `Define`s are visible to
 * dispatcher.any (`Define` is global in httpd, dispatcher-behavior.md §1.4).
 */
import path from 'node:path'
import type { ApacheConfig, ConfigLayout, Farm, LoadedConfig, VirtualHost } from '../../../shared/config-model'
import { DiagnosticSink, uniqueDiagnostics } from '../../../shared/diagnostics'
import { parseAnyFile, parseAnyText } from './any/parser'
import type { ApacheParseResult } from './apache/ast'
import { DEFAULT_LOADED_MODULES, loadApacheConfig } from './apache/load'
import { amsEnvironment, sdkEnvironment, sdkScope, type RuntimeOptions } from './loaders/environment'
import { sdkOverlay } from './loaders/sdk-overlay'
import { FsMemo } from './fs-memo'
import { configsBelow } from './locate-hints'
import { buildDispatcherConfig } from './model/build'
import { compileDiagnostics } from '../runtime/compile-check'
import type { VhostApache } from '../runtime/apache-runtime'
import { keepPrecompiled } from '../runtime/precompiled'
import { compileFilter, type CompiledFilter } from '../pipeline/filter'
import { resourcesDir } from '../resources'
import { validateSdkRules } from './validate/sdk-rules'
import { isImmutableSdkFile } from './validate/immutable-files'
import { reportShadowedVhosts } from './apache/vhost-shadowing'
import { VariableScope } from './variables'

export interface LoadOptions extends RuntimeOptions {
  /** Run the AEMaaCS SDK validator rules (§11.2). Default: on for the AEMaaCS layout. */
  sdkValidation?: boolean
  /**
   * Judge as the SDK's validate.sh does, for `check`: an edited immutable file fails its phase 3.
   * Off when serving: docker_run.sh starts on such a project, with its own copy put back (validate/immutable-files.ts).
   */
  validateForDeploy?: boolean
  /** The workbench's own embedded default configuration (resources/default-config). */
  embedded?: boolean
  /**
   * Keep what the compile check compiled for compileConfig (precompiled.ts): for a caller that
   * serves the result next. Off by default: held on to, those objects only cost `check` time.
   */
  keepCompiled?: boolean
}

interface Located {
  layout: ConfigLayout
  /** Folder that relative Apache paths resolve against, and that `/etc/httpd` maps to. */
  serverRoot?: string
  apacheRoot?: string
  anyFile: string
  baseDir: string
}

export class ConfigInputError extends Error {
  readonly code = 'CONFIG_INPUT'
}

/** `memo`: the load's file-system memo (a fresh one when called on its own). */
export function locateConfig(input: string, memo: FsMemo = new FsMemo()): Located {
  const abs = path.resolve(input)
  const isFile = (p: string): boolean => memo.isFile(p)
  const isDir = (p: string): boolean => memo.isDir(p)
  if (!memo.exists(abs)) throw new ConfigInputError(`${input}: no such file or folder`)
  if (isFile(abs) && /\.conf$/i.test(abs)) {
    // An httpd.conf: the dispatcher.any is whatever its DispatcherConfig names.
    const serverRoot = serverRootOf(abs)
    return { layout: 'classic', apacheRoot: abs, serverRoot, anyFile: '', baseDir: serverRoot }
  }
  if (isFile(abs)) {
    const dir = path.dirname(abs)
    const httpd = [path.join(dir, 'httpd.conf')].find(isFile)
    return {
      layout: httpd ? 'classic' : 'any-file',
      anyFile: abs,
      apacheRoot: httpd,
      serverRoot: httpd ? serverRootOf(httpd) : undefined,
      baseDir: dir
    }
  }
  const candidates = [abs, path.join(abs, 'src'), path.join(abs, 'dispatcher', 'src')]
  const candidate =
    candidates.find((c) => isFile(path.join(c, 'conf.dispatcher.d', 'dispatcher.any'))) ??
    candidates.find((c) => apacheSide(c, memo))
  if (candidate !== undefined) {
    const anyFile = path.join(candidate, 'conf.dispatcher.d', 'dispatcher.any')
    const httpd = path.join(candidate, 'conf', 'httpd.conf')
    const vhostConf = path.join(candidate, 'conf.d', 'dispatcher_vhost.conf')
    const cloud =
      isDir(path.join(candidate, 'opt-in')) ||
      isFile(path.join(candidate, 'conf.d', 'available_vhosts', 'default.vhost')) ||
      (isFile(vhostConf) && !isFile(httpd) && !isDir(path.join(candidate, 'conf.modules.d')))
    return {
      layout: cloud ? 'aemaacs' : 'classic',
      serverRoot: candidate,
      // Without a project httpd.conf, load conf.d/*.conf the way the runtime's own httpd.conf does.
      apacheRoot: isFile(httpd) ? httpd : isDir(path.join(candidate, 'conf.d')) ? baseHttpdConf() : undefined,
      anyFile,
      baseDir: candidate
    }
  }
  const direct = path.join(abs, 'dispatcher.any')
  if (isFile(direct)) return locateConfig(direct, memo)
  throw new ConfigInputError(
    `${input}: found neither conf.dispatcher.d/dispatcher.any (AEMaaCS or AMS layout) nor dispatcher.any` +
      configsBelow(abs, input, (dir) => holdsConfig(dir, memo), memo)
  )
}

/**
 * A tree whose Apache side is there but whose dispatcher.any is not still loads: its
 * DispatcherConfig then names a missing file, which `check` reports where it is named.
 */
function apacheSide(dir: string, memo: FsMemo): boolean {
  return (
    memo.isFile(path.join(dir, 'conf.d', 'dispatcher_vhost.conf')) || memo.isFile(path.join(dir, 'conf', 'httpd.conf'))
  )
}

/** Whether `dir` itself (not its src/ or dispatcher/src/) is a folder locateConfig takes. */
function holdsConfig(dir: string, memo: FsMemo): boolean {
  return (
    memo.isFile(path.join(dir, 'conf.dispatcher.d', 'dispatcher.any')) ||
    apacheSide(dir, memo) ||
    memo.isFile(path.join(dir, 'dispatcher.any'))
  )
}

/** The runtime's own httpd.conf, for a layout whose project has none (the SDK image's stand-in). */
function baseHttpdConf(): string {
  return path.join(resourcesDir(), 'base-httpd.conf')
}

/** httpd.conf conventionally lives in `<ServerRoot>/conf/`. */
function serverRootOf(httpdConf: string): string {
  const dir = path.dirname(httpdConf)
  return path.basename(dir) === 'conf' ? path.dirname(dir) : dir
}

export function loadConfig(input: string, opts: LoadOptions = {}): LoadedConfig {
  const memo = new FsMemo()
  const loc = locateConfig(input, memo)
  const sink = new DiagnosticSink()
  const env = loc.layout === 'aemaacs' ? sdkEnvironment(opts) : amsEnvironment(opts)
  const scope = loc.layout === 'aemaacs' ? sdkScope(env) : new VariableScope(env)
  const files = new Set<string>()
  const watchDirs = new Set<string>()
  // AMS and SDK files name their own server root absolutely (`/etc/httpd/conf.dispatcher.d/…`).
  const mapAbsolute = loc.serverRoot ? etcHttpdMapper(loc.serverRoot, memo) : undefined

  let apache: ApacheConfig | undefined
  let apacheStopped = false
  let apacheParse: ((file: string) => ApacheParseResult | undefined) | undefined
  if (loc.apacheRoot && loc.serverRoot) {
    const loaded = loadApacheConfig({
      rootFile: loc.apacheRoot,
      serverRoot: loc.serverRoot,
      scope,
      sink,
      overlay: loc.layout === 'aemaacs' ? sdkOverlay() : undefined,
      modules: DEFAULT_LOADED_MODULES,
      // A project's own httpd.conf may name every module the server runs.
      declaresModules: loc.apacheRoot !== baseHttpdConf(),
      mapAbsolute,
      memo
    })
    apache = loaded.config
    apacheStopped = loaded.stopped
    // The SDK's catch-all vhost (dispatcher_vhost.conf) comes after the project's, which mostly
    // take every host (ServerAlias "*"): by design, and in a file the project cannot change.
    const sdkRoot = loc.layout === 'aemaacs' && loc.serverRoot ? loc.serverRoot : undefined
    if (!apacheStopped)
      reportShadowedVhosts(apache, sink, (f) => sdkRoot !== undefined && isImmutableSdkFile(sdkRoot, f))
    apacheParse = loaded.parsedFile
    loaded.files.forEach((f) => files.add(f))
    loaded.watchDirs.forEach((d) => watchDirs.add(d))
    // An AMS tree copied without its conf/ folder: traces then name base-httpd.conf's lines
    // (its <Directory "/">), a file the user has never seen. (An AEMaaCS project never has one:
    // the SDK image brings it, and the stand-in is what the user expects there.)
    if (loc.apacheRoot === baseHttpdConf() && loc.layout === 'classic')
      sink.info(
        'APACHE_BASE_HTTPD',
        'include',
        `${path.join(loc.serverRoot, 'conf', 'httpd.conf')} does not exist: the workbench's stand-in for it is read instead (${loc.apacheRoot}: the usual modules and server defaults, <Directory "/">, then Include conf.d/*.conf)`,
        { file: loc.apacheRoot, line: 1, column: 1 }
      )
  }

  let anyFile = dispatcherAnyFile(loc, apache, memo, mapAbsolute)
  // Reading the Apache side stopped before its DispatcherConfig (an include bomb): its error is
  // the answer, and an empty Dispatcher configuration stands in for the one never reached.
  const unreached = !anyFile && apacheStopped && loc.apacheRoot !== undefined
  if (unreached) anyFile = loc.apacheRoot!
  if (!anyFile) {
    throw new ConfigInputError(
      `${input}: the Apache configuration names no DispatcherConfig that exists, so there is no dispatcher.any to load`
    )
  }
  const anyOptions = {
    scope,
    sink,
    rootDir: path.dirname(anyFile),
    mapAbsolute,
    fallbackFile: loc.layout === 'aemaacs' ? sdkFallback(loc.serverRoot) : undefined,
    memo
  }
  const named = namedDispatcherConfig(apache)
  let doc
  if (unreached) doc = parseAnyText('', anyFile, anyOptions)
  else if (named && !memo.isFile(anyFile)) {
    // mod_dispatcher cannot read its configuration, and httpd does not start. Reported where the
    // file is named; the empty document keeps the missing file watched, so creating it reloads.
    sink.error(
      'ANY_FILE_MISSING',
      'include',
      `DispatcherConfig names ${named.value}, and ${anyFile} does not exist: the Dispatcher has no configuration (httpd would not start)`,
      named.pos
    )
    doc = parseAnyText('', anyFile, anyOptions)
  } else doc = parseAnyFile(anyFile, anyOptions)
  doc.files.forEach((f) => files.add(f))
  doc.globDirs.forEach((g) => watchDirs.add(g.dir))
  // (Never reached, the stand-in has no farms to complain of: the Apache error says it all.)
  const dispatcher = buildDispatcherConfig(doc, unreached ? new DiagnosticSink() : sink)
  // The SDK validator and the compile check both need every farm's compiled filter.
  const filters = new Map<Farm, CompiledFilter>()
  const filterOf = (farm: Farm): CompiledFilter => {
    let f = filters.get(farm)
    if (f === undefined) {
      f = compileFilter(farm.filter)
      filters.set(farm, f)
    }
    return f
  }

  if (loc.layout === 'aemaacs' && opts.sdkValidation !== false && loc.serverRoot) {
    validateSdkRules({
      srcDir: loc.serverRoot,
      dispatcher,
      apache,
      includes: doc.includes,
      sink,
      checkImmutable: !opts.embedded,
      immutableEditsFail: opts.validateForDeploy,
      memo,
      parsedApache: apacheParse,
      filterOf
    })
  }

  const variables: Record<string, string> = { ...env }
  for (const name of scope.definedNames()) variables[name] = scope.lookup(name) ?? ''
  const loaded: LoadedConfig = {
    layout: opts.embedded ? 'embedded-default' : loc.layout,
    input: path.resolve(input),
    baseDir: loc.baseDir,
    anyFile,
    dispatcher,
    apache,
    variables,
    environment: env,
    diagnostics: sink.items,
    files: [...files],
    watchDirs: [...watchDirs],
    loadedAt: Date.now()
  }
  // RewriteMap files through the memo: one the loaders read already is not read again. They
  // are watched like the configuration (httpd re-reads a txt: map whose file changed).
  const readMapFile = (p: string): string | null => {
    const got = memo.bytes(p)
    if (got.ok && !files.has(p)) {
      files.add(p)
      loaded.files.push(p)
    }
    return got.ok ? got.bytes.toString('utf8') : null
  }
  // What only shows when compiling for serving (bad filter regexes, rewrite/header directives).
  // What it compiles is kept for compileConfig, which would otherwise compile it all again.
  const vhosts = opts.keepCompiled ? new Map<VirtualHost, VhostApache>() : undefined
  for (const d of compileDiagnostics(loaded, filterOf, readMapFile, vhosts)) sink.add(d)
  // Deduplicated only now: the Apache loader moves positions after the fact (atReportedLines).
  loaded.diagnostics = uniqueDiagnostics(sink.items)
  if (vhosts) keepPrecompiled(loaded, { filters, vhosts })
  return loaded
}

/** The `DispatcherConfig` directive: the server-wide one, else the first vhost's. */
function namedDispatcherConfig(apache: ApacheConfig | undefined): ApacheConfig['dispatcherConfig'] {
  return apache?.dispatcherConfig ?? apache?.virtualHosts.find((v) => v.dispatcherConfig)?.dispatcherConfig
}

/** `DispatcherConfig` names the file (server-wide or per vhost); the layout's default otherwise. */
function dispatcherAnyFile(
  loc: Located,
  apache: ApacheConfig | undefined,
  memo: FsMemo,
  map?: (p: string) => string
): string {
  const named = namedDispatcherConfig(apache)?.value
  if (named && loc.serverRoot) {
    const resolved = path.isAbsolute(named) ? (map ? map(named) : named) : path.join(loc.serverRoot, named)
    if (memo.isFile(resolved)) return resolved
  }
  return loc.anyFile
}

/**
 * `memo`: the load's file-system memo. The mapper keeps its answers as long as it lives, so
 * make one per load (as loadConfig does).
 */
export function etcHttpdMapper(serverRoot: string, memo: FsMemo = new FsMemo()): (p: string) => string {
  return (p: string) => {
    if (memo.exists(p)) return p
    const m = /^\/etc\/httpd(\/.*)?$/.exec(p.replace(/\\/g, '/'))
    return m ? path.join(serverRoot, m[1] ?? '') : p
  }
}

/** Files the SDK generates or ships at runtime (renders/default_renders.any, …) when the project lacks them. */
function sdkFallback(serverRoot: string | undefined): ((p: string) => string | undefined) | undefined {
  if (!serverRoot) return undefined
  const overlay = sdkOverlay()
  return (p: string) => {
    const rel = path.relative(serverRoot, p).split(path.sep).join('/')
    return overlay[rel]
  }
}
