/**
 * Which rewrite configuration a virtual host ends up with (`config_server_merge`): the engine
 * state and `RewriteOptions` come from the vhost when it sets them, else from the server;
 * rules and maps are the vhost's own unless `RewriteOptions Inherit` (vhost rules, then the
 * server's), `InheritBefore` (server rules first) or the server's `InheritDown[Before]`
 * (unless the vhost says `IgnoreInherit`). Without any of these a vhost does not run the
 * server's rules at all — a common surprise.
 */
import type { RewriteMapDef, RewriteRule, VhostSettings } from '../../../../shared/config-model'

export interface EffectiveRewriteConfig {
  engine: boolean
  options: string[]
  rules: RewriteRule[]
  maps: RewriteMapDef[]
  /** How the server's rules were combined, for the trace. */
  inheritance: 'none' | 'after' | 'before'
}

const has = (options: string[], name: string): boolean => options.some((o) => o.toLowerCase() === name.toLowerCase())

export function effectiveRewriteConfig(server: VhostSettings, vhost: VhostSettings): EffectiveRewriteConfig {
  const engine = vhost.rewriteEngine ?? server.rewriteEngine ?? false
  const options = vhost.rewriteOptions.length > 0 ? vhost.rewriteOptions : server.rewriteOptions
  const base = server.rewriteOptions
  const ignore = has(options, 'IgnoreInherit')
  const after = has(options, 'Inherit') || (has(base, 'InheritDown') && !ignore)
  const before = !after && (has(options, 'InheritBefore') || (has(base, 'InheritDownBefore') && !ignore))
  const overlay = (first: RewriteMapDef[], second: RewriteMapDef[]): RewriteMapDef[] => [
    ...first,
    ...second.filter((m) => !first.some((f) => f.name === m.name))
  ]
  if (after) {
    return {
      engine,
      options,
      rules: [...vhost.rewriteRules, ...server.rewriteRules],
      maps: overlay(vhost.rewriteMaps, server.rewriteMaps),
      inheritance: 'after'
    }
  }
  if (before) {
    return {
      engine,
      options,
      rules: [...server.rewriteRules, ...vhost.rewriteRules],
      maps: overlay(server.rewriteMaps, vhost.rewriteMaps),
      inheritance: 'before'
    }
  }
  return { engine, options, rules: vhost.rewriteRules, maps: vhost.rewriteMaps, inheritance: 'none' }
}
