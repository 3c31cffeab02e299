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

/** apr_isspace: the C locale's white space. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f'
}

function trimEnd(s: string): string {
  let e = s.length
  while (e > 0 && isSpace(s[e - 1])) e--
  return s.slice(0, e)
}

/** Splits a file into httpd's logical lines, dropping blank lines and comment lines. */
export function logicalLines(text: string, file: string): LogicalLine[] {
  const physical = text.split('\n')
  const out: LogicalLine[] = []
  let raw = ''
  let rawSegments: LineSegment[] = []
  for (let i = 0; i < physical.length; i++) {
    const endedByNewline = i < physical.length - 1
    let line = physical[i]
    if (endedByNewline && line.endsWith('\r')) line = line.slice(0, -1)
    if (!endedByNewline && line === '' && rawSegments.length === 0) break
    rawSegments.push({ offset: raw.length, line: i + 1, column: 1 })
    if (endedByNewline && line.endsWith('\\')) {
      if (line.endsWith('\\\\')) {
        line = line.slice(0, -1)
      } else {
        raw += line.slice(0, -1)
        continue
      }
    }
    raw += line
    const logical = finishLine(raw, rawSegments, file)
    if (logical) out.push(logical)
    raw = ''
    rawSegments = []
  }
  if (rawSegments.length > 0) {
    const logical = finishLine(raw, rawSegments, file)
    if (logical) out.push(logical)
  }
  return out
}

function finishLine(raw: string, rawSegments: LineSegment[], file: string): LogicalLine | undefined {
  let lead = 0
  while (lead < raw.length && isSpace(raw[lead])) lead++
  const text = trimEnd(raw.slice(lead))
  if (text === '' || text[0] === '#') return undefined
  const at = (offset: number): { line: number; column: number } => {
    let seg = rawSegments[0]
    for (const s of rawSegments) if (s.offset <= offset) seg = s
    return { line: seg.line, column: 1 + offset - seg.offset }
  }
  const first = at(lead)
  const segments: LineSegment[] = [{ offset: 0, ...first }]
  for (const s of rawSegments) if (s.offset > lead) segments.push({ offset: s.offset - lead, line: s.line, column: 1 })
  return { text, pos: { file, ...first }, segments }
}

/** The file position of a character offset inside a logical line. */
export function positionInLine(file: string, segments: LineSegment[], offset: number): SourcePos {
  let seg = segments[0]
  for (const s of segments) if (s.offset <= offset) seg = s
  return { file, line: seg.line, column: seg.column + offset - seg.offset }
}

/** One word as ap_getword_conf reads it, starting at `from`; `next` is past the following blanks. */
export function readWord(s: string, from: number): { word: string; next: number } {
  let i = from
  while (i < s.length && isSpace(s[i])) i++
  let word: string
  const quote = s[i]
  if (quote === '"' || quote === "'") {
    let end = i + 1
    while (end < s.length && s[end] !== quote) {
      if (s[end] === '\\' && (s[end + 1] === quote || s[end + 1] === '\\')) end += 2
      else end++
    }
    word = unescape(s.slice(i + 1, Math.min(end, s.length)), quote)
    i = end < s.length ? end + 1 : end
  } else {
    let end = i
    while (end < s.length && !isSpace(s[end])) end++
    word = unescape(s.slice(i, end), '')
    i = end
  }
  while (i < s.length && isSpace(s[i])) i++
  return { word, next: i }
}

function unescape(s: string, quote: string): string {
  if (!s.includes('\\')) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const n = s[i + 1]
    if (s[i] === '\\' && (n === '\\' || (quote !== '' && n === quote))) {
      out += n
      i++
    } else out += s[i]
  }
  return out
}

/** All arguments of an argument string (an explicit `""` is an empty argument). */
export function splitArgs(s: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < s.length && isSpace(s[i])) i++
  while (i < s.length) {
    const w = readWord(s, i)
    out.push(w.word)
    i = w.next
  }
  return out
}

export type LineShape =
  | { kind: 'directive'; name: string; argText: string }
  | { kind: 'open'; name: string; argText: string; closed: boolean }
  | { kind: 'close'; name: string }

/**
 * Classifies a logical line. A section's arguments run to the *last* `>` of the line (what
 * httpd's section handlers do), so `<If "%{REQUEST_STATUS} > 400">` keeps its `>` inside.
 */
export function lineShape(text: string): LineShape {
  if (text.startsWith('</')) {
    const gt = text.lastIndexOf('>')
    return { kind: 'close', name: (gt > 1 ? text.slice(2, gt) : text.slice(2)).trim() }
  }
  if (text.startsWith('<')) {
    const gt = text.lastIndexOf('>')
    const inner = gt > 0 ? text.slice(1, gt) : text.slice(1)
    let n = 0
    while (n < inner.length && !isSpace(inner[n])) n++
    return { kind: 'open', name: inner.slice(0, n), argText: inner.slice(n).trim(), closed: gt > 0 }
  }
  const w = readWord(text, 0)
  return { kind: 'directive', name: w.word, argText: text.slice(w.next) }
}
