/**
 * What every pipeline stage works on: the request as received, the configuration snapshot it
 * started with (a hot reload never changes it mid-flight), what earlier stages decided, the
 * way to answer, and the trace each stage appends to.
 */
import type { Readable } from 'node:stream'
import type { OutgoingHttpHeaders } from 'node:http'
import type { SubstituteRules } from './substitute'
import type { SourcePos } from '../../../shared/diagnostics'
import type { ApacheScope } from '../../../shared/config-model'
import type {
  Outcome,
  RequestTrace,
  StageName,
  StageTrace,
  TraceRequest,
  TraceResponse,
  Verdict
} from '../../../shared/trace'
import type { ApacheRequest } from '../apache-expr'

/**
 * The headers an answer goes out with should mod_deflate decide otherwise once it sees how the
 * body comes (undeflatedHead, deflatedHead): made when asked, the `Header` lines' order and
 * Content-Type place told to `reply`.
 */
export type LateHead = (reply: Pick<Reply, 'typeInPlace' | 'headerLines'>) => OutgoingHttpHeaders
import { toByteString } from '../apache-expr/uri-escape'
import type { CachedFile, SessionManager } from '../cache'
import type { ActiveConfig, ActiveFarm, ActiveRender, ActiveVhost } from '../runtime/active-config'
import type { InputWatch } from './replay'
import type { ResolvedApache, SectionsPhase } from '../runtime/scoped-apache'
import type { ProxyTarget } from './apache-proxy'
import type { ProxyPassDecision } from './proxy-pass'
import type { CompiledHeaders } from './headers/compile-headers'
import type { WireLine } from '../http/wire-lines'
import type { HeaderEntry } from './headers/table'
import type { RememberedHeaderRun } from './response-headers'
import { sharedText, textMemo } from '../text-memo'
import { hostProblem } from './host-header'

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
  /** An `Expect` other than `100-continue`, which httpd refuses with 417 while reading the request. */
  expectationFailed?: boolean
  /**
   * The `host[:port]` of an absolute-form `http://` target or of a CONNECT's target: httpd
   * chooses the virtual host by it rather than by the Host header (which it rewrites to match,
   * when there is one).
   */
  urlHost?: string
  /** The port an absolute-form `http://` target names, which %{SERVER_PORT} reads (r->parsed_uri.port). */
  urlPort?: number
  /**
   * The connection carries no further request after this one's answer (server.ts, CONNECT);
   * `silently`: without saying so in a Connection line (httpd's unusable input, an unmet Expect).
   */
  lastOnConnection?: true | 'silently'
  /** Why httpd refuses the request head with 400 while reading it (http/request-head.ts). */
  refused?: string
  /** The refusal's status when not 400: 408 for a head that stopped coming (http/head-timeout.ts). */
  refusedStatus?: number
  /**
   * `r->the_request` of an internal redirect (a directory rewrite, an ErrorDocument): the
   * client's request line, which the new request keeps.
   */
  theRequest?: string
  /** Its place on the connection (Node's path: keep-alive.ts `arrivalIndex`). */
  keepAliveIndex?: number
  /**
   * `r->server` of the request an ErrorDocument's internal request comes from, which the new one
   * keeps (internal_internal_redirect copies it): its Host names no vhost again. A refused head's
   * page is the first-listed vhost's, whatever the Host says.
   */
  server?: ActiveVhost
}

/** An interim (1xx) answer: its status, reason phrase and header lines (name as spelled, value), in order. */
export interface InterimAnswer {
  status: number
  reason: string
  lines: readonly (readonly [string, string])[]
}

/** How a stage answers. In `explain` mode the reply only records what would be sent. */
export interface Reply {
  readonly headersSent: boolean
  /** `reason`: the status line's text when it is not the status's usual one (mod_proxy's "Proxy Error"). */
  head(status: number, headers: OutgoingHttpHeaders, reason?: string): void
  write(chunk: Buffer): boolean
  end(body?: Buffer | string): void
  onDrain(cb: () => void): void
  /** Called once if the client goes away before the answer is complete. */
  onAbort(cb: () => void): void
  /**
   * Cuts the answer short: the connection is dropped without completing the body (no last
   * chunk), as httpd does when its backend breaks off mid-answer, so the client can tell.
   */
  destroy(): void
  /**
   * mod_deflate compresses the body of the answer whose head comes next (its headers already
   * say so). Replies that send nothing (explain) leave it out.
   */
  gzipBody?(range?: string): void
  /**
   * mod_substitute rewrites the body of the answer whose head comes next (its headers already
   * lost their Content-Length), before mod_deflate compresses it; `instances` times when both
   * `SetOutputFilter` and `AddOutputFilterByType` put the filter in.
   */
  substituteBody?(rules: SubstituteRules, instances: number): void
  /**
   * The head of the answer whose head comes next should mod_substitute hand mod_deflate its
   * whole body with the end, and that body be 68 bytes or less: mod_deflate then leaves the
   * answer alone (no Vary, no gzip), and `Header` directives see the handler's headers.
   */
  undeflatedHead?(head: LateHead): void
  /**
   * The head of the relayed answer whose head comes next, which mod_deflate left alone for its
   * Content-Length of 68 bytes or less, should its body not come in the reads that brought the
   * head: mod_proxy's FLUSH then reaches mod_deflate before the end, and it decides without the
   * length — it compresses (`gzip`), or adds Vary only.
   */
  deflatedHead?(head: LateHead, gzip: boolean): void
  /**
   * mod_proxy relays this answer: a Server header it carries goes out as it is (httpd writes
   * its own banner on every other answer, over whatever a module or `Header` set), and its
   * Content-Type stays in place, but for `mimeType`: the backend named none, so the type is
   * mod_mime's, which httpd writes last.
   */
  proxied?(mimeType?: boolean): void
  /**
   * mod_proxy's FLUSH went down the filters before the head of the answer it relays: its read
   * of the backend found nothing before the body's end while the byte-range filter held the
   * head (proxy-ranges.ts). mod_deflate then decides without the body's length (`deflatedHead`).
   * (An answer mod_substitute rewrites has no length to hold it by.)
   */
  backendRanDry?(): void
  /**
   * The answer whose head comes next is a backend's (a render's; mod_proxy's say `proxied`): its
   * Content-Type line stays where the backend put it. httpd writes the type a handler named
   * itself (a file's, an error page's) last (http/httpd-head.ts).
   */
  relaysBackendHead?(): void
  /**
   * A `Header` directive wrote a Content-Type row: httpd's line stands where that row does,
   * not last (http/httpd-head.ts).
   */
  typeInPlace?(): void
  /**
   * The lines `Header` directives left, in order and spelled as written (http/wire-lines.ts):
   * the head that comes next puts its record's lines in that order.
   */
  headerLines?(lines: readonly WireLine[]): void
  /** How the backend spelled the header names of the answer whose head comes next (header-spelling.ts). */
  backendSpelling?(names: ReadonlyMap<string, string>): void
  /**
   * mod_proxy relays its backend's interim answer (proxy-interim.ts), as ap_send_interim_response
   * writes it (http/interim-head.ts): only to an HTTP/1.1 client and before the answer's head,
   * and a `100 Continue` only to a client still waiting for one (`r->expecting_100`;
   * http/expect-continue.ts) unless `forced` (`proxy-interim-response RFC` sets it).
   */
  interim?(answer: InterimAnswer, forced?: boolean): void
  /**
   * mod_proxy_http's prefetch took the request body without a blocking read (it came whole with
   * the head): ap_http_filter writes its own `100 Continue` only before a blocking read, so the
   * body's read sends none (a backend's 100 is still relayed).
   */
  bodyPrefetched?(): void
  /**
   * The answer has its body even for a HEAD: httpd never read the method (a request line over
   * LimitRequestLine), so r->header_only is unset. False when this reply cannot send one.
   */
  sendsBody?(): boolean
}

/** How mod_rewrite answered a request or one of its internal redirects (see RequestContext). */
interface AnsweredBy {
  rewriteRedirect: boolean
  rewriteStatus: boolean
  statusFromBackend?: boolean
  recursiveError?: number
}

export class RequestContext {
  readonly trace: RequestTrace
  /** Canonical path (filters, cache file, render URL), set by accept and rewrite. */
  path = '/'
  /** Fully decoded path for docroot look-ups. */
  decodedPath = '/'
  query: string | null = null
  /** httpd refused the request line before it read the header fields: no Host names the server. */
  hostUnread = false
  vhost?: ActiveVhost
  farm?: ActiveFarm
  /** Apache environment variables (SetEnvIf, RewriteRule [E=]). */
  env: Record<string, string> = {}
  /** Request headers after `RequestHeader` directives (what the module sees). */
  headers: Record<string, string>
  /**
   * `r->useragent_ip`, the client address Apache and its modules work with: the connection's
   * peer, unless mod_remoteip took it from a header (runtime/remote-ip.ts).
   */
  clientIp: string
  /** mod_remoteip has had its say (an internal redirect keeps the first request's client). */
  clientResolved = false
  /** Set-Cookie lines from rewrite `[CO]` (Apache's err_headers_out: they survive errors). */
  cookies: string[] = []
  /** Request headers the Apache decisions depended on (merged into the response's Vary). */
  vary: string[] = []
  status = 0
  /** A cacheable miss (or stale copy) the render stage stores; set by the cache stage. */
  cachePlan?: { relPath: string; stale?: { file: CachedFile; relPath: string } }
  /**
   * §5.3 step 7: the credential has no valid session yet; the render stage opens it (the file
   * the module would write) when the render accepts the credential with 200.
   */
  sessionToOpen?: { sessions: SessionManager; file: string }
  /** The cache decision in the module's X-Cache-Info words. */
  cacheInfo?: string
  /**
   * This context is Apache's internal request for an ErrorDocument: the status it answers for.
   * The request starts with that status as `r->status` (what `%{REQUEST_STATUS}` reads while
   * the document is served), and makes no ErrorDocument request of its own.
   */
  errorDocumentStatus: number | undefined = undefined
  /**
   * For an ErrorDocument's request, the sections the request it answers for had merged
   * (`r->prev->per_dir_config`): when this one merges the very same, httpd skips the access
   * checks (ap_process_request_internal), so a page under the rule that refused is still served.
   */
  previousSections: readonly ApacheScope[] | undefined = undefined
  /** A HEAD's answer, also when an ErrorDocument's internal GET makes it (httpd's r->header_only). */
  headerOnly: boolean

  /**
   * The status an ErrorDocument's internal request is answering for this request while it runs
   * (errorDocumentRedirect): httpd's header filter, refusing that answer's head, walks back to
   * this request (ap_die's r_1st_err), whose status line its last answer keeps.
   */
  errorDocumentRunning: number | undefined = undefined
  /**
   * httpd's header filter refused the running ErrorDocument's head, and this request's own page
   * went out instead (headerFilterRefusedDocument): the document's answer is not what was sent.
   */
  errorDocumentRefused = false
  get isErrorDocument(): boolean {
    return this.errorDocumentStatus !== undefined
  }
  /**
   * How mod_rewrite answered, for the request and the internal redirects it leads to (one
   * object among them: the answer may come from any of them, and the ErrorDocument request that
   * started them reads it).
   */
  private answeredBy: AnsweredBy | undefined
  /** Made when first set (most requests never set it: no object for them on the hot path). */
  private answered(): AnsweredBy {
    return (this.answeredBy ??= { rewriteRedirect: false, rewriteStatus: false })
  }
  /**
   * The answer is a redirect mod_rewrite made (`[R]`): it sets `r->status` back to 200 first, so
   * in an ErrorDocument's internal request it is sent as it is, where any other redirect or
   * error counts as a failed ErrorDocument.
   */
  get rewriteRedirect(): boolean {
    return this.answeredBy?.rewriteRedirect ?? false
  }
  set rewriteRedirect(value: boolean) {
    this.answered().rewriteRedirect = value
  }
  /**
   * The answer is a status mod_rewrite returned (`[F]`, `[G]`, `[R=4xx]`): it sets `r->status`
   * back to 200 first, so in an ErrorDocument's internal request httpd's ap_die does not take it
   * for a recursive error: the ErrorDocument for that status applies to this request in turn.
   */
  get rewriteStatus(): boolean {
    return this.answeredBy?.rewriteStatus ?? false
  }
  set rewriteStatus(value: boolean) {
    this.answered().rewriteStatus = value
  }
  /**
   * The answer is one mod_proxy relays: mod_proxy_http sets `r->status` to the backend's, so in
   * an ErrorDocument's internal request the answer goes out with the backend's status, and the
   * output filters and mod_headers see that status, not the error's.
   */
  get statusFromBackend(): boolean {
    return this.answeredBy?.statusFromBackend ?? false
  }
  set statusFromBackend(value: boolean) {
    this.answered().statusFromBackend = value
  }
  /**
   * In a chain of ErrorDocument requests, the status whose ErrorDocument failed further down
   * (httpd's `recursive_error`): handed up to the request that answers, whose page names it.
   */
  get recursiveError(): number | undefined {
    return this.answeredBy?.recursiveError
  }
  set recursiveError(value: number | undefined) {
    this.answered().recursiveError = value
  }
  /** Set by a rewrite `[P]` rule: mod_proxy forwards there instead of the Dispatcher. */
  proxyTo?: ProxyTarget
  /** Set while a run is watched for decision replay (replay.ts). */
  inputWatch?: InputWatch
  /**
   * For a replayed request: the header lines already sent to each render for the same head
   * (forward-headers.ts), shared by every replay of it. Null otherwise.
   */
  forwardedByRender: Map<ActiveRender, Readonly<Record<string, string>>> | null = null
  /**
   * For a replayed request: the outcome of the response's `Header` directives for the same
   * head, per set of directives (response-headers.ts), shared by every replay of it. Null otherwise.
   */
  headerRuns: Map<CompiledHeaders, RememberedHeaderRun> | null = null
  /** The Apache sections that apply, once walked for this request as it stands (apache-sections.ts). */
  resolvedApache?: { phase: SectionsPhase; uri: string; filename: string; value: ResolvedApache }
  /**
   * The answer passes through the output filters the sections set (mod_deflate): false for
   * answers made before the handler ran (a bad request line, a rewrite `[R]`/`[F]`).
   */
  outputFiltered = true
  /** A Range the byte-range filter applies after mod_deflate (deflate.ts `rangeAfterDeflate`). */
  rangeAfterDeflate?: string
  /** A Range the byte-range filter applies to what mod_substitute made, should it come whole (`fileAnswer`). */
  rangeAfterSubstitute?: string
  /** The whole answer's headers, when the handler answered a range that mod_deflate saw whole (`fileAnswer`). */
  deflateSaw?: OutgoingHttpHeaders
  /** How far httpd's per-directory merge got before the answer (scoped-apache.ts). */
  sectionsPhase: SectionsPhase = 'full'
  /**
   * httpd's `r->uri` when it differs from what the Dispatcher goes on with: a `[PT]` result
   * with `DispatcherUseProcessedURL Off` (decoded). The sections are walked with it.
   */
  apacheUri?: string
  /** `r->uri` (decoded) as it arrived, once a `[PT]` rewrite changed it: where httpd walked its locations. */
  arrivedUri?: string
  /** `r->filename` after a rewrite to a file path without `[PT]` (the URI stays): the directory walk's start. */
  apacheFilename?: string
  /**
   * httpd's `r->args` once a RewriteRule changed the query (null: none left), whatever the
   * Dispatcher goes on with: ProxyPass, mod_alias and `%{QUERY_STRING}` read it.
   */
  apacheArgs?: string | null
  /** The `ProxyPass` that takes the request, once decided (`proxyPassFor`): null for none. */
  proxyPass?: Extract<ProxyPassDecision, { kind: 'proxy' }> | null
  /** `r->mtime` of a file whose answer became an error page (a 416): `%{LAST_MODIFIED}` still reads it. */
  servedMtime?: number
  /**
   * The byterange filter turned the answer into a 416 after the content-length filter had seen
   * it, or the input filter refused a body over LimitRequestBody (413): httpd's error page then
   * goes out unmeasured, chunked on a kept connection and ended by closing one that closes
   * (checked against apache2 2.4).
   */
  unmeasuredError = false
  /** httpd's `error-notes`: what its canned error page adds after the status's own text. */
  errorNotes: string | undefined = undefined
  /** `r->content_type` a RewriteRule `[T=…]` forced. */
  forcedType?: string
  /** Spelling of the request headers `RequestHeader` added (the client's own come from `rawHeaders`). */
  addedHeaderNames: string[] = []
  /**
   * `r->headers_in` line by line when `RequestHeader add` left a name on several lines
   * (ApacheRequest.headerLines); `headers` keeps their values joined, as they are forwarded.
   */
  headerLines: readonly HeaderEntry[] | undefined = undefined
  /**
   * A replayed request's header names as `r->headers_in` spells them (its own, then those
   * `RequestHeader` added): the same for every replay of one head, so one frozen list serves
   * them all (a trace whose header explanation is completed later keeps it).
   */
  replayedHeaderNames?: readonly string[]
  /** A RewriteRule with `[END]` ran: no rewriting any more, in internal redirects either (they share httpd's pool). */
  rewriteEnded = false
  /** How many internal redirects led to this request (httpd's `LimitInternalRecursion` counts them). */
  redirects = 0
  private apacheReq?: ApacheRequest
  private stageStart = 0
  /** `trace.stages` itself, written to directly (reading the trace's property completes it). */
  private readonly stages: StageTrace[] = []

  constructor(
    readonly req: IncomingRequest,
    readonly reply: Reply,
    readonly config: ActiveConfig,
    readonly mode: 'serve' | 'explain',
    id: string,
    seq: number,
    /** An internal redirect's new request: its stages go on in the first request's trace. */
    redirectedFrom?: RequestContext
  ) {
    this.headers = req.headers
    this.clientIp = req.client.address
    this.headerOnly = req.method === 'HEAD'
    if (redirectedFrom) {
      this.headerOnly = redirectedFrom.headerOnly
      this.answeredBy = redirectedFrom.answered()
      this.clientIp = redirectedFrom.clientIp
      this.clientResolved = true
      this.stages = redirectedFrom.stages
      this.trace = redirectedFrom.trace
      this.redirects = redirectedFrom.redirects + 1
      return
    }
    const request = {
      method: req.method,
      url: req.target,
      host: req.headers.host ?? '',
      protocol: req.protocol,
      client: req.client.address,
      secure: req.secure,
      headers: req.headers
    }
    const startedAt = Date.now()
    this.trace = config.deferredExplanations
      ? new DeferredTrace(id, seq, config.generation, startedAt, request, this.stages)
      : {
          id,
          seq,
          generation: config.generation,
          startedAt,
          durationMs: 0,
          request,
          response: { status: 0, headers: {}, bytes: 0 },
          outcome: 'error',
          stages: this.stages,
          warnings: NO_WARNINGS
        }
  }

  /** The request line the module logs and `/glob` filters see (§4.1). */
  requestLine(): string {
    return `${this.req.method} ${this.path}${this.query !== null ? '?' + this.query : ''} ${this.req.protocol}`
  }

  /** `r->the_request`: the client's request line, kept by internal redirects. */
  theRequest(): string {
    const req = this.req
    return req.theRequest ?? sharedText(`${req.method} ${req.target} ${req.protocol}`)
  }

  /** `r->args`: the query as httpd has it after mod_rewrite (see `apacheArgs`). */
  args(): string | null {
    return this.apacheArgs !== undefined ? this.apacheArgs : this.query
  }

  /** The request as mod_rewrite / mod_headers / ap_expr see it (`r->uri` is fully decoded). */
  apacheRequest(): ApacheRequest {
    if (this.apacheReq) return this.apacheReq
    const req = this.req
    // r->hostname is fixed when the request is read: a RequestHeader that sets Host later changes
    // %{HTTP_HOST}, not the server name and port of self-referential URLs.
    // UseCanonicalName On: the server's own name and port, whatever the Host header says.
    // r->hostname: an absolute-form target's host (set while the request line was read), else
    // the Host header's, unless httpd refused the head before reading it.
    const host = this.vhost?.canonicalName
      ? null
      : req.urlHost !== undefined && req.method !== 'CONNECT'
        ? { name: req.urlHost, port: req.urlPort }
        : this.hostUnread
          ? null
          : hostParts(req.headers.host ?? '')
    // ap_http_scheme: mod_ssl's on a TLS connection, else `ServerName https://…`'s, else http.
    const scheme = req.secure || this.vhost?.serverScheme === 'https' ? 'https' : 'http'
    const names = this.replayedHeaderNames ?? headerNamesOf(req, this.addedHeaderNames)
    const apacheReq: ApacheRequest = {
      method: req.method,
      // r->uri: after a [PT] rewrite the new path, whatever the Dispatcher goes on with.
      uri: this.apacheUri ?? this.decodedPath,
      query: this.args() ?? '',
      emptyArgs: this.args() === '',
      protocol: req.protocol,
      theRequest: this.theRequest(),
      headers: this.headerLines ? firstLines(this.headerLines) : this.headers,
      headerNames: names as string[],
      headerLines: this.headerLines,
      remoteAddr: this.clientIp,
      // mod_remoteip leaves the port of the address it found at 0.
      remotePort: this.clientIp === req.client.address ? req.client.port : 0,
      connRemoteAddr: this.clientIp === req.client.address ? undefined : req.client.address,
      serverAddr: req.local.address,
      // UseCanonicalName Off: self-referential URLs use the Host header's name and port, else
      // the server's port (ServerName's, or the <VirtualHost> address's), else the scheme's.
      // On: the server's port, else the scheme's (ap_get_server_port).
      serverPort: host?.port ?? (this.vhost?.serverPort || (scheme === 'https' ? 443 : 80)),
      https: req.secure,
      scheme,
      // ap_get_server_name: r->hostname, else (no Host header, or UseCanonicalName On) the vhost's ServerName.
      // An absolute-form target with an empty host (`http:///x`) leaves r->hostname empty.
      serverName: host?.name || (req.urlHost === '' && host ? '' : this.vhost?.serverHostname || req.local.address),
      serverSoftware: this.config.serverBanner,
      serverAdmin: this.vhost?.serverAdmin,
      documentRoot: toByteString(this.vhost?.docroot ?? '')
    }
    const watch = this.inputWatch
    if (watch) {
      // The client's port differs between connections: a decision that reads it is not replayed.
      const port = req.client.port
      Object.defineProperty(apacheReq, 'remotePort', {
        get: () => {
          watch.dynamic = true
          return port
        },
        enumerable: true
      })
    }
    this.apacheReq = apacheReq
    return apacheReq
  }

  /** The request's time as Apache's per-request clock (`r->request_time`). */
  requestDate(): Date {
    return this.inputWatch ? this.inputWatch.clock(this.trace.startedAt) : new Date(this.trace.startedAt)
  }

  /** Stage entries replayed from an earlier identical request (replay.ts). */
  adoptStages(entries: readonly StageTrace[]): void {
    for (const e of entries) this.stages.push(e)
  }

  /**
   * apr_table_set on r->headers_in: the name's lines become one line with `value`, where its
   * first stood. `headers` and `headerLines` change together (a copy each: the client's own
   * stay as they came, for the trace).
   */
  setHeaderIn(name: string, value: string): void {
    const key = name.toLowerCase()
    this.headers = { ...this.headers, [key]: value }
    const lines = this.headerLines
    if (lines) {
      const out: HeaderEntry[] = []
      let placed = false
      for (const l of lines) {
        if (l.name.toLowerCase() !== key) out.push(l)
        else if (!placed) {
          out.push({ name: l.name, value })
          placed = true
        }
      }
      if (!placed) out.push({ name, value })
      this.headerLines = out
    }
    this.invalidateApacheRequest()
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
    extra?: { detail?: unknown; log?: readonly string[]; source?: SourcePos }
  ): StageTrace {
    const now = performance.now()
    const entry = new StageEntry(stage, verdict, sharedText(summary), now - this.stageStart)
    // Copied key by key (in order, undefined values included): object spread is slow in V8.
    if (extra) for (const k in extra) (entry as unknown as Record<string, unknown>)[k] = extra[k as keyof typeof extra]
    this.stages.push(entry)
    this.stageStart = now
    return entry
  }

  /**
   * `record` for a stage whose explanation is costly to build and to keep (rewrite, response
   * headers): `complete()` evaluates the stage again with the inputs it had (same rules, same
   * request, same clock) and gives its `detail` (and `log`, with `lazyLog`). That happens when
   * the trace's stages are first read (see DeferredTrace), or at once for a trace that cannot
   * wait. The entry has the keys `record` would give it, in the same order.
   */
  recordLazy(
    stage: StageName,
    verdict: Verdict,
    summary: string,
    complete: LazyCompletion | (() => LazyParts),
    extra: { lazyLog?: boolean; source?: SourcePos } = {}
  ): StageTrace {
    const now = performance.now()
    const entry = new StageEntry(stage, verdict, sharedText(summary), now - this.stageStart)
    entry.detail = undefined
    if (extra.lazyLog) entry.log = undefined
    if ('source' in extra) entry.source = extra.source
    if (this.trace instanceof DeferredTrace) DeferredTrace.defer(this.trace, entry, complete)
    else fill(entry, complete)
    this.stages.push(entry)
    this.stageStart = now
    return entry
  }

  /** Adds a warning worth a badge to the trace. */
  warn(text: string): void {
    const t = this.trace
    if (t.warnings === NO_WARNINGS) t.warnings = [text]
    else t.warnings.push(text)
  }

  setOutcome(outcome: Outcome): void {
    this.trace.outcome = outcome
  }
}

/**
 * Every trace starts with this one empty list (frozen), and gets its own with its first warning
 * (`warn`): most requests have none, and the ring would keep an empty array for each.
 */
const NO_WARNINGS = Object.freeze([]) as unknown as string[]

/**
 * A stage's trace entry. A class, not a literal: V8 gives a class's instances room for the keys
 * added after construction (`detail`, `log`, `source`), where a four-key literal moves them to a
 * separate property array, one more object to keep with every trace the ring holds.
 */
class StageEntry implements StageTrace {
  // Declared only: class fields would be created first, before the constructor's keys.
  declare log?: string[]
  declare source?: SourcePos
  declare detail?: unknown
  constructor(
    public stage: StageName,
    public verdict: Verdict,
    public summary: string,
    public durationMs: number
  ) {}
}

/** A `Host` header's name and port (null when it is not `name[:port]`): the same few on every request. */
interface HostParts {
  name: string
  port: number | undefined
}

/**
 * Remembered per header text (text-memo.ts). The name is `r->hostname` as httpd's
 * fix_hostname leaves it: lower-cased, without a trailing dot; empty when fix_hostname refuses
 * the name (its 400 then names the server itself, as when no Host was sent), the port kept (it
 * was read before the name was judged).
 */
const hostParts = textMemo((header): HostParts | null => {
  if (header === '' || hostProblem(header) === null) {
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(header)
    return m ? { name: m[1].toLowerCase().replace(/\.$/, ''), port: m[2] ? Number(m[2]) : undefined } : null
  }
  // apr_parse_addr_port took the digits after the last colon (not a first one; after `]` for a
  // bracketed name) for the port, if 1–65535, before the name was refused (`::1` has port 1).
  const tail = header.startsWith('[') ? /^\[[^\]]*\]:(\d+)$/.exec(header) : /^.+:(\d+)$/s.exec(header)
  const read = tail ? Number(tail[1]) : 0
  return { name: '', port: read >= 1 && read <= 65535 ? read : undefined }
}, 1000)

/** Each name's first line, lower-case names: what apr_table_get finds in a table. */
function firstLines(lines: readonly HeaderEntry[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { name, value } of lines) out[name.toLowerCase()] ??= value
  return out
}

/** The request's header names as the client spelled them, in order, then those `RequestHeader` added. */
export function headerNamesOf(req: IncomingRequest, added: readonly string[]): string[] {
  // Made at its size: a trace keeps this list (header explanations are completed later).
  const names = new Array<string>((req.rawHeaders.length + 1) >> 1)
  for (let i = 0; i < names.length; i++) names[i] = req.rawHeaders[2 * i]
  for (const name of added) names.push(name)
  return names
}

/** What `recordLazy` completes: the stage's `detail`, and its `log` when asked for. */
export interface LazyParts {
  detail: unknown
  log?: string[]
}

/**
 * An object that completes a deferred entry itself, holding what it needs as its own fields:
 * one object for the trace to keep where a closure is two or more (closure, context).
 */
export interface LazyCompletion {
  complete(): LazyParts
}

type Completion = LazyCompletion | (() => LazyParts)

/** Writes what `complete()` gives into an entry made by `recordLazy`. */
function fill(entry: StageTrace, complete: Completion): void {
  let parts: LazyParts
  try {
    parts = typeof complete === 'function' ? complete() : complete.complete()
  } catch (e) {
    parts = { detail: { error: `the explanation could not be rebuilt: ${(e as Error).message}` }, log: [] }
  }
  entry.detail = parts.detail
  if ('log' in entry) entry.log = parts.log
}

/**
 * The trace of a request served with a configuration whose explanations are completed on
 * demand (mod_rewrite rules, Header directives: their per-rule detail is large and costly).
 * `stages` is an own enumerable accessor, so code, JSON, structured clone and comparisons see
 * an ordinary array; the first read completes the deferred entries and the property becomes
 * plain data. The pending work sits in private fields, which none of those see.
 */
class DeferredTrace implements RequestTrace {
  // Assigned in the constructor, in the order a plain trace literal has its keys.
  declare id: string
  declare seq: number
  declare generation: number
  declare startedAt: number
  declare durationMs: number
  declare request: TraceRequest
  declare response: TraceResponse
  declare outcome: Outcome
  declare stages: StageTrace[]
  declare warnings: string[]
  declare effectiveUrl?: string
  declare farm?: string
  declare vhost?: string
  declare decidingRule?: RequestTrace['decidingRule']
  declare forwarded?: RequestTrace['forwarded']
  declare cacheInfo?: string
  declare replayedFrom?: string
  #stages: StageTrace[]
  /**
   * The deferred entries and how to complete them. Most traces have one or none, kept in the
   * first pair of fields: every object a trace keeps costs the garbage collector again and
   * again while the ring holds 10,000 of them, so one entry takes no array.
   */
  #entry: StageTrace | null = null
  #complete: Completion | null = null
  #more: { entry: StageTrace; complete: Completion }[] | null = null

  constructor(
    id: string,
    seq: number,
    generation: number,
    startedAt: number,
    request: TraceRequest,
    stages: StageTrace[]
  ) {
    this.id = id
    this.seq = seq
    this.generation = generation
    this.startedAt = startedAt
    this.durationMs = 0
    this.request = request
    this.response = { status: 0, headers: {}, bytes: 0 }
    this.outcome = 'error'
    this.#stages = stages
    Object.defineProperty(this, 'stages', STAGES)
    this.warnings = NO_WARNINGS
  }

  static defer(trace: DeferredTrace, entry: StageTrace, complete: Completion): void {
    if (trace.#entry === null) {
      trace.#entry = entry
      trace.#complete = complete
    } else if (trace.#more === null) trace.#more = [{ entry, complete }]
    else trace.#more.push({ entry, complete })
  }

  /** Completes every deferred entry (once, in the order they were deferred) and gives the stages. */
  static stages(trace: DeferredTrace): StageTrace[] {
    const entry = trace.#entry
    if (entry !== null) {
      const complete = trace.#complete!
      const more = trace.#more
      trace.#entry = trace.#complete = trace.#more = null
      fill(entry, complete)
      if (more !== null) for (const p of more) fill(p.entry, p.complete)
    }
    return trace.#stages
  }
}

/** Shared by every deferred trace, so V8 keeps them on one hidden class. */
const STAGES: PropertyDescriptor = {
  get(this: DeferredTrace): StageTrace[] {
    return DeferredTrace.stages(this)
  },
  set(this: DeferredTrace, value: StageTrace[]): void {
    DeferredTrace.stages(this)
    Object.defineProperty(this, 'stages', { value, writable: true, enumerable: true, configurable: true })
  },
  enumerable: true,
  configurable: true
}
