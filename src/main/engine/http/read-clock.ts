/**
 * How long the next read of a request may wait, and whether a read came too late: httpd's
 * `Timeout` alone, or with mod_reqtimeout's stage (header or body) over it, as reqtimeout_filter
 * (mod_reqtimeout.c, httpd 2.4) decides it:
 *
 * - the stage's time starts at its first read (`timeout_at`, and `max_timeout_at` for a range);
 * - every byte read pushes `timeout_at` on by 1 s / MinRate, never past `max_timeout_at`
 *   (extend_timeout);
 * - a read waits `timeout_at - now`, but at least 1 s (check_time_left), and never longer than
 *   Timeout, the socket's own (`MIN(time_left, saved_sock_timeout)`); a wait that runs out is
 *   APR_TIMEUP;
 * - a read that begins at or after `timeout_at` is APR_TIMEUP at once. For a head (GETLINE, read
 *   without blocking and polled for) that is checked when the poll wakes, before the bytes that
 *   woke it are counted; for a body (a blocking READBYTES) when the next read begins, after.
 *
 * Without a stage (mod_reqtimeout not loaded, or the stage's time 0) every read waits Timeout,
 * and bytes that keep coming, however slowly, are never late.
 *
 * Measured on apache2 2.4.68 with header=1-2,MinRate=500 body=1,MinRate=500: a head whose lines
 * come at 100 B/s is 408 at 1.4 s, one at 700 B/s at its 2 s bound plus the 1 s last wait; a
 * body at 200 B/s is 408 at 1.7 s, one at 700 B/s is answered.
 */
import type { ReadStage } from '../config/apache/request-read-timeout'

/** check_time_left's floor on a wait. */
const MIN_WAIT_MS = 1000

export type ReadKind = 'head' | 'body'

export class ReadClock {
  private timeoutAt = 0
  private readonly maxAt: number

  /** `stage`: null or a zero time for Timeout alone; started at `now`, the stage's first read. */
  constructor(
    private readonly stage: ReadStage | null,
    private readonly coreTimeoutMs: number,
    private readonly kind: ReadKind,
    now = Date.now()
  ) {
    const timed = stage !== null && stage.timeoutMs > 0
    this.timeoutAt = timed ? now + stage.timeoutMs : 0
    this.maxAt = timed && stage.maxTimeoutMs > 0 ? now + stage.maxTimeoutMs : 0
  }

  /** `bytes` were read at `now`; false when the read came too late (APR_TIMEUP). */
  read(bytes: number, now = Date.now()): boolean {
    if (this.timeoutAt === 0) return true
    if (this.kind === 'head' && now >= this.timeoutAt) return false
    if (this.stage!.msPerByte > 0 && bytes > 0) {
      const extended = this.timeoutAt + bytes * this.stage!.msPerByte
      this.timeoutAt = this.maxAt > 0 ? Math.min(extended, this.maxAt) : extended
    }
    return this.kind === 'head' || now < this.timeoutAt
  }

  /**
   * `bytes` were read at `now`: how long the next read may wait, or 0 when this read came too
   * late or the time is already up. One `now` for both, so that a deadline crossed between the
   * two can not pass for a wait (a caller's socket.setTimeout(0) would switch the timer off).
   */
  readThenWaitMs(bytes: number, now = Date.now()): number {
    return this.read(bytes, now) ? this.waitMs(now) : 0
  }

  /** How long the next read may wait from `now` before it is APR_TIMEUP (0: already up). */
  waitMs(now = Date.now()): number {
    if (this.timeoutAt === 0) return this.coreTimeoutMs
    const left = this.timeoutAt - now
    return left <= 0 ? 0 : Math.min(Math.max(left, MIN_WAIT_MS), this.coreTimeoutMs)
  }
}
