import { describe, expect, it } from 'vitest'
import { firstAnswer, runAttempts, type AttemptPlan } from '../../../src/main/engine/upstream/attempts'
import { connectionUse, withOpening, withStored } from '../../../src/main/engine/upstream/keep-alive-log'
import { RenderError } from '../../../src/main/engine/upstream/render-client'

const ORIGIN = '127.0.0.1:4503'
const connected = Object.freeze([`Connected to backend rend01 (${ORIGIN})`, 'Adding request header: Host'])

const plan: AttemptPlan = {
  farm: 'publish',
  renders: [
    { label: 'rend01', origin: ORIGIN },
    { label: 'rend02', origin: '127.0.0.1:4504' }
  ],
  order: [0, 1],
  uri: '/content/a.html',
  numberOfRetries: 1,
  retryDelaySeconds: 0,
  failover: false,
  replayable: true
}

describe("the module's keep-alive lines (§6.1)", () => {
  it('are shared arrays for the common cases: the trace ring keeps no copy per request', () => {
    expect(withOpening(connectionUse(false, null), ORIGIN, connected)).toBe(connected)
    const opened = withOpening(connectionUse(true, null), ORIGIN, connected)
    expect(opened).toEqual([`Creating new connection: ${ORIGIN}`, ...connected])
    expect(withOpening(connectionUse(true, null), ORIGIN, connected)).toBe(opened)
    const stored = withStored(opened, ORIGIN)
    expect(stored).toEqual([...opened, `Storing socket for later reuse: ${ORIGIN}`])
    expect(withStored(opened, ORIGIN)).toBe(stored)
    expect(withStored(connected, ORIGIN)).toBe(withStored(connected, ORIGIN))
    expect(connected).toHaveLength(2)
  })

  it('tell the drops first, then the new connection; a log of its own gets the storing line pushed', () => {
    const lines = withOpening(connectionUse(true, [60, 61]), ORIGIN, connected)
    expect(lines).toEqual([
      `Dropping socket after 60 seconds of inactivity: ${ORIGIN}`,
      `Dropping socket after 61 seconds of inactivity: ${ORIGIN}`,
      `Creating new connection: ${ORIGIN}`,
      ...connected
    ])
    expect(withStored(lines, ORIGIN)).toBe(lines)
    expect(lines.at(-1)).toBe(`Storing socket for later reuse: ${ORIGIN}`)
  })

  it("firstAnswer puts them before the attempt's connect lines", () => {
    const r = firstAnswer(plan, 200, 'ok', 0, null, 1, connected, connectionUse(true, null))
    expect(r.log).toEqual([`Creating new connection: ${ORIGIN}`, ...connected])
  })

  it('the retry loop tells a failed connect its drops only, and a connected attempt its new connection', async () => {
    const r = await runAttempts<string>(plan, {
      send: async (i) =>
        i === 0
          ? {
              kind: 'error',
              error: new RenderError('connect', 'refused', 'ECONNREFUSED'),
              bodyTouched: false,
              use: connectionUse(false, [60])
            }
          : {
              kind: 'response',
              status: 200,
              response: 'ok',
              discard: () => undefined,
              bodyTouched: false,
              use: connectionUse(true, null)
            },
      connected: (i) => [`Connected to backend rend0${i + 1} (${plan.renders[i].origin})`]
    })
    expect(r.log).toEqual([
      `Dropping socket after 60 seconds of inactivity: ${ORIGIN}`,
      `Unable to connect socket to ${ORIGIN}: Connection refused`,
      'Creating new connection: 127.0.0.1:4504',
      'Connected to backend rend02 (127.0.0.1:4504)'
    ])
  })
})
