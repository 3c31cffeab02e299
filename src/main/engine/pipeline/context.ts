/**
 * What every pipeline stage works on: the request as received, the configuration snapshot it
 * started with (a hot reload never changes it mid-flight), what earlier stages decided, the
 * way to answer, and the trace each stage appends to.
 */
import type { Readable } from 'node:stream'
import type { OutgoingHttpHeaders } from 'node:http'
import type { SourcePos } from '../../../shared/diagnostics'
import type { Outcome, RequestTrace, StageName, StageTrace, Verdict } from '../../../shared/trace'
import type { ApacheRequest } from '../apache-expr'
import type { CachedFile } from '../cache'
import type { ActiveConfig, ActiveFarm, ActiveVhost } from '../runtime/active-config'

export interface IncomingRequest {
  method: string
  /** Request target exactly as received. */
  target: string
  /** `HTTP/1.1` */
  protocol: string
  /** Lower-case names; repeated headers joined with `, ` (cookies with `; `). */
  headers: Record<string, string>
  /** Names and values as received, in order (for forwarding with the client's spelling). */
  rawHeaders: string[]
  client: { address: string; port: number }
  local: { address: string; port: number }
  secure: boolean
  body: Readable | null
}

/** How a stage answers. In `explain` mode the reply only records what would be sent. */
export interface Reply {
  readonly headersSent: boolean
  head(status: number, headers: OutgoingHttpHeaders): void
  write(chunk: Buffer): boolean
  end(body?: Buffer | string): void
  onDrain(cb: () => void): void
  /** Called once if the client goes away before the answer is complete. */
  onAbort(cb: () => void): void
}

export class RequestContext {
  readonly trace: RequestTrace
  /** Canonical path (filters, cache file, render URL), set by accept and rewrite. */
  path = '/'
  /** Fully decoded path for docroot look-ups. */
  decodedPath = '/'
  query: string | null = null
  vhost?: ActiveVhost
  farm?: ActiveFarm
  /** Apache environment variables (SetEnvIf, RewriteRule [E=]). */
  env: Record<string, string> = {}
  /** Request headers after `RequestHeader` directives (what the module sees). */
  headers: Record<string, string>
  /** Set-Cookie lines from rewrite `[CO]` (Apache's err_headers_out: they survive errors). */
  cookies: string[] = []
  /** Request headers the Apache decisions depended on (merged into the response's Vary). */
  vary: string[] = []
  status = 0
  /** A cacheable miss (or stale copy) the render stage stores; set by the cache stage. */
  cachePlan?: { relPath: string; stale?: { file: CachedFile; relPath: string } }
  /** The cache decision in the module's X-Cache-Info words. */
  cacheInfo?: string
  /** This context is Apache's internal request for an ErrorDocument (no second level). */
  isErrorDocument = false
  /** Set by a rewrite `[P]` rule: mod_proxy forwards to this URL instead of the Dispatcher. */
  proxyTo?: string
  private apacheReq?: ApacheRequest
  private stageStart = 0

  constructor(
    readonly req: IncomingRequest,
    readonly reply: Reply,
    readonly config: ActiveConfig,
    readonly mode: 'serve' | 'explain',
    id: string,
    seq: number
  ) {
    this.headers = req.headers
    this.trace = {
      id,
      seq,
      generation: config.generation,
      startedAt: Date.now(),
      durationMs: 0,
      request: {
        method: req.method,
        url: req.target,
        host: req.headers.host ?? '',
        protocol: req.protocol,
        client: req.client.address,
        secure: req.secure,
        headers: req.headers
      },
      response: { status: 0, headers: {}, bytes: 0 },
      outcome: 'error',
      stages: [],
      warnings: []
    }
  }

  /** The request line the module logs and `/glob` filters see (§4.1). */
  requestLine(): string {
    return `${this.req.method} ${this.path}${this.query !== null ? '?' + this.query : ''} ${this.req.protocol}`
  }

  /** The request as mod_rewrite / mod_headers / ap_expr see it (`r->uri` is fully decoded). */
  apacheRequest(): ApacheRequest {
    if (this.apacheReq) return this.apacheReq
    const req = this.req
    const hostHeader = this.headers.host ?? ''
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(hostHeader)
    const names: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) names.push(req.rawHeaders[i])
    this.apacheReq = {
      method: req.method,
      uri: this.decodedPath,
      query: this.query ?? '',
      protocol: req.protocol,
      theRequest: `${req.method} ${req.target} ${req.protocol}`,
      headers: this.headers,
      headerNames: names,
      remoteAddr: req.client.address,
      remotePort: req.client.port,
      serverAddr: req.local.address,
      // UseCanonicalName Off: self-referential URLs use the Host header's name and port.
      serverPort: m?.[2] ? Number(m[2]) : req.secure ? 443 : 80,
      https: req.secure,
      serverName: m?.[1] || req.local.address,
      documentRoot: this.vhost?.docroot ?? ''
    }
    return this.apacheReq
  }

  /** After a stage changed the URL or headers, the Apache view is rebuilt on next use. */
  invalidateApacheRequest(): void {
    this.apacheReq = undefined
  }

  startStage(): void {
    this.stageStart = performance.now()
  }

  record(
    stage: StageName,
    verdict: Verdict,
    summary: string,
    extra?: { detail?: unknown; log?: string[]; source?: SourcePos }
  ): StageTrace {
    const entry: StageTrace = {
      stage,
      verdict,
      summary,
      durationMs: performance.now() - this.stageStart,
      ...extra
    }
    this.trace.stages.push(entry)
    this.stageStart = performance.now()
    return entry
  }

  setOutcome(outcome: Outcome): void {
    this.trace.outcome = outcome
  }
}
