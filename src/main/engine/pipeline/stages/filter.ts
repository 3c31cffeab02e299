/**
 * filter: `/filter`, last match wins (dispatcher-behavior.md §4). Only the decision is
 * computed here; the per-rule explanation is rebuilt on demand (see decideFilter).
 */
import type { RequestContext } from '../context'
import { decideFilter, evaluateFilter } from '../filter'
import { answer } from './answer'

export function filter(ctx: RequestContext): boolean | Promise<boolean> {
  const active = ctx.farm!
  const req = { method: ctx.req.method, url: ctx.path, query: ctx.query, protocol: ctx.req.protocol }
  const line = ctx.requestLine()
  // Statfiles are never served, whatever the filter says (§4.3).
  if (ctx.path.endsWith('/.stat')) {
    ctx.record('filter', 'stop', `statfile requests are always rejected: '${line}'`, {
      log: [`Filter rejects: ${line}`]
    })
    ctx.setOutcome('blocked')
    return answer(ctx, 404)
  }
  const d = decideFilter(active.filter, req)
  // `explain` shows every rule; when serving, the UI asks for the same on demand.
  const detail = ctx.mode === 'explain' ? evaluateFilter(active.filter, req) : undefined
  if (d.rule && d.rule.type) ctx.trace.decidingRule = { label: d.rule.label, type: d.rule.type, pos: d.rule.pos }
  if (d.decision === 'allow') {
    const summary = d.rule
      ? `Filter rule entry /${d.rule.label} allowed '${line}'`
      : 'no /filter section: every request is accepted'
    ctx.record('filter', 'pass', summary, { source: d.rule?.pos, log: d.rule ? [summary] : undefined, detail })
    return false
  }
  const summary = d.rule
    ? `Filter rule entry /${d.rule.label} blocked '${line}'`
    : `no filter rule matched '${line}': denied`
  // A denied request that is in the vanity URL list is forwarded after all (§4.4).
  if (active.vanity?.isVanity(ctx.path)) {
    ctx.record('filter', 'changed', `${summary}; rescued: ${ctx.path} is in the vanity URL list`, {
      source: d.rule?.pos,
      log: [summary, 'Checking vanity URLs', `Vanity URL found: ${ctx.path}`],
      detail
    })
    return false
  }
  ctx.record('filter', 'stop', summary, { source: d.rule?.pos, log: [summary, `Filter rejects: ${line}`], detail })
  ctx.setOutcome('blocked')
  return answer(ctx, 404)
}
