/**
 * `check <config>`: load and validate, print `file:line:col: severity code message` lines
 * and a summary (`--quiet`: the error lines alone); exit 1 when there is an error (README
 * documents the format).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { formatDiagnostic } from '../shared/diagnostics'
import { loadConfig } from '../main/engine/config/load'
import { RUNTIME_OPTIONS, runtimeOptions, UsageError } from './args'

/** `file` relative to `base` (the working folder) when it is below it, else as given. */
export function displayPath(file: string, base: string = process.cwd()): string {
  const rel = path.relative(base, file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}

export function checkCommand(argv: string[], out: (s: string) => void): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      ...RUNTIME_OPTIONS
    }
  })
  if (positionals.length !== 1) throw new UsageError('check expects exactly one <config> (folder or .any file)')
  const config = loadConfig(positionals[0], {
    ...runtimeOptions(values),
    validateForDeploy: true
  })
  const errors = config.diagnostics.filter((d) => d.severity === 'error')
  const warnings = config.diagnostics.filter((d) => d.severity === 'warning')
  // The lines the text output prints as `info`: left out of the JSON, a script saw less than a person.
  const infos = config.diagnostics.filter((d) => d.severity === 'info')
  if (values.json) {
    out(
      JSON.stringify(
        {
          ok: errors.length === 0,
          layout: config.layout,
          anyFile: config.anyFile,
          errors,
          warnings,
          infos,
          farms: config.dispatcher.farms.map((f) => ({
            name: f.name,
            virtualhosts: f.virtualhosts.map((v) => v.value),
            renders: f.renders.map((r) => `${r.hostname.value}:${r.port.value}`),
            filterRules: f.filter?.length ?? null,
            cache: f.cache
              ? { docroot: f.cache.docroot?.value ?? null, statfileslevel: f.cache.statfileslevel.value }
              : null,
            pos: f.pos
          }))
        },
        null,
        2
      )
    )
    return errors.length === 0 ? 0 : 1
  }
  for (const d of config.diagnostics) {
    if (values.quiet && d.severity !== 'error') continue
    out(formatDiagnostic(d, displayPath))
  }
  // --quiet is for scripts: the error lines alone (none when it passes), the exit code is the verdict.
  if (values.quiet) return errors.length === 0 ? 0 : 1
  const farms = config.dispatcher.farms.map((f) => f.name).join(', ') || 'none'
  out(
    `${errors.length === 0 ? 'OK' : 'FAILED'}: ${displayPath(config.anyFile)} (${config.layout}) — ` +
      `${errors.length} error(s), ${warnings.length} warning(s), ${config.files.length} file(s), farms: ${farms}`
  )
  return errors.length === 0 ? 0 : 1
}
