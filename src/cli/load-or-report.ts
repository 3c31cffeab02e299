/** Loads the engine's configuration for a command; prints the errors and returns false when it has any. */
import { formatDiagnostic } from '../shared/diagnostics'
import { ConfigError, type Engine } from '../main/engine/engine'
import { displayPath } from './check'

export function loadOrReport(engine: Engine, out: (s: string) => void): boolean {
  try {
    engine.load()
    return true
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    for (const d of e.diagnostics) out(formatDiagnostic(d, displayPath))
    out(`FAILED: ${e.message}; run \`check\` for details`)
    return false
  }
}
