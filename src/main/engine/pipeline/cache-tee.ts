/**
 * Stores a render's answer while it streams to the client (dispatcher-behavior.md §5.2): the
 * writer is opened asynchronously, so the first chunks wait in memory until it is ready; a
 * failed open or an aborted download leaves nothing behind.
 */
import type { CacheStore, CacheWriter, CommitResult } from '../cache'
import type { StoredHeader } from '../../../shared/cache-types'

export class CacheTee {
  private writer?: CacheWriter
  private queue: Buffer[] = []
  private failure?: { reason: string; log: string[] }
  private readonly ready: Promise<void>

  constructor(store: CacheStore, relPath: string) {
    this.ready = store.beginWrite(relPath).then(
      (r) => {
        if (!r.ok) {
          this.failure = { reason: r.reason, log: r.log }
          this.queue = []
          return
        }
        this.writer = r.writer
        for (const chunk of this.queue) r.writer.write(chunk)
        this.queue = []
      },
      (e: Error) => {
        this.failure = { reason: e.message, log: [] }
      }
    )
  }

  write(chunk: Buffer): void {
    if (this.failure) return
    if (this.writer) this.writer.write(chunk)
    else this.queue.push(chunk)
  }

  async commit(headers: readonly StoredHeader[], ttlExpiresAt: number | null): Promise<CommitResult> {
    await this.ready
    if (!this.writer)
      return { stored: false, reason: this.failure?.reason ?? 'no writer', log: this.failure?.log ?? [] }
    return this.writer.commit(headers, ttlExpiresAt)
  }

  async abort(): Promise<void> {
    await this.ready
    await this.writer?.abort()
  }
}
