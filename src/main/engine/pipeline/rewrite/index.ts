/** mod_rewrite: compile a context's rules once, then apply them per request. */
export { compileRewriteRules, condRefusals, ruleRefusals, type CompiledRewrite, type CompiledRule } from './compile'
export { applyRewrites } from './engine'
export { effectiveRewriteConfig, type EffectiveRewriteConfig } from './inheritance'
export { loadRewriteMaps, parseTextMap, type MapLoadOptions, type MapLookupResult, type RewriteMapImpl } from './maps'
export type { RewriteContext, RewriteOutcome } from './types'
