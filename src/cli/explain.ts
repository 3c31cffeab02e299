/**
 * `explain <config> <METHOD> <URL>`: the full trace of one request, nothing sent anywhere.
 */
import { parseArgs } from 'node:util'
import { Engine } from '../main/engine/engine'
import { RUNTIME_OPTIONS, runtimeOptions, UsageError } from './args'
import { loadOrReport } from './load-or-report'
import { toExplainJson } from './explain-json'
import { printTrace } from './explain-text'

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
  else {
    const loaded = engine.active.loaded
    const edited = loaded.diagnostics.filter((d) => d.code === 'SDK_IMMUTABLE_CHANGED' && d.pos).map((d) => d.pos!.file)
    printTrace(trace, loaded.baseDir, out, new Set(edited))
  }
  return 0
}
