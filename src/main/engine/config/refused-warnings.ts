/**
 * A refused reload is reported by its errors, but what explains them is often a warning of the
 * same load: deleting enabled_farms/wknd.farm gives the errors "/farms defines no farm" and
 * "unable to find any farm", while the warning on the `$include "enabled_farms/*.farm"` says
 * which files available_farms/ has and how one is switched on. The serving configuration's
 * warnings are shown anyway; these are the ones the refused load adds to them.
 */
import type { LoadedConfig } from '../../../shared/config-model'
import type { Diagnostic } from '../../../shared/diagnostics'

/** The refused load's warnings that the serving configuration does not have. */
export function warningsItBrings(refused: LoadedConfig, serving: LoadedConfig | undefined): Diagnostic[] {
  const known = new Set(warningsOf(serving).map(warningKey))
  return warningsOf(refused).filter((d) => !known.has(warningKey(d)))
}

function warningsOf(config: LoadedConfig | undefined): Diagnostic[] {
  return config?.diagnostics.filter((d) => d.severity === 'warning') ?? []
}

/** A warning is known by its file, code and message: lines moved by an edit above it do not make it new. */
function warningKey(d: Diagnostic): string {
  return `${d.pos?.file ?? ''}\0${d.code}\0${d.message}`
}
