/**
 * mod_substitute: the SUBSTITUTE output filter rewrites an answer's body line by line with the
 * `Substitute "s/pattern/replacement/[infq]"` patterns of the contexts that apply (AEM projects
 * use it to shorten `/content/site/en` links in the HTML the render made). The Dispatcher
 * caches what the render sent; the filter changes only what goes out, hits and misses alike.
 *
 * Reproduced from httpd 2.4's mod_substitute.c and checked against apache2 2.4.68:
 * - The body is cut into lines after each `\n` (the newline stays in the line); every pattern
 *   runs over every line in turn, so a pattern never spans two lines and sees what the patterns
 *   before it made.
 * - A regex is PCRE with `$` only at the very end (so `s/ $//` never matches a line that ends
 *   with its newline) but, unlike httpd's other regexes, `.` never matching the newline (so
 *   `s/.+//` leaves a line's newline in place); each search after a match starts a new subject,
 *   so `^` matches again where the last match ended (`s/^a/b/` turns `aaa` into `bbb`). The
 *   replacement takes `$0`–`$9` and backslash escapes (ap_pregsub; `&` is literal). With `n`
 *   the pattern is a literal string and the replacement is used as written; `i` makes either
 *   caseless (ASCII letters only, as apr_strmatch).
 * - `q` keeps a replacement in a piece of its own (no flattening): a later pattern can match
 *   inside it but not across its edges. With a single pattern in effect httpd never flattens.
 * - Merging: an inner context's patterns run before the outer ones' unless
 *   `SubstituteInheritBefore On` (2.4's default is Off).
 * - `SubstituteMaxLineLength` (1m): an unfinished last line longer than that, or a line whose
 *   result so far grows to it, stops the answer with a 500 ("Line too long"). A pattern that
 *   matches the empty string makes httpd loop until the line is too long (or, with an empty
 *   replacement, for ever): a 500 here.
 * - A flattened regex replacement that adds nothing to a line before anything was copied for it
 *   crashes httpd's child (ChildCrash): `s/^a//` among other patterns, on a line starting `a`.
 *
 * Bodies are handled as byte strings (latin1), as PCRE sees bytes without its UTF mode.
 * Hand-written: the line-and-piece semantics are mod_substitute's own.
 */
import type { VhostSettings } from '../../../shared/config-model'
import { shortPos, type Diagnostic, type SourcePos } from '../../../shared/diagnostics'
import { asciiLower, captureList, compilePcre, pregsub, toByteString } from '../apache-expr'
import { otherOccurrences } from '../config/apache/settings'
import type { OutputFilter } from './output-filters'

export interface SubstitutePattern {
  /** The directive's argument as written, for the trace. */
  text: string
  pos: SourcePos
  /** `n`: the literal (a byte string, lower-cased when `caseless`); else null. */
  literal: string | null
  regex: RegExp | null
  caseless: boolean
  /** A byte string; `$N` and backslashes are read when `regex` is set. */
  replacement: string
  /** `f` (the default) rather than `q`. */
  flatten: boolean
}

export interface SubstituteRules {
  patterns: SubstitutePattern[]
  maxLineLength: number
}

/** AP_SUBST_MAX_LINE_LENGTH. */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024

type Parsed = { ok: true; pattern: SubstitutePattern } | { ok: false; message: string; unsupported?: boolean }

/** set_pattern: `s<d>from<d>to[<d>flags]`, the delimiter being any character. */
export function parseSubstitute(arg: string, pos: SourcePos): Parsed {
  if (arg[0] !== 's' && arg[0] !== 'S') return { ok: false, message: 'Bad Substitute format, must be an s/// pattern' }
  const delim = arg[1]
  let from: string | undefined
  let to: string | undefined
  let flags = ''
  if (delim !== undefined) {
    const end = arg.indexOf(delim, 2)
    if (end >= 0) {
      from = arg.slice(2, end)
      const toEnd = arg.indexOf(delim, end + 1)
      to = toEnd >= 0 ? arg.slice(end + 1, toEnd) : arg.slice(end + 1)
      if (toEnd >= 0) flags = arg.slice(toEnd + 1)
    }
  }
  if (!from || to === undefined) return { ok: false, message: 'Bad Substitute format, must be a complete s/// pattern' }
  let caseless = false
  let literal = false
  let flatten = true
  for (const f of flags.toLowerCase()) {
    if (f === 'i') caseless = true
    else if (f === 'n') literal = true
    else if (f === 'f') flatten = true
    else if (f === 'q') flatten = false
    else return { ok: false, message: 'Bad Substitute flag, only s///[infq] are supported' }
  }
  const bytes = toByteString(from)
  const base = { text: arg, pos, caseless, replacement: toByteString(to), flatten }
  if (literal) return { ok: true, pattern: { ...base, literal: caseless ? asciiLower(bytes) : bytes, regex: null } }
  // mod_substitute's regexes run without DOTALL (measured: `s/.+/X/` turns `abc\n` into `X\n`,
  // where RewriteRule's `a.b` matches `a%0ab`), yet with DOLLAR_ENDONLY (`s/ $/!/` leaves `x \n`).
  // An option rather than a `(?-s)` prefix: the pattern's own leading `(?i)` must stay first.
  const r = compilePcre(bytes, { caseless, dotall: false })
  if (!r.ok) {
    return r.unsupported
      ? { ok: false, message: `${r.error} (the pattern is not applied here)`, unsupported: true }
      : { ok: false, message: 'Substitute could not compile regex' }
  }
  return { ok: true, pattern: { ...base, literal: null, regex: r.regex } }
}

/** SubstituteMaxLineLength's argument: a number of bytes with an optional b, k, m or g. */
export function parseMaxLineLength(arg: string): number | null {
  const m = /^(\d+)([bBkKmMgG]?)$/.exec(arg)
  if (!m) return null
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'b' | 'k' | 'm' | 'g']
  return Number(m[1]) * unit
}

/** By directive record: a configuration's records live as long as it does. */
const parsedPatterns = new WeakMap<object, Parsed>()

function parsedOnce(d: { args: string[]; pos: SourcePos }): Parsed {
  let p = parsedPatterns.get(d)
  if (!p) parsedPatterns.set(d, (p = parseSubstitute(d.args[0] ?? '', d.pos)))
  return p
}

function patternsOf(s: VhostSettings): SubstitutePattern[] {
  const out: SubstitutePattern[] = []
  for (const d of otherOccurrences(s, 'Substitute')) {
    const p = parsedOnce(d)
    if (p.ok) out.push(p.pattern)
  }
  return out
}

/** merge_substitute_dcfg folded over the contexts, outermost first. */
export function substituteRulesOf(contexts: VhostSettings[]): SubstituteRules {
  let patterns: SubstitutePattern[] = []
  let inheritBefore = false
  let maxLineLength = DEFAULT_MAX_LINE_LENGTH
  for (const c of contexts) {
    const own = patternsOf(c)
    const before = c.other.SubstituteInheritBefore
    if (before) inheritBefore = (before.value[0] ?? '').toLowerCase() === 'on'
    patterns = inheritBefore ? [...patterns, ...own] : [...own, ...patterns]
    const max = c.other.SubstituteMaxLineLength
    const n = max ? parseMaxLineLength(max.value[0] ?? '') : null
    if (n !== null) maxLineLength = n
  }
  return { patterns, maxLineLength }
}

/** httpd's refusals of a context's own Substitute directives (`apache2 -t` names their line). */
export function substituteProblems(s: VhostSettings): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const d of otherOccurrences(s, 'Substitute')) {
    const p = parsedOnce(d)
    if (p.ok) continue
    out.push({
      severity: p.unsupported ? 'warning' : 'error',
      code: p.unsupported ? 'SUBSTITUTE_UNSUPPORTED' : 'SUBSTITUTE_BAD_PATTERN',
      category: 'syntax',
      message: `Substitute ${d.args[0] ?? ''}: ${p.message}`,
      pos: d.pos
    })
  }
  for (const d of otherOccurrences(s, 'SubstituteMaxLineLength')) {
    if (parseMaxLineLength(d.args[0] ?? '') !== null) continue
    out.push({
      severity: 'error',
      code: 'SUBSTITUTE_BAD_LENGTH',
      category: 'syntax',
      message: `SubstituteMaxLineLength ${d.args[0] ?? ''}: SubstituteMaxLineLength must be a non-negative integer optionally suffixed with 'b', 'k', 'm' or 'g'.`,
      pos: d.pos
    })
  }
  return out
}

/** The answer cannot be finished: a line grew past SubstituteMaxLineLength (httpd's AH01328). */
export class LineTooLong extends Error {}

/**
 * httpd's child process dies on this line (AH00052 "exit signal Segmentation fault"): a flattened
 * regex replacement that adds nothing (empty, or only unset groups) to a line's still unallocated
 * buffer (no byte before the match, nothing copied yet for this line) makes ap_varbuf_regsub write
 * its terminating NUL into the read-only empty string ap_varbuf_init starts with. The client
 * sees its connection close: without an answer when nothing went out yet.
 */
export class ChildCrash extends Error {}

/**
 * One line (with its newline, if it has one) through every pattern. A line is a list of
 * pieces (httpd's buckets): a pattern matches within a piece, never across two. The pieces it
 * ends as (none empty) are the buckets the filter hands on.
 */
function linePieces(rules: SubstituteRules, line: string): string[] {
  let pieces = [line]
  // With a single pattern httpd skips flattening altogether (its `force_quick`).
  const quickOnly = rules.patterns.length === 1
  // do_pattmatch's varbuf, one per line: allocated once a flattening pass copies a byte into it.
  const buffer = { allocated: false }
  for (const p of rules.patterns) {
    const flatten = p.flatten && !quickOnly
    const next: string[] = []
    for (const piece of pieces) {
      const made =
        p.literal !== null
          ? literalPass(p, piece, rules.maxLineLength, flatten, buffer)
          : regexPass(p, piece, rules.maxLineLength, flatten, buffer)
      if (made === null) next.push(piece)
      else if (flatten) next.push(made.join(''))
      else next.push(...made.filter((m) => m !== ''))
    }
    pieces = next
  }
  // (httpd's filter drops an empty bucket unread.)
  if (pieces.length === 1) return pieces[0] === '' ? [] : pieces
  return pieces.filter((piece) => piece !== '')
}

interface LineBuffer {
  allocated: boolean
}

/** The pieces a piece becomes (text, replacement, text, …, rest), or null when nothing matched. */
function literalPass(
  p: SubstitutePattern,
  piece: string,
  max: number,
  flatten: boolean,
  buffer: LineBuffer
): string[] | null {
  const literal = p.literal!
  const haystack = p.caseless ? asciiLower(piece) : piece
  let at = haystack.indexOf(literal)
  if (at < 0) return null
  const out: string[] = []
  let pos = 0
  let made = 0
  while (at >= 0) {
    made += at - pos + p.replacement.length
    // What the line has made so far may fill the limit exactly.
    if (made > max) throw new LineTooLong()
    if (flatten && made > 0) buffer.allocated = true
    out.push(piece.slice(pos, at), p.replacement)
    pos = at + literal.length
    at = haystack.indexOf(literal, pos)
  }
  const rest = piece.slice(pos)
  // Split into buckets (no flattening), the piece after the last match must fit too
  // (`space_left < b->length`): the flattening copy is not measured again.
  if (!flatten && made + rest.length > max) throw new LineTooLong()
  out.push(rest)
  return out
}

function regexPass(
  p: SubstitutePattern,
  piece: string,
  max: number,
  flatten: boolean,
  buffer: LineBuffer
): string[] | null {
  const out: string[] = []
  let pos = 0
  let made = 0
  for (;;) {
    // Each search is a new subject from where the last match ended (no NOTBOL).
    const m = p.regex!.exec(pos === 0 ? piece : piece.slice(pos))
    if (!m) break
    const replacement = pregsub(p.replacement, captureList(m))
    made += m.index + replacement.length
    if (made >= max) throw new LineTooLong()
    if (flatten) {
      if (m.index + replacement.length > 0) buffer.allocated = true
      else if (!buffer.allocated) throw new ChildCrash()
    }
    // An empty match does not move on: httpd repeats it until the line is too long.
    if (m[0].length === 0) throw new LineTooLong()
    out.push(piece.slice(pos, pos + m.index), replacement)
    pos += m.index + m[0].length
  }
  if (out.length === 0) return null
  out.push(piece.slice(pos))
  return out
}

/**
 * A body through the filter as it arrives: complete lines go out rewritten, an unfinished one
 * waits for the rest (and may not grow past the limit while it waits).
 */
export class SubstitutingBody {
  private pending = ''

  constructor(private readonly rules: SubstituteRules) {}

  /** What can go out after `chunk`; throws LineTooLong or ChildCrash. */
  write(chunk: Buffer): Buffer {
    return joined(this.pieces(chunk.toString('latin1')))
  }

  /** The rest, at the end of the body; throws LineTooLong or ChildCrash. */
  end(): Buffer {
    return joined(this.restPieces())
  }

  /**
   * What can go out after `piece` (a byte string: one bucket), as the buckets httpd's filter
   * hands on: a line it split (`q`) stays in pieces, which a filter after it takes one by one.
   */
  pieces(piece: string): string[] {
    this.checkPending()
    const carried = this.pending.length > 0
    const text = this.pending + piece
    const end = text.lastIndexOf('\n') + 1
    // A line whose start waited for the rest is flattened from its pieces and measured then
    // (`fbytes > max_line_length`); a line that came in one piece is not.
    if (carried && end > 0 && text.indexOf('\n') + 1 > this.rules.maxLineLength) throw new LineTooLong()
    this.pending = text.slice(end)
    return end === 0 ? [] : this.lines(text.slice(0, end))
  }

  /** The rest, at the end of the body, as pieces; throws LineTooLong or ChildCrash. */
  restPieces(): string[] {
    this.checkPending()
    const rest = this.pending
    this.pending = ''
    return rest === '' ? [] : linePieces(this.rules, rest)
  }

  /**
   * An unfinished line longer than the limit fails when more of the body comes (or its end), not
   * before: the finished lines that came with it have gone out by then (measured: a static
   * file's complete lines are a 200's first bytes, then the answer is cut).
   */
  private checkPending(): void {
    if (this.pending.length > this.rules.maxLineLength) throw new LineTooLong()
  }

  private lines(text: string): string[] {
    const out: string[] = []
    let start = 0
    while (start < text.length) {
      const nl = text.indexOf('\n', start) + 1
      for (const piece of linePieces(this.rules, text.slice(start, nl))) out.push(piece)
      start = nl
    }
    return out
  }
}

const EMPTY = Buffer.alloc(0)

/** Pieces of a body (byte strings) as the bytes they make together. */
export function joined(pieces: string[]): Buffer {
  return pieces.length === 0 ? EMPTY : Buffer.from(pieces.length === 1 ? pieces[0] : pieces.join(''), 'latin1')
}

/**
 * The trace line: which directives put the filter in (two instances rewrite twice), and how
 * many patterns run. Made once per combination and directive set: the trace keeps the shared
 * string, not a copy made for every answer.
 */
export function substituteSummary(filters: readonly OutputFilter[], rules: SubstituteRules): string {
  let known = summaries.get(rules)
  if (!known) summaries.set(rules, (known = new Map()))
  const key = filters.map((f) => f.directive).join(' ')
  let line = known.get(key)
  if (line === undefined) {
    const by = filters.map(
      (f) => `${f.directive} ${f.source.value.join(' ')}${f.source.pos ? ` (${shortPos(f.source.pos)})` : ''}`
    )
    const n = rules.patterns.length
    const twice = filters.length > 1 ? ' twice' : ''
    line = `mod_substitute rewrites the answer's lines${twice}: ${by.join(' and ')}, ${n} pattern${n === 1 ? '' : 's'}`
    known.set(key, line)
  }
  return line
}

const summaries = new WeakMap<SubstituteRules, Map<string, string>>()
