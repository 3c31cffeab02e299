/**
 * mod_reqtimeout's read timing as the workbench keeps it (src/main/engine/http/read-clock.ts).
 * The wire behaviour is compared with apache2 in test/httpd/connection-layer.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { ReadClock } from '../../../src/main/engine/http/read-clock'

const T0 = 1_000_000
/** body=1,MinRate=500 under Timeout 60. */
const body = (): ReadClock => new ReadClock({ timeoutMs: 1000, maxTimeoutMs: 0, msPerByte: 2 }, 60_000, 'body', T0)

describe('ReadClock.readThenWaitMs', () => {
  it('gives the next read’s wait, at least 1 s, while the stage’s time lasts', () => {
    const clock = body()
    expect(clock.readThenWaitMs(100, T0 + 500)).toBe(1000)
    // 100 bytes moved the end to T0 + 1200: 200 ms left, floored to 1 s (check_time_left).
    expect(clock.readThenWaitMs(0, T0 + 1000)).toBe(1000)
  })

  it('is 0, never a wait, for a read at or after the stage’s end, judged at the one `now`', () => {
    // The read counts its bytes first (a body's READBYTES), and the wait is taken at the same
    // instant: a deadline can not be crossed between the two.
    expect(body().readThenWaitMs(0, T0 + 1000)).toBe(0)
    expect(body().readThenWaitMs(100, T0 + 1200)).toBe(0)
    expect(body().readThenWaitMs(100, T0 + 1199)).toBe(1000)
  })

  it('is Timeout without a stage, however late the read', () => {
    const clock = new ReadClock(null, 5000, 'body', T0)
    expect(clock.readThenWaitMs(1, T0 + 3_600_000)).toBe(5000)
  })
})
