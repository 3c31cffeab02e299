/**
 * Streaming a render's body into a cache file (dispatcher-behavior.md §5.2): chunks go to a
 * unique temporary sibling, which is renamed over the target on commit. Nothing is left
 * behind on abort or failure, and two writers of the same target never share a temp file
 * (the last rename wins).
 */
import fs from 'node:fs'
import type { StoredHeader } from '../../../shared/cache-types'
import { removeQuietly } from './companions'
import { untrackTemp } from './docroot'

export type CommitResult =
  | { stored: true; relPath: string; bytes: number; ttlExpiresAt: number | null; log: string[] }
  | { stored: false; reason: string; log: string[] }

export interface CacheWriter {
  readonly relPath: string
  /** Cache clock at `beginWrite`. */
  readonly startedAt: number
  /** Queues a chunk; errors surface at `commit`. */
  write(chunk: Uint8Array): void
  /** Stores the file with its companions, or discards it with the reason. */
  commit(headers: readonly StoredHeader[], ttlExpiresAt?: number | null): Promise<CommitResult>
  /** Drops the temporary file (the response failed or was not cacheable after all). */
  abort(): Promise<void>
}

/** The synchronous last step, done by the store so that no flush can run between its check and the rename. */
export type Finalize = (
  temp: string,
  bytes: number,
  headers: readonly StoredHeader[],
  ttlExpiresAt: number | null
) => CommitResult

export class TempFileWriter implements CacheWriter {
  private bytes = 0
  private failure: Error | null = null
  private queue: Promise<void> = Promise.resolve()
  private finished = false

  constructor(
    readonly relPath: string,
    readonly startedAt: number,
    private readonly temp: string,
    private readonly handle: fs.promises.FileHandle,
    private readonly finalize: Finalize,
    /** Called once when the writer is done, whatever the outcome. */
    private readonly onSettled: () => void = () => undefined
  ) {}

  write(chunk: Uint8Array): void {
    if (this.finished || this.failure) return
    this.bytes += chunk.byteLength
    this.queue = this.queue.then(async () => {
      if (this.failure) return
      try {
        await this.handle.write(chunk)
      } catch (e) {
        this.failure = e as Error
      }
    })
  }

  async commit(headers: readonly StoredHeader[], ttlExpiresAt: number | null = null): Promise<CommitResult> {
    if (this.finished) return { stored: false, reason: 'x-workbench: the write was already finished', log: [] }
    this.finished = true
    await this.queue
    try {
      await this.handle.close()
    } catch (e) {
      this.failure ??= e as Error
    }
    if (this.failure) {
      this.drop()
      return { stored: false, reason: `x-workbench: could not write the cache file (${this.failure.message})`, log: [] }
    }
    if (this.bytes === 0) {
      this.drop()
      return { stored: false, reason: 'response content length is zero', log: [] }
    }
    try {
      return this.finalize(this.temp, this.bytes, headers, ttlExpiresAt)
    } finally {
      this.drop()
    }
  }

  async abort(): Promise<void> {
    if (this.finished) return
    this.finished = true
    await this.queue
    await this.handle.close().catch(() => undefined)
    this.drop()
  }

  /** Removes the temp file if it is still there (after a rename it is not) and stops tracking it. */
  private drop(): void {
    removeQuietly(this.temp)
    untrackTemp(this.temp)
    this.onSettled()
  }
}
