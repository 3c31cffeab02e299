/**
 * The last N response times of a render, for the health panel's average and 95th
 * percentile: bounded memory however long the app runs, and recent enough that a render
 * which became slow shows it within a few requests.
 */
export class LatencyWindow {
  private readonly samples: number[] = []
  private next = 0

  constructor(readonly capacity = 256) {}

  get size(): number {
    return this.samples.length
  }

  add(ms: number): void {
    if (this.samples.length < this.capacity) this.samples.push(ms)
    else this.samples[this.next] = ms
    this.next = (this.next + 1) % this.capacity
  }

  average(): number {
    if (this.samples.length === 0) return 0
    let sum = 0
    for (const s of this.samples) sum += s
    return sum / this.samples.length
  }

  /** Nearest-rank percentile (`p` in 0..100); 0 when empty. */
  percentile(p: number): number {
    if (this.samples.length === 0) return 0
    const sorted = this.samples.slice().sort((a, b) => a - b)
    const rank = Math.ceil((p / 100) * sorted.length)
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
  }
}
