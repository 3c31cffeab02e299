/**
 * The listener: HTTP/1.1 on loopback (8080 by default), every method, bodies streamed both
 * ways, keep-alive. Each request becomes a RequestContext run through the pipeline; its
 * trace is published when the answer is complete. Plain GET/HEAD requests are read and
 * answered by the lean listener (http/lean-listener.ts), everything else by Node's server.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { RequestTrace } from '../../shared/trace'
import { installLeanListener, takeOriginalLine } from './http/lean-listener'
import { failedHeadIsHead } from './http/failed-head'
import { absoluteTarget, connectTarget } from './pipeline/normalise-url'
import { LeanReply } from './http/lean-reply'
import { takeTargetHost, type SimpleRequest } from './http/simple-request'
import { closingErrorResponse, errorPage } from './pipeline/apache-errors'
import { RequestContext, type IncomingRequest, type InterimAnswer } from './pipeline/context'
import { capture, InputWatch, rememberedPrefix, replay, replayKey } from './pipeline/replay'
import { runPipeline, STAGES, type Stage } from './pipeline/run'
import { reasonPhrase } from './http/reason-phrase'
import { cache } from './pipeline/stages/cache'
import { requestVhost, type ActiveConfig } from './runtime/active-config'
import { TracedReply, type ListenerReply } from './traced-reply'
import { interimHead } from './http/interim-head'
import { watchBodyReads, wholeHeadTimeoutMs } from './http/request-timeout'
import { ReadClock } from './http/read-clock'
import { expecting100, sendsInterim, unmetExpectation } from './http/expect-continue'
import { answerBodyTimeout } from './http/body-timeout-answer'
import { timeNodeHeads, type NodeHeadRefusals } from './http/node-heads'
import type { HeadLines } from './http/wire-lines'
import { headLines, httpdOrderedHeaders } from './http/httpd-head'
import { CLOSE_CONNECTION, arrivalIndex, HTTPD_KEEP_ALIVE, type Persistence } from './http/keep-alive'

/** What ServerResponse.writeContinue itself uses to write an interim head. */
interface RawInterimWrite {
  _writeRaw(data: string, encoding: BufferEncoding): boolean
  _sent100: boolean
}

export interface ProxyServerOptions {
  host: string
  port: number
  /** The configuration snapshot for a new request. */
  active(): ActiveConfig
  nextSeq(): number
  /** `client`: the connection the request came on (the UI's own requests are found by it, awaited-traces.ts). */
  onTrace(trace: RequestTrace, client: IncomingRequest['client']): void
  onError?(error: Error): void
  /**
   * A bound on how long a whole request head may take to arrive before the connection is
   * answered 408 and closed, however steadily its bytes come (a slow-client guard; tests make it
   * short). Without it, httpd's `Timeout` of the configuration bounds each read of the head.
   */
  headersTimeoutMs?: number
}

class HttpReply implements ListenerReply {
  private aborts: (() => void)[] | null = null

  /**
   * `onClose` runs once the connection's answer is over, complete or not; `interimAllowed`: the
   * client speaks HTTP/1.1 or later, to which httpd writes interim answers.
   */
  constructor(
    private readonly res: ServerResponse,
    onClose: () => void,
    private readonly interimAllowed: boolean
  ) {
    // One 'close' listener for everything that waits on it ('close' comes once per response).
    res.on('close', () => {
      const aborts = this.aborts
      if (aborts && !res.writableFinished) for (const cb of aborts) cb()
      onClose()
    })
  }

  get headersSent(): boolean {
    return this.res.headersSent
  }

  /** `r->expecting_100` still set: the request came with `Expect: 100-continue` and no 100 went out yet. */
  private awaitingContinue = false
  /** The body was taken without a blocking read: reading it sends no 100 of httpd's own. */
  private prefetched = false

  /**
   * The request came with `Expect: 100-continue` (http/expect-continue.ts). httpd sends
   * `100 Continue` when something first reads a body the request has (ap_http_filter), the
   * Dispatcher or mod_proxy forwarding it, or when mod_proxy relays its backend's
   * (`interim`). An answer made before either (a filter denial, a redirect, a cache hit,
   * a GET's) goes out with `Connection: close`, as httpd's does (ap_set_keepalive), and the
   * client never sends a body it held back.
   */
  expectContinue(req: IncomingMessage, hasBody: boolean): void {
    this.awaitingContinue = true
    if (this.interimAllowed && hasBody) req.once('resume', () => this.ownContinue())
  }

  /** httpd's own bare `100 Continue`, as the body is first read. */
  private ownContinue(): void {
    if (!this.awaitingContinue || this.prefetched || this.res.headersSent) return
    this.awaitingContinue = false
    this.res.writeContinue()
  }

  bodyPrefetched(): void {
    this.prefetched = true
  }

  interim(answer: InterimAnswer, forced = false): void {
    if (!this.interimAllowed || this.res.headersSent) return
    const isContinue = answer.status === 100
    if (isContinue && !this.awaitingContinue && !forced) return
    if (isContinue) this.awaitingContinue = false
    // Node's writeContinue writes a bare `100 Continue`; a relayed answer has the backend's reason
    // phrase and lines, written the same way (ServerResponse's raw write, and its mark that a 100 went).
    const res = this.res as unknown as RawInterimWrite
    res._writeRaw(interimHead(answer), 'latin1')
    if (isContinue) res._sent100 = true
  }

  get statusCode(): number {
    return this.res.statusCode
  }

  /**
   * Node's ServerResponse drops a HEAD's body by its `_hasBody` (set when it is made, from the
   * method); it has no public switch, so the field is set where it exists.
   */
  sendsBody(): boolean {
    const res = this.res as unknown as { _hasBody?: boolean }
    if (typeof res._hasBody !== 'boolean') return false
    res._hasBody = true
    return true
  }

  get socket(): Socket | null {
    return this.res.socket
  }

  destroy(): void {
    this.res.destroy()
  }

  head(
    status: number,
    headers: OutgoingHttpHeaders | HeadLines,
    reason?: string,
    persistence?: Persistence,
    typeLast = false
  ): void {
    if (this.awaitingContinue) {
      this.awaitingContinue = false
      persistence = CLOSE_CONNECTION
    }
    if (persistence) {
      // Kept alive without a word, as httpd answers an HTTP/1.1 client that sent no keep-alive
      // token: a removed Connection header makes Node write none and keep the connection.
      if (persistence.connection === null) {
        // No Connection line: Node must not write its own, and closes only when told to.
        if (!persistence.keep) this.res.shouldKeepAlive = false
        this.res.removeHeader('connection')
      }
      // Ended by the close: Node would chunk an answer without a length by itself.
      if (persistence.unframed) this.res.useChunkedEncodingByDefault = false
      const idleMs = persistence.idleMs
      if (persistence.keep && idleMs !== undefined) this.idleAfter(idleMs)
      const ordered = httpdOrderedHeaders(headers, {
        persistence,
        typeLast,
        chunked: this.chunks(status, headers, persistence)
      })
      return void this.res.writeHead(status, reason ?? reasonPhrase(status), ordered)
    }
    // Lines as a flat list: Node writes them in order, a repeated name's apart.
    const given = Array.isArray(headers) ? headLines(headers).flat() : (headers as OutgoingHttpHeaders)
    this.res.writeHead(status, reason ?? reasonPhrase(status), given)
  }

  /**
   * The idle wait after this answer, the vhost's KeepAliveTimeout: Node sets the server's when the
   * answer finishes (its own 'finish' listener runs first), so this one is set after it.
   */
  private idleAfter(idleMs: number): void {
    const res = this.res
    res.once('finish', () => {
      const socket = res.socket ?? res.req?.socket
      if (socket && !socket.destroyed && socket.timeout !== idleMs) socket.setTimeout(idleMs)
    })
  }

  /** httpd chunks an HTTP/1.1 answer with a body and no length of its own (ap_set_keepalive). */
  private chunks(status: number, headers: OutgoingHttpHeaders | HeadLines, persistence: Persistence): boolean {
    const req = this.res.req
    if (req.method === 'HEAD' || status === 204 || status === 304 || status < 200 || persistence.unframed) return false
    if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1) return false
    const names = Array.isArray(headers) ? headLines(headers).map((l) => l[0]) : Object.keys(headers)
    for (const k of names) {
      const lower = k.toLowerCase()
      if (lower === 'content-length' || lower === 'transfer-encoding') return false
    }
    return true
  }

  write(chunk: Buffer): boolean {
    return this.res.write(chunk)
  }

  end(body?: Buffer | string): void {
    this.res.end(body)
  }

  onDrain(cb: () => void): void {
    this.res.on('drain', cb)
  }

  onAbort(cb: () => void): void {
    if (this.aborts) this.aborts.push(cb)
    else this.aborts = [cb]
  }
}

export function toIncoming(req: IncomingMessage): IncomingRequest {
  // A header repeated in the head is one entry with its values joined by ", " for httpd (the
  // table merge ap_get_mime_headers_core makes), Cookie included; Node keeps only the first
  // User-Agent, Referer, Authorization… and joins Cookie with "; ", so those heads are read again.
  const headers = repeatsNames(req) ? mergedHeaders(req.rawHeaders) : (req.headers as Record<string, string>)
  const hasBody =
    req.headers['content-length'] !== undefined
      ? req.headers['content-length'] !== '0'
      : req.headers['transfer-encoding'] !== undefined
  const socket = req.socket
  // A head rewritten for Node's parser (request-head.ts) keeps the target and protocol sent.
  const original = takeOriginalLine(socket, req.url ?? '/')
  const target = original?.target ?? req.url ?? '/'
  const incoming: IncomingRequest = {
    method: original?.method ?? req.method ?? 'GET',
    target,
    protocol: original?.protocol ?? (req.httpVersion === '1.1' ? 'HTTP/1.1' : `HTTP/${req.httpVersion}`),
    headers,
    rawHeaders: req.rawHeaders,
    ...endpoints(socket),
    secure: 'encrypted' in socket && !!(socket as { encrypted?: boolean }).encrypted,
    body: hasBody ? req : null
  }
  if (original?.close) incoming.lastOnConnection = true
  if (target.charCodeAt(0) !== 0x2f || incoming.method === 'CONNECT') takeUrlHost(incoming)
  return incoming
}

/** Whether some header name came more than once (Node's record then has fewer names than the head). */
function repeatsNames(req: IncomingMessage): boolean {
  let names = 0
  for (const _ in req.headers) names++
  return names * 2 !== req.rawHeaders.length
}

/** The head's fields as httpd's `r->headers_in` holds them: one entry per name, repeated values joined with ", ". */
function mergedHeaders(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase()
    const known = out[name]
    out[name] = known === undefined ? raw[i + 1] : `${known}, ${raw[i + 1]}`
  }
  return out
}

/**
 * An absolute-form `http://` target, or a CONNECT's `host:port`, names the virtual host: httpd
 * reads the host from it and, when a Host header came too, replaces that header's value with it
 * (ap_update_vhost_from_headers under the default `HttpProtocolOptions Strict`), so mod_rewrite
 * and the Dispatcher see it.
 */
function takeUrlHost(incoming: IncomingRequest): void {
  let host: string | null | undefined
  if (incoming.method === 'CONNECT') {
    const named = connectTarget(incoming.target)
    // apr_uri_parse_hostinfo failed: httpd refuses the request line (400, first-listed vhost).
    if (!named) {
      incoming.refused = `the CONNECT target '${incoming.target}' is not host:port`
      return
    }
    host = named.host
    // The vhost is chosen by the host name alone (r->hostname): an empty one matches `*`.
    incoming.urlHost = named.hostname
  } else {
    const authority = absoluteTarget(incoming.target)?.authority
    if (!authority) {
      // User information before the host: httpd refuses the request line, after ap_parse_uri
      // set r->hostname (and the port) from the URL, which the refusal's answer names.
      takeTargetHost(incoming)
      return
    }
    // r->hostname as fix_hostname leaves it (no trailing dot), which chooses the vhost; the
    // Host header becomes construct_host_header's: that name and the URL's port text, when a
    // colon came (`http://h:/` gives `h:`, port 0 is taken as written).
    const name = authority.name.replace(/\.$/, '')
    incoming.urlHost = name
    incoming.urlPort = authority.port !== null && authority.port !== '' ? Number(authority.port) : undefined
    host = authority.port === null ? name : `${name}:${authority.port}`
  }
  if (incoming.headers.host === undefined) return
  incoming.headers = { ...incoming.headers, host }
  // apr_table_setn: one Host line, where the first stood, however many came.
  const raw: string[] = []
  let seen = false
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    const name = incoming.rawHeaders[i]
    if (name.toLowerCase() !== 'host') raw.push(name, incoming.rawHeaders[i + 1])
    else if (!seen) {
      seen = true
      raw.push(name, host)
    }
  }
  incoming.rawHeaders = raw
}

/** The client's and the listener's address and port, as the request sees them. */
function endpoints(socket: Socket): Pick<IncomingRequest, 'client' | 'local'> {
  return {
    client: { address: stripV4Mapped(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 },
    local: { address: stripV4Mapped(socket.localAddress ?? ''), port: socket.localPort ?? 0 }
  }
}

function stripV4Mapped(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a
}

/** A repeated request on one connection is the same object (lean-listener.ts): so is its IncomingRequest. */
const incomings = new WeakMap<SimpleRequest, IncomingRequest>()

function incomingOf(request: SimpleRequest, socket: Socket): IncomingRequest {
  let incoming = incomings.get(request)
  if (!incoming) {
    incoming = {
      method: request.method,
      target: request.target,
      protocol: request.protocol,
      headers: request.headers,
      rawHeaders: request.rawHeaders,
      ...endpoints(socket),
      secure: false,
      body: null
    }
    if (request.refused !== undefined) {
      incoming.refused = request.refused
      incoming.refusedStatus = request.refusedStatus
      // Not takeUrlHost: httpd refused the head before ap_update_vhost_from_headers, so the URL's
      // host neither chose the vhost nor replaced the Host header; only r->hostname was set.
      if (request.urlHost !== undefined) {
        incoming.urlHost = request.urlHost
        incoming.urlPort = request.urlPort
      }
    } else if (request.method === 'CONNECT') takeUrlHost(incoming)
    incomings.set(request, incoming)
  }
  return incoming
}

/** Each request's context, for an answer made beside its pipeline (a body read that timed out). */
const pipelineContexts = new WeakMap<IncomingRequest, RequestContext>()

/** `DW_NO_REPLAY=1` runs every stage for every request (for comparisons, or to rule replay out). */
const REPLAY = process.env.DW_NO_REPLAY !== '1'

/** Where a replayed request goes on (replay.ts), and the stages of a run that may be remembered. */
const CACHE_STAGE = STAGES.indexOf(cache)
const WATCHED_STAGES: readonly Stage[] = [...STAGES.slice(0, CACHE_STAGE), capture, ...STAGES.slice(CACHE_STAGE)]

export class ProxyServer {
  private readonly server: http.Server
  private readonly lean: { close(): void } | false
  private readonly nodeHeads: NodeHeadRefusals

  constructor(private readonly opts: ProxyServerOptions) {
    // Large enough that Apache's own limits (8190 bytes per line) are what answers, not Node's 431;
    // a missing Host is the accept stage's to answer (Apache's 400 page, with a trace).
    // The head timeout is always given: with `requestTimeout: 0` Node's default becomes 0 too.
    // Node bounds a whole head with it: a backstop behind the per-read timing (node-heads.ts).
    const headersTimeout = this.headTimeoutMs(opts.active())
    this.server = http.createServer(
      {
        maxHeaderSize: 256 * 1024,
        keepAliveTimeout: 5000,
        requestTimeout: 0,
        requireHostHeader: false,
        headersTimeout,
        // Node looks for expired heads this often (30 s by default); a reload may shorten Timeout.
        connectionsCheckingInterval: Math.min(1000, Math.max(10, headersTimeout / 4))
      },
      (req, res) => this.handle(req, res)
    )
    // `Expect`: read as httpd reads it (handle), not by Node's rules; a 100 is not sent on arrival.
    this.server.on('checkContinue', (req, res) => this.handle(req, res))
    this.server.on('checkExpectation', (req, res) => this.handle(req, res))
    // A client that half-closes after its request still gets the answer, as from Apache (and the
    // lean listener); Node would otherwise end the socket at once. (`httpAllowHalfOpen` is the
    // server property Node's own connection handler reads; it is not in the type definitions.)
    ;(this.server as http.Server & { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true
    // A CONNECT the lean listener does not take (HTTP/1.0, a body…): Node hands it over as a
    // tunnel request and drops the connection when nobody takes it.
    this.server.on('connect', (req: IncomingMessage, socket: Socket) => this.handleConnect(req, socket))
    // Heads are timed read by read, as httpd times them, by both listeners.
    const heads = {
      handle: (request: SimpleRequest, socket: Socket, reply: LeanReply) => this.handleSimple(request, socket, reply),
      headTimeoutAnswer: () => closingErrorResponse(408, opts.active().serverBanner),
      headClock: () => {
        const active = opts.active()
        return new ReadClock(active.connectionReadStages?.header ?? null, active.requestTimeoutMs, 'head')
      }
    }
    const nodeHeads = timeNodeHeads(this.server, heads)
    this.nodeHeads = nodeHeads
    this.server.on(
      'clientError',
      (err: NodeJS.ErrnoException & { rawPacket?: unknown; bytesParsed?: unknown }, socket) => {
        // Bytes after a request that asked to close: Apache ignores them, and the answer still on
        // its way must not be cut short by a 400.
        if (err.code === 'HPE_CLOSED_CONNECTION') return
        if (!socket.writable) return socket.destroy()
        // A head httpd refuses as well: the first-listed vhost's 400, as the lean listener's.
        if (nodeHeads.refuse(socket as Socket, err.rawPacket, err.bytesParsed)) return
        // A head that did not arrive within the headers timeout: 408, as from Apache's mod_reqtimeout;
        // an unparsable request or an oversized header block: 400.
        if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
          return socket.end(closingErrorResponse(408, opts.active().serverBanner))
        // httpd read the request line, so a HEAD's 400 goes out without a body; one refused while
        // the body was read (a chunk size that is not hex) goes out unmeasured (apache2 2.4.68).
        socket.end(
          closingErrorResponse(
            400,
            opts.active().serverBanner,
            failedHeadIsHead(err.rawPacket, err.bytesParsed),
            err.code === 'HPE_INVALID_CHUNK_SIZE'
          )
        )
      }
    )
    this.lean =
      process.env.DW_NODE_HTTP_ONLY === '1'
        ? false
        : installLeanListener(this.server, {
            ...heads,
            headDeadlineMs: opts.headersTimeoutMs
          })
  }

  /**
   * How long Node's parser lets a head take under `active`: the embedder's bound, else a backstop
   * past any head httpd reads (request-timeout.ts wholeHeadTimeoutMs).
   */
  private headTimeoutMs(active: ActiveConfig): number {
    return this.opts.headersTimeoutMs ?? wholeHeadTimeoutMs(active.requestTimeoutMs, active.connectionReadStages)
  }

  /**
   * A body that has not all come is read under the Timeout of the vhost its Host chose, as
   * ap_read_request switches to it once the head is read, and under that vhost's mod_reqtimeout
   * body stage (reqtimeout_before_body reads r->server; request-timeout.ts, read-clock.ts).
   */
  private watchBody(req: IncomingMessage, res: ServerResponse, incoming: IncomingRequest): void {
    if (!incoming.body || req.complete) return
    const active = this.opts.active()
    const vhost = requestVhost(active.servingVhosts, incoming)?.vhost
    const timeoutMs = vhost?.requestTimeoutMs ?? active.requestTimeoutMs
    // mod_reqtimeout's body stage is the chosen vhost's, where the connection has its filter.
    const stage = active.connectionReadStages ? (vhost?.readStages ?? active.connectionReadStages).body : null
    watchBodyReads(req, res, new ReadClock(stage, timeoutMs, 'body'), () => {
      // apache2 2.4.68 answers 408 (with its ErrorDocument: body-timeout-answer.ts) and closes,
      // whether the static handler, an error page or mod_proxy was reading the body; an answer
      // already under way is cut off.
      const socket = req.socket
      if (res.headersSent || !socket.writable) return void socket.destroy()
      answerBodyTimeout(pipelineContexts.get(incoming), socket, active.serverBanner)
    })
  }

  /**
   * Node sorts `Expect` by its own rules (a `100-continue` token anywhere, HTTP/1.1 only, an empty
   * value unmet); httpd's decide here instead (http/expect-continue.ts): a non-empty value other
   * than `100-continue` is answered 417 whatever the protocol, and the connection is closed.
   */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    // A request line llhttp read and httpd refuses, an HTTP/0.9 request, or one after them:
    // answered by node-heads.ts.
    if (this.nodeHeads.claims(req)) return
    let done: () => void = () => {}
    const incoming = toIncoming(req)
    const reply = new HttpReply(res, () => done(), sendsInterim(incoming.protocol))
    incoming.keepAliveIndex = arrivalIndex(req.socket)
    const expect = incoming.headers.expect
    let waitsForContinue = false
    if (unmetExpectation(expect)) {
      incoming.expectationFailed = true
      incoming.lastOnConnection = 'silently'
    } else if (expecting100(expect)) {
      reply.expectContinue(req, incoming.body !== null)
      waitsForContinue = sendsInterim(incoming.protocol) && incoming.body !== null
    }
    if (waitsForContinue) {
      // httpd reads the body, and times the reads, only once it sent the 100 (ap_http_filter):
      // until then the client rightly waits, and mod_proxy's own wait for the backend's 100
      // decides (a 503 when it never comes, not the client's 408).
      req.once('resume', () => this.watchBody(req, res, incoming))
    } else this.watchBody(req, res, incoming)
    done = this.run(incoming, reply)
  }

  /**
   * httpd without mod_proxy_connect answers a CONNECT as a request for `/` on the virtual host
   * its target names (accept stage). Node's parser has let go of the socket: the answer is
   * written on it directly and closes the connection, which reads no further request.
   */
  private handleConnect(req: IncomingMessage, socket: Socket): void {
    socket.on('error', () => {})
    const reply = new LeanReply({
      socket,
      method: 'CONNECT',
      keepAlive: false,
      keepAliveTimeoutMs: this.server.keepAliveTimeout,
      onFinish: () => socket.end()
    })
    // A client that goes away aborts what the answer waits on (an ErrorDocument's render).
    socket.on('close', () => reply.socketClosed())
    // Node reads no body after a CONNECT head (the rest of the stream is the tunnel's).
    const incoming = { ...toIncoming(req), body: null, lastOnConnection: true as const }
    reply.whenDone = this.run(incoming, reply)
  }

  private handleSimple(request: SimpleRequest, socket: Socket, reply: LeanReply): void {
    reply.whenDone = this.run(incomingOf(request, socket), reply)
  }

  /** Runs the pipeline; returns what to call once the answer is over (the trace then goes out). */
  private run(incoming: IncomingRequest, reply: ListenerReply): () => void {
    const seq = this.opts.nextSeq()
    const started = performance.now()
    const active = this.opts.active()
    // KeepAliveTimeout: how long both listeners let a connection idle after an answer (a 0,
    // which closes after every answer, must not leave idle connections without a timer).
    const idleMs = active.keepAlive.timeoutMs || HTTPD_KEEP_ALIVE.timeoutMs
    if (this.server.keepAliveTimeout !== idleMs) this.server.keepAliveTimeout = idleMs
    const headMs = this.headTimeoutMs(active)
    if (this.server.headersTimeout !== headMs) this.server.headersTimeout = headMs
    const traced = new TracedReply(reply, active.serverBanner)
    const ctx = new RequestContext(incoming, traced, active, 'serve', String(seq), seq)
    pipelineContexts.set(incoming, ctx)
    traced.trace = ctx.trace
    traced.ctx = ctx
    let stages: readonly Stage[] = WATCHED_STAGES
    let from = 0
    const key = REPLAY ? replayKey(incoming) : null
    if (key !== null) {
      const prefix = rememberedPrefix(active, key)
      if (prefix) {
        replay(ctx, prefix)
        stages = STAGES
        from = CACHE_STAGE
      } else ctx.inputWatch = new InputWatch(key)
    }
    // Published once the answer is on the wire and every stage is done (a stored miss
    // records its cache entry after the last byte).
    let pending = 2
    const done = (): void => {
      if (--pending > 0) return
      ctx.trace.durationMs = performance.now() - started
      if (ctx.trace.response.status === 0) ctx.trace.response.status = reply.statusCode
      this.opts.onTrace(ctx.trace, incoming.client)
    }
    try {
      const r = runPipeline(ctx, stages, from)
      if (r)
        r.then(done, (e: Error) => {
          try {
            this.fail(ctx, reply, e)
          } finally {
            done()
          }
        })
      else done()
    } catch (e) {
      this.fail(ctx, reply, e as Error)
      done()
    }
    return done
  }

  private fail(ctx: RequestContext, reply: ListenerReply, e: Error): void {
    ctx.record('response', 'error', `internal error: ${e.message}`)
    ctx.setOutcome('error')
    this.opts.onError?.(e)
    if (!reply.headersSent) {
      const body = errorPage(500, { admin: ctx.vhost?.serverAdmin })
      // A 500 ends the connection in httpd (ap_status_drops_connection).
      reply.head(
        500,
        { 'Content-Type': 'text/html; charset=iso-8859-1', 'Content-Length': Buffer.byteLength(body) },
        undefined,
        CLOSE_CONNECTION
      )
      reply.end(body)
    } else reply.destroy()
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject)
        resolve(this.server.address() as AddressInfo)
      })
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      if (this.lean) this.lean.close()
      this.server.closeAllConnections()
    })
  }
}
