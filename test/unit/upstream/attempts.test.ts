import { describe, expect, it } from 'vitest'
import type { Farm } from '../../../src/shared/config-model'
import {
  planFor,
  runAttempts,
  triggersServeStale,
  type AttemptPlan,
  type AttemptRecord,
  type SendOutcome
} from '../../../src/main/engine/upstream/attempts'
import type { HealthCheckResult } from '../../../src/main/engine/upstream/health-check'
import { RenderError } from '../../../src/main/engine/upstream/render-client'
import { RenderStatistics } from '../../../src/main/engine/upstream/statistics'
import { category, fakeClock } from './helpers'

type Step =
  { status: number; bodyTouched?: boolean } | { error: RenderError['kind']; code?: string; bodyTouched?: boolean }

const renders = [
  { label: 'rend01', origin: '127.0.0.1:4503' },
  { label: 'rend02', origin: '127.0.0.1:4504' }
]

function plan(extra: Partial<AttemptPlan> = {}): AttemptPlan {
  return {
    farm: 'publish',
    renders,
    order: [0, 1],
    uri: '/content/a.html',
    numberOfRetries: 5,
    retryDelaySeconds: 1,
    failover: false,
    replayable: true,
    ...extra
  }
}

/** Each render answers its steps in turn (the last one repeats); records calls and discards. */
function script(steps: Record<number, Step[]>) {
  const calls: number[] = []
  const discarded: string[] = []
  const sleeps: number[] = []
  const send = async (i: number): Promise<SendOutcome<string>> => {
    calls.push(i)
    const list = steps[i]
    const step = list[Math.min(list.length - 1, calls.filter((c) => c === i).length - 1)]
    if ('status' in step) {
      const response = `${renders[i].label}:${step.status}`
      return {
        kind: 'response',
        status: step.status,
        response,
        discard: () => discarded.push(response),
        bodyTouched: step.bodyTouched ?? false
      }
    }
    return {
      kind: 'error',
      error: new RenderError(step.error, step.code ?? step.error, step.code),
      bodyTouched: step.bodyTouched ?? false
    }
  }
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms)
  }
  return { calls, discarded, sleeps, send, sleep }
}

const refused: Step = { error: 'connect', code: 'ECONNREFUSED' }

describe('connection attempts and rounds (§6.4)', () => {
  it('the first render answering ends the loop after one attempt', async () => {
    const s = script({ 0: [{ status: 200 }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan(), s)
    expect(r).toMatchObject({
      kind: 'response',
      render: 0,
      status: 200,
      response: 'rend01:200',
      reason: 'answered on the first attempt'
    })
    expect(s.calls).toEqual([0])
  })

  it('a refused connection moves on to the next render, logging the module line', async () => {
    const s = script({ 0: [refused], 1: [{ status: 200 }] })
    const r = await runAttempts(plan(), s)
    expect(r).toMatchObject({ kind: 'response', render: 1, status: 200 })
    expect(r.log).toEqual(['Unable to connect socket to 127.0.0.1:4503: Connection refused'])
    expect(r.reason).toBe('failover attempt 2 (round 1) after /rend01 Connection refused')
    expect(r.attempts.map((a) => [a.render, a.outcome])).toEqual([
      ['rend01', 'connect-failed'],
      ['rend02', 'answered']
    ])
  })

  it('R6: both renders refuse, /numberOfRetries "2": 2 rounds × 2 renders, /retryDelay apart, then 503 and the farm log line', async () => {
    const s = script({ 0: [refused], 1: [refused] })
    const r = await runAttempts(plan({ numberOfRetries: 2, retryDelaySeconds: 1 }), s)
    expect(r).toMatchObject({ kind: 'unavailable', status: 503 })
    expect(s.calls).toEqual([0, 1, 0, 1])
    expect(r.attempts.map((a) => a.round)).toEqual([1, 1, 2, 2])
    expect(s.sleeps).toEqual([1000])
    expect(r.log).toEqual([
      'Unable to connect socket to 127.0.0.1:4503: Connection refused',
      'Unable to connect socket to 127.0.0.1:4504: Connection refused',
      'Unable to connect socket to 127.0.0.1:4503: Connection refused',
      'Unable to connect socket to 127.0.0.1:4504: Connection refused',
      'Unable to connect to any backend in farm publish'
    ])
  })

  it('the default five rounds wait four times', async () => {
    const s = script({ 0: [refused], 1: [refused] })
    await runAttempts(plan(), s)
    expect(s.calls).toHaveLength(10)
    expect(s.sleeps).toEqual([1000, 1000, 1000, 1000])
  })

  it('a render that comes back in a later round answers', async () => {
    const s = script({ 0: [refused, { status: 200 }], 1: [refused] })
    const r = await runAttempts(plan(), s)
    expect(r).toMatchObject({ kind: 'response', render: 0 })
    expect(s.calls).toEqual([0, 1, 0])
    expect(r.reason).toMatch(/^failover attempt 3 \(round 2\)/)
  })

  it('/numberOfRetries "0" still makes one round', async () => {
    const s = script({ 0: [refused], 1: [refused] })
    await runAttempts(plan({ numberOfRetries: 0 }), s)
    expect(s.calls).toEqual([0, 1])
  })

  it('a farm without renders answers 503 at once', async () => {
    const s = script({})
    const r = await runAttempts(plan({ renders: [], order: [] }), s)
    expect(r).toMatchObject({ kind: 'unavailable', status: 503, reason: 'farm /publish has no /renders' })
    expect(r.log).toEqual(['Unable to connect to any backend in farm publish'])
  })

  it('a connect timeout is logged as "Connection timed out"', async () => {
    const s = script({ 0: [{ error: 'connect', code: 'UND_ERR_CONNECT_TIMEOUT' }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan(), s)
    expect(r.log[0]).toBe('Unable to connect socket to 127.0.0.1:4503: Connection timed out')
  })

  it('an attempt that throws counts as a failed connection', async () => {
    let first = true
    const r = await runAttempts<string>(plan(), {
      async send(i) {
        if (first) {
          first = false
          throw Object.assign(new Error('pool destroyed'), { code: 'UND_ERR_DESTROYED' })
        }
        return { kind: 'response', status: 200, response: `r${i}`, discard() {}, bodyTouched: false }
      },
      sleep: async () => {}
    })
    expect(r).toMatchObject({ kind: 'response', render: 1 })
  })
})

describe('/receiveTimeout (§6.4)', () => {
  it('R5: no response headers in time gives 504 and nothing is resent', async () => {
    const s = script({ 0: [{ error: 'timeout' }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan(), s)
    expect(r).toMatchObject({ kind: 'timeout', status: 504, render: 0 })
    expect(s.calls).toEqual([0])
    expect(r.log).toEqual(['x-workbench: no response from 127.0.0.1:4503 within /receiveTimeout'])
  })
})

describe('/failover "1" (§6.4)', () => {
  it('R2: a 503 is dropped and the same request resent to rend02', async () => {
    const s = script({ 0: [{ status: 503 }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ failover: true }), s)
    expect(r).toMatchObject({ kind: 'response', render: 1, status: 200 })
    expect(s.discarded).toEqual(['rend01:503'])
    expect(r.attempts[0]).toMatchObject({
      render: 'rend01',
      outcome: 'failover',
      status: 503,
      result: 'HTTP 503, resent to another render (/failover)'
    })
  })

  it('without /failover a 503 goes to the client', async () => {
    const s = script({ 0: [{ status: 503 }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ failover: false }), s)
    expect(r).toMatchObject({ kind: 'response', render: 0, status: 503 })
    expect(s.discarded).toEqual([])
  })

  it('when every render answers 503 the last 503 goes to the client, each render asked once', async () => {
    const s = script({ 0: [{ status: 503 }], 1: [{ status: 503 }] })
    const r = await runAttempts(plan({ failover: true }), s)
    expect(r).toMatchObject({ kind: 'response', render: 1, status: 503, response: 'rend02:503' })
    expect(s.calls).toEqual([0, 1])
    expect(s.sleeps).toEqual([])
  })

  it('a 503 is kept when the other render already failed to connect', async () => {
    const s = script({ 0: [refused], 1: [{ status: 503 }] })
    const r = await runAttempts(plan({ failover: true }), s)
    expect(r).toMatchObject({ kind: 'response', render: 1, status: 503 })
    expect(r.attempts[1].result).toBe('HTTP 503, no other render left to try')
  })

  it('R3: a 500 whose /health_check answers 200 goes to the client', async () => {
    const s = script({ 0: [{ status: 500 }], 1: [{ status: 200 }] })
    const checked: number[] = []
    const r = await runAttempts(plan({ failover: true, healthCheckUrl: '/health.html' }), {
      ...s,
      healthCheck: async (i): Promise<HealthCheckResult> => {
        checked.push(i)
        return { kind: 'status', status: 200, durationMs: 1 }
      }
    })
    expect(r).toMatchObject({ kind: 'response', render: 0, status: 500 })
    expect(checked).toEqual([0])
    expect(s.calls).toEqual([0])
    expect(r.attempts[0].result).toBe('HTTP 500, /health_check /health.html answered 200: the 500 goes to the client')
  })

  it('R4: a 500 whose /health_check answers 500 penalises rend01 and resends to rend02', async () => {
    const s = script({ 0: [{ status: 500 }], 1: [{ status: 200 }] })
    const statistics = new RenderStatistics({
      farm: 'publish',
      renders,
      categories: [category('html', '*.html')],
      unavailablePenalty: 1,
      now: fakeClock().now
    })
    const r = await runAttempts(plan({ failover: true, healthCheckUrl: '/health.html' }), {
      ...s,
      statistics,
      healthCheck: async () => ({ kind: 'status', status: 500, durationMs: 1 })
    })
    expect(r).toMatchObject({ kind: 'response', render: 1, status: 200 })
    expect(s.discarded).toEqual(['rend01:500'])
    expect(r.attempts[0]).toMatchObject({ outcome: 'unhealthy', status: 500 })
    expect(statistics.health()[0]).toMatchObject({ up: false, penalty: 100 })
  })

  it('a /health_check that cannot be reached counts as down', async () => {
    const s = script({ 0: [{ status: 502 }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ failover: true, healthCheckUrl: '/health.html' }), {
      ...s,
      healthCheck: async () => ({ kind: 'error', message: 'Connection refused', durationMs: 1 })
    })
    expect(r).toMatchObject({ kind: 'response', render: 1 })
  })

  it('without /health_check a 500 goes to the client', async () => {
    const s = script({ 0: [{ status: 500 }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ failover: true }), s)
    expect(r).toMatchObject({ kind: 'response', render: 0, status: 500 })
  })

  it('a 4xx is an answer, never failed over', async () => {
    const s = script({ 0: [{ status: 404 }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ failover: true, healthCheckUrl: '/h' }), s)
    expect(r).toMatchObject({ kind: 'response', render: 0, status: 404 })
  })
})

describe('requests with a body', () => {
  it('after a render read the body and answered, the request is not resent: the 503 goes to the client', async () => {
    const s = script({ 0: [{ status: 503, bodyTouched: true }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ failover: true, replayable: false }), s)
    expect(r).toMatchObject({ kind: 'response', render: 0, status: 503 })
  })

  it('a 503 that came before the render read the body (Expect: 100-continue) is resent with it', async () => {
    const s = script({ 0: [{ status: 503, bodyTouched: false }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ failover: true, replayable: false }), s)
    expect(r).toMatchObject({ kind: 'response', render: 1, status: 200 })
    expect(s.discarded).toEqual(['rend01:503'])
  })

  it('a refused connection left the body unread, so it goes to the next render', async () => {
    const s = script({ 0: [{ ...refused, bodyTouched: false }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ replayable: false }), s)
    expect(r).toMatchObject({ kind: 'response', render: 1 })
  })

  it('a connection lost after the render read part of the body ends with 503, nothing resent', async () => {
    const s = script({ 0: [{ error: 'connect', code: 'UND_ERR_SOCKET', bodyTouched: true }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan({ replayable: false }), s)
    expect(r).toMatchObject({ kind: 'unavailable', status: 503 })
    expect(s.calls).toEqual([0])
    expect(r.reason).toBe('/rend01 failed after reading part of the request body, which cannot be sent again')
  })
})

describe('the client going away', () => {
  it('an aborted attempt ends the loop', async () => {
    const s = script({ 0: [{ error: 'aborted' }], 1: [{ status: 200 }] })
    const r = await runAttempts(plan(), s)
    expect(r.kind).toBe('aborted')
    expect(s.calls).toEqual([0])
  })

  it('an abort during the wait between rounds ends the loop', async () => {
    const controller = new AbortController()
    const s = script({ 0: [refused], 1: [refused] })
    const r = await runAttempts(plan(), {
      ...s,
      signal: controller.signal,
      sleep: async () => {
        controller.abort()
        throw new Error('aborted')
      }
    })
    expect(r.kind).toBe('aborted')
    expect(s.calls).toEqual([0, 1])
  })
})

describe('reporting', () => {
  it('each attempt is reported as it is decided, with its duration', async () => {
    const clock = fakeClock()
    const seen: AttemptRecord[] = []
    const r = await runAttempts<string>(plan(), {
      now: clock.now,
      sleep: async () => {},
      onAttempt: (a) => seen.push(a),
      async send(i) {
        clock.advance(i === 0 ? 3 : 12)
        if (i === 0)
          return { kind: 'error', error: new RenderError('connect', 'refused', 'ECONNREFUSED'), bodyTouched: false }
        return { kind: 'response', status: 200, response: 'ok', discard() {}, bodyTouched: false }
      }
    })
    expect(seen).toEqual(r.attempts)
    expect(seen.map((a) => [a.attempt, a.durationMs, a.result])).toEqual([
      [1, 3, 'Connection refused'],
      [2, 12, 'HTTP 200']
    ])
  })

  it('the plan takes /numberOfRetries, /retryDelay, /failover and /health_check from the farm', () => {
    const farm = {
      name: 'publish',
      numberOfRetries: { value: 2 },
      retryDelay: { value: 3 },
      failover: { value: true },
      healthCheckUrl: { value: '/health.html' }
    } as unknown as Farm
    expect(planFor(farm, renders, [1, 0], '/a.html', true)).toEqual({
      farm: 'publish',
      renders,
      order: [1, 0],
      uri: '/a.html',
      numberOfRetries: 2,
      retryDelaySeconds: 3,
      failover: true,
      healthCheckUrl: '/health.html',
      replayable: true
    })
  })

  it('stale content is served for no render reachable, a receive timeout and 502/503/504/429, not for a 500 (§5.7)', () => {
    const base = { attempts: [], log: [], reason: '' }
    expect(triggersServeStale({ ...base, kind: 'unavailable', status: 503 })).toBe(true)
    expect(triggersServeStale({ ...base, kind: 'timeout', status: 504, render: 0 })).toBe(true)
    for (const status of [429, 502, 503, 504])
      expect(triggersServeStale({ ...base, kind: 'response', render: 0, status, response: null })).toBe(true)
    expect(triggersServeStale({ ...base, kind: 'response', render: 0, status: 500, response: null })).toBe(false)
    expect(triggersServeStale({ ...base, kind: 'response', render: 0, status: 200, response: null })).toBe(false)
  })
})
