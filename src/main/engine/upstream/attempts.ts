/**
 * Retries and failover (dispatcher-behavior.md §6.4, DC "Handling Render Connection Errors"):
 *
 * - Up to `/numberOfRetries` rounds (at least one); each round tries every render at most
 *   once, in the order selection gave (selection.ts); `/retryDelay` seconds between rounds.
 *   A failed connection (refused, unreachable, reset before the answer) moves on to the next
 *   render and penalises the one that failed (statistics.ts).
 * - No response headers within `/receiveTimeout` → 504 at once, nothing resent (R5).
 * - With `/failover "1"`: a 503 → the request is resent to another render (R2); another 50x →
 *   the farm's `/health_check/url` is asked of that render: down (500, or no answer) → penalty
 *   and resend (R4); alive (200) → the original error goes to the client (R3). A render that
 *   answered that way is not asked again for this request. When no other render is left to
 *   try (all answered, or the others failed to connect), the answer in hand goes to the client.
 * - Nothing reachable after the last round → 503 with the module's log lines
 *   `Unable to connect socket to host:port: Connection refused` (one per failure) and
 *   `Unable to connect to any backend in farm <name>` (R6; the status is UNCERTAIN, §6.4).
 *
 * Bodies are streamed, not buffered, so what can be sent twice is limited:
 * - a request without a body (`replayable`) can always be resent;
 * - a request with a body is resent only when the render that failed or answered had not
 *   begun reading the body (body-guard.ts). Under /failover such requests carry `Expect:
 *   100-continue` (expect-continue.ts), so a render that refuses them answers before reading
 *   any of it, and the body goes to the next render intact, as the module does (DC).
 *
 * The loop knows nothing of HTTP clients: `send(render)` performs one attempt and settles with
 * the response headers (body held back) or an error; forward-once.ts does that through a
 * RenderClient. Every attempt is reported for the trace.
 */
import { setTimeout as delay } from 'node:timers/promises'
import type { Farm } from '../../../shared/config-model'
import { errorCode } from '../http/error-code'
import { describeHealth, isUnhealthy, type HealthCheckResult } from './health-check'
import { pushConnected, pushOpening, withOpening, type ConnectionUse } from './keep-alive-log'
import { RenderError } from './render-client'
import { socketErrorText } from './socket-errors'
import type { RenderStatistics } from './statistics'

/** One attempt's outcome: the response headers with the body held back, or why there was none. */
export type SendOutcome<R> =
  | {
      kind: 'response'
      status: number
      response: R
      discard(): void
      /** The render had begun reading the request body when it answered (it cannot be sent again). */
      bodyTouched: boolean
      /** What the render's connection did for the attempt (keep-alive-log.ts), where known. */
      use?: ConnectionUse
    }
  | { kind: 'error'; error: RenderError; bodyTouched: boolean; use?: ConnectionUse }

export interface AttemptTarget {
  label: string
  /** `host:port`, as log lines name it. */
  origin: string
}

export interface AttemptPlan {
  farm: string
  /** The farm's renders, in configuration order. */
  renders: AttemptTarget[]
  /** Indexes into `renders`, first choice first (`RenderChoice.order`). */
  order: number[]
  /** The request path, for the statistics category. */
  uri: string
  numberOfRetries: number
  retryDelaySeconds: number
  failover: boolean
  healthCheckUrl?: string
  /** The request can be sent again after a render received it: it has no body. */
  replayable: boolean
}

export interface AttemptDeps<R> {
  send(render: number): Promise<SendOutcome<R>>
  healthCheck?(render: number): Promise<HealthCheckResult>
  statistics?: RenderStatistics | null
  /** The client went away: stop between and during attempts. */
  signal?: AbortSignal
  /** Waits between rounds (tests pass a fake one). */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>
  /** Milliseconds clock for attempt durations. */
  now?(): number
  /** Each attempt as soon as it is decided, for a live trace. */
  onAttempt?(attempt: AttemptRecord): void
  /**
   * The module's log lines for a render it connected to and sent the request ('Connected to
   * backend …', 'Adding request header: …'), logged before what came of the attempt.
   */
  connected?(render: number): readonly string[]
  /**
   * The first attempt, already sent by the caller (to the plan's first render) at `started`:
   * its outcome is used instead of a `send` (see `firstAnswer` for the case that needs no loop).
   */
  first?: { outcome: SendOutcome<R>; started: number }
}

export interface AttemptRecord {
  render: string
  origin: string
  /** For the trace: `HTTP 200`, `Connection refused`, `HTTP 503, resent to another render (/failover)`, … */
  result: string
  durationMs: number
  /** When the attempt began, in ms after the request's first attempt began: the /retryDelay waits show between rounds. */
  atMs: number
  /** 1-based number of the attempt within the request, and of its round. */
  attempt: number
  round: number
  outcome: 'answered' | 'failover' | 'unhealthy' | 'connect-failed' | 'timeout' | 'aborted'
  status?: number
  /** The system's error code of a failed connection (`ECONNREFUSED`), next to the module's words in `result`. */
  code?: string
}

interface Reported {
  attempts: AttemptRecord[]
  /** Module-style log lines (dispatcher-behavior.md §9). Read only: they may be shared lines. */
  log: readonly string[]
  /** For the trace's render entry: how the answer was reached. */
  reason: string
}

export type AttemptsResult<R> = Reported &
  (
    | { kind: 'response'; render: number; status: number; response: R }
    | { kind: 'unavailable'; status: 503 }
    | { kind: 'timeout'; render: number; status: 504 }
    | { kind: 'aborted' }
  )

/** The plan for one request, from the farm's configuration. */
export function planFor(
  farm: Farm,
  renders: AttemptTarget[],
  order: number[],
  uri: string,
  replayable: boolean
): AttemptPlan {
  return {
    farm: farm.name,
    renders,
    order,
    uri,
    numberOfRetries: farm.numberOfRetries.value,
    retryDelaySeconds: farm.retryDelay.value,
    failover: farm.failover.value,
    healthCheckUrl: farm.healthCheckUrl?.value,
    replayable
  }
}

/**
 * With `/serveStaleOnError "1"`, the outcomes that deliver invalidated content instead
 * (dispatcher-behavior.md §5.7): no render reachable, a receive timeout, or a render answer
 * 502/503/504/429 — not a 500.
 */
export function triggersServeStale(result: AttemptsResult<unknown>): boolean {
  if (result.kind === 'unavailable' || result.kind === 'timeout') return true
  return result.kind === 'response' && [429, 502, 503, 504].includes(result.status)
}

const statusWords = new Map<number, string>()

/** `HTTP 200`: made once per status. */
function httpStatusWords(status: number): string {
  let words = statusWords.get(status)
  if (!words) statusWords.set(status, (words = `HTTP ${status}`))
  return words
}

/**
 * The loop hands a render's answer to the client without consulting failover (R1, R3 aside):
 * also when the render had begun reading the request body, which cannot be sent twice.
 */
export function answersAtOnce(plan: AttemptPlan, status: number, bodyTouched: boolean): boolean {
  return !plan.failover || (!plan.replayable && bodyTouched) || status < 500 || status > 599
}

/**
 * What `runAttempts` returns when the first attempt, sent to `plan.order[0]` at `started`,
 * answered with a status `answersAtOnce` accepts: the same record, statistics and reason,
 * without the loop's promises (the common case on the request path).
 */
export function firstAnswer<R>(
  plan: AttemptPlan,
  status: number,
  response: R,
  started: number,
  statistics: RenderStatistics | null,
  now: number = performance.now(),
  /** `AttemptDeps.connected`'s lines for that render. */
  connected: readonly string[] = [],
  /** What the render's connection did for the attempt: its keep-alive lines go before `connected`. */
  use?: ConnectionUse
): AttemptsResult<R> {
  const i = plan.order[0]
  const durationMs = now - started
  statistics?.recordRequest(i)
  statistics?.recordResponse(i, plan.uri, durationMs)
  const target = plan.renders[i]
  const attempt: AttemptRecord = {
    render: target.label,
    origin: target.origin,
    result: httpStatusWords(status),
    durationMs,
    atMs: 0,
    attempt: 1,
    round: 1,
    outcome: 'answered',
    status
  }
  return {
    kind: 'response',
    render: i,
    status,
    response,
    attempts: [attempt],
    log: withOpening(use, target.origin, connected),
    reason: answerReason([attempt])
  }
}

export async function runAttempts<R>(plan: AttemptPlan, deps: AttemptDeps<R>): Promise<AttemptsResult<R>> {
  const now = deps.now ?? (() => performance.now())
  const sleep = deps.sleep ?? defaultSleep
  const stats = deps.statistics ?? null
  const attempts: AttemptRecord[] = []
  const log: string[] = []
  /** Renders that answered with an error failover moved away from: not asked again. */
  const answered = new Set<number>()
  /** Renders whose latest attempt could not connect. */
  const unreachable = new Set<number>()
  const rounds = roundsOf(plan.numberOfRetries)
  let n = 0
  /** When the first attempt began: each attempt's `atMs` counts from it. */
  let firstAt: number | null = null

  const aborted = (): AttemptsResult<R> => ({ kind: 'aborted', attempts, log, reason: 'the client went away' })
  const report = (
    i: number,
    round: number,
    started: number,
    outcome: AttemptRecord['outcome'],
    result: string,
    status?: number,
    code?: string
  ): void => {
    const a: AttemptRecord = {
      render: plan.renders[i].label,
      origin: plan.renders[i].origin,
      result,
      durationMs: now() - started,
      atMs: started - (firstAt ?? started),
      attempt: n,
      round,
      outcome,
      ...(status !== undefined ? { status } : {}),
      ...(code !== undefined ? { code } : {})
    }
    attempts.push(a)
    deps.onAttempt?.(a)
  }
  /** Another render that may still give a better answer. */
  const alternative = (i: number): boolean => plan.order.some((j) => j !== i && !answered.has(j) && !unreachable.has(j))

  for (let round = 1; round <= rounds; round++) {
    const candidates = plan.order.filter((i) => !answered.has(i))
    if (candidates.length === 0) break
    if (round > 1) {
      try {
        await sleep(plan.retryDelaySeconds * 1000, deps.signal)
      } catch {
        return aborted()
      }
    }
    for (const i of candidates) {
      const given = n === 0 ? deps.first : undefined
      if (!given && deps.signal?.aborted) return aborted()
      const target = plan.renders[i]
      n++
      const started = given ? given.started : now()
      firstAt ??= started
      // The first round tries every render in the order once: each counts the request once (statistics.ts).
      if (round === 1) stats?.recordRequest(i)
      const outcome = given ? given.outcome : await sendSafely(deps, i)

      if (outcome.kind === 'error') {
        const e = outcome.error
        if (e.kind === 'aborted') {
          report(i, round, started, 'aborted', 'the client went away')
          return aborted()
        }
        if (e.kind === 'timeout') {
          // Connected and sent: the render took the request and never answered it.
          if (deps.connected) pushConnected(log, outcome.use, target.origin, deps.connected(i))
          const took = now() - started
          stats?.recordTimeout(i, plan.uri, took, e.message)
          report(i, round, started, 'timeout', e.message)
          // No documented module line says this (§6.4 gives only the 504), so it is marked as ours.
          log.push(`x-workbench: no response from ${target.origin} within /receiveTimeout`)
          return {
            kind: 'timeout',
            render: i,
            status: 504,
            attempts,
            log,
            reason: `/${target.label} did not answer within /receiveTimeout`
          }
        }
        const text = socketErrorText(e.code, e.message)
        stats?.recordConnectFailure(i, plan.uri, text)
        unreachable.add(i)
        report(i, round, started, 'connect-failed', text, undefined, e.code)
        // The drops the pool made since are still told (the attempt opened no connection).
        pushOpening(log, outcome.use, target.origin, false)
        log.push(`Unable to connect socket to ${target.origin}: ${text}`)
        if (outcome.bodyTouched && !plan.replayable) {
          return {
            kind: 'unavailable',
            status: 503,
            attempts,
            log,
            reason: `/${target.label} failed after reading part of the request body, which cannot be sent again`
          }
        }
        continue
      }

      unreachable.delete(i)
      if (deps.connected) pushConnected(log, outcome.use, target.origin, deps.connected(i))
      const status = outcome.status
      stats?.recordResponse(i, plan.uri, now() - started)
      const deliver = (result: string): AttemptsResult<R> => {
        report(i, round, started, 'answered', result, status)
        return {
          kind: 'response',
          render: i,
          status,
          response: outcome.response,
          attempts,
          log,
          reason: answerReason(attempts)
        }
      }
      if (answersAtOnce(plan, status, outcome.bodyTouched)) return deliver(`HTTP ${status}`)

      if (status === 503) {
        if (!alternative(i)) return deliver('HTTP 503, no other render left to try')
        outcome.discard()
        answered.add(i)
        report(i, round, started, 'failover', 'HTTP 503, resent to another render (/failover)', status)
        continue
      }
      if (!plan.healthCheckUrl || !deps.healthCheck) return deliver(`HTTP ${status}, no /health_check to consult`)
      const health = await deps.healthCheck(i)
      const check = `/health_check ${plan.healthCheckUrl} ${describeHealth(health)}`
      if (!isUnhealthy(health)) return deliver(`HTTP ${status}, ${check}: the ${status} goes to the client`)
      stats?.recordUnhealthy(i, plan.uri, `HTTP ${status}, ${check}`)
      if (!alternative(i)) return deliver(`HTTP ${status}, ${check}: no other render left to try`)
      outcome.discard()
      answered.add(i)
      report(i, round, started, 'unhealthy', `HTTP ${status}, ${check}: down, resent to another render`, status)
    }
  }

  log.push(`Unable to connect to any backend in farm ${plan.farm}`)
  return {
    kind: 'unavailable',
    status: 503,
    attempts,
    log,
    reason:
      plan.renders.length === 0
        ? `farm /${plan.farm} has no /renders`
        : `${attempts.length} attempts on ${new Set(attempts.map((a) => a.render)).size} render(s), none answered`
  }
}

/** Rounds the loop makes for `/numberOfRetries`: at least one (a "0" or a broken value still tries once). */
export function roundsOf(numberOfRetries: number): number {
  return Math.max(1, Math.floor(numberOfRetries) || 1)
}

async function sendSafely<R>(deps: AttemptDeps<R>, i: number): Promise<SendOutcome<R>> {
  try {
    return await deps.send(i)
  } catch (e) {
    // An attempt that throws is a failed connection whose effect on the body is unknown.
    return { kind: 'error', error: new RenderError('connect', (e as Error).message, errorCode(e)), bodyTouched: true }
  }
}

function answerReason(attempts: AttemptRecord[]): string {
  if (attempts.length === 1) return 'answered on the first attempt'
  const before = attempts
    .slice(0, -1)
    .map((a) => `/${a.render} ${a.result}`)
    .join('; ')
  return `failover attempt ${attempts.length} (round ${attempts[attempts.length - 1].round}) after ${before}`
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal })
}
