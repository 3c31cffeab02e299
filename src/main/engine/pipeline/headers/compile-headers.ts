/**
 * `Header` / `RequestHeader` directives read as mod_headers reads them (`header_cmd` and
 * `header_inout_cmd`, Apache 2.4.7+):
 *   Header [always|onsuccess] action header [value] [replacement] [early|env=[!]var|expr=expr]
 * `unset` and `echo` take no value (their second word is the condition); `edit`/`edit*` take a
 * regex and a replacement; a value written `expr=…` is a string expression; `Header set X: v`
 * drops the colon. Anything Apache refuses at startup is a problem and the directive is skipped.
 */
import type { HeaderDirective } from '../../../../shared/config-model'
import type { Diagnostic } from '../../../../shared/diagnostics'
import {
  compilePcre,
  ExprError,
  parseExpr,
  parseStringExpr,
  readsOnlyRequest,
  toByteString,
  type ExprAst
} from '../../apache-expr'
import { lowerName } from '../../apache-expr/lower-name'
import { constantHeaderFormat, parseHeaderFormat, type FormatPart } from './format'

export type HeaderAction =
  'set' | 'setifempty' | 'add' | 'append' | 'merge' | 'unset' | 'echo' | 'edit' | 'edit*' | 'note'

const ACTIONS: HeaderAction[] = [
  'set',
  'setifempty',
  'add',
  'append',
  'merge',
  'unset',
  'echo',
  'edit',
  'edit*',
  'note'
]

export interface CompiledHeader {
  src: HeaderDirective
  /** `request` for RequestHeader; `always` (err_headers_out) or `onsuccess` (headers_out) for Header. */
  table: 'request' | 'always' | 'onsuccess'
  action: HeaderAction
  header: string
  /** `header` in lower case: the header tables' key. */
  key: string
  isContentType: boolean
  /** `echo`: regex on request header names; `edit`: regex on the value. */
  regex?: RegExp
  /** The value (or the edit replacement) as format parts, or as a string expression. */
  value?: FormatPart[]
  valueExpr?: ExprAst
  /** The value when it is a format without specifiers: the same text on every request. */
  constant?: string
  condition?:
    | { kind: 'early' }
    | { kind: 'env'; name: string; negate: boolean; source: string }
    | {
        kind: 'expr'
        expr: ExprAst
        source: string
        /** It reads only the request (see readsOnlyRequest): repeats of it share one evaluation. */
        requestOnly: boolean
      }
}

export interface CompiledHeaders {
  entries: CompiledHeader[]
  problems: Diagnostic[]
  /**
   * The response directives read nothing but the request (its line, headers, client and
   * environment), the status and the headers they are given: no clock (`%t`, `%D`, `TIME`),
   * no load average (`%l`), no files, notes or content type. Their outcome for one request
   * (a replayed head: the same line, headers, client and environment) is then a function of
   * the status and the headers alone, and is remembered (pipeline/response-headers.ts).
   */
  memoSafe: boolean
  /** Some directive names Content-Type, whose line httpd makes from r->content_type (response-headers.ts). */
  touchesContentType: boolean
}

function fail(
  d: HeaderDirective,
  code: string,
  message: string,
  severity: Diagnostic['severity'] = 'error'
): Diagnostic {
  return { severity, code, category: 'model', message: `${d.directive}: ${message}`, pos: d.pos }
}

function exprProblem(d: HeaderDirective, e: unknown, what: string): Diagnostic {
  if (!(e instanceof ExprError)) throw e
  const unsupported = e.code === 'EXPR_UNSUPPORTED'
  return fail(
    d,
    unsupported ? 'HEADER_UNSUPPORTED' : 'HEADER_BAD_EXPR',
    `${what}: ${e.message} (column ${e.column})`,
    unsupported ? 'warning' : 'error'
  )
}

function compileOne(d: HeaderDirective): CompiledHeader | Diagnostic {
  const words = [...d.args]
  let table: CompiledHeader['table'] = d.directive === 'RequestHeader' ? 'request' : 'onsuccess'
  if (table !== 'request' && words.length > 0) {
    const first = words[0].toLowerCase()
    if (first === 'always' || first === 'onsuccess') {
      table = first
      words.shift()
    }
  }
  if (words.length > 5) return fail(d, 'HEADER_BAD_ARGS', `${d.directive} has too many arguments`)
  const [actionWord = '', hdrWord = '', value0, subs0, env0] = words
  const action = ACTIONS.find((a) => a === actionWord.toLowerCase())
  if (!action) {
    return fail(
      d,
      'HEADER_BAD_ARGS',
      "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'."
    )
  }
  // header_inout_cmd: a note is made of a response header only.
  if (action === 'note' && table === 'request') {
    return fail(d, 'HEADER_BAD_ARGS', "does not support the 'note' action")
  }
  let value: string | undefined = value0
  let subs: string | undefined = subs0
  let envclause: string | undefined = env0
  // `Header set Name: value` names the header without the colon.
  const colon = hdrWord.indexOf(':')
  const header = colon >= 0 ? hdrWord.slice(0, colon) : hdrWord
  const key = lowerName(header)
  const out: CompiledHeader = { src: d, table, action, header, key, isContentType: key === 'content-type' }
  if (action === 'edit' || action === 'edit*') {
    if (subs === undefined) return fail(d, 'HEADER_BAD_ARGS', 'Header edit requires a match and a substitution')
    const re = compilePcre(toByteString(value ?? ''))
    if (!re.ok) {
      return fail(
        d,
        re.unsupported ? 'HEADER_UNSUPPORTED' : 'HEADER_BAD_REGEX',
        `Header edit regex could not be compiled: ${re.error}`,
        re.unsupported ? 'warning' : 'error'
      )
    }
    out.regex = re.regex
  } else {
    if (envclause !== undefined) return fail(d, 'HEADER_BAD_ARGS', 'Too many arguments to directive')
    envclause = subs
    subs = undefined
  }
  if (action === 'unset' || action === 'echo') {
    if (value !== undefined) {
      if (envclause !== undefined) return fail(d, 'HEADER_BAD_ARGS', `header ${action} takes two arguments`)
      envclause = value
      value = undefined
    }
    if (action === 'echo') {
      if (table === 'request') return fail(d, 'HEADER_BAD_ARGS', 'Header echo only valid on Header directives')
      const re = compilePcre(hdrWord)
      if (!re.ok) return fail(d, 'HEADER_BAD_REGEX', 'Header echo regex could not be compiled')
      out.regex = re.regex
    }
  } else if (value === undefined) {
    return fail(d, 'HEADER_BAD_ARGS', 'Header requires three arguments')
  }
  if (envclause !== undefined) {
    const lower = envclause.toLowerCase()
    if (lower === 'early') out.condition = { kind: 'early' }
    else if (lower.startsWith('env=')) {
      const name = envclause.slice(4)
      if (name === '' || name === '!') {
        return fail(
          d,
          'HEADER_BAD_ARGS',
          'error: missing environment variable name. envclause should be in the form env=envar '
        )
      }
      out.condition = { kind: 'env', name: name.replace(/^!/, ''), negate: name.startsWith('!'), source: envclause }
    } else if (lower.startsWith('expr=')) {
      try {
        const expr = parseExpr(envclause.slice(5))
        out.condition = { kind: 'expr', expr, source: envclause.slice(5), requestOnly: readsOnlyRequest(expr) }
      } catch (e) {
        return exprProblem(d, e, "Can't parse envclause/expression")
      }
    } else {
      return fail(d, 'HEADER_BAD_ARGS', `Unknown parameter: ${envclause}`)
    }
  }
  // The value (the replacement for edit) may be a format string or, written expr=…, an expression.
  const formatSource =
    action === 'edit' || action === 'edit*' ? subs : action === 'unset' || action === 'echo' ? undefined : value
  if (formatSource !== undefined) {
    if (formatSource.startsWith('expr=')) {
      try {
        out.valueExpr = parseStringExpr(formatSource.slice(5))
      } catch (e) {
        return exprProblem(d, e, "Can't parse value expression")
      }
    } else {
      const f = parseHeaderFormat(formatSource)
      if ('error' in f) return fail(d, 'HEADER_BAD_FORMAT', f.error)
      out.value = f.parts
      out.constant = constantHeaderFormat(f.parts)
    }
  }
  return out
}

export function compileHeaders(directives: HeaderDirective[]): CompiledHeaders {
  const entries: CompiledHeader[] = []
  const problems: Diagnostic[] = []
  for (const d of directives) {
    const r = compileOne(d)
    if ('severity' in r) problems.push(r)
    else entries.push(r)
  }
  return {
    entries,
    problems,
    memoSafe: entries.every(memoSafe),
    touchesContentType: entries.some((e) => e.isContentType && e.src.directive === 'Header')
  }
}

/** See `CompiledHeaders.memoSafe`; a RequestHeader is not run with the response's directives. */
function memoSafe(h: CompiledHeader): boolean {
  if (h.table === 'request') return true
  if (h.condition?.kind === 'expr' && !h.condition.requestOnly) return false
  if (h.valueExpr && !readsOnlyRequest(h.valueExpr)) return false
  return !h.value || h.value.every((p) => p.kind !== 'time' && p.kind !== 'duration' && p.kind !== 'load')
}
