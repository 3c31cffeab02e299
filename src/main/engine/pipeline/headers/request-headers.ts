/** `RequestHeader`: what is changed in the request before it is handed on (fixups phase, or `early`). */
import type { HeaderDirective } from '../../../../shared/config-model'
import type { HeaderActionTrace, HeadersTrace } from '../../../../shared/trace-apache'
import type { ApacheRequest } from '../../apache-expr'
import type { CompiledHeaders } from './compile-headers'
import { compiledHeaders, fixupScope, runFixups, type HeaderRunOptions } from './fixups'
import { HeaderTable, requestHeaderEntries, type HeaderEntry } from './table'

export interface RequestHeadersResult {
  /** `r->headers_in` afterwards, names in lower case, repeated headers joined with `, `. */
  headers: Record<string, string>
  /** The same, exactly: every line in order with its original name. */
  entries: HeaderEntry[]
  notes: Record<string, string>
  /** Request headers read by `expr=` conditions (Apache adds them to the response's Vary). */
  vary: string[]
  trace: HeadersTrace
}

/**
 * `RequestHeader` directives: phase `early` runs only `… early` ones (when the request has been
 * read), phase `request` the others (fixups, just before the handler).
 */
export function applyRequestHeaders(
  directives: HeaderDirective[] | CompiledHeaders,
  req: ApacheRequest,
  env: Record<string, string>,
  opts: HeaderRunOptions & { phase?: 'early' | 'request' } = {}
): RequestHeadersResult {
  const c = compiledHeaders(directives)
  const table = HeaderTable.from(requestHeaderEntries(req))
  const s = fixupScope(req, env, opts, new HeaderTable())
  const phase = opts.phase ?? 'request'
  const entries: HeaderActionTrace[] = []
  runFixups(c.entries, table, 'request', phase === 'early', s, opts.quiet ? null : entries)
  const headers: Record<string, string> = {}
  for (const e of table.list()) {
    const k = e.name.toLowerCase()
    headers[k] = headers[k] === undefined ? e.value : `${headers[k]}, ${e.value}`
  }
  return { headers, entries: table.list(), notes: s.notes, vary: s.vary, trace: { phase, entries } }
}
