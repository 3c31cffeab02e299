/** Every mod_rewrite rule tried, with its conditions (expanded test strings) and what it did. */
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
            <tr key={i} className={`rule${r.verdict === 'applied' ? ' decided matched' : ''}`}>
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
          ))}
        </tbody>
      </table>
    </div>
  )
}
