/**
 * The body half of mod_substitute (substitute.ts), in front of what comes after it: mod_deflate's
 * body or the client.
 *
 * httpd's filter hands on the lines it finished when a piece of the body comes, and the rest
 * together with the end of the body. So the content-length filter sees a whole body only when
 * nothing went out before the end — a body without a newline — and the answer then has a
 * Content-Length; otherwise it goes out chunked (checked against apache2 2.4.68). mod_deflate
 * after it takes a body that came whole in one go (`whole`), as it does without mod_substitute,
 * and leaves one of 68 bytes or less alone (its head then made again without mod_deflate:
 * Reply.undeflatedHead).
 *
 * The head waits for the first rewritten bytes, so a line found too long before anything went
 * out still becomes Apache's 500 (`tooLong`); later, the answer is cut short, as httpd's filter
 * error leaves it without its last chunk. A line that crashes httpd's child (ChildCrash) closes
 * the connection wherever the answer is: without a head when nothing went out.
 */
import type { Reply } from './context'
import { ChildCrash, joined, LineTooLong, SubstitutingBody, type SubstituteRules } from './substitute'

export interface AfterSubstitute extends Pick<Reply, 'write' | 'end' | 'onDrain'> {
  /** Drops the connection with the answer unfinished; `why` says so in the trace. */
  cut(why: string): void
  /** Sends the head held back until now (the body streams after it). */
  head(): void
  /**
   * The whole body, when nothing went out before its end: `early` is what a filter after
   * mod_substitute saw before the end of the body (the finished lines), `last` came with the end.
   */
  whole(early: Buffer, last: Buffer): void
}

export class SubstitutedBody {
  /** One per instance of the filter, each feeding the next. */
  private readonly stages: SubstitutingBody[]
  private headSent = false
  private failed = false
  /** What the last of two instances handed on in the current step (see `handOn`). */
  private handedOn: string[] = []

  constructor(
    private readonly next: AfterSubstitute,
    rules: SubstituteRules,
    instances: number,
    /** A line was too long before anything went out: the answer becomes a 500. */
    private readonly tooLong: () => void
  ) {
    this.stages = Array.from({ length: Math.max(1, instances) }, () => new SubstitutingBody(rules))
  }

  write(chunk: Buffer): boolean {
    if (this.failed) return false
    const out = this.run(() => this.through(chunk))
    if (out === null) return false
    if (out.length === 0) return true
    this.sendHead()
    return this.next.write(out)
  }

  end(body?: Buffer | string): void {
    if (this.failed) return
    const early = this.run(() =>
      body === undefined ? EMPTY : this.through(Buffer.isBuffer(body) ? body : Buffer.from(body))
    )
    if (early === null) return
    const last = this.run(() => {
      // Each instance's rest comes with the end, through the instances after it.
      let carry: string[] = []
      for (const stage of this.stages) carry = this.handOn(stage, carry, true)
      return joined(carry)
    }, early)
    if (last === null) return
    if (!this.headSent) {
      this.headSent = true
      return this.next.whole(early, last)
    }
    if (early.length > 0) this.next.write(early)
    if (last.length > 0) this.next.write(last)
    this.next.end()
  }

  onDrain(cb: () => void): void {
    this.next.onDrain(cb)
  }

  /** A FLUSH came before the end of the body (mod_proxy's): the head goes out, with no length. */
  flush(): void {
    if (!this.failed) this.sendHead()
  }

  /**
   * A piece of the body through every instance. Each hands the next the buckets it made: a
   * line the first split (`q`) reaches the second in pieces, which that one gathers and
   * measures whole (`fbytes > max_line_length`), where a line in one piece is not measured
   * (checked against apache2 2.4.68: a line `q` split and `s/o/OO/` grew to 26 bytes is a 500
   * under SubstituteMaxLineLength 20).
   */
  private through(chunk: Buffer): Buffer {
    if (this.stages.length === 1) return this.stages[0].write(chunk)
    let pieces = [chunk.toString('latin1')]
    for (const stage of this.stages) pieces = this.handOn(stage, pieces, false)
    return joined(pieces)
  }

  /**
   * The buckets `stage` hands on for `pieces` (and for the end of the body, `atEnd`). httpd's
   * filter passes what it made after each bucket it read: the second instance's buckets for
   * the pieces before one that fails have gone out (`handedOn`; measured: the line before the
   * one too long is a 200's body, then the answer is cut), the first instance's bucket goes
   * on to the second only once it is done.
   */
  private handOn(stage: SubstitutingBody, pieces: string[], atEnd: boolean): string[] {
    const out: string[] = []
    if (this.stages.length > 1 && stage === this.stages[this.stages.length - 1]) this.handedOn = out
    for (const piece of pieces) for (const made of stage.pieces(piece)) out.push(made)
    if (atEnd) for (const made of stage.restPieces()) out.push(made)
    return out
  }

  /**
   * `unsent`: finished lines httpd's filter passed on before it met the end of the body (the
   * pieces of a body go on one by one, its end last): they are out when the last line fails,
   * and so is what the last instance handed on before it failed.
   */
  private run(make: () => Buffer, unsent: Buffer = EMPTY): Buffer | null {
    this.handedOn = []
    try {
      return make()
    } catch (e) {
      if (!(e instanceof LineTooLong) && !(e instanceof ChildCrash)) throw e
      this.failed = true
      // A crash loses them too: httpd's core output filter still held them (measured for a
      // few lines; not reproduced: the part of a larger answer it would have written already).
      const out = e instanceof LineTooLong ? Buffer.concat([unsent, joined(this.handedOn)]) : EMPTY
      if (out.length > 0) {
        this.sendHead()
        this.next.write(out)
      }
      if (e instanceof ChildCrash) this.next.cut(CRASHED)
      else if (this.headSent) this.next.cut(CUT)
      else this.tooLong()
      return null
    }
  }

  private sendHead(): void {
    if (this.headSent) return
    this.headSent = true
    this.next.head()
  }
}

const EMPTY = Buffer.alloc(0)

const CRASHED =
  "mod_substitute: httpd's child process would crash on this line (a flattened match at its start that adds nothing, before anything was copied for it), so the connection closes with the answer unfinished"
const CUT = 'mod_substitute: Line too long (AH01328) after the answer began: it is cut short'
