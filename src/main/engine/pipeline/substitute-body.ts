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
import { ChildCrash, LineTooLong, SubstitutingBody, type SubstituteRules } from './substitute'

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
      let carry: Buffer = EMPTY
      for (const stage of this.stages) carry = concat(stage.write(carry), stage.end())
      return carry
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

  private through(chunk: Buffer): Buffer {
    let out = chunk
    for (const stage of this.stages) out = stage.write(out)
    return out
  }

  /**
   * `unsent`: finished lines httpd's filter passed on before it met the end of the body (the
   * pieces of a body go on one by one, its end last): they are out when the last line fails.
   */
  private run(make: () => Buffer, unsent: Buffer = EMPTY): Buffer | null {
    try {
      return make()
    } catch (e) {
      if (!(e instanceof LineTooLong) && !(e instanceof ChildCrash)) throw e
      this.failed = true
      // A crash loses them too: httpd's core output filter still held them (measured for a
      // few lines; not reproduced: the part of a larger answer it would have written already).
      if (unsent.length > 0 && e instanceof LineTooLong) {
        this.sendHead()
        this.next.write(unsent)
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

function concat(a: Buffer, b: Buffer): Buffer {
  return a.length === 0 ? b : b.length === 0 ? a : Buffer.concat([a, b])
}
