/**
 * One RewriteCond (`apply_rewrite_cond`): the TestString is expanded, then tested the way its
 * CondPattern says. Only a matching, non-negated regex or expr sets `%0`–`%9`. An expr
 * condition whose evaluation fails is false.
 */
import type { RewriteCondTrace } from '../../../../shared/trace-apache'
import { evalExprBool, exprTrace, type ExprContext } from '../../apache-expr'
import type { RewriteState, RuleEnv } from './state'
import { condKind, type CompiledCond } from './cond'
import type { Captures, Expander } from './expand'

export function captures(m: RegExpExecArray): Captures {
  return Array.from({ length: 10 }, (_, i) => m[i])
}

export function shownCaptures(c: Captures | null): string[] | undefined {
  if (!c) return undefined
  let last = -1
  c.forEach((v, i) => {
    if (v !== undefined) last = i
  })
  return last < 0 ? undefined : c.slice(0, last + 1).map((v) => v ?? '')
}

/** `compare_lexicography`: a longer string is greater whatever its characters. */
function lexicographic(a: string, b: string): number {
  if (a.length !== b.length) return a.length > b.length ? 1 : -1
  return a < b ? -1 : a > b ? 1 : 0
}

function caseless(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

/** C `atoi`. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s)
  return m ? parseInt(m[1], 10) : 0
}

export function addVary(list: string[], headers: string[]): void {
  for (const h of headers) if (!list.some((v) => v.toLowerCase() === h.toLowerCase())) list.push(h)
}

export interface CondOutcome {
  rc: boolean
  trace: RewriteCondTrace
  captures?: Captures | null
}

export function evaluateCond(c: CompiledCond, exp: Expander, state: RewriteState, env: RuleEnv): CondOutcome {
  const base: RewriteCondTrace = {
    pos: c.src.pos,
    testString: c.src.testString,
    pattern: c.src.pattern,
    kind: condKind(c),
    negated: c.negate,
    flags: c.flags,
    result: false
  }
  const test = c.test
  if (!test) return { rc: false, trace: { ...base, note: c.problem?.message } }
  if (test.kind === 'expr') {
    const ectx: ExprContext = {
      req: env.req,
      env: state.env,
      notes: state.notes,
      osEnv: env.ctx.osEnv,
      fs: env.ctx.fs,
      now: env.now,
      filename: state.filename,
      pathInfo: state.pathInfo,
      noVary: c.novary
    }
    const r = evalExprBool(test.expr, ectx)
    // ap_expr adds what it read to Vary itself, whether or not the rule applies.
    addVary(state.vary, r.vary)
    const matched = r.error ? false : r.value
    const rc = c.negate ? !matched : matched
    const trace: RewriteCondTrace = {
      ...base,
      result: rc,
      expr: exprTrace(c.operand, r),
      note: r.error ? `evaluation failed (${r.error}): the condition is false` : undefined
    }
    if (matched && !c.negate) {
      trace.captures = shownCaptures(r.captures)
      return { rc, trace, captures: r.captures }
    }
    return { rc, trace }
  }
  const input = exp.expand(c.input).text
  let matched: boolean
  let caps: Captures | null | undefined
  switch (test.kind) {
    case 'regex': {
      const m = test.regex.exec(input)
      matched = m !== null
      if (m && !c.negate) caps = captures(m)
      break
    }
    case 'lexical': {
      const cmp = c.nocase ? caseless(input, c.operand) : lexicographic(input, c.operand)
      if (test.op === '=') matched = c.nocase ? input.toLowerCase() === c.operand.toLowerCase() : input === c.operand
      else if (test.op === '<') matched = cmp < 0
      else if (test.op === '<=') matched = cmp <= 0
      else if (test.op === '>') matched = cmp > 0
      else matched = cmp >= 0
      break
    }
    case 'integer': {
      const a = atoi(input)
      const b = atoi(c.operand)
      matched =
        test.op === '-lt'
          ? a < b
          : test.op === '-le'
            ? a <= b
            : test.op === '-gt'
              ? a > b
              : test.op === '-ge'
                ? a >= b
                : a === b
      break
    }
    default: {
      const info = env.ctx.fs.stat(input)
      if (test.kind === 'file') matched = info?.kind === 'file'
      else if (test.kind === 'file-nonempty') matched = info?.kind === 'file' && info.size > 0
      else if (test.kind === 'directory') matched = info?.kind === 'dir'
      else if (test.kind === 'symlink') matched = info?.symlink === true
      else if (test.kind === 'executable') matched = info?.executable === true
      else return { rc: false, trace: { ...base, expanded: input, note: c.problem?.message } }
    }
  }
  const rc = c.negate ? !matched : matched
  const trace: RewriteCondTrace = { ...base, expanded: input, result: rc }
  if (caps) trace.captures = shownCaptures(caps)
  return { rc, trace, captures: caps }
}
