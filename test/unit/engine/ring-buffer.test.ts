import { describe, expect, it } from 'vitest'
import { EventBus, RingBuffer } from '../../../src/main/engine/events'

describe('the trace ring buffer', () => {
  it('keeps at most its capacity, oldest first, and counts what it dropped', () => {
    const ring = new RingBuffer<number>(3)
    for (let i = 1; i <= 5; i++) ring.push(i)
    expect(ring.size).toBe(3)
    expect(ring.toArray()).toEqual([3, 4, 5])
    expect(ring.dropped).toBe(2)
  })
  it('returns the newest items matching a predicate in chronological order', () => {
    const ring = new RingBuffer<number>(10)
    for (let i = 1; i <= 10; i++) ring.push(i)
    expect(ring.newest(3, (n) => n % 2 === 0)).toEqual([6, 8, 10])
    expect(ring.find((n) => n < 4)).toBe(3)
  })
  it('stays the same size under a million pushes (memory is bounded)', () => {
    const ring = new RingBuffer<{ n: number }>(1000)
    for (let i = 0; i < 1_000_000; i++) ring.push({ n: i })
    expect(ring.size).toBe(1000)
    expect(ring.toArray()[0].n).toBe(999_000)
    expect(ring.dropped).toBe(999_000)
  })
  it('with capacity 0 keeps nothing and counts every push as dropped', () => {
    const ring = new RingBuffer<number>(0)
    for (let i = 1; i <= 3; i++) ring.push(i)
    expect(ring.size).toBe(0)
    expect(ring.toArray()).toEqual([])
    expect(ring.find(() => true)).toBeUndefined()
    expect(ring.dropped).toBe(3)
  })
  it('refuses a capacity that is not a non-negative integer', () => {
    expect(() => new RingBuffer(-1)).toThrow(RangeError)
    expect(() => new RingBuffer(1.5)).toThrow(RangeError)
  })
})

describe('the event bus', () => {
  it('delivers to every subscriber and isolates one that throws', () => {
    const bus = new EventBus<{ type: 'x'; n: number }>()
    const got: number[] = []
    bus.subscribe(() => {
      throw new Error('boom')
    })
    const off = bus.subscribe((e) => got.push(e.n))
    const warn = process.emitWarning
    process.emitWarning = () => {}
    try {
      bus.emit({ type: 'x', n: 1 })
      off()
      bus.emit({ type: 'x', n: 2 })
    } finally {
      process.emitWarning = warn
    }
    expect(got).toEqual([1])
  })
})
