/**
 * The engine's event bus: traces, cache events, config reloads, render health.
 *
 * Requests are kept in a bounded ring buffer so memory stays flat under any load; the
 * UI asks for what it missed by sequence number. Subscribers are called synchronously
 * with the object itself (no copying or serialising on the request path); transports
 * that cross a process boundary batch and serialise on their own schedule.
 */

export class RingBuffer<T> {
  private readonly items: (T | undefined)[]
  private start = 0
  private count = 0
  /** How many items were pushed out since the buffer was created or cleared. */
  dropped = 0

  /** `capacity` 0 keeps nothing (a headless proxy without a UI has no reader for its traces). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity must be a non-negative integer')
    this.items = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.count
  }

  push(item: T): void {
    if (this.capacity === 0) this.dropped++
    else if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item
      this.count++
    } else {
      this.items[this.start] = item
      this.start = (this.start + 1) % this.capacity
      this.dropped++
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = new Array<T>(this.count)
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.start + i) % this.capacity] as T
    return out
  }

  /** The newest items that satisfy `keep`, oldest first, at most `limit`. */
  newest(limit: number, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = []
    for (let i = this.count - 1; i >= 0 && out.length < limit; i--) {
      const item = this.items[(this.start + i) % this.capacity] as T
      if (keep(item)) out.push(item)
    }
    return out.reverse()
  }

  find(pred: (item: T) => boolean): T | undefined {
    for (let i = this.count - 1; i >= 0; i--) {
      const item = this.items[(this.start + i) % this.capacity] as T
      if (pred(item)) return item
    }
    return undefined
  }

  clear(): void {
    this.items.fill(undefined)
    this.start = 0
    this.count = 0
    this.dropped = 0
  }
}

export type Listener<E> = (event: E) => void

/** A minimal typed emitter; listeners that throw are isolated from the request path. */
export class EventBus<E extends { type: string }> {
  private readonly listeners = new Set<Listener<E>>()

  get hasListeners(): boolean {
    return this.listeners.size > 0
  }

  subscribe(listener: Listener<E>): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: E): void {
    for (const l of this.listeners) {
      try {
        l(event)
      } catch (e) {
        process.emitWarning(`event listener failed: ${(e as Error).message}`)
      }
    }
  }
}
