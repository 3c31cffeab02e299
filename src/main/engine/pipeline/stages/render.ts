/**
 * render: choose a render (sticky cookie, response-time statistics, first render), forward
 * with retries and failover (dispatcher-behavior.md §6), stream the answer back and store it
 * on the way when the cache stage planned it (§5.2, §5.4). Headers sent: the farm's
 * `/clientheaders`, hop-by-hop removed, plus what the module always adds (§6.3).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import type { Outcome, RenderDetail, StageTrace, TraceForwarded } from '../../../../shared/trace'
import {
  CACHE_INFO,
  notCacheable,
  responseCacheability,
  storedHeaders,
  ttlFromHeaders,
  type SessionManager
} from '../../cache'
import type { ActiveFarm } from '../../runtime/active-config'
import {
  answersAtOnce,
  firstAnswer,
  planFor,
  runAttempts,
  triggersServeStale,
  type AttemptsResult
} from '../../upstream/attempts'
import { attemptsNote, retrySettings, unavailableSummary } from '../../upstream/attempts-words'
import { forwardOnce, startForward, type PendingResponse } from '../../upstream/forward-once'
import { checkHealth } from '../../upstream/health-check'
import { withStored } from '../../upstream/keep-alive-log'
import type { RenderError } from '../../upstream/render-client'
import { selectRender } from '../../upstream/selection'
import { CacheTee } from '../cache-tee'
import type { RequestContext } from '../context'
import { finalHeaders } from '../response-headers'
import { cacheInfoHeader, serveCached } from '../serve-cached'
import { connectedLog, forwardHeadersForRender } from '../forward-headers'
import { RESPONSE_HOP } from '../hop-headers'
import { refuseOversizedBody } from '../request-body-limit'
import { refuseConnectForward } from '../connect-forward'
import { answer, headerFilterRefusedAnswer } from './answer'
import { markRefetch } from './cache'
import { staleOnErrorWords } from '../stale-on-error'

function responseHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const name in h) {
    if (RESPONSE_HOP.has(name)) continue
    const v = h[name]
    if (v !== undefined) out[name] = v
  }
  return out
}

function passesError(passError: boolean | Set<number>, status: number): boolean {
  if (status < 400 || passError === false) return false
  return passError === true || passError.has(status)
}

/**
 * The client going away, for the attempts: the first attempt is cancelled directly, and the
 * AbortSignal the retry loop needs is only made when that loop runs (rarely: an error or a
 * failover decision), because an AbortController per request is costly.
 */
class ClientGone {
  aborted = false
  /** Cancels the attempt sent without the loop, until its transfer is over. */
  cancelFirst: (() => void) | null = null
  private controller?: AbortController

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController()
      if (this.aborted) this.controller.abort()
    }
    return this.controller.signal
  }

  fire(): void {
    if (this.aborted) return
    this.aborted = true
    this.cancelFirst?.()
    this.controller?.abort()
  }
}

/** `null`: the answer is streaming and `done` is called when it is complete. */
type Delivery = boolean | Promise<boolean> | null

export function render(ctx: RequestContext): boolean | Promise<boolean> {
  const active = ctx.farm!
  const farmName = active.farm.name
  const choice = selectRender({
    names: active.renderNames,
    cookieHeader: ctx.headers.cookie,
    uri: ctx.path,
    statistics: active.statistics
  })
  if (!choice) {
    ctx.record(
      'render',
      'stop',
      `farm /${farmName} has no /renders: Unable to connect to any backend in farm ${farmName}`
    )
    ctx.setOutcome('error')
    return answer(ctx, 503)
  }
  const dispatcher = ctx.vhost?.dispatcher ?? ctx.config.defaults
  const path = dispatcher.noCanonURL ? ctx.req.target : ctx.query !== null ? `${ctx.path}?${ctx.query}` : ctx.path
  const first = active.renders[choice.index]
  const targets = active.attemptTargets
  // Every key the stage may set is in the literal (undefined until known), so V8 keeps them all
  // inside the object: this detail is kept with the trace.
  const detail: RenderDetail = {
    render: active.renderNames[choice.index],
    origin: targets[choice.index].origin,
    attempts: [],
    reason: choice.reason,
    attemptsNote: undefined,
    status: undefined,
    timeToHeadersMs: undefined
  }
  const oversized = refuseOversizedBody(ctx, 'The Dispatcher')
  if (oversized !== null) return oversized
  const connect = refuseConnectForward(ctx, 'The Dispatcher', `render /${detail.render} (${detail.origin})`, detail)
  if (connect !== null) return connect
  const firstHeaders = forwardHeadersForRender(ctx, active, first)
  const method = forwardMethod(ctx)
  ctx.trace.forwarded = tracedForward(detail.render, detail.origin, method, path, firstHeaders)

  if (ctx.mode === 'explain') {
    ctx.record(
      'render',
      'stop',
      `would forward ${method} ${path} to render /${detail.render} (${detail.origin}): ${choice.reason}`,
      { detail }
    )
    // Nothing is sent: the outcome is the one a render's 200 would give, as the request log
    // would show it (stored when the cache stage would cache it).
    ctx.setOutcome(ctx.cachePlan ? 'miss-stored' : 'miss-uncacheable')
    return true
  }

  const plan = ctx.cachePlan
  const store = active.cache?.store ?? null
  // Only a stale file being fetched again is marked (other requests get the stale copy meanwhile).
  const refetchKey = plan?.stale && store ? `${store.docroot.root}\n${plan.relPath}` : null
  if (refetchKey) markRefetch(refetchKey, true)
  const gone = new ClientGone()
  ctx.reply.onAbort(() => gone.fire())
  const attemptPlan = planFor(active.farm, targets, choice.order, ctx.path, ctx.req.body === null)
  const body = ctx.req.body
  const headersFor = (i: number): Readonly<Record<string, string>> =>
    i === choice.index ? firstHeaders : forwardHeadersForRender(ctx, active, active.renders[i])
  const connected = (i: number): readonly string[] =>
    connectedLog(ctx, active.renderNames[i], targets[i].origin, headersFor(i))

  const settle = (
    result: AttemptsResult<PendingResponse>,
    done: (stop: boolean) => void,
    headersAt?: number
  ): Delivery => {
    detail.attempts = result.attempts
    if (result.attempts.length > 1) {
      detail.reason = `${choice.reason}; ${result.reason}`
      detail.attemptsNote = attemptsNote(result.attempts, retrySettings(active.farm))
    }
    const used = result.kind === 'response' || result.kind === 'timeout' ? result.render : choice.index
    detail.render = active.renderNames[used]
    detail.origin = targets[used].origin
    // After a failover the trace shows what the answering render was sent (its own Host line
    // when the client's is not passed on), as the retry loop made it.
    if (used !== choice.index)
      ctx.trace.forwarded = tracedForward(
        detail.render,
        detail.origin,
        method,
        path,
        forwardHeadersForRender(ctx, active, active.renders[used])
      )
    return deliver(ctx, active, result, detail, started, done, headersAt)
  }

  const started = performance.now()
  return new Promise<boolean>((resolve, reject) => {
    const done = refetchKey
      ? (stop: boolean): void => {
          markRefetch(refetchKey, false)
          resolve(stop)
        }
      : resolve
    const fail = refetchKey
      ? (e: unknown): void => {
          markRefetch(refetchKey, false)
          reject(e)
        }
      : reject
    const finishWith = (r: Delivery): void => {
      if (r === null) return
      if (typeof r === 'boolean') done(r)
      else r.then(done, fail)
    }
    // The first attempt is sent straight away; an answer the retry loop would pass on as it
    // came (§6.4: anything but a 5xx under /failover) streams from the render's callback.
    // Errors and failover decisions go to the loop, with this attempt as its first.
    gone.cancelFirst = startForward(
      first.client,
      { method, path, headers: firstHeaders, body },
      (outcome) => {
        if (outcome.kind === 'response' && answersAtOnce(attemptPlan, outcome.status, outcome.bodyTouched)) {
          gone.cancelFirst = null
          let r: Delivery
          try {
            const at = performance.now()
            r = settle(
              firstAnswer(
                attemptPlan,
                outcome.status,
                outcome.response,
                started,
                active.statistics,
                at,
                connected(choice.index),
                outcome.use
              ),
              done,
              at
            )
          } catch (e) {
            outcome.discard()
            fail(e)
            return
          }
          finishWith(r)
          return
        }
        gone.cancelFirst = null
        runAttempts<PendingResponse>(attemptPlan, {
          first: { outcome, started },
          send: (i) =>
            forwardOnce(active.renders[i].client, { method, path, headers: headersFor(i), body }, gone.signal),
          healthCheck: (i) => checkHealth(active.renders[i].render, active.farm.healthCheckUrl?.value ?? '/'),
          statistics: active.statistics,
          signal: gone.signal,
          connected
        })
          .then((result) => finishWith(settle(result, done)))
          .catch(fail)
      },
      () => {
        gone.cancelFirst = null
      }
    )
  })
}

/**
 * A HEAD is cacheable like a GET (§5.3 step 2), and a miss announced `caching` (§8.3) must be
 * stored: the render is asked with GET so that there is a body to store, and the client gets
 * the head only (the reply sends no body to a HEAD). A HEAD the cache has no plan for (not
 * cacheable) goes to the render as a HEAD. UNCERTAIN: the documents do not say which method
 * the module sends; GET is what lets its documented `caching` hold.
 */
function forwardMethod(ctx: RequestContext): string {
  const m = ctx.req.method
  return m === 'HEAD' && ctx.cachePlan ? 'GET' : m
}

/**
 * The trace's `forwarded`. Header lines shared by the replays of one head (forward-headers.ts)
 * come with one frozen entry for them all, as long as it says the same: the ring keeps 10,000
 * traces, and an object each costs the garbage collector on every collection.
 */
function tracedForward(
  render: string,
  origin: string,
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>
): TraceForwarded {
  if (!Object.isFrozen(headers)) return { render, origin, method, url, headers: headers as Record<string, string> }
  const known = forwardedEntries.get(headers)
  if (known && known.render === render && known.origin === origin && known.method === method && known.url === url)
    return known
  const entry: TraceForwarded = Object.freeze({
    render,
    origin,
    method,
    url,
    headers: headers as Record<string, string>
  })
  forwardedEntries.set(headers, entry)
  return entry
}

const forwardedEntries = new WeakMap<object, TraceForwarded>()

function deliver(
  ctx: RequestContext,
  active: ActiveFarm,
  result: AttemptsResult<PendingResponse>,
  detail: RenderDetail,
  started: number,
  done: (stop: boolean) => void,
  /** When the headers came, if the caller read the clock then. */
  headersAt?: number
): Delivery {
  const plan = ctx.cachePlan
  const canServeStale = !!plan?.stale && !!active.cache?.policy.serveStaleOnError && triggersServeStale(result)
  if (result.kind === 'aborted') {
    ctx.record('render', 'error', 'the client went away before a render answered', { detail })
    ctx.setOutcome('error')
    return true
  }
  if (canServeStale) {
    if (result.kind === 'response') result.response.discard()
    const stale = plan!.stale!
    const words = staleOnErrorWords(result, active, stale.relPath)
    ctx.cacheInfo = CACHE_INFO.deliveredOnError
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.record('render', 'error', words.render, { detail, log: result.log })
    ctx.record('cache', 'stop', words.cache)
    ctx.setOutcome('stale')
    return serveCached(ctx, stale.file, stale.relPath, {
      warning: `111 ${ctx.headers.host ?? 'dispatcher'} "Revalidation failed"`
    })
  }
  if (result.kind === 'unavailable') {
    dropStaleCopy(ctx, active)
    // The farm's line ends the log, unless the loop stopped early (a body that cannot be sent again).
    const farmLine = `Unable to connect to any backend in farm ${active.farm.name}`
    const ending = result.log[result.log.length - 1] === farmLine ? farmLine : result.reason
    ctx.record('render', 'stop', unavailableSummary(result.attempts, retrySettings(active.farm), ending), {
      detail,
      log: result.log
    })
    ctx.setOutcome('error')
    return answer(ctx, 503)
  }
  if (result.kind === 'timeout') {
    dropStaleCopy(ctx, active)
    const r = active.renders[result.render].render
    ctx.record(
      'render',
      'stop',
      `render /${detail.render} (${detail.origin}) did not answer within /receiveTimeout (${r.receiveTimeout.value} ms): 504`,
      // The retry loop already logged the module's line for the timed-out render (attempts.ts).
      { detail, log: result.log }
    )
    ctx.setOutcome('error')
    return answer(ctx, 504)
  }

  const status = result.status
  const dispatcher = ctx.vhost?.dispatcher ?? ctx.config.defaults
  detail.status = status
  detail.timeToHeadersMs = (headersAt ?? performance.now()) - started
  if (passesError(dispatcher.passError, status)) {
    // Not stored either: the cache stage says why, as for an answer relayed to the client.
    const plan = ctx.cachePlan
    if (plan && active.cache?.store) startTee(ctx, plan.relPath, status, result.response.headers)
    result.response.discard()
    dropStaleCopy(ctx, active)
    ctx.record('render', 'stop', `render answered ${status}; DispatcherPassError hands it to Apache's error document`, {
      detail,
      log: result.log
    })
    ctx.setOutcome(outcomeOfRenderAnswer(status))
    return answer(ctx, status)
  }
  if (result.response.refusal !== undefined) return refusedByHeaderFilter(ctx, active, result, detail)
  ctx.status = status
  const entry = ctx.record(
    'render',
    'pass',
    // One flat string: a template literal would be a chain of ~8 cons-strings kept with every trace.
    [
      'render /',
      detail.render,
      ' (',
      detail.origin,
      ') answered ',
      status,
      ' in ',
      detail.timeToHeadersMs.toFixed(1),
      ' ms (',
      detail.reason,
      ')'
    ].join(''),
    {
      detail,
      log: result.log.length ? result.log : undefined
    }
  )
  ctx.setOutcome(outcomeOfRenderAnswer(status))
  const session = status === 200 ? ctx.sessionToOpen : undefined
  if (session) openSession(ctx, session.sessions, session.file)
  stream(ctx, active, result.response, detail, entry, done)
  return null
}

/**
 * The render answered with a field httpd's header filter refuses (upstream/refused-head.ts): the
 * module copied the render's fields into r->headers_out, and check_headers turns the answer into
 * ap_die's 500 before anything of it reaches the client (the render's status in r->status, a
 * recursive error when not 200). The render answered: it was not retried nor penalised. Nothing
 * of the answer is stored (the module's answer to the client failed), and the stale copy a
 * refetch would have replaced goes as after any refetch that stored nothing.
 */
function refusedByHeaderFilter(
  ctx: RequestContext,
  active: ActiveFarm,
  result: AttemptsResult<PendingResponse> & { kind: 'response' },
  detail: RenderDetail
): true | Promise<true> {
  const { status, refusal } = result.response
  ctx.record('render', 'stop', `render /${detail.render} (${detail.origin}) answered ${status}, ${refusal}: 500`, {
    detail,
    log: result.log.length ? result.log : undefined
  })
  const plan = ctx.cachePlan
  if (plan && active.cache?.store)
    ctx.record('cache', 'pass', `not stored: httpd's header filter refused the render's answer for ${plan.relPath}`)
  dropStaleCopy(ctx, active)
  ctx.setOutcome('error')
  return headerFilterRefusedAnswer(ctx, status)
}

/**
 * What a request the render answered became before the answer is stored (commitTee makes a
 * stored one miss-stored): a 4xx the render gave is the render's answer, relayed (or handed to
 * Apache's ErrorDocument under DispatcherPassError) and never cached, as the module caches only
 * 200s; a 5xx is the render failing. The same with or without DispatcherPassError.
 */
function outcomeOfRenderAnswer(status: number): Outcome {
  return status >= 500 ? 'error' : 'miss-uncacheable'
}

/** §5.3 step 7: the render accepted the request's credential; its session starts now (session-manager.ts). */
function openSession(ctx: RequestContext, sessions: SessionManager, file: string): void {
  sessions.open(file, Date.now())
  ctx.record('cache', 'changed', `session opened: ${file} (/sessionmanagement)`)
}

/**
 * With `/serveStaleOnError "0"`, invalidated content does not outlive a refetch that stored
 * nothing new (§5.7: only with "1" is it kept until the render answers successfully).
 */
function dropStaleCopy(ctx: RequestContext, active: ActiveFarm): void {
  const stale = ctx.cachePlan?.stale
  const store = active.cache?.store
  if (!stale || !store || store.policy.serveStaleOnError) return
  const reason = `stale copy deleted: its refetch stored nothing new and /serveStaleOnError is "0"`
  if (store.dropStale(stale.relPath, stale.file, reason)) ctx.record('cache', 'changed', `${stale.relPath}: ${reason}`)
}

function stream(
  ctx: RequestContext,
  active: ActiveFarm,
  response: PendingResponse,
  detail: RenderDetail,
  /** The render stage's trace entry: 'Storing socket for later reuse' ends its log. */
  entry: StageTrace,
  done: (stop: boolean) => void
): void {
  const plan = ctx.cachePlan
  const store = active.cache?.store ?? null
  const tee = plan && store ? startTee(ctx, plan.relPath, response.status, response.headers) : undefined
  if (!tee) dropStaleCopy(ctx, active)
  const cacheInfo = cacheInfoHeader(ctx)
  const cookie = active.sticky?.setCookieFor(ctx.path, ctx.headers.cookie, detail.render, ctx.req.secure)
  const out = responseHeaders(response.headers)
  ctx.reply.relaysBackendHead?.()
  if (response.spelling) ctx.reply.backendSpelling?.(response.spelling)
  if (cacheInfo !== undefined) out['x-cache-info'] = cacheInfo
  if (cookie) {
    const existing = out['set-cookie']
    out['set-cookie'] =
      existing === undefined ? [cookie] : [...(Array.isArray(existing) ? existing : [String(existing)]), cookie]
  }
  {
    let bytes = 0
    let finished = false
    // While storing, the newest chunk is held back until the next one arrives, and the last
    // one until the file is in place: like the module, the answer completes only after the
    // cache file was renamed, so a client's next request finds it.
    let held: Buffer | null = null
    let resume: () => void = () => undefined
    let drainHooked = false
    // The client's 'drain' is only listened to once a write was refused (most answers never are).
    const write = (chunk: Buffer): boolean => {
      if (ctx.reply.write(chunk)) return true
      if (!drainHooked) {
        drainHooked = true
        ctx.reply.onDrain(() => resume())
      }
      return false
    }
    const finish = (): void => {
      if (finished) return
      finished = true
      // A HEAD fetched as GET sends the client no body (forwardMethod).
      ctx.trace.response.bytes = ctx.req.method === 'HEAD' ? 0 : bytes
      done(true)
    }
    response.deliver({
      onHead(status: number, _headers: IncomingHttpHeaders, resumeRender: () => void) {
        resume = resumeRender
        ctx.reply.head(status, finalHeaders(ctx, status, out, false, { uncacheable: tee === undefined }))
      },
      onData(chunk: Buffer) {
        bytes += chunk.length
        if (!tee) return write(chunk)
        tee.write(chunk)
        const previous = held
        held = chunk
        return previous ? write(previous) : true
      },
      onEnd(kept?: boolean) {
        // The answer was read and the pool kept its connection (render-client.ts): the module
        // logs 'Storing socket for later reuse' then (EXP: after the cache stage's 'Cache file
        // successfully created'), last of the render's lines.
        if (kept) entry.log = withStored(entry.log, detail.origin)
        if (!tee) {
          ctx.reply.end()
          finish()
          return
        }
        void commitTee(ctx, active, tee, response.headers).then(() => {
          ctx.reply.end(held ?? undefined)
          held = null
          finish()
        })
      },
      onError(err: RenderError) {
        if (tee) {
          void tee.abort()
          dropStaleCopy(ctx, active)
        }
        // The module streams what it received while storing it: the held chunk goes out (with
        // the headers, when it is the first), then the answer is cut short and the cache file
        // dropped (§6.4: "partial body to client, cache file deleted").
        if (held) {
          write(held)
          held = null
        }
        ctx.record('render', 'error', `render /${detail.render} failed while sending the body: ${err.message}`, {
          detail
        })
        ctx.setOutcome('error')
        ctx.reply.destroy()
        finish()
      }
    })
    ctx.reply.onAbort(() => {
      response.discard()
      if (tee) void tee.abort()
      finish()
    })
  }
}

/** §5.4: decided at the headers; X-Cache-Info says why an answer is not stored. */
function startTee(
  ctx: RequestContext,
  relPath: string,
  status: number,
  headers: IncomingHttpHeaders
): CacheTee | undefined {
  const cache = ctx.farm!.cache!
  const store = cache.store!
  const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined
  const bag = headers as Record<string, string | string[]>
  const verdict = responseCacheability(status, bag, length, cache.policy.storesSetCookie)
  for (const w of verdict.warnings) ctx.warn(w)
  if (!verdict.store) {
    ctx.cacheInfo = notCacheable(verdict.reason)
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.record('cache', 'pass', `${ctx.cacheInfo}: ${relPath} is not stored`)
    return undefined
  }
  return new CacheTee(store, relPath)
}

async function commitTee(
  ctx: RequestContext,
  active: ActiveFarm,
  tee: CacheTee,
  headers: IncomingHttpHeaders
): Promise<void> {
  const policy = active.cache!.policy
  const bag = headers as Record<string, string | string[]>
  const now = Date.now()
  const ttl = policy.enableTTL ? ttlFromHeaders(bag, now) : null
  const result = await tee.commit(storedHeaders(policy, bag), ttl)
  if (result.stored) {
    ctx.setOutcome('miss-stored')
    // The TTL as a length, not a date: the summary is read in the UI (local time) and by
    // explain alike, and the cache entry (CacheTab) gives the moment in local time.
    const left = result.ttlExpiresAt ? Math.round((result.ttlExpiresAt - now) / 1000) : null
    const expiry = left === null ? '' : left > 0 ? `, expires in ${left} s` : ', already expired'
    ctx.record('cache', 'changed', `stored ${result.relPath} (${result.bytes} bytes${expiry})`, { log: result.log })
  } else {
    ctx.cacheInfo = notCacheable(result.reason)
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.record('cache', 'pass', `not stored: ${result.reason}`, { log: result.log })
    dropStaleCopy(ctx, active)
  }
}
