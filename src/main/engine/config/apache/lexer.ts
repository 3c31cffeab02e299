/**
 * httpd's line reader and word splitter, reproduced rule for rule because configurations
 * depend on their quirks (dispatcher-behavior.md §11.1; MANIFEST "Apache side" oddities):
 *
 * - A physical line ending in a single `\` continues on the next one; the backslash is
 *   removed and nothing is inserted, so `AllowOverride \` + `\tNone` reads `AllowOverride \tNone`.
 *   A line ending in `\\` does not continue and loses one backslash (ap_cfg_getline).
 * - Continuation happens before comments are recognised: a `# comment \` swallows the next line.
 * - The joined line is trimmed; it is a comment only when it *starts* with `#`. A `#`
 *   anywhere else is an ordinary character of an argument.
 * - Arguments split on white space; `"…"` and `'…'` group, and inside them only `\\` and the
 *   escaped quote itself are escapes. `\\` is also unescaped outside quotes (ap_getword_conf).
 * - CR before LF is tolerated; a last line without a newline is read like any other.
 *
 * Every configuration file goes through here when first loaded and after every edit, and
 * most of its lines are comments, so the scanners work on char codes over the file text
 * itself and slice each piece once: no per-line `split` or copy, no string built character
 * by character, no result object per word.
 */
import type { SourcePos } from '../../../../shared/diagnostics'
import type { LineSegment } from './ast'

export interface LogicalLine {
  /** Trimmed text with continuations joined. */
  text: string
  /** Position of the first non-blank character. */
  pos: SourcePos
  segments: LineSegment[]
}

const TAB = 9
const CR = 13
const SPACE = 32
const DQUOTE = 34
const HASH = 35
const SQUOTE = 39
const BACKSLASH = 92

/** apr_isspace: the C locale's white space (tab, LF, VT, FF, CR, space). */
export function isSpaceCode(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= CR)
}

/** apr_isspace for one character (undefined, past the end of a string, is not space). */
export function isSpace(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && isSpaceCode(c.charCodeAt(0))
}

/**
 * Reads a file's logical lines one after the other without copying them: after `next()`, the
 * line is `src[from, to)` (trimmed; `src` is the file text itself unless the line was joined
 * from continued physical lines). Blank and comment lines are skipped.
 */
export class LineReader {
  src = ''
  from = 0
  to = 0
  /** Where the first non-blank character is in the file. */
  line = 0
  column = 0
  /** For a joined line: where each physical piece starts in `src` (see `segments()`). */
  private pieces: LineSegment[] | undefined
  private start = 0
  private lineNo = 0
  private done = false

  constructor(private readonly text: string) {}

  next(): boolean {
    const text = this.text
    const n = text.length
    // A continued line is assembled in `raw`, with where each physical piece starts in it.
    let raw = ''
    let rawSegments: LineSegment[] | undefined
    while (!this.done) {
      const start = this.start
      this.lineNo++
      const nl = text.indexOf('\n', start)
      const endedByNewline = nl >= 0
      const lineEnd = endedByNewline ? nl : n
      if (endedByNewline) this.start = nl + 1
      else this.done = true
      // The text after the last newline is a line only when it is not empty (or ends a continuation).
      if (!endedByNewline && lineEnd === start && rawSegments === undefined) break
      let end = lineEnd
      if (endedByNewline && end > start && text.charCodeAt(end - 1) === CR) end--
      let continues = false
      if (endedByNewline && end > start && text.charCodeAt(end - 1) === BACKSLASH) {
        // `\\` at the end: no continuation, one backslash dropped; a single `\`: continuation.
        if (end - 1 > start && text.charCodeAt(end - 2) === BACKSLASH) end--
        else {
          end--
          continues = true
        }
      }
      if (rawSegments === undefined && !continues) {
        // One physical line (almost every line): trimmed in place.
        let lead = start
        while (lead < end && isSpaceCode(text.charCodeAt(lead))) lead++
        if (lead === end || text.charCodeAt(lead) === HASH) continue
        let e = end
        while (e > lead && isSpaceCode(text.charCodeAt(e - 1))) e--
        this.src = text
        this.from = lead
        this.to = e
        this.line = this.lineNo
        this.column = 1 + lead - start
        this.pieces = undefined
        return true
      }
      rawSegments ??= []
      rawSegments.push({ offset: raw.length, line: this.lineNo, column: 1 })
      raw += text.slice(start, end)
      if (continues) continue
      if (this.joined(raw, rawSegments)) return true
      raw = ''
      rawSegments = undefined
    }
    return false
  }

  /** A line joined from several physical lines; false when it is blank or a comment. */
  private joined(raw: string, rawSegments: LineSegment[]): boolean {
    let lead = 0
    while (lead < raw.length && isSpaceCode(raw.charCodeAt(lead))) lead++
    let e = raw.length
    while (e > lead && isSpaceCode(raw.charCodeAt(e - 1))) e--
    if (lead === e || raw.charCodeAt(lead) === HASH) return false
    // The piece the first non-blank character is in (the last one starting at or before it).
    let seg = rawSegments[0]
    for (const s of rawSegments) if (s.offset <= lead) seg = s
    this.src = raw
    this.from = lead
    this.to = e
    this.line = seg.line
    this.column = 1 + lead - seg.offset
    this.pieces = rawSegments
    return true
  }

  /** Where every physical line of the current logical line starts, relative to its text. */
  segments(): LineSegment[] {
    const segments: LineSegment[] = [{ offset: 0, line: this.line, column: this.column }]
    if (this.pieces) {
      for (const s of this.pieces) {
        if (s.offset > this.from) segments.push({ offset: s.offset - this.from, line: s.line, column: 1 })
      }
    }
    return segments
  }
}

/** Splits a file into httpd's logical lines, dropping blank lines and comment lines. */
export function logicalLines(text: string, file: string): LogicalLine[] {
  const out: LogicalLine[] = []
  const r = new LineReader(text)
  while (r.next()) {
    out.push({
      text: r.src.slice(r.from, r.to),
      pos: { file, line: r.line, column: r.column },
      segments: r.segments()
    })
  }
  return out
}

/** The file position of a character offset inside a logical line. */
export function positionInLine(file: string, segments: LineSegment[], offset: number): SourcePos {
  let seg = segments[0]
  for (const s of segments) if (s.offset <= offset) seg = s
  return { file, line: seg.line, column: seg.column + offset - seg.offset }
}

/** Set by `scanWord`: where the scan stopped (past the blanks after the word). */
let scanNext = 0

/**
 * One word of `s[from, to)` as ap_getword_conf reads it; `scanNext` is left past the
 * following blanks (a module variable rather than a result object per word).
 */
function scanWord(s: string, from: number, to: number): string {
  let i = from
  while (i < to && isSpaceCode(s.charCodeAt(i))) i++
  let word: string
  const q = i < to ? s.charCodeAt(i) : -1
  if (q === DQUOTE || q === SQUOTE) {
    let end = i + 1
    let escapes = false
    while (end < to) {
      const c = s.charCodeAt(end)
      if (c === q) break
      if (c === BACKSLASH && end + 1 < to) {
        const d = s.charCodeAt(end + 1)
        if (d === q || d === BACKSLASH) {
          escapes = true
          end += 2
          continue
        }
      }
      end++
    }
    word = escapes ? unescape(s, i + 1, end, q) : s.slice(i + 1, end)
    i = end < to ? end + 1 : end
  } else {
    let end = i
    let backslash = false
    while (end < to) {
      const c = s.charCodeAt(end)
      if (isSpaceCode(c)) break
      if (c === BACKSLASH) backslash = true
      end++
    }
    word = backslash ? unescape(s, i, end, -1) : s.slice(i, end)
    i = end
  }
  while (i < to && isSpaceCode(s.charCodeAt(i))) i++
  scanNext = i
  return word
}

/** `s[from, to)` with `\\` (and, inside quotes, `\<quote>`) reduced to the escaped character. */
function unescape(s: string, from: number, to: number, quote: number): string {
  let out = ''
  let chunk = from
  for (let i = from; i < to; i++) {
    if (s.charCodeAt(i) !== BACKSLASH || i + 1 >= to) continue
    const next = s.charCodeAt(i + 1)
    if (next === BACKSLASH || next === quote) {
      out += s.slice(chunk, i)
      chunk = i + 1
      i++
    }
  }
  return out + s.slice(chunk, to)
}

/** All arguments of an argument string (an explicit `""` is an empty argument). */
export function splitArgs(s: string): string[] {
  return splitArgsIn(s, 0, s.length)
}

/** `splitArgs` of `s[from, to)`, read in place. */
export function splitArgsIn(s: string, from: number, to: number): string[] {
  const out: string[] = []
  let i = from
  while (i < to && isSpaceCode(s.charCodeAt(i))) i++
  while (i < to) {
    out.push(scanWord(s, i, to))
    i = scanNext
  }
  return out
}

/** A directive line `s[from, to)` read in place: its name (first word) and its arguments. */
export function readDirective(s: string, from: number, to: number): { name: string; args: string[] } {
  const name = scanWord(s, from, to)
  return { name, args: splitArgsIn(s, scanNext, to) }
}

export type LineShape =
  | { kind: 'directive'; name: string; argText: string }
  | { kind: 'open'; name: string; argText: string; closed: boolean }
  | { kind: 'close'; name: string }

const LT = 60
const SLASH = 47

/**
 * Classifies a logical line. A section's arguments run to the *last* `>` of the line (what
 * httpd's section handlers do), so `<If "%{REQUEST_STATUS} > 400">` keeps its `>` inside.
 */
export function lineShape(text: string): LineShape {
  if (text.charCodeAt(0) === LT) {
    const gt = text.lastIndexOf('>')
    if (text.charCodeAt(1) === SLASH) {
      return { kind: 'close', name: (gt > 1 ? text.slice(2, gt) : text.slice(2)).trim() }
    }
    const innerEnd = gt > 0 ? gt : text.length
    let n = 1
    while (n < innerEnd && !isSpaceCode(text.charCodeAt(n))) n++
    return { kind: 'open', name: text.slice(1, n), argText: text.slice(n, innerEnd).trim(), closed: gt > 0 }
  }
  const name = scanWord(text, 0, text.length)
  return { kind: 'directive', name, argText: text.slice(scanNext) }
}
