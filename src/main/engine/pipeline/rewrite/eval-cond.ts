/**
 * One RewriteCond (`apply_rewrite_cond`): the TestString is expanded, then tested the way its
 * CondPattern says. Only a matching, non-negated regex or expr sets `%0`–`%9`. An expr
 * condition whose evaluation fails is false.
 */
import type { RewriteCondTrace } from '../../../../shared/trace-apache'
import { captureList, evalExprBool, exprTrace, type ExprContext } from '../../apache-expr'
import type { RewriteState, RuleEnv } from './state'
import { condKind, type CompiledCond } from './cond'
import type { Captures, Expander } from './expand'
import { atoi } from '../../c-numbers'

export function captures(m: RegExpExecArray): Captures {
  return captureList(m)
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

export function addVary(list: string[], headers: string[]): void {
  for (const h of headers) if (!list.some((v) => v.toLowerCase() === h.toLowerCase())) list.push(h)
}

export interface CondOutcome {
  rc: boolean
  trace?: RewriteCondTrace
  captures?: Captures | null
}

/** The trace entry of a condition, built as one literal: object spread is slow in V8 and this runs for every condition. */
function condTrace(c: CompiledCond, result: boolean): RewriteCondTrace {
  return {
    pos: c.src.pos,
    testString: c.src.testString,
    pattern: c.src.pattern,
    kind: condKind(c),
    negated: c.negate,
    flags: c.flags,
    result
  }
}

/** `tracing` off: the outcome has no trace (the decision and captures only). */
export function evaluateCond(
  c: CompiledCond,
  exp: Expander,
  state: RewriteState,
  env: RuleEnv,
  tracing = true
): CondOutcome {
  const test = c.test
  if (!test) {
    if (!tracing) return { rc: false }
    const trace = condTrace(c, false)
    trace.note = c.problem?.message
    return { rc: false, trace }
  }
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
    const r = evalExprBool(test.expr, ectx, tracing)
    // ap_expr adds what it read to Vary itself, whether or not the rule applies.
    addVary(state.vary, r.vary)
    const matched = r.error ? false : r.value
    const rc = c.negate ? !matched : matched
    if (!tracing) return matched && !c.negate ? { rc, captures: r.captures } : { rc }
    const trace = condTrace(c, rc)
    trace.expr = exprTrace(c.operand, r)
    trace.note = r.error ? `evaluation failed (${r.error}): the condition is false` : undefined
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
      else {
        if (!tracing) return { rc: false }
        const trace = condTrace(c, false)
        trace.expanded = input
        trace.note = c.problem?.message
        return { rc: false, trace }
      }
    }
  }
  const rc = c.negate ? !matched : matched
  if (!tracing) return { rc, captures: caps }
  const trace = condTrace(c, rc)
  trace.expanded = input
  if (caps) trace.captures = shownCaptures(caps)
  return { rc, trace, captures: caps }
}
