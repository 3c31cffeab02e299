/**
 * POSIX extended regular expressions (the single-quoted values of dispatcher.any, §1.1, §1.5),
 * translated to JavaScript RegExp source anchored as `^(?:…)$`.
 *
 * The module compiles these with the C library's regcomp(REG_EXTENDED) on Linux, so where POSIX
 * leaves a choice this follows GNU libc (checked against glibc 2.36):
 * - `\d`, `\n`, `\t` and other backslash-letter pairs are NOT classes or control characters: a
 *   backslash before an ordinary character stands for that character (`\d` matches `d`). A note
 *   says so, because authors who write `\d` expect a digit.
 * - The GNU extensions `\w \W \s \S \b \B \< \> \` \'` and back-references `\1`–`\9` work.
 * - A `)` without an open group is an ordinary character (POSIX ERE says so, glibc agrees). Adobe's
 *   documentation has `'(json|xml|html|feed))'`: it compiles, and its last `)` must appear in the
 *   subject, so the pattern never matches a real extension. A note says so.
 * - Inside a bracket expression a backslash is literal; `]` first is a member; `[:class:]`,
 *   `[=c=]` and single-character `[.c.]` are understood; a reversed range is an error.
 * - Stacked quantifiers apply to what precedes them (`a+?` is `(a+)?`, never lazy); a quantifier
 *   with nothing to repeat, an unclosed `(`, `[` or `{`, a trailing backslash, a bad interval or
 *   an unknown class name are errors (PatternError).
 * - `.` matches any character including a newline; classes are the ASCII ("C" locale) ones.
 * Anchoring makes the test a pure "is the whole subject in the language" question, so JavaScript's
 * backtracking answers it exactly as POSIX leftmost-longest matching would.
 */

export class PatternError extends Error {
  readonly code = 'PATTERN_INVALID_REGEX' as const

  constructor(
    message: string,
    /** The pattern as given. */
    readonly source: string,
    /** 0-based offset in the pattern where the problem was found. */
    readonly offset: number
  ) {
    super(message)
    this.name = 'PatternError'
  }
}

export interface EreOptions {
  caseInsensitive?: boolean
}

export interface EreTranslation {
  regex: RegExp
  /** Things that compile but rarely mean what the author intended (worded for users). */
  notes: string[]
}

/** The largest repetition count glibc's regcomp accepts in `{m,n}`. */
const RE_DUP_MAX = 32767

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f'
}

const WORD = '[0-9A-Za-z_]'
const JS_SPECIAL = new Set('\\^$.*+?()[]{}|/'.split(''))

export function compilePosixEre(source: string, opts: EreOptions = {}): RegExp {
  return translatePosixEre(source, opts).regex
}

export function translatePosixEre(source: string, opts: EreOptions = {}): EreTranslation {
  const t = new Translator(source)
  const body = t.alternation()
  if (t.i < source.length) throw t.error(`unexpected '${source[t.i]}'`)
  const flags = opts.caseInsensitive ? 'si' : 's'
  try {
    return { regex: new RegExp(`^(?:${body})$`, flags), notes: t.notes }
  } catch (e) {
    throw new PatternError(`invalid regular expression '${source}': ${(e as Error).message}`, source, 0)
  }
}

interface Piece {
  js: string
  quantifiable: boolean
}

class Translator {
  i = 0
  notes: string[] = []
  private depth = 0
  private opened = 0
  private readonly closed = new Set<number>()

  constructor(private readonly src: string) {}

  error(what: string, at = this.i): PatternError {
    return new PatternError(`invalid regular expression '${this.src}': ${what} (at character ${at + 1})`, this.src, at)
  }

  alternation(): string {
    const branches = [this.branch()]
    while (this.src[this.i] === '|') {
      this.i++
      branches.push(this.branch())
    }
    return branches.join('|')
  }

  private branch(): string {
    let js = ''
    while (this.i < this.src.length) {
      const c = this.src[this.i]
      if (c === '|' || (c === ')' && this.depth > 0)) break
      const piece = this.atom()
      js += this.quantified(piece)
    }
    return js
  }

  private atom(): Piece {
    const c = this.src[this.i]
    switch (c) {
      case '(':
        return this.group()
      case '[':
        return { js: this.bracket(), quantifiable: true }
      case '\\':
        return this.escape()
      case '.':
        this.i++
        return { js: '.', quantifiable: true }
      case '^':
      case '$':
        this.i++
        return { js: c, quantifiable: false }
      case '*':
      case '+':
      case '?':
      case '{':
        throw this.error(`'${c}' has nothing before it to repeat`)
      case ')':
        this.notes.push(
          `the ')' at character ${this.i + 1} closes no group, so it is an ordinary character that the subject must contain`
        )
        this.i++
        return { js: '\\)', quantifiable: true }
      default:
        this.i++
        return { js: literal(c), quantifiable: true }
    }
  }

  private group(): Piece {
    const open = this.i
    this.i++
    this.depth++
    const number = ++this.opened
    const inner = this.alternation()
    if (this.src[this.i] !== ')') throw this.error("unmatched '('", open)
    this.i++
    this.depth--
    this.closed.add(number)
    return { js: `(${inner})`, quantifiable: true }
  }

  private quantified(piece: Piece): string {
    let js = piece.js
    let count = 0
    for (;;) {
      const c = this.src[this.i]
      let q: string
      if (c === '*' || c === '+' || c === '?') {
        q = c
        this.i++
      } else if (c === '{') {
        q = this.interval()
      } else {
        return js
      }
      if (!piece.quantifiable) throw this.error(`'${c}' has nothing before it to repeat`, this.i - 1)
      js = count === 0 ? js + q : `(?:${js})${q}`
      count++
    }
  }

  private interval(): string {
    const open = this.i
    let j = this.i + 1
    const readNumber = (): number | null => {
      const start = j
      while (j < this.src.length && this.src[j] >= '0' && this.src[j] <= '9') j++
      return j > start ? Number(this.src.slice(start, j)) : null
    }
    const min = readNumber()
    let max: number | null | 'unbounded' = min
    if (this.src[j] === ',') {
      j++
      max = readNumber() ?? 'unbounded'
    }
    if (j >= this.src.length) throw this.error("unmatched '{'", open)
    if (this.src[j] !== '}' || (min === null && max === null)) throw this.error('invalid repetition count in {…}', open)
    const lo = min ?? 0
    if (lo > RE_DUP_MAX || (typeof max === 'number' && max > RE_DUP_MAX)) {
      throw this.error(`repetition count above ${RE_DUP_MAX}`, open)
    }
    if (typeof max === 'number' && max < lo) throw this.error('invalid repetition count in {…}', open)
    this.i = j + 1
    if (max === 'unbounded') return `{${lo},}`
    return max === lo ? `{${lo}}` : `{${lo},${max}}`
  }

  private escape(): Piece {
    const at = this.i
    const c = this.src[this.i + 1]
    if (c === undefined) throw this.error('trailing backslash', at)
    this.i += 2
    if (c >= '1' && c <= '9') {
      if (!this.closed.has(Number(c))) throw this.error(`back-reference \\${c} names no finished group`, at)
      return { js: `(?:\\${c})`, quantifiable: true }
    }
    switch (c) {
      case 'w':
        return { js: WORD, quantifiable: true }
      case 'W':
        return { js: '[^0-9A-Za-z_]', quantifiable: true }
      case 's':
        return { js: '[ \\t\\n\\r\\f\\v]', quantifiable: true }
      case 'S':
        return { js: '[^ \\t\\n\\r\\f\\v]', quantifiable: true }
      case 'b':
        return { js: '\\b', quantifiable: false }
      case 'B':
        return { js: '\\B', quantifiable: false }
      case '<':
        return { js: `\\b(?=${WORD})`, quantifiable: false }
      case '>':
        return { js: `\\b(?<=${WORD})`, quantifiable: false }
      case '`':
        return { js: '(?<![^])', quantifiable: false }
      case "'":
        return { js: '(?![^])', quantifiable: false }
    }
    if (/[0-9A-Za-z]/.test(c)) {
      this.notes.push(
        `'\\${c}' at character ${at + 1} is not special in POSIX regular expressions: it matches the character '${c}'`
      )
    }
    return { js: literal(c), quantifiable: true }
  }

  private bracket(): string {
    const open = this.i
    this.i++
    let negated = false
    if (this.src[this.i] === '^') {
      negated = true
      this.i++
    }
    let members = ''
    let first = true
    for (;;) {
      if (this.i >= this.src.length) throw this.error("unmatched '['", open)
      if (this.src[this.i] === ']' && !first) {
        this.i++
        break
      }
      first = false
      const start = this.bracketElement(open)
      const dashThenMore = this.src[this.i] === '-' && this.i + 1 < this.src.length && this.src[this.i + 1] !== ']'
      if (start.kind === 'class') {
        if (dashThenMore) throw this.error('a character class cannot start a range', this.i)
        members += start.js
        continue
      }
      if (!dashThenMore) {
        members += classChar(start.char)
        continue
      }
      this.i++
      const end = this.bracketElement(open)
      if (end.kind === 'class') throw this.error('a character class cannot end a range', this.i)
      if (end.char < start.char) throw this.error(`range '${start.char}-${end.char}' is reversed`, this.i - 1)
      members += `${classChar(start.char)}-${classChar(end.char)}`
      if (this.src[this.i] === '-' && this.i + 1 < this.src.length && this.src[this.i + 1] !== ']') {
        throw this.error("a range cannot be followed by '-'", this.i)
      }
    }
    return `[${negated ? '^' : ''}${members}]`
  }

  private bracketElement(open: number): { kind: 'char'; char: string } | { kind: 'class'; js: string } {
    const c = this.src[this.i]
    const kind = this.src[this.i + 1]
    if (c === '[' && (kind === ':' || kind === '.' || kind === '=')) {
      const close = this.src.indexOf(`${kind}]`, this.i + 2)
      if (close < 0) throw this.error(`unmatched '[${kind}'`, open)
      const name = this.src.slice(this.i + 2, close)
      const at = this.i
      this.i = close + 2
      if (kind === ':') {
        const js = POSIX_CLASSES[name]
        if (js === undefined) throw this.error(`unknown character class '[:${name}:]'`, at)
        return { kind: 'class', js }
      }
      if (name.length !== 1) throw this.error(`unknown collating element '[${kind}${name}${kind}]'`, at)
      return { kind: 'char', char: name }
    }
    this.i++
    return { kind: 'char', char: c }
  }
}

function literal(c: string): string {
  return JS_SPECIAL.has(c) ? `\\${c}` : c
}

function classChar(c: string): string {
  return /[0-9A-Za-z]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
}
