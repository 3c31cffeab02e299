import { describe, expect, it } from 'vitest'
import type { VhostSettings } from '../../../src/shared/config-model'
import { effectiveRewriteConfig } from '../../../src/main/engine/pipeline/rewrite'
import { parseRewriteLines } from './fixtures'

function settings(rules: string, extra: Partial<VhostSettings> = {}): VhostSettings {
  const { rules: rewriteRules, maps } = parseRewriteLines(rules)
  return {
    rewriteRules,
    rewriteMaps: maps,
    rewriteOptions: [],
    headers: [],
    setEnv: [],
    errorDocuments: [],
    aliases: [],
    dispatcher: {},
    proxyPass: [],
    other: {},
    scopes: [],
    ...extra
  }
}

const server = settings('RewriteRule ^/server - [F]', { rewriteEngine: true })
const patterns = (rules: { pattern: string }[]) => rules.map((r) => r.pattern)

describe('which rewrite rules a virtual host runs', () => {
  it("by default a vhost runs only its own rules, never the server's", () => {
    const c = effectiveRewriteConfig(server, settings('RewriteRule ^/vhost - [G]'))
    expect(patterns(c.rules)).toEqual(['^/vhost'])
    expect(c.inheritance).toBe('none')
  })

  it("a vhost without RewriteEngine inherits the server's engine state", () => {
    expect(effectiveRewriteConfig(server, settings('')).engine).toBe(true)
    expect(effectiveRewriteConfig(server, settings('', { rewriteEngine: false })).engine).toBe(false)
  })

  it("RewriteOptions Inherit runs the server's rules after the vhost's, InheritBefore before them", () => {
    expect(
      patterns(effectiveRewriteConfig(server, settings('RewriteRule ^/v -', { rewriteOptions: ['Inherit'] })).rules)
    ).toEqual(['^/v', '^/server'])
    expect(
      patterns(
        effectiveRewriteConfig(server, settings('RewriteRule ^/v -', { rewriteOptions: ['InheritBefore'] })).rules
      )
    ).toEqual(['^/server', '^/v'])
  })

  it("the server's InheritDown applies to every vhost unless it says IgnoreInherit", () => {
    const down = { ...server, rewriteOptions: ['InheritDown'] }
    expect(patterns(effectiveRewriteConfig(down, settings('RewriteRule ^/v -')).rules)).toEqual(['^/v', '^/server'])
    expect(
      patterns(effectiveRewriteConfig(down, settings('RewriteRule ^/v -', { rewriteOptions: ['IgnoreInherit'] })).rules)
    ).toEqual(['^/v'])
  })
})
