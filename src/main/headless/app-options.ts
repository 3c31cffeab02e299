/**
 * `electron . [config] [options]`: the configuration and the runtime options `serve` takes
 * (`--aem`, `--run-mode`, `--fallback-farm`, `--env`, `--docroot`, `--no-sdk-rules`, `--port`,
 * `--host`, `--allow-self-signed`). Options Electron or Chromium read themselves are left alone.
 * Here, without Electron, so it runs and is tested on plain Node.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { RUNTIME_OPTIONS, runtimeOptions } from '../../cli/args'
import type { WorkbenchOptions } from './first-run'

export function appOptions(argv: string[]): WorkbenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'allow-self-signed': { type: 'boolean' },
      ...RUNTIME_OPTIONS
    }
  })
  const config = positionals.find((a) => a !== '.')
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  const port = str(values.port)
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535))
    throw new Error(`--port expects 0-65535, got "${port}"`)
  const options: WorkbenchOptions = {
    ...runtimeOptions({
      env: (values.env as unknown[] | undefined)?.filter((v): v is string => typeof v === 'string'),
      aem: str(values.aem),
      docroot: str(values.docroot),
      'run-mode': str(values['run-mode']),
      'fallback-farm': str(values['fallback-farm']),
      'no-sdk-rules': values['no-sdk-rules'] === true
    }),
    config: config ? path.resolve(config) : undefined,
    host: str(values.host),
    port: port === undefined ? undefined : Number(port),
    allowSelfSigned: values['allow-self-signed'] === true
  }
  // Left out rather than undefined: startWorkbench's defaults apply to what was not given.
  for (const k of Object.keys(options) as (keyof WorkbenchOptions)[]) if (options[k] === undefined) delete options[k]
  return options
}
