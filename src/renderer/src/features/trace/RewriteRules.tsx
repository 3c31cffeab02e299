/** Every mod_rewrite rule tried, with its conditions (expanded test strings) and what it did. */
import { Fragment } from 'react'
import type { RewriteRuleTrace, RewriteTrace } from '../../../../shared/trace-apache'
import { Pill } from '../../components/Pill'
import { breakAfterSeparators, SourceLink } from '../../components/SourceLink'

const VERDICT: Record<
  RewriteRuleTrace['verdict'],
  { label: string; tone: 'good' | 'bad' | 'neutral' | 'info' | 'warn' }
> = {
  applied: { label: 'applied', tone: 'info' },
  'no-match': { label: 'no match', tone: 'neutral' },
  'conds-failed': { label: 'conditions failed', tone: 'neutral' },
  'chain-skipped': { label: 'chain skipped', tone: 'neutral' },
  'skip-flag': { label: 'skipped [S]', tone: 'neutral' },
  invalid: { label: 'invalid', tone: 'bad' }
}

export function isRewriteTrace(d: unknown): d is RewriteTrace {
  return (
    typeof d === 'object' &&
    d !== null &&
    Array.isArray((d as RewriteTrace).rules) &&
    typeof (d as RewriteTrace).stoppedBy === 'string'
  )
}

export function RewriteRules({ trace }: { trace: RewriteTrace }) {
  return (
    <div className="rewrite-rules">
      <p>
        {trace.summary}{' '}
        <span className="muted">
          ({trace.scope} context, input {trace.input.uri}
          {trace.input.query ? `?${trace.input.query}` : ''})
        </span>
      </p>
      <table className="rules">
        <thead>
          <tr>
            <th>rule</th>
            <th>tested</th>
            <th>result</th>
            <th>source</th>
          </tr>
        </thead>
        <tbody>
          {trace.rules.map((r, i) => (
            <Fragment key={i}>
              {trace.rounds > 1 && r.round !== trace.rules[i - 1]?.round && (
                <RoundBreak trace={trace} round={r.round} />
              )}
              <tr className={`rule${r.verdict === 'applied' ? ' decided matched' : ''}`}>
                <td className="mono why">
                  RewriteRule {r.pattern} {r.substitution}
                  {r.flags.length > 0 ? ` [${r.flags.join(',')}]` : ''}
                  {r.conds.map((c, k) => (
                    <div key={k} className={c.result ? '' : 'muted'}>
                      RewriteCond {c.expanded !== undefined ? `"${c.expanded}"` : c.testString} {c.pattern} →{' '}
                      {c.skipped ? 'skipped' : c.result ? 'true' : 'false'}
                    </div>
                  ))}
                </td>
                <td className="mono tested">{breakAfterSeparators(r.subject ?? '')}</td>
                <td className="why">
                  <Pill tone={VERDICT[r.verdict].tone}>{VERDICT[r.verdict].label}</Pill>
                  {r.result && (
                    <div className="mono">
                      → {r.result.path}
                      {r.result.query ? `?${r.result.query}` : ''}
                    </div>
                  )}
                  {r.effects.map((e, k) => (
                    <div key={k} className="muted">
                      {e}
                    </div>
                  ))}
                  {r.note && <div className="muted">{r.note}</div>}
                </td>
                <td>
                  <SourceLink pos={r.pos} short />
                </td>
              </tr>
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/**
 * Where an `[N]` round begins, and before the last round of a long loop the rounds the trace
 * does not list (the engine keeps the first rounds and the last, traced-rounds.ts).
 */
function RoundBreak({ trace, round }: { trace: RewriteTrace; round: number }) {
  const omitted = trace.omittedRounds
  return (
    <>
      {omitted && round === omitted.to + 1 && (
        <tr className="round-break omitted">
          <td colSpan={4} className="muted">
            Rounds {omitted.from}–{omitted.to} ran the rules again and are not listed: the trace keeps the first{' '}
            {omitted.from - 1} rounds and the last
          </td>
        </tr>
      )}
      <tr className="round-break">
        <td colSpan={4}>
          Round {round} of {trace.rounds}
          {round > 1 ? ' ([N] started the rules again)' : ''}
        </td>
      </tr>
    </>
  )
}
