/**
 * The request trace: what happened to one request and why. It is the product — the UI,
 * `explain`, `test` and the X-Cache-Info header are all views of it. Plain JSON.
 */
import type { CacheDecision } from './cache-types'
import type { SourcePos } from './diagnostics'

export type StageName =
  'accept' | 'vhost' | 'rewrite' | 'access' | 'farm' | 'filter' | 'flush' | 'cache' | 'render' | 'response'

/**
 * What the request became:
 * hit — served from the cache; miss-stored — fetched and stored; miss-uncacheable — fetched,
 * not stored; stale — a stale copy served (grace period or serveStaleOnError); blocked —
 * refused by a filter, a rewrite [F], the accept stage or a flush's /allowedClients; redirect —
 * a 3xx from a rewrite; flush — an invalidation request carried out; static — served by
 * "Apache" without the Dispatcher (no dispatcher-handler, probes); proxied — relayed by
 * mod_proxy (ProxyPass, ProxyPassMatch, a rewrite's [P]), bypassing the Dispatcher; error — the
 * render failed or could not be reached, or an invalidation request was refused as unreadable
 * (400) or for a farm without a cache docroot (404).
 */
export type Outcome =
  | 'hit'
  | 'miss-stored'
  | 'miss-uncacheable'
  | 'stale'
  | 'blocked'
  | 'redirect'
  | 'flush'
  | 'static'
  | 'proxied'
  | 'error'

/** pass: nothing changed; changed: the request was altered; stop: this stage answered; error: it failed. */
export type Verdict = 'pass' | 'changed' | 'stop' | 'error' | 'skip'

export interface StageTrace {
  stage: StageName
  verdict: Verdict
  /** One line users read, in the Dispatcher's own words where it has them. */
  summary: string
  /** Milliseconds spent in this stage. */
  durationMs: number
  /** Module-style log lines this stage would have written (e.g. `Filter rejects: …`). */
  log?: readonly string[]
  /** The config source this stage's decision came from. */
  source?: SourcePos
  /** Stage-specific data (types in trace-match.ts, trace-apache.ts and below). */
  detail?: unknown
}

export interface TraceRequest {
  method: string
  /** The request target exactly as received. */
  url: string
  host: string
  protocol: string
  client: string
  secure: boolean
  headers: Record<string, string>
}

export interface TraceForwarded {
  render: string
  /** host:port of the render. */
  origin: string
  method: string
  url: string
  headers: Record<string, string>
}

export interface TraceResponse {
  status: number
  headers: Record<string, string>
  bytes: number
}

export interface RequestTrace {
  id: string
  /** Monotonic sequence number within this engine run. */
  seq: number
  /** The configuration generation the request ran on (explanations are rebuilt from it). */
  generation: number
  startedAt: number
  durationMs: number
  request: TraceRequest
  /** The URL the pipeline decided on (after normalisation and rewrites), path + query. */
  effectiveUrl?: string
  farm?: string
  vhost?: string
  /** The filter rule that decided (last match), if any. */
  decidingRule?: { label: string; type: 'allow' | 'deny'; pos: SourcePos }
  forwarded?: TraceForwarded
  response: TraceResponse
  outcome: Outcome
  /** Cache decision in the Dispatcher's words (X-Cache-Info), once the cache stage ran. */
  cacheInfo?: string
  stages: StageTrace[]
  /** Warnings worth a badge (pitfalls, fallbacks). */
  warnings: string[]
  /**
   * The trace whose decisions up to the cache stage this request replayed (an identical request
   * head seen before on the same configuration; those stage entries show 0 ms).
   */
  replayedFrom?: string
}

/** Detail of the accept stage. */
export interface AcceptDetail {
  rawPath: string
  /** Path after percent-decoding of unreserved characters, dot segments and double slashes. */
  normalisedPath: string
  query: string | null
  steps: string[]
}

/** Detail of the cache stage for a request the cache rules let in (pipeline/stages/cache.ts). */
export interface CacheStageDetail {
  cacheable: boolean
  /** The X-Cache-Info words of the decision. */
  reason?: string
  /** The cache file's absolute path. */
  file: string | null
  relPath?: string
  governingStat?: string | null
  /** With a cached file: what its state was decided on, as read when the request was decided. */
  decided?: CacheDecision
}

/** One connection attempt of the render stage (upstream/attempts.ts records more; these are what the UI reads). */
export interface RenderAttempt {
  render: string
  origin: string
  /** `HTTP 200`, or the module's words for a failed connection (`Connection refused`). */
  result: string
  durationMs: number
  /** When it began, in ms after the request's first attempt began. */
  atMs?: number
  /** 1-based number of the attempt and of its /numberOfRetries round. */
  attempt?: number
  round?: number
  /** The system's error code of a failed connection: `ECONNREFUSED`. */
  code?: string
}

/** Detail of the render stage. */
export interface RenderDetail {
  render: string
  origin: string
  attempts: RenderAttempt[]
  /** Why this render: first render, sticky cookie, statistics, failover. */
  reason: string
  /**
   * With more than one attempt: how many, in how many rounds, over how long, and the farm's
   * /numberOfRetries and /retryDelay that made it so (upstream/attempts-words.ts).
   */
  attemptsNote?: string
  status?: number
  timeToHeadersMs?: number
}
