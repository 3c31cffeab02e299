/**
 * `explain <config> <METHOD> <URL>`: the full trace of one request, nothing sent anywhere.
 */
import { parseArgs } from 'node:util'
import type { RequestTrace } from '../shared/trace'
import { Engine } from '../main/engine/engine'
import { RUNTIME_OPTIONS, runtimeOptions, UsageError } from './args'
import { displayPath } from './check'
import { loadOrReport } from './load-or-report'
import { cacheOf, toExplainJson } from './explain-json'

export function parseHeaderArgs(values: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const h of values ?? []) {
    const i = h.indexOf(':')
    if (i <= 0) throw new UsageError(`--header expects "Name: value", got "${h}"`)
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim()
  }
  return headers
}

export function explainCommand(argv: string[], out: (s: string) => void): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      header: { type: 'string', multiple: true, short: 'H' },
      client: { type: 'string' },
      https: { type: 'boolean' },
      json: { type: 'boolean' },
      ...RUNTIME_OPTIONS
    }
  })
  if (positionals.length !== 3) throw new UsageError('explain expects <config> <METHOD> <URL>')
  const [config, method, url] = positionals
  const engine = new Engine({ ...runtimeOptions(values), config, watch: false })
  if (!loadOrReport(engine, out)) return 1
  const trace = engine.explain({
    method,
    url,
    host: values.host,
    headers: parseHeaderArgs(values.header),
    client: values.client,
    secure: values.https
  })
  if (values.json) out(JSON.stringify(toExplainJson(trace), null, 2))
  else printTrace(trace, out)
  return 0
}

export function printTrace(trace: RequestTrace, out: (s: string) => void): void {
  out(`${trace.request.method} ${trace.request.url}  (Host: ${trace.request.host})`)
  for (const s of trace.stages) {
    const where = s.source ? `  [${displayPath(s.source.file)}:${s.source.line}]` : ''
    out(`  ${s.stage.padEnd(7)} ${s.verdict.padEnd(7)} ${s.summary}${where}`)
  }
  out(`→ ${verdictLine(trace)}`)
  for (const w of trace.warnings) out(`  warning: ${w}`)
}

/** What the last line adds for a flush explain did not carry out. */
const NOT_FLUSHED = 'not performed (explain changes nothing in the cache)'

/**
 * The last line: the answer given without a render, or, for a request that would be forwarded,
 * what the cache would make of it. explain sends nothing, so a forwarded request's outcome is
 * the one a render's 200 would give (miss-stored when cacheable): whether the answer is stored
 * depends on the render's status and headers, which the line says.
 */
function verdictLine(trace: RequestTrace): string {
  const status = trace.response.status
  if (status) {
    const location = trace.response.headers.location
    const line = `${trace.outcome}, ${status}${location ? ` → ${location}` : ''}`
    // The module's 200 to an invalidation it carries out: explain only says what it would invalidate.
    return trace.outcome === 'flush' && status < 300 ? `${line}, ${NOT_FLUSHED}` : line
  }
  if (trace.outcome === 'flush') return `flush, ${NOT_FLUSHED}`
  const cache = cacheOf(trace)
  if (!cache) return `${trace.outcome}, forwarded`
  return cache.cacheable
    ? `forwarded; the answer would be cached (${cache.reason}) unless the render's status or headers forbid it`
    : `miss-uncacheable, forwarded (${cache.reason})`
}
