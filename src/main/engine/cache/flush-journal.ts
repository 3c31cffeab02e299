/**
 * Flushes this process ran, numbered, so a cache write that began before a flush can tell at
 * commit time whether that flush concerned it. Without this, a response fetched before an
 * activation but renamed into place after it would carry a newer mtime than the `.stat` just
 * touched and look fresh forever (or resurrect a file the flush deleted).
 */
import type { FlushTargets } from './flush-targets'
import { deletedByFlush } from './flush-targets'

interface Entry {
  seq: number
  targets: FlushTargets
  touched: ReadonlySet<string>
}

/** Enough for any burst of flushes overlapping one response; older writers are discarded. */
const KEEP = 512

export class FlushJournal {
  private entries: Entry[] = []
  private counter = 0

  /** Sequence number of the latest flush; a writer remembers it when it starts. */
  get seq(): number {
    return this.counter
  }

  /** Called before a flush deletes or touches anything. */
  record(targets: FlushTargets, touched: readonly string[]): number {
    this.counter++
    this.entries.push({ seq: this.counter, targets, touched: new Set(touched) })
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP)
    return this.counter
  }

  /**
   * The first flush after `sinceSeq` that deleted `relPath` or touched `governingStat`,
   * described for the log, or `null`.
   */
  conflict(sinceSeq: number, relPath: string, governingStat: string | null): string | null {
    if (sinceSeq >= this.counter) return null
    if (this.entries.length === 0 || this.entries[0].seq > sinceSeq + 1)
      return 'flushes since this write began are no longer remembered'
    for (const e of this.entries) {
      if (e.seq <= sinceSeq) continue
      if (deletedByFlush(e.targets, relPath)) return `${e.targets.action} of ${e.targets.handle} deleted it`
      if (governingStat !== null && e.touched.has(governingStat))
        return `${e.targets.action} of ${e.targets.handle} touched ${governingStat}`
    }
    return null
  }
}
