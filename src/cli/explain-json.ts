/**
 * The stable JSON shape of `explain --json` (other tooling depends on it; README documents it).
 */
import { OUTCOME_LABEL } from '../shared/outcome-labels'
import type { Outcome, RequestTrace } from '../shared/trace'

export interface ExplainJson {
  farm: string | null
  url: string | null
  status: number | null
  location: string | null
  filter: { decision: 'allow' | 'deny'; rule: { label: string; file: string; line: number } | null } | null
  cache: { cacheable: boolean; reason: string; file: string | null } | null
  outcome: Outcome
  /** The outcome in the request log's words (`miss · stored`, `not cacheable`, …). */
  outcomeLabel: string
  stages: RequestTrace['stages']
  warnings: string[]
}

export function toExplainJson(trace: RequestTrace): ExplainJson {
  const filterStage = trace.stages.find((s) => s.stage === 'filter')
  const answered = trace.response.status !== 0
  return {
    farm: trace.farm ?? null,
    url: trace.effectiveUrl ?? null,
    status: answered ? trace.response.status : null,
    location: trace.response.headers.location ?? null,
    filter: filterStage
      ? {
          decision: filterStage.verdict === 'stop' ? 'deny' : 'allow',
          rule: trace.decidingRule
            ? { label: trace.decidingRule.label, file: trace.decidingRule.pos.file, line: trace.decidingRule.pos.line }
            : null
        }
      : null,
    cache: cacheOf(trace),
    outcome: trace.outcome,
    outcomeLabel: OUTCOME_LABEL[trace.outcome],
    stages: trace.stages,
    warnings: trace.warnings
  }
}

/** The cache stage's verdict: cacheable (a file would be stored or served), the X-Cache-Info words, the file. */
export function cacheOf(trace: RequestTrace): ExplainJson['cache'] {
  const stage = trace.stages.find((s) => s.stage === 'cache')
  if (!stage) return null
  const d = (stage.detail ?? {}) as { cacheable?: boolean; file?: string | null }
  const reason = trace.cacheInfo ?? stage.summary
  return { cacheable: d.cacheable ?? !reason.startsWith('not cacheable'), reason, file: d.file ?? null }
}
