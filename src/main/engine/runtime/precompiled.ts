/**
 * What loading compiled already (every farm's filter, every vhost's Apache runtime) to find
 * the problems that only show when compiling, handed on to compileConfig so that a start-up or
 * a hot reload compiles the configuration once, not twice.
 *
 * Kept beside the LoadedConfig rather than in it: LoadedConfig is plain data that crosses the
 * process boundary, these are closures and regexes. Taken once, so two ActiveConfigs made
 * from one LoadedConfig never share the per-vhost memos these carry.
 */
import type { Farm, LoadedConfig, VirtualHost } from '../../../shared/config-model'
import type { CompiledFilter } from '../pipeline/filter'
import type { VhostApache } from './apache-runtime'

export interface Precompiled {
  filters: Map<Farm, CompiledFilter>
  vhosts: Map<VirtualHost, VhostApache>
}

const kept = new WeakMap<LoadedConfig, Precompiled>()

export function keepPrecompiled(loaded: LoadedConfig, parts: Precompiled): void {
  kept.set(loaded, parts)
}

/** The parts kept for `loaded`, once; undefined when none were kept or they were taken. */
export function takePrecompiled(loaded: LoadedConfig): Precompiled | undefined {
  const parts = kept.get(loaded)
  kept.delete(loaded)
  return parts
}
