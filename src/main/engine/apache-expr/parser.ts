/**
 * The ap_expr parser (Apache 2.4 `util_expr_scan.l` + `util_expr_parse.y`), hand-written as a
 * recursive-descent parser because the scanner is stateful (strings, `%{var:arg}`, `m#regex#`).
 *
 * Apache resolves every variable, function and operator name while parsing and refuses the
 * configuration when one is unknown; so does this parser (`EXPR_SYNTAX`). Names Apache knows
 * but the workbench cannot evaluate throw `EXPR_UNSUPPORTED`, so an expression is either
 * evaluated faithfully or reported — never assumed true.
 */
import type { CompareOp, CondNode, ExprAst, RegexLiteral, StringFunctionName, WordNode } from './ast'
import { ExprError } from './errors'
import { parseSubnet } from './ipmatch'
import { BINARY_OPERATORS, EXPR_VARIABLES, STRING_FUNCTIONS, UNARY_OPERATORS, UNSUPPORTED_UNARY } from './names'
import { compilePcre } from './pcre'
import { toByteString } from './uri-escape'
import { textMemo } from '../text-memo'

type Token =
  | {
      kind: 'eof' | 'str' | 'var' | 'regex' | 'true' | 'false' | 'and' | 'or' | 'not' | 'concat' | 'in'
      start: number
      end: number
    }
  | { kind: 'compare'; op: CompareOp; start: number; end: number }
  | { kind: 'match'; negate: boolean; start: number; end: number }
  | { kind: 'unary' | 'binary' | 'id' | 'digits' | 'punct'; text: string; start: number; end: number }
  | { kind: 'backref'; n: number; start: number; end: number }

const REG_SEP = '/#$%^|?!\'",;:._-'
const KEYWORDS: Record<string, Token['kind'] | CompareOp> = {
  and: 'and',
  or: 'or',
  not: 'not',
  true: 'true',
  false: 'false',
  in: 'in',
  eq: '-eq',
  ne: '-ne',
  lt: '-lt',
  le: '-le',
  gt: '-gt',
  ge: '-ge'
}

/**
 * A parse, or the error it raised, remembered by text (text-memo.ts): the same expressions come
 * back on every load. The tree is shared, so it is read-only; the error is thrown afresh.
 */
type Parsed = { ast: ExprAst } | { error: unknown }

function remembered(parse: (source: string) => ExprAst): (source: string) => ExprAst {
  const memo = textMemo((source): Parsed => {
    try {
      return { ast: parse(source) }
    } catch (error) {
      return { error }
    }
  })
  return (source) => {
    const parsed = memo(source)
    if ('error' in parsed) throw parsed.error
    return parsed.ast
  }
}

/** Parse a boolean expression (`<If>`, `SetEnvIfExpr`, `RewriteCond expr`, `Header … expr=`). */
export const parseExpr = remembered((source) => {
  const p = new Parser(source)
  const root = p.parseCondition()
  p.expectEnd()
  return { kind: 'bool', source, root }
})

/** Parse a string expression (a `Header`/`RequestHeader` value written as `expr=…`). */
export const parseStringExpr = remembered((source) => {
  const p = new Parser(source)
  const root = p.parseStringBody(null)
  return { kind: 'string', source, root }
})

class Parser {
  private pos = 0
  /**
   * The expression as httpd reads it: bytes (one character per byte, as request data are held
   * here), so a non-ASCII literal or regex meets a header or URI byte for byte.
   */
  private readonly src: string

  constructor(private readonly text: string) {
    this.src = toByteString(text)
  }

  private fail(message: string, at = this.pos): never {
    throw new ExprError('EXPR_SYNTAX', message, this.column(at))
  }

  private unsupported(message: string, at = this.pos): never {
    throw new ExprError('EXPR_UNSUPPORTED', message, this.column(at))
  }

  /** The 1-based column, in characters of the text as written, of byte offset `at`. */
  private column(at: number): number {
    if (this.src === this.text) return at + 1
    return Buffer.from(this.src.slice(0, at), 'latin1').toString('utf8').length + 1
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of expression'
    return `"${this.src.slice(t.start, t.end)}"`
  }

  /* ----------------------------------------------------------------- scanner (expr state) */

  private lex(): Token {
    const s = this.src
    let i = this.pos
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n')) i++
    const start = i
    if (i >= s.length) return { kind: 'eof', start, end: i }
    const c = s[i]
    const two = s.slice(i, i + 2)
    if (c === '"' || c === "'") return { kind: 'str', start, end: i + 1 }
    if (s.startsWith('%{:', i)) this.fail('"%{:…:}" is Apache 2.5 syntax, not available in 2.4', i)
    if (two === '%{') return { kind: 'var', start, end: i + 2 }
    if (c === '/') return { kind: 'regex', start, end: i + 1 }
    if ((c === 'm' || c === 's') && s[i + 1] !== undefined && REG_SEP.includes(s[i + 1])) {
      if (c === 's') this.fail('regex substitution s/…/…/ is Apache 2.5 syntax, not available in 2.4', i)
      return { kind: 'regex', start, end: i + 2 }
    }
    if (c === '$' && /[0-9]/.test(s[i + 1] ?? '')) return { kind: 'backref', n: Number(s[i + 1]), start, end: i + 2 }
    if (two === '==') return { kind: 'compare', op: '==', start, end: i + 2 }
    if (two === '=~') return { kind: 'match', negate: false, start, end: i + 2 }
    if (c === '=') return { kind: 'compare', op: '==', start, end: i + 1 }
    if (two === '!=') return { kind: 'compare', op: '!=', start, end: i + 2 }
    if (two === '!~') return { kind: 'match', negate: true, start, end: i + 2 }
    if (c === '!') return { kind: 'not', start, end: i + 1 }
    if (two === '<=') return { kind: 'compare', op: '<=', start, end: i + 2 }
    if (c === '<') return { kind: 'compare', op: '<', start, end: i + 1 }
    if (two === '>=') return { kind: 'compare', op: '>=', start, end: i + 2 }
    if (c === '>') return { kind: 'compare', op: '>', start, end: i + 1 }
    if (two === '&&') return { kind: 'and', start, end: i + 2 }
    if (two === '||') return { kind: 'or', start, end: i + 2 }
    if (c === '.') return { kind: 'concat', start, end: i + 1 }
    if (c === '-') {
      const digits = /^-[0-9]+/.exec(s.slice(i))
      if (digits) return { kind: 'digits', text: digits[0], start, end: i + digits[0].length }
      const name = /^-([a-zA-Z_][a-zA-Z_0-9]*)/.exec(s.slice(i))
      if (!name) this.fail(`Parse error near character '-'`, i)
      const end = i + name[0].length
      const n = name[1]
      if (n === 'in') return { kind: 'in', start, end }
      if (['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(n))
        return { kind: 'compare', op: `-${n}` as CompareOp, start, end }
      return { kind: n.length >= 2 ? 'binary' : 'unary', text: n, start, end }
    }
    if (/[0-9]/.test(c)) {
      const d = /^[0-9]+/.exec(s.slice(i)) as RegExpExecArray
      return { kind: 'digits', text: d[0], start, end: i + d[0].length }
    }
    if (/[a-zA-Z]/.test(c)) {
      const id = /^[a-zA-Z][a-zA-Z0-9_]*/.exec(s.slice(i)) as RegExpExecArray
      const end = i + id[0].length
      const kw = KEYWORDS[id[0]]
      if (kw === undefined) return { kind: 'id', text: id[0], start, end }
      if (kw.startsWith('-')) return { kind: 'compare', op: kw as CompareOp, start, end }
      return { kind: kw as 'and', start, end }
    }
    if ('(){},'.includes(c)) return { kind: 'punct', text: c, start, end: i + 1 }
    this.fail(`Parse error near character '${c}'`, i)
  }

  private peek(): Token {
    return this.lex()
  }

  private next(): Token {
    const t = this.lex()
    this.pos = t.end
    return t
  }

  private isPunct(t: Token, ch: string): boolean {
    return t.kind === 'punct' && t.text === ch
  }

  private expectPunct(ch: string): void {
    const t = this.next()
    if (!this.isPunct(t, ch)) this.fail(`syntax error, unexpected ${this.describe(t)}, expecting "${ch}"`, t.start)
  }

  expectEnd(): void {
    const t = this.peek()
    if (t.kind !== 'eof')
      this.fail(`syntax error, unexpected ${this.describe(t)}, expecting end of expression`, t.start)
  }

  /* ------------------------------------------------------------------------- conditions */

  parseCondition(): CondNode {
    let left = this.parseAnd()
    while (this.peek().kind === 'or') {
      this.next()
      left = { type: 'or', left, right: this.parseAnd() }
    }
    return left
  }

  private parseAnd(): CondNode {
    let left = this.parseNot()
    while (this.peek().kind === 'and') {
      this.next()
      left = { type: 'and', left, right: this.parseNot() }
    }
    return left
  }

  private parseNot(): CondNode {
    if (this.peek().kind === 'not') {
      this.next()
      return { type: 'not', arg: this.parseNot() }
    }
    return this.parsePrimaryCondition()
  }

  private parsePrimaryCondition(): CondNode {
    const t = this.peek()
    if (t.kind === 'true' || t.kind === 'false') {
      this.next()
      return { type: t.kind }
    }
    if (t.kind === 'unary') {
      this.next()
      return this.unaryOperator(t.text, t.start, this.parseWord())
    }
    if (this.isPunct(t, '(')) {
      // 2.4's grammar has no parenthesised word: `('a') == 'a'` is a syntax error there.
      this.next()
      const inner = this.parseCondition()
      this.expectPunct(')')
      return inner
    }
    return this.parseComparison()
  }

  private parseComparison(): CondNode {
    const left = this.parseWord()
    const op = this.next()
    switch (op.kind) {
      case 'compare':
        return { type: 'compare', op: op.op, left, right: this.parseWord() }
      case 'match':
        return { type: 'match', negate: op.negate, left, regex: this.parseRegexOperand() }
      case 'in':
        return { type: 'in', left, list: this.parseList() }
      case 'binary':
        return this.binaryOperator(op.text, op.start, left, this.parseWord())
      default:
        this.fail(`syntax error, unexpected ${this.describe(op)}, expecting a comparison operator`, op.start)
    }
  }

  private unaryOperator(name: string, at: number, arg: WordNode): CondNode {
    if (!UNARY_OPERATORS.has(name)) this.fail(`Unary operator '-${name}' does not exist`, at)
    if (UNSUPPORTED_UNARY[name]) this.unsupported(UNSUPPORTED_UNARY[name], at)
    if (name === 'R') {
      if (arg.type !== 'literal') this.fail('-R requires subnet/netmask as constant argument', at)
      const subnet = parseSubnet(arg.value)
      if (!subnet) this.fail('parsing of subnet/netmask failed', at)
      return { type: 'unary', op: name, arg, subnet }
    }
    return { type: 'unary', op: name, arg }
  }

  private binaryOperator(name: string, at: number, left: WordNode, right: WordNode): CondNode {
    const lower = name.toLowerCase()
    if (!BINARY_OPERATORS.has(lower)) this.fail(`Binary operator '-${name}' does not exist`, at)
    if (lower === 'ipmatch') {
      if (right.type !== 'literal') this.fail('-ipmatch requires subnet/netmask as constant argument', at)
      const subnet = parseSubnet(right.value)
      if (!subnet) this.fail('parsing of subnet/netmask failed', at)
      return { type: 'binary', op: lower, left, right, subnet }
    }
    return { type: 'binary', op: lower, left, right }
  }

  private parseList(): WordNode[] {
    const t = this.next()
    if (this.isPunct(t, '{')) {
      const words = [this.parseWord()]
      while (this.isPunct(this.peek(), ',')) {
        this.next()
        words.push(this.parseWord())
      }
      this.expectPunct('}')
      return words
    }
    if (this.isPunct(t, '(')) {
      const inner = this.parseList()
      this.expectPunct(')')
      return inner
    }
    if (t.kind === 'id') this.fail(`List-returning function '${t.text}' does not exist`, t.start)
    this.fail(`syntax error, unexpected ${this.describe(t)}, expecting "{"`, t.start)
  }

  private parseRegexOperand(): RegexLiteral {
    const t = this.next()
    if (t.kind !== 'regex')
      this.fail(`syntax error, unexpected ${this.describe(t)}, expecting a regular expression`, t.start)
    const delim = this.src[t.end - 1]
    const close = this.src.indexOf(delim, t.end)
    if (close < 0) this.fail('Unterminated regexp', t.start)
    const source = this.src.slice(t.end, close)
    let i = close + 1
    // 2.4's scanner knows one flag, `i`; any other word right after the regex is a token of its own.
    let flags = ''
    if (this.src[i] === 'i') {
      flags = 'i'
      i++
    }
    if (i < this.src.length && /[a-zA-Z0-9_]/.test(this.src[i])) this.fail('syntax error, unexpected T_ID', i)
    this.pos = i
    const compiled = compilePcre(source, { caseless: flags === 'i' })
    if (!compiled.ok) {
      if (compiled.unsupported) this.unsupported(`regular expression ${source}: ${compiled.error}`, t.start)
      this.fail(`Failed to compile regular expression: ${compiled.error}`, t.start)
    }
    return { source, flags, regex: compiled.regex, groups: compiled.groups }
  }

  /* ------------------------------------------------------------------------------ words */

  private parseWord(): WordNode {
    const left = this.parseWordPrimary()
    if (this.peek().kind === 'concat') {
      this.next()
      return { type: 'concat', left, right: this.parseWord() }
    }
    return left
  }

  private parseWordPrimary(): WordNode {
    const t = this.next()
    switch (t.kind) {
      case 'digits':
        return { type: 'digits', value: t.text }
      case 'str':
        return this.parseStringBody(this.src[t.start])
      case 'var':
        return this.parseVariable(t.start)
      case 'backref':
        return { type: 'backref', n: t.n }
      case 'id': {
        if (!this.isPunct(this.peek(), '(')) {
          this.fail(`syntax error, unexpected identifier "${t.text}"`, t.start)
        }
        this.next()
        const arg = this.parseWord()
        if (this.isPunct(this.peek(), ',')) this.fail(`${t.text}() takes one argument in Apache 2.4`, this.peek().start)
        this.expectPunct(')')
        return { type: 'call', name: this.stringFunction(t.text, t.start), arg }
      }
      default:
        break
    }
    this.fail(`syntax error, unexpected ${this.describe(t)}, expecting a word`, t.start)
  }

  private stringFunction(name: string, at: number): StringFunctionName {
    const lower = name.toLowerCase()
    if (Object.prototype.hasOwnProperty.call(STRING_FUNCTIONS, lower)) return lower as StringFunctionName
    this.fail(`Function '${name}' does not exist`, at)
  }

  /**
   * The inside of a quoted string (or a whole string expression when `quote` is null): literal
   * text, `%{…}` variables, `$0`–`$9` and backslash escapes.
   */
  parseStringBody(quote: string | null): WordNode {
    const parts: WordNode[] = []
    let text = ''
    const flush = (): void => {
      if (text) parts.push({ type: 'literal', value: text })
      text = ''
    }
    const s = this.src
    for (;;) {
      if (this.pos >= s.length) {
        if (quote !== null) this.fail('Unterminated string', this.pos)
        break
      }
      const c = s[this.pos]
      if (quote !== null && c === quote) {
        this.pos++
        break
      }
      if (c === '$' && /[0-9]/.test(s[this.pos + 1] ?? '')) {
        flush()
        parts.push({ type: 'backref', n: Number(s[this.pos + 1]) })
        this.pos += 2
        continue
      }
      if (s.startsWith('%{:', this.pos)) this.fail('"%{:…:}" is Apache 2.5 syntax, not available in 2.4')
      if (s.startsWith('%{', this.pos)) {
        flush()
        const at = this.pos
        this.pos += 2
        parts.push(this.parseVariable(at))
        continue
      }
      if (c === '\\') {
        text += this.escape()
        continue
      }
      if (c === '\n') this.fail('Unterminated string or variable')
      // 2.4's scanner takes any other byte into a string, control characters too.
      text += c
      this.pos++
    }
    flush()
    if (parts.length === 0) return { type: 'literal', value: '' }
    if (parts.length === 1) return parts[0]
    return { type: 'string', parts }
  }

  /**
   * httpd 2.4's string escapes (util_expr_scan.l): `\` and up to three octal digits, where a
   * longer run of digits is one bad escape (flex takes the longest match); `\n \r \t \b \f`;
   * any other character stands for itself (`\x41` is `x41`: 2.4 has no hex escapes).
   */
  private escape(): string {
    const rest = this.src.slice(this.pos)
    const digits = /^\\([0-9]+)/.exec(rest)
    if (digits) {
      const d = digits[1]
      if (d.length > 3 || /[89]/.test(d)) this.fail('Bad escape sequence')
      const value = parseInt(d, 8)
      if (value > 0xff) this.fail('Escape sequence out of bound')
      this.pos += digits[0].length
      // A NUL ends httpd's C string: it adds nothing here.
      return value === 0 ? '' : String.fromCharCode(value)
    }
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }
    const n = rest[1]
    if (n === undefined) this.fail('Unterminated string')
    this.pos += 2
    return simple[n] ?? n
  }

  /** After `%{`: `NAME}` (a variable) or `func:arg}` (a string function call). */
  private parseVariable(start: number): WordNode {
    const s = this.src
    const id = /^[a-zA-Z][a-zA-Z0-9_]*/.exec(s.slice(this.pos))
    if (!id) {
      if (this.pos >= s.length) this.fail('Unterminated variable', start)
      this.fail(`Unexpected variable character '${s[this.pos]}'`)
    }
    const name = id[0]
    this.pos += name.length
    if (s[this.pos] === '}') {
      this.pos++
      return this.variable(name, start)
    }
    if (s[this.pos] !== ':') {
      if (this.pos >= s.length) this.fail('Unterminated variable', start)
      this.fail(`Unexpected variable character '${s[this.pos]}'`)
    }
    this.pos++
    // httpd's grammar wants at least one piece of argument before the `}`.
    if (s[this.pos] === '}')
      this.fail('syntax error, unexpected T_VAR_END, expecting T_ERROR or T_STRING or T_REGEX_BACKREF or T_VAR_BEGIN')
    const arg = this.parseVarArg(start)
    return { type: 'call', name: this.stringFunction(name, start), arg }
  }

  private parseVarArg(start: number): WordNode {
    const parts: WordNode[] = []
    let text = ''
    const flush = (): void => {
      if (text) parts.push({ type: 'literal', value: text })
      text = ''
    }
    const s = this.src
    for (;;) {
      if (this.pos >= s.length) this.fail('Unterminated variable', start)
      const c = s[this.pos]
      if (c === '}') {
        this.pos++
        break
      }
      if (c === '$' && /[0-9]/.test(s[this.pos + 1] ?? '')) {
        flush()
        parts.push({ type: 'backref', n: Number(s[this.pos + 1]) })
        this.pos += 2
        continue
      }
      if (s.startsWith('%{', this.pos)) {
        flush()
        const at = this.pos
        this.pos += 2
        parts.push(this.parseVariable(at))
        continue
      }
      if (c === '\\') {
        text += this.escape()
        continue
      }
      if (c === '\n') this.fail('Unterminated string or variable')
      text += c
      this.pos++
    }
    flush()
    if (parts.length === 0) return { type: 'literal', value: '' }
    if (parts.length === 1) return parts[0]
    return { type: 'string', parts }
  }

  private variable(name: string, at: number): WordNode {
    const upper = name.toUpperCase()
    if (EXPR_VARIABLES.has(upper) || upper.startsWith('SSL_')) return { type: 'var', name: upper }
    this.fail(`Variable '${name}' does not exist`, at)
  }
}
