/**
 * What the trace keeps of an `[N]` loop. A rule list that loops to httpd's limit runs 10,000
 * rounds; tracing each one made a trace of about 100,000 rule rows (over 100 MB as JSON) that
 * froze the UI drawing it. The first rounds show how the loop starts and the last shows how it
 * ended; the rounds between are counted, not listed (trace.omittedRounds, and a line in the
 * rewrite log where they would have been).
 */
import type { RewriteTrace } from '../../../../shared/trace-apache'

/** Rounds listed from the start of a loop; after them only the last round is. */
export const LISTED_FIRST_ROUNDS = 3

export class TracedRounds {
  /** Lengths of the rule rows and of the log at the end of the last round listed from the start. */
  private keptRules = -1
  private keptLog = -1

  constructor(
    private readonly trace: RewriteTrace,
    private readonly log: string[]
  ) {}

  /** Round `round` ended and another starts: a round past the first ones gives way to the next. */
  ended(round: number): void {
    if (round === LISTED_FIRST_ROUNDS) {
      this.keptRules = this.trace.rules.length
      this.keptLog = this.log.length
    } else if (round > LISTED_FIRST_ROUNDS) {
      this.trace.rules.length = this.keptRules
      this.log.length = this.keptLog
    }
  }

  /** The list ended in round `last`: say which rounds are not listed. */
  finish(last: number): void {
    const from = LISTED_FIRST_ROUNDS + 1
    if (last - 1 < from) return
    this.trace.omittedRounds = { from, to: last - 1 }
    this.log.splice(
      this.keptLog,
      0,
      `rounds ${from} to ${last - 1} not listed (the trace keeps the first ${LISTED_FIRST_ROUNDS} and the last)`
    )
  }
}
