/**
 * EngineApi: everything the UI may ask of the engine. The renderer talks to this interface
 * only; one implementation goes through Electron's preload bridge, the other through the
 * headless HTTP + WebSocket server. Every value is plain JSON.
 */
import type { CacheEvent, CacheFolderListing, CacheTotals, FlushAction, FlushPreview, FlushSent } from './cache-types'
import type { ConfigLayout } from './config-model'
import type { Diagnostic, SourcePos } from './diagnostics'
import type { FilterResult } from './trace-match'
import type { Outcome, RequestTrace } from './trace'

/** One row of the request log (the full trace is fetched on demand). */
export interface TraceSummary {
  id: string
  seq: number
  startedAt: number
  method: string
  host: string
  url: string
  farm: string | null
  status: number
  outcome: Outcome
  /** Deciding filter rule label (without slash), if any. */
  rule: string | null
  render: string | null
  durationMs: number
  bytes: number
  cacheInfo: string | null
}

/** A full trace plus explanations computed when asked for (not on the request path). */
export interface TraceDetail {
  trace: RequestTrace
  /** Every filter rule with matched / not matched and the failing property. */
  filter: FilterResult | null
}

export interface ConfigFileInfo {
  file: string
  /** Path relative to the configuration folder, for display. */
  relative: string
}

/** The farm used when no `/virtualhosts` value matches (§3.3): the 4.3.x module's `last`, or the docs' `first`. */
export type FallbackFarm = 'last' | 'first'

/**
 * How the configuration is run, as `--aem`, `--run-mode` and `--fallback-farm` set it: what the
 * SDK's `docker_run.sh` arguments and `DISP_RUN_MODE` are to the real Dispatcher.
 */
export interface RuntimeSettings {
  /** `host:port` of the AEM render (AEM_HOST/AEM_PORT; PUBLISH_IP/PUBLISH_PORT for AMS layouts); null: the configuration's own. */
  aem: string | null
  /** Defines ENVIRONMENT_DEV/STAGE/PROD (AEMaaCS layouts). */
  runMode: 'dev' | 'stage' | 'prod'
  fallbackFarm: FallbackFarm
}

export interface ConfigStatus {
  input: string
  layout: ConfigLayout
  baseDir: string
  anyFile: string
  files: ConfigFileInfo[]
  farms: { name: string; virtualhosts: string[]; renders: string[]; pos: SourcePos }[]
  warnings: Diagnostic[]
  generation: number
  /** A refused reload: its errors, and the warnings it adds to the serving configuration's (they often explain the errors). */
  lastReload: { at: number; ok: boolean; errors: Diagnostic[]; warnings: Diagnostic[] }
  proxyUrl: string | null
  /** Variables the configuration was evaluated with (AEM_HOST, DOCROOT, Defines, …). */
  variables: Record<string, string>
  runtime: RuntimeSettings
}

export interface RenderHealth {
  farm: string
  render: string
  origin: string
  up: boolean
  lastError: string | null
  /** Requests sent to or tried on the render, each once however many attempts it took there. */
  requests: number
  /** Connection attempts: a request the render does not answer is tried once per round (/numberOfRetries). */
  attempts: number
  /** Attempts that failed: no connection, no response headers within /receiveTimeout, or a failed /health_check. */
  failures: number
  /** Attempts the render answered (any status): what `avgMs` and `p95Ms` are measured from (0 when none). */
  answered: number
  avgMs: number
  p95Ms: number
  /**
   * Milliseconds the load balancing adds to the render's score for its failures: /unavailablePenalty
   * (tenths of a second) per failure, halving every 10 s (statistics.ts).
   */
  penalty: number
}

/** "Show in folder": whether a file manager was opened, and the path, for the user to open it when not. */
export interface RevealResult {
  opened: boolean
  /** Absolute path of the cached file or folder. */
  path: string
  reason?: string
}

export interface ReplayResult {
  status: number
  traceId: string | null
}

/** Pushed to the UI, batched (at most a few per second per kind). */
export type EngineUiEvent =
  | { type: 'traces'; traces: TraceSummary[]; dropped: number }
  | { type: 'config'; status: ConfigStatus }
  | { type: 'cache'; events: CacheEvent[] }
  | { type: 'renders'; renders: RenderHealth[] }

export interface EngineApi {
  listTraces(opts?: { afterSeq?: number; limit?: number }): Promise<{ traces: TraceSummary[]; dropped: number }>
  getTrace(id: string): Promise<TraceDetail | null>
  clearTraces(): Promise<void>
  replay(id: string): Promise<ReplayResult>
  getConfigStatus(): Promise<ConfigStatus>
  reloadConfig(): Promise<ConfigStatus>
  /** Switch to another configuration folder or file (the previous one keeps serving if it fails). */
  openConfig(path: string): Promise<ConfigStatus>
  /** Reload with other runtime settings (the previous configuration keeps serving if it fails). */
  setRuntime(settings: Partial<RuntimeSettings>): Promise<ConfigStatus>
  listCacheFolder(farm: string, relPath: string): Promise<CacheFolderListing>
  cacheTotals(farm: string): Promise<CacheTotals>
  /** `resourceOnly`: with `CQ-Action-Scope: ResourceOnly` (no `.stat` touched, §7.3 step 4). */
  previewFlush(farm: string, handle: string, action: FlushAction, resourceOnly?: boolean): Promise<FlushPreview>
  /** Sends the flush agent's request through the proxy's own listener (logged like any request). */
  flush(farm: string, handle: string, action: FlushAction, resourceOnly?: boolean): Promise<FlushSent>
  clearCacheFolder(farm: string, relPath: string): Promise<{ deleted: number }>
  /** Absolute path of a cached file or folder; refused when it would lead outside the farm's docroot. */
  cachePath(farm: string, relPath: string): Promise<string>
  getRenders(): Promise<RenderHealth[]>
  subscribe(listener: (event: EngineUiEvent) => void): () => void
}

/**
 * What `window.workbench` offers the page in Electron: the preload script (src/preload/index.ts)
 * builds it, the renderer's ipc-client.ts uses it. Here because both sides compile against it.
 */
export interface WorkbenchBridge extends Omit<EngineApi, 'subscribe'> {
  onEvent(listener: (event: EngineUiEvent) => void): () => void
  pickConfigFolder(): Promise<string | null>
  openInEditor(pos: SourcePos): Promise<void>
  revealInFileManager(farm: string, relPath: string): Promise<RevealResult>
}
