/**
 * The render stage's words when no render answered (dispatcher-behavior.md §6.4): the address
 * tried, what went wrong, and how many attempts in how many rounds over how long, from the
 * records the attempt loop makes (a fake clock, /retryDelay waits advancing it).
 */
import { describe, expect, it } from 'vitest'
import { runAttempts, type AttemptPlan, type SendOutcome } from '../../../src/main/engine/upstream/attempts'
import { attemptsNote, unavailableSummary } from '../../../src/main/engine/upstream/attempts-words'
import { RenderError } from '../../../src/main/engine/upstream/render-client'
import { RenderStatistics } from '../../../src/main/engine/upstream/statistics'
import { fakeClock } from './helpers'

const FARM_LINE = 'Unable to connect to any backend in farm publishfarm'

function plan(renders: { label: string; origin: string }[], extra: Partial<AttemptPlan> = {}): AttemptPlan {
  return {
    farm: 'publishfarm',
    renders,
    order: renders.map((_, i) => i),
    uri: '/content/demo/us/en.html',
    numberOfRetries: 5,
    retryDelaySeconds: 1,
    failover: false,
    replayable: true,
    ...extra
  }
}

/** Every attempt fails with `code` after `ms`, per render; /retryDelay waits move the clock. */
function failing(clock: ReturnType<typeof fakeClock>, codes: string[], ms: number[]) {
  return {
    now: clock.now,
    sleep: async (wait: number) => clock.advance(wait),
    async send(i: number): Promise<SendOutcome<string>> {
      clock.advance(ms[i])
      return { kind: 'error', error: new RenderError('connect', codes[i], codes[i]), bodyTouched: false }
    }
  }
}

describe('no render answered', () => {
  it('names the address, the cause, and the 5 attempts in 5 rounds the default /numberOfRetries and /retryDelay took', async () => {
    const clock = fakeClock()
    const r = await runAttempts(plan([{ label: '0', origin: 'localhost:4503' }]), failing(clock, ['ECONNREFUSED'], [1]))
    expect(r.kind).toBe('unavailable')
    const retries = { numberOfRetries: 5, retryDelaySeconds: 1 }
    expect(unavailableSummary(r.attempts, retries, FARM_LINE)).toBe(
      'no render answered: localhost:4503: Connection refused, 5 attempts in 5 rounds over 4.0 s ' +
        '(/numberOfRetries 5, /retryDelay 1 s); Unable to connect to any backend in farm publishfarm: 503'
    )
    expect(attemptsNote(r.attempts, retries)).toBe(
      '5 attempts in 5 rounds over 4.0 s: /numberOfRetries "5" allows 5 rounds, each trying every render once, ' +
        'and /retryDelay "1" waits 1 s between rounds.'
    )
    expect(r.attempts.map((a) => [a.attempt, a.round, a.atMs, a.durationMs, a.result, a.code])).toEqual([
      [1, 1, 0, 1, 'Connection refused', 'ECONNREFUSED'],
      [2, 2, 1001, 1, 'Connection refused', 'ECONNREFUSED'],
      [3, 3, 2002, 1, 'Connection refused', 'ECONNREFUSED'],
      [4, 4, 3003, 1, 'Connection refused', 'ECONNREFUSED'],
      [5, 5, 4004, 1, 'Connection refused', 'ECONNREFUSED']
    ])
  })

  it('settings the farm does not write are said to be the defaults, not quoted as if written', async () => {
    const clock = fakeClock()
    const r = await runAttempts(plan([{ label: '0', origin: 'localhost:4503' }]), failing(clock, ['ECONNREFUSED'], [1]))
    const retries = { numberOfRetries: 5, retryDelaySeconds: 1, defaulted: { numberOfRetries: true, retryDelay: true } }
    expect(unavailableSummary(r.attempts, retries, FARM_LINE)).toBe(
      'no render answered: localhost:4503: Connection refused, 5 attempts in 5 rounds over 4.0 s ' +
        '(/numberOfRetries 5 by default, /retryDelay 1 s by default); Unable to connect to any backend in farm publishfarm: 503'
    )
    expect(attemptsNote(r.attempts, retries)).toBe(
      '5 attempts in 5 rounds over 4.0 s: the default /numberOfRetries (5) allows 5 rounds, each trying every render once, ' +
        'and the default /retryDelay waits 1 s between rounds.'
    )
    const written = { ...retries, defaulted: { numberOfRetries: false, retryDelay: true } }
    expect(attemptsNote(r.attempts, written)).toContain('/numberOfRetries "5" allows 5 rounds')
  })

  it('two renders failing differently: each cause with its count, in the order first heard', async () => {
    const clock = fakeClock()
    const r = await runAttempts(
      plan(
        [
          { label: 'rend01', origin: '10.43.3.40:4502' },
          { label: 'rend02', origin: '10.43.3.41:4502' }
        ],
        { numberOfRetries: 2, retryDelaySeconds: 3 }
      ),
      failing(clock, ['ETIMEDOUT', 'ECONNREFUSED'], [10_000, 2])
    )
    expect(unavailableSummary(r.attempts, { numberOfRetries: 2, retryDelaySeconds: 3 }, FARM_LINE)).toBe(
      'no render answered: 10.43.3.40:4502: Connection timed out (2×), 10.43.3.41:4502: Connection refused (2×), ' +
        '4 attempts in 2 rounds over 23.0 s (/numberOfRetries 2, /retryDelay 3 s); ' +
        'Unable to connect to any backend in farm publishfarm: 503'
    )
  })

  it('one round says nothing of /retryDelay; a single attempt has no note over the table', async () => {
    const clock = fakeClock()
    const r = await runAttempts(
      plan([{ label: '0', origin: 'localhost:4503' }], { numberOfRetries: 1 }),
      failing(clock, ['ECONNREFUSED'], [2])
    )
    const retries = { numberOfRetries: 1, retryDelaySeconds: 1 }
    expect(unavailableSummary(r.attempts, retries, FARM_LINE)).toBe(
      'no render answered: localhost:4503: Connection refused, 1 attempt in 1 round over 2.0 ms ' +
        '(/numberOfRetries 1); Unable to connect to any backend in farm publishfarm: 503'
    )
    expect(attemptsNote(r.attempts, retries)).toBeUndefined()
  })

  it('without any attempt, the ending alone', () => {
    expect(unavailableSummary([], { numberOfRetries: 5, retryDelaySeconds: 1 }, FARM_LINE)).toBe(`${FARM_LINE}: 503`)
  })
})

describe('render statistics count requests and attempts apart', () => {
  it('a request no render answers is one request, /numberOfRetries attempts and failures, and no answer to time', async () => {
    const renders = [{ label: '0', origin: 'localhost:4503' }]
    const clock = fakeClock()
    const statistics = new RenderStatistics({
      farm: 'publishfarm',
      renders,
      categories: [],
      unavailablePenalty: 1,
      now: clock.now
    })
    for (let n = 0; n < 2; n++)
      await runAttempts(plan(renders), { ...failing(clock, ['ECONNREFUSED'], [0]), statistics })
    expect(statistics.health()[0]).toMatchObject({ requests: 2, attempts: 10, failures: 10, answered: 0 })
  })
})
