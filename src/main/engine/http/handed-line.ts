/**
 * The request line, as it came, of a head Node's parser read and handed over, where llhttp reads
 * a line httpd refuses: more than one space between its parts (`GET  /x HTTP/1.1`), which
 * ap_parse_request_line refuses under the default `HttpProtocolOptions Strict` and llhttp skips.
 * Node gives the method, target and version it parsed, not the bytes: the line is looked for in
 * the chunk the parser was reading, only when the line may hold two spaces in a row (node-heads.ts
 * tests the line alone where it knows where it is, isLineOf and unspacedFirstLine, else the chunk),
 * so an ordinary head costs a look at its line, whatever spaces its body has.
 */

/** Two spaces in a row: the one thing in a line llhttp reads that makes httpd refuse it. */
export const DOUBLE_SPACE = Buffer.from('  ')

/**
 * The line in `chunk`, from `from` on, whose words are `method`, `target` and `protocol`
 * (blank lines and the lines of heads and bodies before it passed over; a body's last bytes
 * before the method on the same line are not the line's), and where the line after it starts;
 * null when no line there is it. `before`: the part of the line that came in
 * earlier chunks, if the line began there.
 */
export function findHandedLine(
  chunk: Buffer,
  from: number,
  words: readonly [string, string, string],
  before: string
): { line: string; next: number } | null {
  if (before !== '') {
    // The line began in an earlier chunk: it ends at this chunk's first line end.
    const lf = chunk.indexOf(10, from)
    const line = withoutCr(before + chunk.toString('latin1', from, lf < 0 ? chunk.length : lf))
    if (sameWords(line, words)) return { line, next: lf < 0 ? chunk.length : lf + 1 }
  }
  let at = from
  while (at < chunk.length) {
    const lf = chunk.indexOf(10, at)
    const end = lf < 0 ? chunk.length : lf
    // Only a line whose first word ends in the method can be it (the check allocates nothing):
    // a body that does not end in a line end runs into the next head's method (`hiGET  /x`).
    let space = at
    while (space < end && chunk[space] !== 0x20) space++
    const start = space - words[0].length
    if (space < end && start >= at && endsWithMethod(chunk, space, words[0])) {
      const line = withoutCr(chunk.toString('latin1', start, end))
      if (sameWords(line, words)) return { line, next: end + 1 }
    }
    at = end + 1
  }
  return null
}

/** The bytes before `space` are `method`. */
function endsWithMethod(chunk: Buffer, space: number, method: string): boolean {
  const start = space - method.length
  for (let i = 0; i < method.length; i++) if (chunk[start + i] !== method.charCodeAt(i)) return false
  return true
}

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

/** The line's space-separated words are exactly `words` (however many spaces between them). */
function sameWords(line: string, words: readonly [string, string, string]): boolean {
  const got = line.split(' ').filter((w) => w !== '')
  return got.length === 3 && got[0] === words[0] && got[1] === words[1] && got[2] === words[2]
}

/**
 * Where the line after `chunk`'s first line (after the blank lines before a request line)
 * starts, or -1 when that line holds two spaces in a row: its bytes are looked at, not the
 * head's fields or a body after it.
 */
export function unspacedFirstLine(chunk: Buffer): number {
  let at = 0
  while (at < chunk.length && (chunk[at] === 13 || chunk[at] === 10)) at++
  const lf = chunk.indexOf(10, at)
  const end = lf < 0 ? chunk.length : lf
  for (let i = at + 1; i < end; i++) if (chunk[i] === 0x20 && chunk[i - 1] === 0x20) return -1
  return end + 1
}

/**
 * `line` (a request line as noted, its line end included) has exactly the words `words`, with
 * one or more spaces between them; allocates nothing.
 */
export function isLineOf(line: string, words: readonly [string, string, string]): boolean {
  let at = 0
  for (let w = 0; w < 3; w++) {
    if (w > 0) {
      if (line.charCodeAt(at) !== 0x20) return false
      while (line.charCodeAt(at) === 0x20) at++
    }
    if (!line.startsWith(words[w], at)) return false
    at += words[w].length
  }
  const rest = line.length - at
  return rest === 0 || (rest === 1 && line.charCodeAt(at) === 10) || (rest === 2 && line.endsWith('\r\n'))
}
