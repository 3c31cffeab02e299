/**
 * `explain <config> <METHOD> <URL>`: the full trace of one request, nothing sent anywhere.
 */
import { parseArgs } from 'node:util'
import type { RequestTrace } from '../shared/trace'
import { Engine } from '../main/engine/engine'
import { RUNTIME_OPTIONS, runtimeOptions, UsageError } from './args'
import { displayPath } from './check'
import { loadOrReport } from './load-or-report'
import { toExplainJson } from './explain-json'

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
  const status = trace.response.status ? String(trace.response.status) : 'forwarded'
  out(`→ ${trace.outcome}, ${status}${trace.response.headers.location ? ` → ${trace.response.headers.location}` : ''}`)
  for (const w of trace.warnings) out(`  warning: ${w}`)
}
