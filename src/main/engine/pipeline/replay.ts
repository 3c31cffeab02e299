/**
 * Decision replay: a request whose head is byte for byte one seen before (same method,
 * target, protocol, headers in the same order and spelling, same client address and listener)
 * gets the same decisions from the stages before the cache stage — vhost, rewrite, handler,
 * farm, flush, filter are functions of exactly those inputs and of the configuration
 * snapshot. Their outcome is remembered per snapshot and replayed, and the request goes on
 * at the cache stage, which (like the module) checks the cache file and its `.stat` on every
 * request. A browser reloading a page, or a load test, repeats the same heads over and over.
 *
 * A run is remembered only when nothing else went into those decisions: no clock reading
 * (`%{TIME}`, `[CO]` lifetimes, `%t`), no client port, no look at the file system (`-f`,
 * `-d`, `LA-U`), no `rnd:` map, no look at the vanity URL list (it is fetched again). The
 * replayed trace shows the same stage entries, with a duration of 0: they did not run again.
 */
import type { StageTrace, RequestTrace, TraceRequest } from '../../../shared/trace'
import type { ActiveConfig, ActiveFarm, ActiveRender, ActiveVhost } from '../runtime/active-config'
import { headerNamesOf, type IncomingRequest, type RequestContext } from './context'
import { isFolder } from '../cache/folder-checks'
import type { CompiledHeaders } from './headers/compile-headers'
import type { HeaderEntry } from './headers/table'
import type { RememberedHeaderRun } from './response-headers'

/** What the stages before the cache stage decided, as the cache and render stages read it. */
interface Prefix {
  path: string
  decodedPath: string
  /** httpd's own view where mod_rewrite left it different from the Dispatcher's (context.ts). */
  apache: Pick<RequestContext, 'apacheUri' | 'arrivedUri' | 'apacheFilename' | 'apacheArgs'> | null
  query: string | null
  /** `r->useragent_ip` (mod_remoteip may have taken it from a header). */
  clientIp: string
  vhost?: ActiveVhost
  farm?: ActiveFarm
  /**
   * Shared by every replay, so frozen (the stages copy the environment and the headers before
   * they change them): a replay keeps no copy of its own, and neither do the traces whose
   * explanations are completed later from them.
   */
  env: Readonly<Record<string, string>>
  /** Null when they are the request's own (no RequestHeader changed them). */
  headers: Readonly<Record<string, string>> | null
  /** `RequestHeader` added these (their spelling), and with the head's own: `r->headers_in`'s names. */
  addedHeaderNames: readonly string[]
  headerNames: readonly string[]
  /** RequestContext.headerLines: `r->headers_in` line by line, when RequestHeader made it so. */
  headerLines: readonly HeaderEntry[] | undefined
  /** The trace's `request`: every field is the head's or the client's, so one object serves every replay. */
  request: TraceRequest
  cookies: string[]
  vary: string[]
  stages: readonly StageTrace[]
  /** What the render stage sent each render for this head (filled by the replays, shared). */
  forwarded: Map<ActiveRender, Readonly<Record<string, string>>>
  /** What the response's `Header` directives made for this head (filled by the replays, shared). */
  headerRuns: Map<CompiledHeaders, RememberedHeaderRun>
  /** The trace the decisions were taken from. */
  from: string
  trace: Pick<RequestTrace, 'vhost' | 'farm' | 'decidingRule' | 'effectiveUrl' | 'warnings'>
  /** mod_dir let the request through because this was not a folder: no longer true once it is. */
  notFolder?: string
}

/** Heads remembered per configuration snapshot before the memo starts over. */
const MEMO_LIMIT = 5000

const memos = new WeakMap<ActiveConfig, Map<string, Prefix>>()

/** Keeps track of inputs a replay could not reproduce, while a run is being watched. */
export class InputWatch {
  dynamic = false
  /** A path the run found not to be a folder (mod_dir's fixup): a replay looks again. */
  notFolder?: string
  /** File-system probes of the vhost when the watch started (see `capture`). */
  probeCalls = -1

  constructor(readonly key: string) {}

  /** A Date that marks the run as depending on the clock as soon as anything reads it. */
  clock(ms: number): Date {
    const date = new Date(ms)
    return new Proxy(date, {
      get: (target, prop) => {
        this.dynamic = true
        const value = Reflect.get(target, prop, target) as unknown
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      }
    })
  }
}

/** The memo key of a request that may be replayed (no body: GET and HEAD), else null. */
export function replayKey(req: IncomingRequest): string | null {
  // A head httpd refused reads like another head once split into words (`GET  /x` is `GET /x`).
  if (req.body !== null || (req.method !== 'GET' && req.method !== 'HEAD') || req.refused !== undefined) return null
  // The same request object (a repeated head on one connection) keeps its key string, whose
  // hash V8 then computes once.
  let key = keys.get(req)
  if (key === undefined) {
    key = keyOf(req)
    keys.set(req, key)
  }
  return key
}

const keys = new WeakMap<IncomingRequest, string>()

function keyOf(req: IncomingRequest): string {
  return `${req.method} ${req.target} ${req.protocol}\n${req.rawHeaders.join('\n')}\n${req.client.address}\n${req.local.address}:${req.local.port}\n${req.secure ? 's' : ''}`
}

export function rememberedPrefix(config: ActiveConfig, key: string): Prefix | undefined {
  const p = memos.get(config)?.get(key)
  return p?.notFolder !== undefined && isFolder(p.notFolder) ? undefined : p
}

/**
 * A pipeline stage placed just before the cache stage of a watched run: remembers what the
 * earlier stages decided when the run qualifies. It never answers.
 */
export function capture(ctx: RequestContext): false {
  const watch = ctx.inputWatch
  if (!watch || watch.dynamic) return false
  const v = ctx.vhost
  if (v && (v.probe.calls !== watch.probeCalls || (v.apache.rewrite && !v.apache.rewrite.replayable))) return false
  if (ctx.proxyTo !== undefined || ctx.isErrorDocument) return false
  const trace = ctx.trace
  const prefix: Prefix = {
    path: ctx.path,
    decodedPath: ctx.decodedPath,
    apache:
      ctx.apacheUri === undefined &&
      ctx.arrivedUri === undefined &&
      ctx.apacheFilename === undefined &&
      ctx.apacheArgs === undefined
        ? null
        : {
            apacheUri: ctx.apacheUri,
            arrivedUri: ctx.arrivedUri,
            apacheFilename: ctx.apacheFilename,
            apacheArgs: ctx.apacheArgs
          },
    query: ctx.query,
    clientIp: ctx.clientIp,
    vhost: v,
    farm: ctx.farm,
    env: Object.freeze({ ...ctx.env }),
    headers: ctx.headers === ctx.req.headers ? null : Object.freeze({ ...ctx.headers }),
    request: trace.request,
    addedHeaderNames: Object.freeze([...ctx.addedHeaderNames]),
    headerNames: Object.freeze(headerNamesOf(ctx.req, ctx.addedHeaderNames)),
    headerLines: ctx.headerLines && Object.freeze(ctx.headerLines.map((l) => Object.freeze({ ...l }))),
    cookies: [...ctx.cookies],
    vary: [...ctx.vary],
    // Reading the stages completes any entry explained on demand; shared from now on, so frozen.
    stages: trace.stages.map((s) => Object.freeze({ ...s, durationMs: 0 })),
    forwarded: new Map(),
    headerRuns: new Map(),
    from: trace.id,
    trace: {
      vhost: trace.vhost,
      farm: trace.farm,
      decidingRule: trace.decidingRule,
      effectiveUrl: trace.effectiveUrl,
      warnings: [...trace.warnings]
    },
    notFolder: watch.notFolder
  }
  let memo = memos.get(ctx.config)
  if (!memo) memos.set(ctx.config, (memo = new Map()))
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(watch.key, prefix)
  return false
}

/** Puts a remembered prefix into a fresh context: the pipeline then goes on at the cache stage. */
export function replay(ctx: RequestContext, p: Prefix): void {
  ctx.path = p.path
  ctx.decodedPath = p.decodedPath
  if (p.apache) {
    ctx.apacheUri = p.apache.apacheUri
    ctx.arrivedUri = p.apache.arrivedUri
    ctx.apacheFilename = p.apache.apacheFilename
    ctx.apacheArgs = p.apache.apacheArgs
    ctx.invalidateApacheRequest()
  }
  ctx.query = p.query
  ctx.clientIp = p.clientIp
  ctx.clientResolved = true
  ctx.vhost = p.vhost
  ctx.farm = p.farm
  ctx.env = p.env as Record<string, string>
  if (p.headers) ctx.headers = p.headers as Record<string, string>
  if (p.addedHeaderNames.length > 0) ctx.addedHeaderNames = [...p.addedHeaderNames]
  ctx.replayedHeaderNames = p.headerNames
  if (p.headerLines) ctx.headerLines = p.headerLines
  if (p.cookies.length > 0) ctx.cookies = [...p.cookies]
  if (p.vary.length > 0) ctx.vary = [...p.vary]
  const trace = ctx.trace
  trace.request = p.request
  if (p.trace.vhost !== undefined) trace.vhost = p.trace.vhost
  if (p.trace.farm !== undefined) trace.farm = p.trace.farm
  if (p.trace.decidingRule !== undefined) trace.decidingRule = p.trace.decidingRule
  if (p.trace.effectiveUrl !== undefined) trace.effectiveUrl = p.trace.effectiveUrl
  for (const w of p.trace.warnings) ctx.warn(w)
  trace.replayedFrom = p.from
  ctx.adoptStages(p.stages)
  ctx.forwardedByRender = p.forwarded
  ctx.headerRuns = p.headerRuns
}
