/**
 * Collects items arriving at any rate and hands them over at most once per animation frame,
 * so a burst of events costs one store update and one render. Under a heavy stream the pace
 * adapts: after an update that kept the main thread busy for `c` ms, the next waits at least
 * `ratio × c` ms, so the log never takes more than about 1/(ratio+1) of the page's time and
 * clicks and scrolling stay responsive. While nothing flushes (a hidden tab gets no frames)
 * the queue is bounded: the oldest items are dropped and counted.
 */
export type Schedule = (run: () => void) => void

export interface FrameBatcher<T> {
  push(items: T[], droppedUpstream?: number): void
  /** Items waiting for the next frame. */
  readonly size: number
}

export interface Pacing {
  /** Milliseconds clock (performance.now in the page). */
  now(): number
  /** Runs after the current task and its microtasks (React's render and layout effects): setTimeout 0. */
  after(run: () => void): void
  /** Runs `run` after `ms` milliseconds. */
  delay(run: () => void, ms: number): void
  /** Waiting time per millisecond of work (default 3: at most a quarter of the time on updates). */
  ratio?: number
}

export function createFrameBatcher<T>(
  flush: (items: T[], dropped: number) => void,
  schedule: Schedule,
  bound = 10_000,
  pacing?: Pacing
): FrameBatcher<T> {
  let queue: T[] = []
  let dropped = 0
  let scheduled = false
  let notBefore = 0
  const run = (): void => {
    scheduled = false
    const items = queue
    const d = dropped
    queue = []
    dropped = 0
    if (items.length === 0 && d === 0) return
    const started = pacing?.now() ?? 0
    flush(items, d)
    if (pacing) pacing.after(() => (notBefore = pacing.now() + (pacing.now() - started) * (pacing.ratio ?? 3)))
  }
  const request = (): void => {
    scheduled = true
    const wait = pacing ? notBefore - pacing.now() : 0
    if (wait > 1) pacing!.delay(() => schedule(run), wait)
    else schedule(run)
  }
  return {
    push(items, droppedUpstream = 0) {
      for (const item of items) queue.push(item)
      dropped += droppedUpstream
      if (queue.length > bound) {
        const over = queue.length - bound
        queue = queue.slice(over)
        dropped += over
      }
      if (!scheduled) request()
    },
    get size() {
      return queue.length
    }
  }
}
