/**
 * EngineApi on top of the Engine: what the UI may ask, as plain JSON, for both transports
 * (Electron IPC and the headless HTTP + WebSocket server).
 *
 * Explanations are rebuilt here, not on the request path: a served trace records only the
 * filter's decision, and `getTrace` evaluates every rule again against the configuration
 * generation the request ran on. Events to the UI are batched: at most one `traces` event
 * per 100 ms carrying summary rows; full traces are fetched one at a time on demand.
 *
 * `dropped` (in `listTraces` and in `traces` events) counts requests the receiver will never
 * get from that answer: for `listTraces`, those pushed out of the ring buffer plus older ones
 * left out by `limit`; for an event, those left out because the batch was over its bound.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {
  ConfigStatus,
  EngineApi,
  EngineUiEvent,
  RenderHealth,
  ReplayResult,
  RuntimeSettings,
  TraceDetail,
  TraceSummary
} from '../../shared/api'
import type {
  CacheFolderListing,
  CacheTotals,
  FlushAction,
  FlushPreview,
  FlushReport,
  FlushRequestPreview,
  FlushSent
} from '../../shared/cache-types'
import type { LoadedConfig } from '../../shared/config-model'
import type { FilterResult } from '../../shared/trace-match'
import type { AcceptDetail, RequestTrace } from '../../shared/trace'
import type { CacheEvent } from '../../shared/cache-types'
import { parseRuntimeChange, type RuntimeChange } from '../../shared/runtime-settings'
import { answeringRender } from '../../shared/log-line'
import { planFlush, type FlushPlan } from './cache/flush'
import { previewFlush } from './cache/flush-preview'
import { parseInvalidation } from './cache/flush-request'
import { cacheTotals, listFolder } from './cache/inspect'
import type { CacheStore } from './cache/store'
import { walkDocroot } from './cache/tree-walk'
import type { Engine, EngineEvent } from './engine'
import type { ActiveFarm } from './runtime/active-config'
import { ConfigInputError } from './config/load'
import { explainRequest } from './explain'
import { toByteString } from './apache-expr/uri-escape'
import { isFlushOnly } from './config/model/build'
import { chooseFlushRoute } from './flush-target'
import { sendThroughListener } from './own-request'
import { evaluateFilter } from './pipeline/filter'
import { normaliseTarget } from './pipeline/normalise-url'

export interface EngineApiOptions {
  /** Minimum time between two `traces` events (default 100 ms). */
  batchMs?: number
  /** Most rows in one `traces` event; older ones in the same window are counted as dropped (default 5,000). */
  maxBatch?: number
  /** Minimum time between two `renders` events (default 1,000 ms): health changes and request counts. */
  rendersMs?: number
}

/** Thrown by the cache methods for a farm that caches nothing. */
export class CacheUnavailableError extends Error {
  readonly code = 'CACHE_UNAVAILABLE'
  constructor(farm: string, why: string) {
    super(`cache not available for this farm: /${farm} (${why})`)
  }
}

export class BadInputError extends Error {
  readonly code = 'BAD_REQUEST'
}

export class UnknownTraceError extends Error {
  readonly code = 'TRACE_UNKNOWN'
  constructor(id: string) {
    super(`no request ${id} in the log (it was cleared or pushed out of the ring buffer)`)
  }
}

/** Headers that describe the original connection or body, which a replay without the body cannot reuse. */
const NOT_REPLAYED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'expect', 'upgrade'])

export function summarize(t: RequestTrace): TraceSummary {
  return {
    id: t.id,
    seq: t.seq,
    startedAt: t.startedAt,
    method: t.request.method,
    host: t.request.host,
    url: t.request.url,
    farm: t.farm ?? null,
    status: t.response.status,
    outcome: t.outcome,
    rule: t.decidingRule?.label ?? null,
    render: answeringRender(t),
    durationMs: t.durationMs,
    bytes: t.response.bytes,
    cacheInfo: t.cacheInfo ?? null
  }
}

export class LocalEngineApi implements EngineApi {
  private readonly listeners = new Set<(event: EngineUiEvent) => void>()
  private unsubscribeEngine?: () => void
  private pending: RequestTrace[] = []
  private pendingCache: CacheEvent[] = []
  private cacheTimer?: NodeJS.Timeout
  private flushTimer?: NodeJS.Timeout
  private lastFlush = 0
  private rendersTimer?: NodeJS.Timeout
  private lastRenders = 0
  private readonly batchMs: number
  private readonly maxBatch: number
  private readonly rendersMs: number

  constructor(
    readonly engine: Engine,
    opts: EngineApiOptions = {}
  ) {
    this.batchMs = opts.batchMs ?? 100
    this.maxBatch = opts.maxBatch ?? 5000
    this.rendersMs = opts.rendersMs ?? 1000
  }

  async listTraces(
    opts: { afterSeq?: number; limit?: number } = {}
  ): Promise<{ traces: TraceSummary[]; dropped: number }> {
    const after = opts.afterSeq ?? 0
    const limit = Math.max(0, Math.min(opts.limit ?? this.engine.traces.capacity, this.engine.traces.capacity))
    const ring = this.engine.traces
    const newest = ring.newest(limit, (t) => t.seq > after)
    const all = ring.toArray()
    let older = 0
    if (newest.length === limit) {
      const oldestKept = newest.length > 0 ? newest[0].seq : Infinity
      for (const t of all) if (t.seq > after && t.seq < oldestKept) older++
    }
    // After a reconnect: requests newer than the caller's last one that the ring no longer holds.
    const gone =
      after === 0 ? ring.dropped : ring.dropped > 0 && all.length > 0 ? Math.max(0, all[0].seq - after - 1) : 0
    return { traces: newest.map(summarize), dropped: gone + older }
  }

  async getTrace(id: string): Promise<TraceDetail | null> {
    const trace = this.engine.findTrace(id)
    if (!trace) return null
    return { trace, filter: this.filterExplanation(trace) }
  }

  /** Every filter rule evaluated again, on the configuration the request ran on. */
  private filterExplanation(trace: RequestTrace): FilterResult | null {
    if (!trace.stages.some((s) => s.stage === 'filter')) return null
    const config = this.engine.configOf(trace)
    const farm = config?.farms.find((f) => f.farm.name === trace.farm)
    if (!config || !farm) return null
    const target = filterTarget(trace, config.vhosts.find((v) => v.label === trace.vhost)?.encodedSlashes ?? 'off')
    if (!target) return null
    return evaluateFilter(farm.filter, {
      method: trace.request.method,
      url: target.path,
      query: target.query,
      protocol: trace.request.protocol
    })
  }

  async clearTraces(): Promise<void> {
    this.engine.traces.clear()
    this.pending = []
  }

  /**
   * Sends the request again through the proxy as the browser sent it (method, target, headers).
   * Bodies are not kept in traces, so a replayed POST goes without its body.
   */
  async replay(id: string): Promise<ReplayResult> {
    const original = this.engine.findTrace(id)
    if (!original) throw new UnknownTraceError(id)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(original.request.headers)) if (!NOT_REPLAYED.has(k)) headers[k] = v
    const { method, url } = original.request
    const { status, trace } = await this.sendThroughProxy(method, url, headers)
    return { status, traceId: trace?.id ?? null }
  }

  /**
   * Sends a request to the proxy's own listener, so it runs and is logged like any other, and
   * returns its status and the trace that very request left (own-request.ts).
   */
  private async sendThroughProxy(
    method: string,
    target: string,
    headers: Record<string, string>
  ): Promise<{ status: number; trace: RequestTrace | null }> {
    const base = this.engine.url
    if (!base) throw new Error('the proxy is not listening')
    return sendThroughListener(base, this.engine.ownRequests, method, target, headers)
  }

  async getConfigStatus(): Promise<ConfigStatus> {
    return this.configStatus()
  }

  private configStatus(): ConfigStatus {
    const active = this.engine.active
    const loaded = active.loaded
    const reload = this.engine.reloadStatus
    return {
      input: loaded.input,
      layout: loaded.layout,
      baseDir: loaded.baseDir,
      anyFile: loaded.anyFile,
      files: loaded.files.map((file) => ({
        file,
        relative: path.relative(loaded.baseDir, file) || path.basename(file)
      })),
      farms: loaded.dispatcher.farms.map((f) => ({
        name: f.name,
        virtualhosts: f.virtualhosts.map((v) => v.value),
        renders: f.renders.map((r) => r.label),
        pos: f.pos
      })),
      warnings: loaded.diagnostics.filter((d) => d.severity === 'warning'),
      generation: active.generation,
      lastReload: { at: reload.at, ok: reload.ok, errors: reload.errors, warnings: reload.warnings },
      proxyUrl: this.engine.url ?? null,
      variables: this.shownVariables(active.generation, loaded),
      runtime: this.engine.runtime
    }
  }

  private variablesShown: { generation: number; values: Record<string, string> } | null = null

  /**
   * The variables the configuration refers to (`${NAME}`, `%{ENV:NAME}`) and Apache's Defines:
   * the loader keeps the whole process environment, which the UI has no business showing
   * (it may hold credentials).
   */
  private shownVariables(generation: number, loaded: LoadedConfig): Record<string, string> {
    if (this.variablesShown?.generation === generation) return this.variablesShown.values
    const names = new Set(Object.keys(loaded.apache?.defines ?? {}))
    for (const file of loaded.files) {
      let text = ''
      try {
        text = fs.readFileSync(file, 'utf8')
      } catch {
        continue
      }
      for (const m of text.matchAll(/\$\{(\w+)\}|%\{ENV:(\w+)\}/g)) names.add(m[1] ?? m[2])
    }
    const values: Record<string, string> = {}
    for (const [k, v] of Object.entries(loaded.variables)) if (names.has(k)) values[k] = v
    this.variablesShown = { generation, values }
    return values
  }

  async reloadConfig(): Promise<ConfigStatus> {
    this.engine.reload()
    return this.configStatus()
  }

  async openConfig(input: string): Promise<ConfigStatus> {
    if (typeof input !== 'string' || input.trim() === '') throw new Error('openConfig expects a folder or file path')
    try {
      this.engine.openConfig(path.resolve(input.trim()))
    } catch (e) {
      if (e instanceof ConfigInputError) throw new BadInputError(e.message)
      throw e
    }
    return this.configStatus()
  }

  async setRuntime(settings: Partial<RuntimeSettings>): Promise<ConfigStatus> {
    let change: RuntimeChange
    try {
      change = parseRuntimeChange(settings)
    } catch (e) {
      throw new BadInputError((e as Error).message)
    }
    this.engine.setRuntime(change)
    return this.configStatus()
  }

  /**
   * The farm's cache store while its `/cache/docroot` exists, looked at now (a folder made after
   * the load counts at once, as for requests; runtime/cache-runtime.ts).
   */
  private cacheOf(farm: string): CacheStore {
    const active = this.engine.active.farms.find((f) => f.farm.name === farm)
    if (!active) throw new BadInputError(`no farm /${farm} in the configuration`)
    const cache = active.cache
    if (!cache) throw new CacheUnavailableError(farm, 'it has no /cache section')
    if (!cache.store) throw new CacheUnavailableError(farm, 'it has no /docroot')
    if (!cache.store.docrootExists()) throw new CacheUnavailableError(farm, 'its /docroot does not exist')
    return cache.store
  }

  /** The plan an invalidation request with these headers would carry out (§7.1, §7.3). */
  private flushPlan(store: CacheStore, handle: string, action: FlushAction, resourceOnly: boolean): FlushPlan {
    const parsed = parseInvalidation(invalidationHeaders(handle, action, resourceOnly))
    if (!parsed.ok) throw new BadInputError(parsed.reason)
    return planFlush(store.policy, parsed.request)
  }

  async listCacheFolder(farm: string, relPath: string): Promise<CacheFolderListing> {
    return listFolder(this.cacheOf(farm), relPath)
  }

  async cacheTotals(farm: string): Promise<CacheTotals> {
    return cacheTotals(this.cacheOf(farm))
  }

  /**
   * What the flush will do and the request it will send (`flushRequest`, the same the flush
   * sends). A flush farm sharing the docroot judges the request with its own /statfileslevel
   * and /invalidate, so its store previews it.
   */
  async previewFlush(farm: string, handle: string, action: FlushAction, resourceOnly = false): Promise<FlushPreview> {
    const store = this.cacheOf(farm)
    // Made first: a handle the flush would refuse is refused before any Host is tried with it.
    const plan = this.flushPlan(store, handle, action, resourceOnly)
    let request: FlushRequestPreview
    try {
      request = this.flushRequest(farm, handle, action, resourceOnly)
    } catch (e) {
      return { ...previewFlush(store, plan), requestProblem: (e as Error).message }
    }
    if (request.farm === farm) return { ...previewFlush(store, plan), request }
    const through = this.cacheOf(request.farm)
    return { ...previewFlush(through, this.flushPlan(through, handle, action, resourceOnly)), request }
  }

  /**
   * The invalidation request AEM's flush agent sends (§7.1) for this farm, with a Host (and
   * target) that selects it through its `/virtualhosts`, tried with `explain` first
   * (flush-target.ts); on AMS the Host of the flush farm caching into the same docroot, as the
   * agent's `Host: flush`. Throws when no Host reaches the farm or the proxy is not listening.
   */
  private flushRequest(farm: string, handle: string, action: FlushAction, resourceOnly: boolean): FlushRequestPreview {
    const base = this.engine.url
    if (!base) throw new Error('the proxy is not listening')
    const listener = new URL(base)
    const client = listener.hostname.replace(/^\[|\]$/g, '')
    const active = this.engine.active
    const own = active.farms.find((f) => f.farm.name === farm)
    const values = own?.farm.virtualhosts.map((v) => v.value) ?? []
    const docroot = own?.cache?.store?.docroot.root
    // Bottom-up, as the module walks farms (§3.3): the last flush farm is the one `Host: flush` selects.
    const sharesDocroot = (f: ActiveFarm): boolean =>
      !!docroot && !!f.cache?.store && path.resolve(f.cache.store.docroot.root) === path.resolve(docroot)
    const flushFarms = active.farms
      .filter((f) => f !== own && isFlushOnly(f.farm) && sharesDocroot(f))
      .reverse()
      .map((f) => ({ name: f.farm.name, values: f.farm.virtualhosts.map((v) => v.value) }))
    const route = chooseFlushRoute(farm, values, flushFarms, ['localhost', listener.host], (host, target) =>
      explainRequest(
        active,
        { method: 'POST', url: target, host, client, headers: flushHeaders(handle, action, resourceOnly) },
        0
      )
    )
    if (!route)
      throw new BadInputError(
        `no Host reaches farm /${farm} as an invalidation request: its /virtualhosts values are taken by farms further down, or the Apache layer does not hand them to the Dispatcher`
      )
    return {
      method: 'POST',
      target: route.target,
      headers: Object.entries({ Host: route.host, ...flushHeaders(handle, action, resourceOnly) }),
      farm: route.farm,
      value: route.value,
      hostReason: route.reason,
      ...(route.farm !== farm
        ? { flushFarmNote: `as AMS's flush agent: Host: ${route.host} → /${route.farm}, same docroot as /${farm}` }
        : {})
    }
  }

  /**
   * Sends the invalidation request AEM's flush agent sends (§7.1) to the proxy's own listener,
   * with a Host (and target) that selects the farm through its `/virtualhosts`, so it goes
   * through the Apache layer, `/allowedClients` and the flush stage, and is logged and traced
   * like any request; what it did is read back from its trace.
   */
  async flush(farm: string, handle: string, action: FlushAction, resourceOnly = false): Promise<FlushSent> {
    this.flushPlan(this.cacheOf(farm), handle, action, resourceOnly)
    const request = this.flushRequest(farm, handle, action, resourceOnly)
    // The handle is text (a file name): sent as AEM's agent sends it, UTF-8 bytes, not Node's latin1 of the characters.
    const wire = Object.fromEntries(request.headers.map(([k, v]) => [k, toByteString(v)]))
    const { status, trace } = await this.sendThroughProxy('POST', request.target, wire)
    const stage = trace?.stages.find((s) => s.stage === 'flush') ?? trace?.stages.at(-1)
    // A reload between the choice and the send could hand the request to another farm: said, not reported as this one's.
    const elsewhere = trace?.farm !== undefined && trace.farm !== request.farm
    return {
      request: { method: 'POST', target: request.target, headers: request.headers },
      hostReason: request.flushFarmNote ? `${request.hostReason} (${request.flushFarmNote})` : request.hostReason,
      status,
      traceId: trace?.id ?? null,
      summary: elsewhere ? `the request reached farm /${trace!.farm}, not /${request.farm}` : (stage?.summary ?? null),
      report: elsewhere ? null : flushReportOf(stage?.stage === 'flush' ? stage.detail : undefined)
    }
  }

  /**
   * Empties a cache folder as `rm -rf folder/*` would: documents, companions and `.stat` files.
   * Counts the cached documents removed.
   */
  async clearCacheFolder(farm: string, relPath: string): Promise<{ deleted: number }> {
    const store = this.cacheOf(farm)
    const dir = insideDocroot(store, relPath)
    let deleted = 0
    walkDocroot(dir, (e) => void (e.role === 'document' && deleted++), { maxEntries: 1_000_000 })
    let names: string[] = []
    try {
      names = fs.readdirSync(dir)
    } catch {
      return { deleted: 0 }
    }
    const relDir = relPath.replace(/\/+$/, '')
    for (const name of names) {
      const abs = path.join(dir, name)
      if (store.docroot.removeEntry(abs) === null) continue
      store.hot.forgetUnder(abs)
    }
    store.statIndex.forgetUnder(relDir || '/')
    store.emit({
      type: 'cache-discarded',
      farm,
      relPath: relDir || '/',
      reason: 'folder cleared from the workbench',
      at: store.now()
    })
    return { deleted }
  }

  async cachePath(farm: string, relPath: string): Promise<string> {
    return insideDocroot(this.cacheOf(farm), relPath)
  }

  async getRenders(): Promise<RenderHealth[]> {
    return this.engine.renderHealth()
  }

  subscribe(listener: (event: EngineUiEvent) => void): () => void {
    this.listeners.add(listener)
    this.unsubscribeEngine ??= this.engine.events.subscribe((e) => this.onEngineEvent(e))
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size > 0) return
      this.unsubscribeEngine?.()
      this.unsubscribeEngine = undefined
      clearTimeout(this.flushTimer)
      clearTimeout(this.rendersTimer)
      clearTimeout(this.cacheTimer)
      this.flushTimer = this.rendersTimer = this.cacheTimer = undefined
      this.pending = []
      this.pendingCache = []
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type === 'config') {
      this.emit({ type: 'config', status: this.configStatus() })
      return
    }
    if (e.type === 'cache') {
      this.pendingCache.push(e.event)
      this.cacheTimer ??= setTimeout(() => this.flushCache(), this.batchMs)
      return
    }
    if (e.type === 'renders') {
      this.scheduleRenders()
      return
    }
    // Said where the workbench was started (serve prints it): the UI shows loads, not the watcher.
    if (e.type === 'watch') return
    this.pending.push(e.trace)
    if (this.flushTimer) return
    const wait = Math.max(0, this.lastFlush + this.batchMs - Date.now())
    this.flushTimer = setTimeout(() => this.flushTraces(), wait)
  }

  private flushTraces(): void {
    this.flushTimer = undefined
    this.lastFlush = Date.now()
    const all = this.pending
    this.pending = []
    const kept = all.length > this.maxBatch ? all.slice(all.length - this.maxBatch) : all
    if (kept.length > 0) this.emit({ type: 'traces', traces: kept.map(summarize), dropped: all.length - kept.length })
    this.scheduleRenders()
  }

  private flushCache(): void {
    this.cacheTimer = undefined
    const events = this.pendingCache
    this.pendingCache = []
    // A burst (a page and its 40 assets stored) needs only its newest events to refresh the tree.
    if (events.length > 0) this.emit({ type: 'cache', events: events.slice(-this.maxBatch) })
  }

  private scheduleRenders(): void {
    if (this.rendersTimer) return
    const wait = Math.max(0, this.lastRenders + this.rendersMs - Date.now())
    this.rendersTimer = setTimeout(() => {
      this.rendersTimer = undefined
      this.lastRenders = Date.now()
      this.emit({ type: 'renders', renders: this.engine.renderHealth() })
    }, wait)
  }

  private emit(event: EngineUiEvent): void {
    for (const l of this.listeners) {
      try {
        l(event)
      } catch (err) {
        process.emitWarning(`UI event listener failed: ${(err as Error).message}`)
      }
    }
  }
}

/** The headers AEM's flush agent sends (§7.1), as sent: an empty body, so Content-Length 0. */
function flushHeaders(handle: string, action: FlushAction, resourceOnly: boolean): Record<string, string> {
  return {
    'CQ-Action': action,
    'CQ-Handle': handle,
    // AEM's flush agent sends the path too (§7.1); the module does not act on it.
    'CQ-Path': handle,
    ...(resourceOnly ? { 'CQ-Action-Scope': 'ResourceOnly' } : {}),
    'Content-Type': 'application/octet-stream',
    'Content-Length': '0'
  }
}

/** The same headers as the flush stage reads them (lower-case names, byte strings of their UTF-8). */
function invalidationHeaders(handle: string, action: FlushAction, resourceOnly: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(flushHeaders(handle, action, resourceOnly)))
    out[k.toLowerCase()] = toByteString(v)
  return out
}

/** The flush stage's detail when the invalidation ran (a report with `statfilesTouched`), else null. */
function flushReportOf(detail: unknown): FlushReport | null {
  const d = detail as Partial<FlushReport> | undefined
  return d && Array.isArray(d.statfilesTouched) && Array.isArray(d.deleted) ? (d as FlushReport) : null
}

/** The absolute path of `relPath`, refused when it names a place outside the docroot, by `..` or through a symlink. */
function insideDocroot(store: CacheStore, relPath: string): string {
  const r = store.docroot.resolve(relPath)
  if (!r.ok) throw new BadInputError(r.reason)
  if (!store.docroot.isInside(r.abs)) throw new BadInputError(`${relPath} is outside the docroot`)
  return r.abs
}

/**
 * The path and query the filter saw (after normalisation and any `[PT]` rewrite): the trace's
 * effective URL when recorded; else the request line the filter stage quotes in its summary
 * (`… '<METHOD> <URI> <PROTOCOL>'`, ctx.requestLine()); else the accept stage's normalisation,
 * or that normalisation run again on the raw target.
 */
function filterTarget(
  trace: RequestTrace,
  encodedSlashes: 'off' | 'on' | 'nodecode'
): { path: string; query: string | null } | null {
  const split = (uri: string): { path: string; query: string | null } => {
    const q = uri.indexOf('?')
    return q < 0 ? { path: uri, query: null } : { path: uri.slice(0, q), query: uri.slice(q + 1) }
  }
  if (trace.effectiveUrl !== undefined) return split(trace.effectiveUrl)
  const summary = trace.stages.find((s) => s.stage === 'filter')?.summary ?? ''
  const quoted = /'(\S+) (\S+) (HTTP\/[\d.]+)'/.exec(summary)
  if (quoted && quoted[1] === trace.request.method) return split(quoted[2])
  const accept = trace.stages.find((s) => s.stage === 'accept')?.detail as AcceptDetail | undefined
  if (accept?.normalisedPath !== undefined) return { path: accept.normalisedPath, query: accept.query }
  const n = normaliseTarget(trace.request.url, encodedSlashes)
  return n.ok ? { path: n.path, query: n.query } : null
}
