/**
 * mod_headers at request time (`do_headers_fixup`). Response headers live in two tables:
 * `Header always` works on `r->err_headers_out`, plain `Header` (onsuccess) on `r->headers_out`;
 * all `always` directives run first, then all onsuccess ones. Both tables are sent, so
 * `Header always set X` next to an `X` from the backend gives two `X` lines, and a plain
 * `Header unset X` does not remove what `Header always` added. When Apache produces the
 * response itself (an error, a rewrite [F]/[R]) the handler's headers are dropped and only
 * `always` applies (see `applyResponseHeaders`).
 *
 * A condition that fails to evaluate does not skip the directive: Apache logs "Failed to
 * evaluate expression … - ignoring" and applies the header anyway.
 */
import type { HeaderDirective } from '../../../../shared/config-model'
import type { HeaderActionTrace } from '../../../../shared/trace-apache'
import {
  captureList,
  envGet,
  evalExprBool,
  evalExprString,
  exprTrace,
  pregsub,
  type ApacheRequest,
  type ExprAst,
  type ExprBoolResult,
  type ExprContext,
  type FileProbe
} from '../../apache-expr'
import { compileHeaders, type CompiledHeader, type CompiledHeaders } from './compile-headers'
import { renderHeaderFormat, type FormatScope } from './format'
import { HeaderTable, requestHeaderEntries } from './table'

export interface HeaderRunOptions {
  notes?: Record<string, string>
  osEnv?: Record<string, string>
  fs?: FileProbe
  /** Request start (ms since epoch) for `%t`/`%D`; "now" defaults to the clock. */
  requestTime?: number
  now?: Date
  /** What `%{REQUEST_FILENAME}`, `%{HANDLER}`, `%{CONTENT_TYPE}`, `%{LAST_MODIFIED}` read in `expr=`. */
  filename?: string
  /**
   * `r->filename` and `r->path_info` as the directory walk cuts `filename` (a file's path info
   * apart), asked only when an expression reads them; `filename` as it is without it.
   */
  walk?: () => { filename: string; pathInfo: string }
  handler?: string
  contentType?: string
  mtime?: number
  /** Decide only: no trace entries and no lookups (the headers, notes and Vary are the same). */
  quiet?: boolean
}

const compiledCache = new WeakMap<HeaderDirective[], CompiledHeaders>()

export function compiledHeaders(input: HeaderDirective[] | CompiledHeaders): CompiledHeaders {
  if (!Array.isArray(input)) return input
  let c = compiledCache.get(input)
  if (!c) {
    c = compileHeaders(input)
    compiledCache.set(input, c)
  }
  return c
}

export interface FixupScope {
  req: ApacheRequest
  env: Record<string, string>
  notes: Record<string, string>
  exprCtx: ExprContext
  opts: HeaderRunOptions
  /** r->headers_out, where `echo` always writes and ap_expr adds Vary. */
  headersOut: HeaderTable
  vary: string[]
  /** r->content_type as `set`, `setifempty` and `edit` changed it; null once `unset` cleared it. */
  contentType?: string | null
  /** What format strings read, made when the first one with a specifier is rendered. */
  format?: FormatScope
  /** Conditions that read only the request and their results (see `sharedCondition`); a few at most. */
  conditions?: { source: string; result: ExprBoolResult }[]
}

/** The trace of a directive that has not (yet) changed its header: before and after alike. */
export function notApplied(h: CompiledHeader, before: string[], reason: string): HeaderActionTrace {
  return {
    pos: h.src.pos,
    directive: h.src.directive,
    table: h.table,
    action: h.action,
    header: h.header,
    applied: false,
    reason,
    before,
    after: before
  }
}

/** The clock is only read for `%t` / `%D` (a replayed decision must not depend on it otherwise). */
function formatScope(s: FixupScope): FormatScope {
  if (s.format) return s.format
  const opts = s.opts
  s.format = {
    env: s.env,
    https: s.req.https,
    requestTime: () => opts.requestTime ?? (opts.now ?? new Date()).getTime(),
    now: () => (opts.now ?? new Date()).getTime()
  }
  return s.format
}

/** The directive's value (the edit replacement, the note name), also written into its trace. */
function valueOf(h: CompiledHeader, s: FixupScope, t: HeaderActionTrace | null): string {
  let value: string
  if (h.constant !== undefined) value = h.constant
  else if (h.valueExpr) {
    const r = evalExprString(h.valueExpr, s.exprCtx, s.opts.quiet !== true)
    // "Can't evaluate value expression": Apache uses an empty value.
    value = r.error ? '' : r.value
    if (r.error && t) {
      t.value = value
      t.reason = `value expression failed (${r.error}): empty value`
      return value
    }
  } else value = renderHeaderFormat(h.value ?? [], formatScope(s))
  if (t) t.value = value
  return value
}

/** `process_regexp`: replace the first match (edit) or every match (edit*), `$N` from the match. */
function editValue(h: CompiledHeader, value: string, replacement: string): string {
  const re = h.regex as RegExp
  const m = re.exec(value)
  if (!m) return value
  const subs = pregsub(replacement, captureList(m))
  const end = m.index + m[0].length
  if (h.action === 'edit') return value.slice(0, m.index) + subs + value.slice(end)
  // edit*: repeat on the remainder; an empty match moves one character on so it terminates.
  if (m[0].length === 0) {
    if (end >= value.length) return value.slice(0, m.index) + subs
    return value.slice(0, m.index) + subs + value[end] + editValue(h, value.slice(end + 1), replacement)
  }
  return value.slice(0, m.index) + subs + editValue(h, value.slice(end), replacement)
}

/**
 * Runs the `which` directives on `table`, one trace entry each into `trace`; without `trace`
 * (quiet) only the headers change. Returns how many directives applied.
 */
export function runFixups(
  entries: CompiledHeader[],
  table: HeaderTable,
  which: CompiledHeader['table'],
  early: boolean,
  s: FixupScope,
  trace: HeaderActionTrace[] | null
): number {
  let applied = 0
  for (const h of entries) {
    if (h.table !== which) continue
    let t: HeaderActionTrace | null = null
    if (trace) {
      t = notApplied(h, table.getAll(h.header, h.key), '')
      trace.push(t)
    }
    const isEarly = h.condition?.kind === 'early'
    if (isEarly !== early) {
      if (!t) continue
      if (!isEarly) t.reason = 'not an early directive'
      else if (h.table === 'request') t.reason = 'runs early (when the request is read), not in this phase'
      // mod_headers documents `Header … early` as a testing aid; the workbench does not emulate it.
      else t.reason = '"Header … early" (a testing aid) is not emulated'
      continue
    }
    if (h.condition?.kind === 'expr') {
      const r =
        t || which === 'request'
          ? evalExprBool(h.condition.expr, s.exprCtx, t !== null)
          : sharedCondition(h.condition.expr, h.condition.requestOnly, s)
      addVary(s.vary, r.vary)
      // ap_expr merges the request headers it read into r->headers_out's Vary as it evaluates
      // (the `always` directives' conditions first), where the directives after it see them.
      if (which !== 'request') for (let i = 0; i < r.vary.length; i++) varyOn(s.headersOut, r.vary[i])
      if (t) {
        t.condition = {
          kind: 'expr',
          source: h.condition.source,
          result: r.error ? true : r.value,
          expr: exprTrace(h.condition.source, r)
        }
      }
      if (!r.error && !r.value) {
        if (t) t.reason = `expr=${h.condition.source} is false`
        continue
      }
      if (r.error && t) t.reason = `expression failed (${r.error}); Apache applies the header anyway`
    } else if (h.condition?.kind === 'env') {
      const present = envGet(s.env, h.condition.name) !== undefined
      const ok = h.condition.negate ? !present : present
      if (t) t.condition = { kind: 'env', source: h.condition.source, result: ok }
      if (!ok) {
        if (t) t.reason = `${h.condition.source}: ${h.condition.name} is ${present ? 'set' : 'not set'}`
        continue
      }
    }
    applyAction(h, table, s, t)
    applied++
    if (!t) continue
    t.applied = true
    t.after = table.getAll(h.header, h.key)
    if (!t.reason)
      t.reason = h.condition
        ? `${h.condition.kind === 'env' ? h.condition.source : 'condition'} holds`
        : 'unconditional'
  }
  return applied
}

/** `name` in the table's Vary, merged at its end unless a token names it already. */
export function varyOn(table: HeaderTable, name: string): void {
  const lower = name.toLowerCase()
  if (!table.getAll('Vary').some((x) => x.split(/\s*,\s*/).some((t) => t.toLowerCase() === lower)))
    table.merge('Vary', name)
}

/** The request headers a condition read, into the run's list (an indexed loop: no iterator per condition). */
function addVary(into: string[], read: readonly string[]): void {
  for (let i = 0; i < read.length; i++) if (!into.includes(read[i])) into.push(read[i])
}

/**
 * A response condition evaluated without a trace. Directives often repeat one condition (CORS
 * headers: five times `reqenv('CORSTrusted') == 'true'`); when it reads only the request
 * (which the directives cannot change), they share one evaluation.
 */
function sharedCondition(expr: ExprAst, requestOnly: boolean, s: FixupScope): ExprBoolResult {
  if (!requestOnly) return evalExprBool(expr, s.exprCtx, false)
  const known = s.conditions
  if (known) for (const c of known) if (c.source === expr.source) return c.result
  const result = evalExprBool(expr, s.exprCtx, false)
  if (known) known.push({ source: expr.source, result })
  else s.conditions = [{ source: expr.source, result }]
  return result
}

function applyAction(h: CompiledHeader, table: HeaderTable, s: FixupScope, t: HeaderActionTrace | null): void {
  const key = h.key
  switch (h.action) {
    case 'add':
      table.add(h.header, valueOf(h, s, t), key)
      break
    case 'append':
      table.merge(h.header, valueOf(h, s, t), key)
      break
    case 'merge': {
      const v = valueOf(h, s, t)
      const existing = table.get(h.header, key)
      if (existing === undefined) table.add(h.header, v, key)
      else if (!splitTokens(existing).includes(v)) table.merge(h.header, v, key)
      else if (t) t.reason = `"${v}" is already there`
      break
    }
    case 'set': {
      const v = valueOf(h, s, t)
      if (h.isContentType) setContentType(s, v)
      table.set(h.header, v, key)
      break
    }
    case 'setifempty':
      if (table.get(h.header, key) === undefined) {
        const v = valueOf(h, s, t)
        if (h.isContentType) setContentType(s, v)
        table.set(h.header, v, key)
      } else if (t) t.reason = 'the header already has a value'
      break
    case 'unset':
      // mod_headers clears r->content_type too: the answer goes without a Content-Type.
      if (h.isContentType && h.src.directive === 'Header') setContentType(s, null)
      table.unset(h.header, key)
      break
    case 'echo':
      for (const { name, value } of requestHeaderEntries(s.req)) {
        if ((h.regex as RegExp).test(name)) s.headersOut.add(name, value)
      }
      break
    case 'edit':
    case 'edit*': {
      const replacement = valueOf(h, s, t)
      const current = s.contentType === undefined ? s.exprCtx.contentType : s.contentType
      if (h.isContentType && current) setContentType(s, editValue(h, current, replacement))
      if (table.has(h.header, key)) {
        const edited = table.getAll(h.header, key).map((v) => editValue(h, v, replacement))
        table.unset(h.header, key)
        for (const v of edited) table.add(h.header, v, key)
      }
      break
    }
    case 'note': {
      const name = valueOf(h, s, t)
      const current = table.get(h.header, key)
      if (current !== undefined) s.notes[name] = current
      else delete s.notes[name]
      break
    }
  }
}

/** `ap_set_content_type` (or clearing it): what `%{CONTENT_TYPE}` reads from then on. */
function setContentType(s: FixupScope, type: string | null): void {
  s.contentType = type
  s.exprCtx.contentType = type ?? undefined
}

/** Tokens of a header value as `Header merge` compares them: comma-separated, quotes respected, case-sensitive. */
function splitTokens(value: string): string[] {
  const tokens: string[] = []
  let i = 0
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i])) i++
    const start = i
    while (i < value.length && value[i] !== ',') {
      if (value[i++] === '"') while (i < value.length && value[i++] !== '"');
    }
    tokens.push(value.slice(start, i))
    i++
  }
  return tokens
}

/** `contentType`: `r->content_type` as `expr=` sees it (by default `opts.contentType`). */
export function fixupScope(
  req: ApacheRequest,
  env: Record<string, string>,
  opts: HeaderRunOptions,
  headersOut: HeaderTable,
  contentType: string | undefined = opts.contentType
): FixupScope {
  const notes: Record<string, string> = opts.notes ? { ...opts.notes } : {}
  const exprCtx: ExprContext = {
    req,
    env,
    notes,
    osEnv: opts.osEnv,
    fs: opts.fs,
    now: opts.now,
    filename: opts.filename,
    handler: opts.handler,
    contentType,
    mtime: opts.mtime
  }
  const walk = opts.walk
  if (walk) {
    Object.defineProperty(exprCtx, 'filename', { get: () => walk().filename, enumerable: true })
    Object.defineProperty(exprCtx, 'pathInfo', { get: () => walk().pathInfo, enumerable: true })
  }
  return {
    req,
    env,
    notes,
    exprCtx,
    opts,
    headersOut,
    vary: [],
    contentType: undefined,
    format: undefined,
    conditions: undefined
  }
}
