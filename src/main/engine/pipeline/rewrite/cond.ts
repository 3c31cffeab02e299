/**
 * RewriteCond compilation, as `cmd_rewritecond` classifies CondPatterns: a leading `!` negates;
 * `expr` as TestString makes the pattern an ap_expr; `-f -s -d -x -h -l -L -U -F` (exactly two
 * characters) test the file system; `-lt5`, `-eq5`, … (operator glued to the number) compare
 * integers; `<`, `<=`, `>`, `>=`, `=` compare strings (`=""` is the empty string); anything else,
 * including a lone `=` or `-strmatch`, is a regular expression. `[NC]` on a non-string,
 * non-regex pattern is ignored with a warning, as in Apache.
 */
import type { RewriteCond } from '../../../../shared/config-model'
import type { RewriteCondKind } from '../../../../shared/trace-apache'
import { compilePcre, ExprError, parseExpr, toByteString, type ExprAst } from '../../apache-expr'
import { parseTemplate, type TemplatePart } from './template'

export type CondTest =
  | { kind: 'regex'; regex: RegExp; groups: number }
  | { kind: 'expr'; expr: ExprAst }
  | { kind: 'file' | 'file-nonempty' | 'directory' | 'symlink' | 'executable' | 'url-lookup' | 'file-lookup' }
  | { kind: 'lexical'; op: '<' | '<=' | '>' | '>=' | '=' }
  | { kind: 'integer'; op: '-lt' | '-le' | '-gt' | '-ge' | '-eq' }

export interface CompiledCond {
  src: RewriteCond
  input: TemplatePart[]
  /** The pattern with `!` and the operator removed (what is compared against). */
  operand: string
  test: CondTest | null
  negate: boolean
  nocase: boolean
  ornext: boolean
  novary: boolean
  /** Canonical short flags for traces. */
  flags: string[]
  /** Why the condition cannot be evaluated (compile error or unsupported feature). */
  problem?: { message: string; unsupported: boolean }
  warnings: string[]
}

const FILE_TESTS: Record<string, CondTest['kind']> = {
  f: 'file',
  s: 'file-nonempty',
  d: 'directory',
  x: 'executable',
  h: 'symlink',
  L: 'symlink',
  l: 'symlink',
  U: 'url-lookup',
  F: 'file-lookup'
}

export function condKind(c: CompiledCond): RewriteCondKind {
  return c.test?.kind ?? 'regex'
}

export function compileCond(src: RewriteCond): CompiledCond {
  const warnings: string[] = []
  let nocase = false
  let ornext = false
  let novary = false
  let problem: CompiledCond['problem']
  for (const f of src.flags) {
    const k = f.trim().toLowerCase()
    if (k === 'nc' || k === 'nocase') nocase = true
    else if (k === 'or' || k === 'ornext') ornext = true
    else if (k === 'nv' || k === 'novary') novary = true
    else if (k !== '') problem = { message: `RewriteCond: unknown flag '${f}'`, unsupported: false }
  }
  let pattern = src.pattern
  let negate = false
  if (pattern.startsWith('!')) {
    negate = true
    pattern = pattern.slice(1)
  }
  let test: CondTest | null = null
  let operand = pattern
  if (src.testString.toLowerCase() === 'expr') {
    try {
      test = { kind: 'expr', expr: parseExpr(pattern) }
    } catch (e) {
      if (!(e instanceof ExprError)) throw e
      problem = {
        message: `RewriteCond: cannot compile expression "${pattern}": ${e.message} (column ${e.column})`,
        unsupported: e.code === 'EXPR_UNSUPPORTED'
      }
    }
  } else if (pattern.length >= 2) {
    if (pattern[0] === '-') {
      if (pattern.length === 2 && FILE_TESTS[pattern[1]]) {
        test = { kind: FILE_TESTS[pattern[1]] } as CondTest
      } else if (pattern.length >= 4) {
        const op = pattern.slice(0, 3)
        if (['-lt', '-le', '-gt', '-ge', '-eq'].includes(op)) {
          test = { kind: 'integer', op: op as '-lt' }
          operand = pattern.slice(3)
        } else if (op === '-ne') {
          // Apache stores -ne as -eq with the negation flipped.
          test = { kind: 'integer', op: '-eq' }
          operand = pattern.slice(3)
          negate = !negate
        }
      }
    } else if (pattern[0] === '>' || pattern[0] === '<') {
      const op = pattern[1] === '=' ? `${pattern[0]}=` : pattern[0]
      test = { kind: 'lexical', op: op as '<' }
      operand = toByteString(pattern.slice(op.length))
    } else if (pattern[0] === '=') {
      test = { kind: 'lexical', op: '=' }
      operand = pattern.slice(1) === '""' ? '' : toByteString(pattern.slice(1))
    }
  }
  if (test && test.kind !== 'lexical' && nocase) {
    warnings.push(`RewriteCond: NoCase option for non-regex pattern '${pattern}' is not supported and will be ignored.`)
    nocase = false
  }
  if (!test && !problem) {
    const compiled = compilePcre(toByteString(pattern), { caseless: nocase })
    if (compiled.ok) test = { kind: 'regex', regex: compiled.regex, groups: compiled.groups }
    else
      problem = {
        message: `RewriteCond: cannot compile regular expression '${pattern}': ${compiled.error}`,
        unsupported: compiled.unsupported
      }
  }
  if (test && (test.kind === 'url-lookup' || test.kind === 'file-lookup')) {
    problem = {
      message: `RewriteCond ${pattern} runs a sub-request, which the workbench does not do`,
      unsupported: true
    }
  }
  const flags = [nocase ? 'NC' : '', ornext ? 'OR' : '', novary ? 'NV' : ''].filter(Boolean)
  return {
    src,
    input: parseTemplate(src.testString),
    operand,
    test,
    negate,
    nocase,
    ornext,
    novary,
    flags,
    problem,
    warnings
  }
}
