import { describe, expect, it } from 'vitest'
import { graceThen, ttlThen } from '../../../src/renderer/src/store/decided-then'

describe("the Cache tab's words for the decision's moment", () => {
  const graceEnd = 10_000
  it('follow the decided state where it says: a stale file had its grace period over, whatever the trace start', () => {
    // The trace started 1 ms before the grace end; the lookup, later, found it over.
    expect(graceThen('stale', graceEnd, graceEnd - 1)).toBe('over then')
    expect(graceThen('grace', graceEnd, graceEnd + 1)).toBe('not over then')
  })

  it('follow the clock where the state does not say (a TTL expiry decided before any .stat)', () => {
    expect(graceThen('expired', graceEnd, graceEnd - 1)).toBe('not over then')
    expect(graceThen('expired', graceEnd, graceEnd)).toBe('over then')
  })

  it('say a TTL expired exactly when the state is expired', () => {
    expect(ttlThen('expired')).toBe('expired then')
    expect(ttlThen('stale')).toBe('not expired then')
    expect(ttlThen('fresh')).toBe('not expired then')
  })
})
