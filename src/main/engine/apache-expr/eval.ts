/**
 * ap_expr evaluation (`util_expr_eval.c`). Faithful details worth knowing:
 * - `==`, `<`, … compare strings byte-wise; `-eq`, `-lt`, … compare `apr_atoi64` integers
 *   (so `'abc' -eq 0` is true).
 * - `$0`–`$9` refer to the last `=~` whose regex has a capturing group; a failed match of such a
 *   regex empties them.
 * - Reading a request header (`req()`, `http()`, `%{HTTP_*}`) adds it to `Vary` (never `Host`);
 *   `req_novary()` does not. Apache merges this only when a boolean evaluation succeeds.
 * - Nesting deeper than 20 levels fails with "Recursion limit reached". httpd walks chains of
 *   `&&`, `||`, `!` and `.` in a loop, so those cost no level (checked with apache2 2.4.71: a
 *   CORS allowlist of 21 `||` alternatives evaluates); function calls and comparisons do.
 * - Any evaluation error makes the whole result an error; what that means is up to the directive
 *   (`<If>`, RewriteCond, SetEnvIfExpr: false; `Header … expr=`: the header is applied anyway).
 */
import type { CondNode, ExprAst, StringFunctionName, Subnet, WordNode } from './ast'
import type { ExprContext } from './context'
import { envGet } from './env-table'
import { captureList } from './pregsub'
import { fnmatch } from './fnmatch'
import { ipInSubnet, parseIpAddress } from './ipmatch'
import { applyStringFunction } from './string-functions'
import { HEADER_VARIABLES, headerValue, requestVariable } from './variables'
import { atoi64 } from '../c-numbers'

/** One value read during evaluation, shown in traces (`%{HTTP_HOST}` → `example.com`). */
export interface ExprLookup {
  name: string
  value: string
}

export interface ExprBoolResult {
  value: boolean
  /** Set when evaluation failed; `value` is then false. */
  error?: string
  /** Request headers read (what Apache would add to `Vary`). */
  vary: string[]
  lookups: ExprLookup[]
  /** `$0`–`$9` after evaluation (for RewriteCond `%N` and SetEnvIfExpr `$N`); null when unset. */
  captures: (string | undefined)[] | null
}

export interface ExprStringResult {
  value: string
  error?: string
  lookups: ExprLookup[]
}

const MAX_RECURSION = 20
const MAX_LOOKUPS = 64
const MAX_FILE_SIZE = 10 * 1024 * 1024

class EvalError extends Error {}

/**
 * The `vary` and `lookups` of an evaluation that read no request header, and the `lookups` of
 * one that kept none: most evaluations, so they share this array (frozen: results are read only).
 */
const NONE = Object.freeze([]) as unknown as never[]

/** Untracked results that read no header and set no `$N`: the same two objects every time. */
const QUIET_TRUE: ExprBoolResult = Object.freeze({ value: true, vary: NONE, lookups: NONE, captures: null })
const QUIET_FALSE: ExprBoolResult = Object.freeze({ value: false, vary: NONE, lookups: NONE, captures: null })

class Evaluator {
  depth = 0
  /** Made when the first header is read (most evaluations read none). */
  vary: string[] = NONE
  lookups: ExprLookup[] = NONE
  captures: (string | undefined)[] | null = null
  private ctx: ExprContext | null = null
  private track = true

  /** Ready for one evaluation. `track` off: values read are not listed in `lookups` (nothing else changes). */
  start(ctx: ExprContext, track: boolean): this {
    this.ctx = ctx
    this.track = track
    return this
  }

  /** Lets go of what the last evaluation read, so the evaluator can be used again. */
  reset(): void {
    this.depth = 0
    this.vary = NONE
    this.lookups = NONE
    this.captures = null
    this.ctx = null
  }

  private enter(): void {
    if (this.depth >= MAX_RECURSION) throw new EvalError('Recursion limit reached')
    this.depth++
  }

  private record(name: string, value: string): string {
    if (this.lookups === NONE) this.lookups = []
    if (this.lookups.length < MAX_LOOKUPS) this.lookups.push({ name, value })
    return value
  }

  /** `record` for a `%{NAME}` read; the name is only built when lookups are kept. */
  private recordVar(name: string, value: string): string {
    return this.track ? this.record(`%{${name}}`, value) : value
  }

  private addVary(header: string): void {
    if (this.ctx!.noVary || header.toLowerCase() === 'host') return
    if (this.vary === NONE) this.vary = []
    if (!this.vary.some((v) => v.toLowerCase() === header.toLowerCase())) this.vary.push(header)
  }

  cond(node: CondNode): boolean {
    switch (node.type) {
      case 'not':
        return !this.cond(node.arg)
      case 'and':
        return this.cond(node.left) && this.cond(node.right)
      case 'or':
        return this.cond(node.left) || this.cond(node.right)
    }
    this.enter()
    try {
      switch (node.type) {
        case 'true':
          return true
        case 'false':
          return false
        case 'compare':
          return this.compare(node.op, this.word(node.left), this.word(node.right))
        case 'in': {
          // httpd tries the members last first, up to the one that matches: each header those
          // read joins Vary (checked against apache2 2.4.68).
          const needle = this.word(node.left)
          for (let i = node.list.length - 1; i >= 0; i--) if (this.word(node.list[i]) === needle) return true
          return false
        }
        case 'match': {
          const subject = this.word(node.left)
          const m = node.regex.regex.exec(subject)
          if (node.regex.groups > 0) this.captures = m ? captureList(m) : null
          return node.negate ? m === null : m !== null
        }
        case 'unary':
          return this.unary(node.op, this.word(node.arg), node.subnet)
        case 'binary':
          return this.binary(node.op, this.word(node.left), this.word(node.right), node.subnet)
      }
    } finally {
      this.depth--
    }
  }

  private compare(op: string, a: string, b: string): boolean {
    switch (op) {
      case '==':
        return a === b
      case '!=':
        return a !== b
      case '<':
        return byteCompare(a, b) < 0
      case '<=':
        return byteCompare(a, b) <= 0
      case '>':
        return byteCompare(a, b) > 0
      case '>=':
        return byteCompare(a, b) >= 0
    }
    const x = atoi64(a)
    const y = atoi64(b)
    switch (op) {
      case '-eq':
        return x === y
      case '-ne':
        return x !== y
      case '-lt':
        return x < y
      case '-le':
        return x <= y
      case '-gt':
        return x > y
      default:
        return x >= y
    }
  }

  private unary(op: string, arg: string, subnet: Subnet | undefined): boolean {
    switch (op) {
      case 'n':
        return arg !== ''
      case 'z':
        return arg === ''
      case 'T':
        return truthy(arg)
      case 'R':
        return subnet ? ipInSubnet(this.ctx!.req.remoteAddr, subnet) : false
      default: {
        const fs = this.ctx!.fs
        if (!fs) throw new EvalError(`-${op} needs access to the file system, which this evaluation does not have`)
        const info = fs.stat(arg)
        if (!info) return false
        switch (op) {
          case 'd':
            return info.kind === 'dir'
          case 'e':
            return true
          case 'f':
            return info.kind === 'file'
          case 's':
            return info.kind === 'file' && info.size > 0
          case 'L':
          case 'h':
            return info.symlink
          case 'x':
            return info.executable
          default:
            throw new EvalError(`Unary operator '-${op}' cannot be evaluated`)
        }
      }
    }
  }

  private binary(op: string, a: string, b: string, subnet: Subnet | undefined): boolean {
    switch (op) {
      case 'ipmatch':
        return subnet !== undefined && parseIpAddress(a) !== null && ipInSubnet(a, subnet)
      case 'fnmatch':
        return fnmatch(b, a, { pathname: true })
      case 'strmatch':
        return fnmatch(b, a)
      case 'strcmatch':
        return fnmatch(b, a, { caseBlind: true })
      default:
        throw new EvalError(`Binary operator '-${op}' cannot be evaluated`)
    }
  }

  word(node: WordNode): string {
    if (node.type === 'concat') return this.word(node.left) + this.word(node.right)
    this.enter()
    try {
      switch (node.type) {
        case 'digits':
        case 'literal':
          return node.value
        case 'string': {
          let text = ''
          for (const p of node.parts) text += this.word(p)
          return text
        }
        case 'backref': {
          const value = this.captures?.[node.n] ?? ''
          return this.track ? this.record(`$${node.n}`, value) : value
        }
        case 'var':
          return this.variable(node.name)
        case 'call':
          return this.call(node.name, this.word(node.arg))
      }
    } finally {
      this.depth--
    }
  }

  private variable(name: string): string {
    const header = HEADER_VARIABLES[name]
    if (header) {
      this.addVary(header)
      return this.recordVar(name, headerValue(this.ctx!.req.headers, header) ?? '')
    }
    if (name.startsWith('SSL_')) {
      if (this.ctx!.req.https) throw new EvalError(`%{${name}}: SSL variables are not emulated`)
      return this.recordVar(name, '')
    }
    const v = requestVariable(name, this.ctx!)
    if (v === undefined) throw new EvalError(`Variable '${name}' cannot be evaluated`)
    return this.recordVar(name, v)
  }

  /** `record` for a function call; the label is only built when lookups are kept. */
  private recordCall(name: StringFunctionName, arg: string, value: string): string {
    return this.track ? this.record(`${name}('${arg}')`, value) : value
  }

  private call(name: StringFunctionName, arg: string): string {
    const ctx = this.ctx!
    switch (name) {
      case 'req':
      case 'http':
        this.addVary(arg)
        return this.recordCall(name, arg, headerValue(ctx.req.headers, arg) ?? '')
      case 'req_novary':
        return this.recordCall(name, arg, headerValue(ctx.req.headers, arg) ?? '')
      case 'resp':
        return this.recordCall(name, arg, ctx.response?.header(arg) ?? '')
      case 'reqenv':
        return this.recordCall(name, arg, envGet(ctx.env, arg) ?? '')
      case 'note':
        return this.recordCall(name, arg, envGet(ctx.notes, arg) ?? '')
      case 'env':
        return this.recordCall(name, arg, envGet(ctx.notes, arg) ?? envGet(ctx.env, arg) ?? ctx.osEnv?.[arg] ?? '')
      case 'osenv':
        return this.recordCall(name, arg, ctx.osEnv?.[arg] ?? '')
      case 'file': {
        if (!ctx.fs?.readFile) throw new EvalError(`Cannot open file ${arg}`)
        const info = ctx.fs.stat(arg)
        if (info && info.size > MAX_FILE_SIZE) throw new EvalError(`File ${arg} too large`)
        const text = ctx.fs.readFile(arg)
        if (text === null) throw new EvalError(`Cannot open file ${arg}`)
        return text
      }
      case 'filesize': {
        if (!ctx.fs)
          throw new EvalError('filesize() needs access to the file system, which this evaluation does not have')
        const info = ctx.fs.stat(arg)
        return info && info.kind === 'file' && info.size > 0 ? String(info.size) : '0'
      }
      default:
        return applyStringFunction(name, arg)
    }
  }
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** `-T`: false for "", "0", "off", "no", "false" (case-insensitive); true otherwise. */
function truthy(s: string): boolean {
  return !['', '0', 'off', 'no', 'false'].includes(s.toLowerCase())
}

/**
 * Evaluate a boolean expression. Never throws: failures come back in `error`. `track` off
 * leaves `lookups` empty (for a caller that shows no trace); the value, Vary and captures are the same.
 */
export function evalExprBool(ast: ExprAst, ctx: ExprContext, track = true): ExprBoolResult {
  if (ast.kind !== 'bool') throw new TypeError('evalExprBool needs a boolean expression (parseExpr)')
  const ev = takeEvaluator().start(ctx, track)
  try {
    const value = ev.cond(ast.root)
    if (!track && ev.vary === NONE && ev.captures === null) return value ? QUIET_TRUE : QUIET_FALSE
    return { value, vary: ev.vary, lookups: trackedLookups(ev, track), captures: ev.captures }
  } catch (e) {
    if (!(e instanceof EvalError)) throw e
    return { value: false, error: e.message, vary: [], lookups: trackedLookups(ev, track), captures: null }
  } finally {
    giveBack(ev)
  }
}

/** Evaluate a string expression (`Header set X "expr=…"`). Never throws. `track` as for `evalExprBool`. */
export function evalExprString(ast: ExprAst, ctx: ExprContext, track = true): ExprStringResult {
  if (ast.kind !== 'string') throw new TypeError('evalExprString needs a string expression (parseStringExpr)')
  const ev = takeEvaluator().start(ctx, track)
  try {
    return { value: ev.word(ast.root), lookups: trackedLookups(ev, track) }
  } catch (e) {
    if (!(e instanceof EvalError)) throw e
    return { value: '', error: e.message, lookups: trackedLookups(ev, track) }
  } finally {
    giveBack(ev)
  }
}

/**
 * One evaluator serves every evaluation (headers run several per response). It is taken out
 * while in use, so an evaluation started meanwhile (none is today) would get its own.
 */
let idle: Evaluator | null = null

function takeEvaluator(): Evaluator {
  const ev = idle ?? new Evaluator()
  idle = null
  return ev
}

function giveBack(ev: Evaluator): void {
  ev.reset()
  idle = ev
}

/** A tracked evaluation's lookups are its own array (traces keep it); an untracked one shares `NONE`. */
function trackedLookups(ev: Evaluator, track: boolean): ExprLookup[] {
  return track && ev.lookups === NONE ? [] : ev.lookups
}
