import { describe, expect, it } from 'vitest'
import { createFrameBatcher, type Pacing } from '../../../src/renderer/src/store/frame-batch'

/** A page's clock and timers, advanced by hand. */
function fakePage() {
  let now = 0
  const frames: (() => void)[] = []
  const later: { at: number; run: () => void }[] = []
  const pacing: Pacing = {
    now: () => now,
    after: (run) => later.push({ at: now, run }),
    delay: (run, ms) => later.push({ at: now + ms, run })
  }
  return {
    pacing,
    schedule: (run: () => void) => frames.push(run),
    frames,
    /** Runs due timers, then the next frame if one is waiting. */
    advance(ms: number) {
      now += ms
      for (const t of later.filter((l) => l.at <= now)) {
        later.splice(later.indexOf(t), 1)
        t.run()
      }
    },
    frame() {
      frames.shift()?.()
    },
    spend(ms: number) {
      now += ms
    }
  }
}

describe('the frame batcher', () => {
  it('hands over everything that arrived since the last frame, once', () => {
    const page = fakePage()
    const flushed: number[][] = []
    const b = createFrameBatcher<number>((items) => flushed.push(items), page.schedule)
    b.push([1, 2])
    b.push([3])
    expect(page.frames).toHaveLength(1)
    page.frame()
    expect(flushed).toEqual([[1, 2, 3]])
  })

  it('after an update that took 40 ms, the next waits three times that before asking for a frame', () => {
    const page = fakePage()
    const b = createFrameBatcher<number>(() => page.spend(40), page.schedule, 100, page.pacing)
    b.push([1])
    page.frame()
    page.advance(0)
    b.push([2])
    expect(page.frames).toHaveLength(0)
    page.advance(119)
    expect(page.frames).toHaveLength(0)
    page.advance(1)
    expect(page.frames).toHaveLength(1)
  })

  it('a cheap update does not slow the next one down', () => {
    const page = fakePage()
    const b = createFrameBatcher<number>(() => page.spend(0.2), page.schedule, 100, page.pacing)
    b.push([1])
    page.frame()
    page.advance(0)
    b.push([2])
    expect(page.frames).toHaveLength(1)
  })
})
