/**
 * The composition root: loads and compiles the configuration, runs the proxy, keeps the
 * last traces in a ring buffer, publishes events and swaps configurations on hot reload.
 */
import path from 'node:path'
import type { LoadedConfig } from '../../shared/config-model'
import type { Diagnostic } from '../../shared/diagnostics'
import type { RequestTrace } from '../../shared/trace'
import type { CacheEvent } from '../../shared/cache-types'
import type { FallbackFarm, RenderHealth, RuntimeSettings } from '../../shared/api'
import { probeReachability } from './upstream/reachability'
import { AwaitedTraces, type Endpoint } from './awaited-traces'
import { internalRequest } from './pipeline/internal-request'
import { defaultDocroot } from './runtime/cache-runtime'
import { loadConfig, type LoadOptions } from './config/load'
import { runModeOf } from './config/loaders/environment'
import type { RuntimeChange } from '../../shared/runtime-settings'
import { ConfigWatcher, type WatchProblem } from './config/watch'
import { dependedOn } from './config/watch-points'
import { warningsItBrings } from './config/refused-warnings'
import { EventBus, RingBuffer } from './events'
import { explainRequest, type ExplainInput } from './explain'
import { resourcesDir } from './resources'
import { compileConfig, type ActiveConfig } from './runtime/active-config'
import { RenderRegistry } from './runtime/render-registry'
import { ProxyServer } from './server'

export type EngineEvent =
  | { type: 'trace'; trace: RequestTrace }
  | { type: 'cache'; event: CacheEvent }
  | { type: 'renders'; renders: RenderHealth[] }
  /** A path the watcher cannot watch (a symlink loop, a folder it may not read): once per path and code. */
  | { type: 'watch'; problem: WatchProblem }
  | {
      type: 'config'
      ok: boolean
      at: number
      generation: number
      input: string
      errors: Diagnostic[]
      /** Loaded: the configuration's warnings. Refused: those the refused load adds (refused-warnings.ts). */
      warnings: Diagnostic[]
    }

/** The last reload: a refused one has its errors and the warnings it adds to the serving configuration's. */
export interface ReloadStatus {
  ok: boolean
  at: number
  errors: Diagnostic[]
  warnings: Diagnostic[]
}

export interface EngineOptions extends LoadOptions {
  /** Configuration folder or file; the embedded default when absent. */
  config?: string
  host?: string
  port?: number
  /** Requests whose traces are kept for the UI (default 10,000; 0 keeps none, still publishing each one). */
  ringSize?: number
  /** Watch the configuration's files and reload on change (default true). */
  watch?: boolean
  /** Debounce for file changes in ms (default 150). */
  debounceMs?: number
  /** Accept self-signed certificates from `/secure "1"` renders (a local AEM with its own certificate). */
  allowSelfSigned?: boolean
  /** How long a client may take to send a request head before it gets 408 (default 60 s, Node's). */
  headersTimeoutMs?: number
  /** The farm used when no `/virtualhosts` value matches (default `last`, as the 4.3.x module does). */
  fallbackFarm?: FallbackFarm
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[]
  ) {
    super(message)
  }
}

export class Engine {
  readonly events = new EventBus<EngineEvent>()
  readonly traces: RingBuffer<RequestTrace>
  private readonly registry = new RenderRegistry()
  private current!: ActiveConfig
  /** Recent configurations by generation, so explanations of older traces use the rules they ran on. */
  private readonly recent = new Map<number, ActiveConfig>()
  private generation = 0
  private seq = 0
  private server?: ProxyServer
  private watcher?: ConfigWatcher
  /** The serving configuration's reachability probe (startBackground). */
  private probing: Promise<void> = Promise.resolve()
  /** When the last load from disk began: what changed after it is reloaded for (watch.ts). */
  private loadBegan = 0
  private lastReload: ReloadStatus = { ok: true, at: 0, errors: [], warnings: [] }
  url?: string

  constructor(readonly opts: EngineOptions = {}) {
    this.traces = new RingBuffer(opts.ringSize ?? 10_000)
  }

  /** The traces the UI's own requests wait for, by the connection they come on (awaited-traces.ts). */
  readonly ownRequests = new AwaitedTraces()

  /** `client`: the connection the request came on (none for the engine's own refetches). */
  private record(trace: RequestTrace, client?: Endpoint): void {
    this.traces.push(trace)
    if (client) this.ownRequests.published(trace, client)
    if (this.events.hasListeners) this.events.emit({ type: 'trace', trace })
  }

  /** The cache folder: `--docroot`, else one per configuration inside the workbench's own cache folder. */
  get docroot(): string {
    return this.opts.docroot ?? defaultDocroot(this.configInput)
  }

  get configInput(): string {
    return this.opts.config ?? path.join(resourcesDir(), 'default-config')
  }

  get active(): ActiveConfig {
    return this.current
  }

  get reloadStatus(): ReloadStatus {
    return this.lastReload
  }

  /** Loads the configuration; throws ConfigError when it has errors (nothing is swapped). */
  load(): ActiveConfig {
    const loaded = this.loadFromDisk()
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
    if (errors.length > 0) throw new ConfigError(`configuration has ${errors.length} error(s)`, errors)
    return this.swap(loaded)
  }

  /**
   * Loads the configuration, waiting for a good one: httpd does not start on a configuration
   * with errors, and neither does the proxy (start() comes after this), but a developer who
   * starts mid-edit need not start again. Each load with errors is told to `refused` (its errors
   * and warnings) and what it was read from is watched; settles once a load has none (it is then
   * the active configuration), or with undefined when `cancelled` settles first. A first load
   * that throws (a mistyped path, a folder with no configuration: ConfigInputError) throws, as
   * load() does: there is no configuration to fix, so nothing to wait for.
   */
  async loadWhenGood(
    refused: (errors: Diagnostic[], warnings: Diagnostic[]) => void,
    cancelled: Promise<void>
  ): Promise<ActiveConfig | undefined> {
    let stop = false
    void cancelled.then(() => (stop = true))
    for (let attempt = 0; !stop; attempt++) {
      let loaded: LoadedConfig | undefined
      let errors: Diagnostic[]
      try {
        loaded = this.loadFromDisk()
        errors = loaded.diagnostics.filter((d) => d.severity === 'error')
      } catch (e) {
        if (attempt === 0) throw e
        // Later, the configuration that was there is mid-edit (a folder replaced by a copy).
        errors = [inputErrorDiagnostic(e)]
      }
      if (loaded && errors.length === 0) return this.swap(loaded)
      refused(errors, loaded?.diagnostics.filter((d) => d.severity === 'warning') ?? [])
      const paths = loaded ? dependedOn(loaded) : [path.resolve(this.configInput)]
      let watcher: ConfigWatcher | undefined
      await Promise.race([
        new Promise<void>(
          (resolve) =>
            (watcher = new ConfigWatcher(paths, this.loadBegan, resolve, this.opts.debounceMs ?? 150, {
              read: loaded?.files,
              onProblem: this.watchProblem
            }))
        ),
        cancelled
      ])
      await watcher?.close()
    }
    return undefined
  }

  private loadFromDisk(): LoadedConfig {
    this.loadBegan = Date.now()
    return loadConfig(this.configInput, {
      ...this.opts,
      docroot: this.docroot,
      embedded: this.opts.config === undefined,
      // Compiled next (swap): what the load's compile check compiled is served as it is.
      keepCompiled: true
    })
  }

  private swap(loaded: LoadedConfig): ActiveConfig {
    const used = new Set<string>()
    const next = compileConfig(
      loaded,
      ++this.generation,
      this.registry,
      used,
      (event) => this.events.emit({ type: 'cache', event }),
      {
        allowSelfSigned: this.opts.allowSelfSigned,
        fallbackFarm: this.opts.fallbackFarm,
        cacheFolder: this.docroot
      }
    )
    // A re-fetching flush stores the listed pages again through this engine's pipeline (§7.4).
    next.refetch = async (host, uri) => {
      const trace = await internalRequest(this.current, 'GET', uri, host, ++this.seq)
      this.record(trace)
      return `${uri}: ${trace.outcome} ${trace.response.status}`
    }
    const first = this.current === undefined
    const previous = this.current
    this.current = next
    for (const farm of next.farms) {
      // What was learnt about the renders survives a reload (same farm, render and address).
      const before = previous?.farms.find((f) => f.farm.name === farm.farm.name)
      if (before) farm.statistics.adopt(before.statistics)
      farm.statistics.onHealthChange(() => this.events.emit({ type: 'renders', renders: this.renderHealth() }))
    }
    if (previous) {
      for (const f of previous.farms) f.vanity?.stop()
      // The previous generation's stores finish their in-flight writes, then close.
      setTimeout(() => previous.farms.forEach((f) => f.cache?.store?.close()), 30_000).unref()
    }
    if (this.server) this.startBackground(next)
    this.recent.set(next.generation, next)
    for (const g of this.recent.keys()) if (g <= next.generation - 16) this.recent.delete(g)
    if (!first) this.registry.retire(used)
    this.lastReload = { ok: true, at: Date.now(), errors: [], warnings: [] }
    this.events.emit({
      type: 'config',
      ok: true,
      at: this.lastReload.at,
      generation: next.generation,
      input: loaded.input,
      errors: [],
      warnings: loaded.diagnostics.filter((d) => d.severity === 'warning')
    })
    return next
  }

  /**
   * Reloads from disk. A configuration with errors is refused: the previous one keeps
   * serving and an event names the problems with file:line:col.
   */
  reload(): { ok: boolean; errors: Diagnostic[] } {
    let loaded: LoadedConfig | undefined
    let inputError: Diagnostic | undefined
    try {
      loaded = this.loadFromDisk()
    } catch (e) {
      inputError = inputErrorDiagnostic(e)
    }
    const result = loaded ? this.adopt(loaded) : this.refuse([inputError!])
    // A refused configuration's own files are watched too: fixing the one it newly includes
    // has to reload. A folder that is gone is watched for its return (watch-points.ts).
    this.rewatch(result.ok ? undefined : loaded, loaded)
    return result
  }

  /**
   * Points the watcher afresh at what the serving configuration (and a refused one) depend on.
   * `justLoaded`: the load this follows (none when it threw), whose files were read.
   */
  private rewatch(refused: LoadedConfig | undefined, justLoaded: LoadedConfig | undefined): void {
    const paths = dependedOn(this.current.loaded)
    if (refused) paths.push(...dependedOn(refused))
    this.watcher?.update(paths, this.loadBegan, justLoaded?.files ?? [])
  }

  /** Told once per path and code for the engine's life: serve's waiting start and start() each have a watcher. */
  private readonly watchProblem = (problem: WatchProblem): void => {
    const key = `${problem.code}\0${problem.path}`
    if (this.watchProblems.has(key)) return
    this.watchProblems.add(key)
    this.events.emit({ type: 'watch', problem })
  }

  private readonly watchProblems = new Set<string>()

  /** Serves `loaded` unless it has errors, which refuse it (the previous configuration keeps serving). */
  private adopt(loaded: LoadedConfig): { ok: boolean; errors: Diagnostic[] } {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
    if (errors.length > 0) return this.refuse(errors, warningsItBrings(loaded, this.current?.loaded))
    this.swap(loaded)
    return { ok: true, errors: [] }
  }

  private refuse(errors: Diagnostic[], warnings: Diagnostic[] = []): { ok: false; errors: Diagnostic[] } {
    this.lastReload = { ok: false, at: Date.now(), errors, warnings }
    this.events.emit({
      type: 'config',
      ok: false,
      at: this.lastReload.at,
      generation: this.generation,
      input: this.configInput,
      errors,
      warnings
    })
    return { ok: false, errors }
  }

  async start(): Promise<string> {
    if (!this.current) this.load()
    this.server = new ProxyServer({
      host: this.opts.host ?? '127.0.0.1',
      port: this.opts.port ?? 8080,
      active: () => this.current,
      nextSeq: () => ++this.seq,
      onTrace: (trace, client) => this.record(trace, client),
      headersTimeoutMs: this.opts.headersTimeoutMs
    })
    const addr = await this.server.listen()
    this.startBackground(this.current)
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
    this.url = `http://${host}:${addr.port}`
    if (this.opts.watch !== false) {
      const paths = dependedOn(this.current.loaded)
      this.watcher = new ConfigWatcher(paths, this.loadBegan, () => this.reload(), this.opts.debounceMs ?? 150, {
        read: this.current.loaded.files,
        onProblem: this.watchProblem
      })
      await this.watcher.ready()
    }
    return this.url
  }

  /** The configuration a trace ran on (undefined when it is too old to be kept). */
  configOf(trace: RequestTrace): ActiveConfig | undefined {
    return this.recent.get(trace.generation)
  }

  findTrace(id: string): RequestTrace | undefined {
    return this.traces.find((t) => t.id === id)
  }

  /**
   * Points the engine at another configuration. Like a reload, a configuration with errors
   * is refused and the current one keeps serving. A path that is no configuration at all (no
   * such folder, no dispatcher.any in it) throws its ConfigInputError instead: that is a
   * mistyped path for whoever asked, not a failed reload of the configuration in use, which
   * stays as it was.
   */
  openConfig(input: string): { ok: boolean; errors: Diagnostic[] } {
    const previous = this.opts.config
    this.opts.config = input
    let loaded: LoadedConfig
    try {
      loaded = this.loadFromDisk()
    } catch (e) {
      this.opts.config = previous
      throw e
    }
    const result = this.adopt(loaded)
    if (!result.ok) this.opts.config = previous
    // Another configuration: watched afresh (a refused one leaves the watcher as it was).
    else this.rewatch(undefined, loaded)
    return result
  }

  /** How the configuration is run now (`--aem`, `--run-mode`, `--fallback-farm`, or the UI). */
  get runtime(): RuntimeSettings {
    const aem = this.opts.aem
    return {
      aem: aem ? `${aem.host.includes(':') ? `[${aem.host}]` : aem.host}:${aem.port}` : null,
      runMode: runModeOf(this.opts),
      fallbackFarm: this.opts.fallbackFarm ?? 'last'
    }
  }

  /**
   * Reloads with other runtime settings (an `aem` of null: the configuration's own render
   * address). Like a reload, a configuration with errors is refused, the current one keeps
   * serving, and the settings stay as they were.
   */
  setRuntime(settings: RuntimeChange): { ok: boolean; errors: Diagnostic[] } {
    const before = { aem: this.opts.aem, runMode: this.opts.runMode, fallbackFarm: this.opts.fallbackFarm }
    if (settings.aem !== undefined) this.opts.aem = settings.aem ?? undefined
    if (settings.runMode !== undefined) this.opts.runMode = settings.runMode
    if (settings.fallbackFarm !== undefined) this.opts.fallbackFarm = settings.fallbackFarm
    const result = this.reload()
    if (!result.ok) Object.assign(this.opts, before)
    return result
  }

  /** Health of every render of every farm (for the UI's renders panel). */
  renderHealth(): RenderHealth[] {
    return this.current?.farms.flatMap((f) => f.statistics.health()) ?? []
  }

  /**
   * What only a serving engine does: vanity URL lists are fetched, renders probed. Neither
   * blocks start-up — the app shows "publish not reachable" instead of waiting like the SDK.
   */
  private startBackground(active: ActiveConfig): void {
    for (const f of active.farms) void f.vanity?.start()
    this.probing = Promise.all(active.farms.map((f) => probeReachability(f.farm.renders, f.statistics))).then(
      () => undefined
    )
  }

  /**
   * Settles when the serving configuration's renders have been probed (renderHealth then says
   * which answer): a probe gives up after the render's /timeout, at most 5 s.
   */
  reachabilityProbed(): Promise<void> {
    return this.probing
  }

  /** Runs the pipeline for one request without contacting any render. */
  explain(input: ExplainInput): RequestTrace {
    if (!this.current) this.load()
    // A serving engine has its lists (startBackground); without one, what `/file` holds.
    if (!this.server) for (const f of this.current.farms) f.vanity?.useStoredFile()
    return explainRequest(this.current, input, ++this.seq)
  }

  async stop(): Promise<void> {
    for (const f of this.current?.farms ?? []) f.vanity?.stop()
    await this.watcher?.close()
    await this.server?.close()
    await Promise.all(this.current?.farms.map((f) => f.cache?.store?.close()) ?? [])
    await this.registry.closeAll()
  }
}

/**
 * A load that threw, as a diagnostic: a path that is no configuration (ConfigInputError) or
 * one the loader could not read. Any Error: a reload runs on a timer, where nothing else would
 * catch it and the process would end instead of the previous configuration serving on.
 */
function inputErrorDiagnostic(e: unknown): Diagnostic {
  return { severity: 'error', code: 'CONFIG_INPUT', category: 'include', message: (e as Error).message }
}
