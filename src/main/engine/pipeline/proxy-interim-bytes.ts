/**
 * A backend's interim (1xx) heads as httpd reads them, looked at before node's parser takes the
 * bytes. ap_proxy_http_process_response reads an interim head with ap_proxy_read_headers, as a
 * final one, and ap_send_interim_response writes its fields as they are: no header filter
 * checks them. So a control character, DEL or a name that is no token in an interim head does
 * not fail the answer: the interim answer goes on with the byte (to a client it is for) and the
 * final answer after it (measured against apache2 2.4.68: `100 Continue` with `X-Bad: a\x01b`
 * to a client that sent `Expect: 100-continue`, `103 Early Hints` with the same, or with
 * `X Bad: ab`, to any HTTP/1.1 client). A NUL or a line without a colon still fails it (502).
 *
 * llhttp refuses such a head and would end the exchange, so each byte it refuses in an interim
 * head's field lines is replaced, in the read itself, before node's parser gets it: a value's
 * by a space, a name's by `_`. The fields relayed are this reader's, read from the bytes as they
 * came (`heads`), not node's.
 */
import { AROUND_VALUE } from '../http/backend-head'

/** A byte of a field name that is no token (besides the colon, and the CR, LF and NUL left to fail). */
const NOT_TOKEN = new Set([...' "(),/;<=>?@[\\]{}\x7f'].map((c) => c.charCodeAt(0)))
const SPACE = 0x20
const UNDERSCORE = 0x5f
const LF = 0x0a
const CR = 0x0d
const TAB = 0x09
const COLON = 0x3a
const ONE = 0x31
/** An interim answer's status line. */
const INTERIM = /^HTTP\/\d\.\d 1\d\d(?: |$)/

/** Whether llhttp refuses byte `b` in a field value (a control character but HTAB, CR, LF and NUL; DEL). */
function refusedInValue(b: number): boolean {
  return (b < SPACE && b !== TAB && b !== CR && b !== LF && b !== 0) || b === 0x7f
}

/** Whether llhttp refuses byte `b` in a field name (besides those that end or fail the line). */
function refusedInName(b: number): boolean {
  return (b < SPACE && b !== CR && b !== LF && b !== 0) || b >= 0x80 || NOT_TOKEN.has(b)
}

export class InterimBytes {
  /** Each interim head's fields, read as httpd reads them (name, value, …), until node relays it. */
  readonly heads: string[][] = []
  private line = ''
  private inInterim = false
  private over = false
  private fields: string[] = []

  /**
   * Reads `chunk`, the answer's next read, and makes its interim field lines readable to llhttp in
   * place; returns how many of its bytes were read: all of them, or up to the end of the final
   * head's status line (its LF included), after which there is nothing more to look at.
   */
  take(chunk: Buffer): number {
    // Nearly every answer: its read begins with a final head's status line (no 1 where an interim
    // one has its code's first digit), found without walking it byte by byte as below. A first line
    // too short to reach that byte is no interim one either.
    const fresh = !this.over && !this.inInterim && this.line === ''
    if (fresh && chunk.length > 9 && chunk[9] !== ONE && chunk[0] !== CR && chunk[0] !== LF) {
      const lf = chunk.indexOf(LF)
      if (lf >= 0) {
        this.over = true
        return lf + 1
      }
    }
    let i = 0
    for (; i < chunk.length && !this.over; i++) {
      const b = chunk[i]
      if (b === LF) {
        this.endLine()
        continue
      }
      // A bare CR in a value (one not before its LF), when both are in this read.
      if (i > 0 && chunk[i - 1] === CR && this.inInterim && this.line.length > 1) chunk[i - 1] = SPACE
      if (this.inInterim && this.line !== '') {
        const inName = !this.line.includes(':') && this.line[0] !== ' ' && this.line[0] !== '\t'
        if (inName ? b !== COLON && refusedInName(b) : refusedInValue(b)) chunk[i] = inName ? UNDERSCORE : SPACE
      } else if (this.inInterim && (b === SPACE || b === TAB)) {
        // A folded line, which llhttp refuses: the line end before it, when in this read, becomes
        // spaces, and llhttp reads one line.
        if (this.fields.length > 0 && i > 0 && chunk[i - 1] === LF) {
          chunk[i - 1] = SPACE
          if (i > 1 && chunk[i - 2] === CR) chunk[i - 2] = SPACE
        }
      } else if (this.inInterim && b !== CR && refusedInName(b)) chunk[i] = UNDERSCORE
      this.line += String.fromCharCode(b)
    }
    return i
  }

  /** Whether the final head has begun: nothing more to look at. */
  get done(): boolean {
    return this.over
  }

  private endLine(): void {
    const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line
    this.line = ''
    if (!this.inInterim) {
      // node's parser skips empty lines before a status line; httpd's own reading of them is
      // status-line.ts's, on what reaches it.
      if (line === '') return
      if (INTERIM.test(line)) {
        this.inInterim = true
        this.fields = []
      } else this.over = true
      return
    }
    if (line === '') {
      this.heads.push(this.fields)
      this.inInterim = false
      return
    }
    const last = this.fields.length - 1
    if ((line[0] === ' ' || line[0] === '\t') && last > 0) {
      // A folded line goes on the value before it (ap_rgetline, AP_GETLINE_FOLD).
      this.fields[last] = `${this.fields[last]}${line}`.replace(AROUND_VALUE, '')
      return
    }
    const colon = line.indexOf(':')
    if (colon > 0) this.fields.push(line.slice(0, colon), line.slice(colon + 1).replace(AROUND_VALUE, ''))
  }
}
