/**
 * Every /filter rule against the request: matched or not, the property that failed, and the
 * deciding rule (the last match) highlighted. Above the table, for a denied request, what almost
 * allowed it (engine pipeline/filter-almost.ts): the allow rules a later deny overrode, which is
 * the real reason, then the allow rules that missed by one property, closest first.
 */
import { useState } from 'react'
import type { FilterAlmost, FilterResult, FilterRuleTrace } from '../../../../shared/trace-match'
import {
  moreNearMisses,
  NEAR_MISSES_HEADING,
  NEAR_MISSES_SHOWN,
  nearMissWords,
  OVERRIDDEN_HEADING,
  overriddenWords,
  writtenProps
} from '../../../../shared/filter-almost-words'
import { Pill } from '../../components/Pill'
import { SourceLink } from '../../components/SourceLink'

/**
 * `forwarded`: the filter stage let the request go on. With a deny decision that happens only
 * when the module's vanity URL check finds the path in the farm's /vanity_urls list (§4.4): the
 * rules still denied it, so they are shown as they decided, but the request was not refused, and
 * the allow rules that "almost" matched are beside the point.
 */
export function FilterRules({ result, forwarded }: { result: FilterResult; forwarded: boolean }) {
  const [onlyMatched, setOnlyMatched] = useState(false)
  const p = result.parts
  const rules = onlyMatched ? result.rules.filter((r) => r.matched) : result.rules
  const rescued = forwarded && result.decision === 'deny'
  return (
    <div className="filter-rules">
      <p className={`filter-reason ${result.decision}`}>
        <b>{result.decision === 'allow' ? 'Allowed' : 'Denied'}</b>: {result.reason}
      </p>
      {rescued && (
        <p className="filter-reason allow filter-rescued">
          <b>Forwarded all the same</b>: its path is in the farm&apos;s vanity URL list (/vanity_urls), which the
          Dispatcher checks before refusing a denied request.
        </p>
      )}
      <dl className="parts">
        <dt>request line</dt>
        <dd className="mono">{p.requestLine}</dd>
        <dt>path</dt>
        <dd className="mono">{p.path}</dd>
        <dt>selectors</dt>
        <dd className="mono">{p.selectors.length > 0 ? p.selectors.join('.') : '—'}</dd>
        <dt>extension</dt>
        <dd className="mono">{p.extension || '—'}</dd>
        <dt>suffix</dt>
        <dd className="mono">{p.suffix || '—'}</dd>
        <dt>query</dt>
        <dd className="mono">{p.query ?? '—'}</dd>
      </dl>
      {!rescued && <AlmostAllowed almost={result.almost} />}
      <div className="rules-head">
        <span className="section-label">
          {result.rules.length} rule{result.rules.length === 1 ? '' : 's'}, in evaluation order (the last match decides)
        </span>
        <label className="check">
          <input type="checkbox" checked={onlyMatched} onChange={(e) => setOnlyMatched(e.target.checked)} /> matched
          only
        </label>
      </div>
      <table className="rules">
        <thead>
          <tr>
            <th>rule</th>
            <th>type</th>
            <th>result</th>
            <th>why</th>
            <th>source</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r, i) => (
            <RuleRow key={`${r.label}-${i}`} rule={r} />
          ))}
        </tbody>
      </table>
    </div>
  )
}

function AlmostAllowed({ almost }: { almost: FilterAlmost }) {
  const more = moreNearMisses(almost.nearMisses)
  return (
    <>
      {almost.overridden.length > 0 && (
        <div className="overridden-allows">
          <div className="section-label">{OVERRIDDEN_HEADING}</div>
          <ul>
            {almost.overridden.map((o, i) => (
              <li key={i} data-rule={o.label}>
                <b>/{o.label}</b> {overriddenWords(o)} <SourceLink pos={o.pos} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {almost.nearMisses.length > 0 && (
        <div className="near-misses">
          <div className="section-label">{NEAR_MISSES_HEADING}</div>
          <ul>
            {almost.nearMisses.slice(0, NEAR_MISSES_SHOWN).map((m, i) => (
              <li key={i} data-rule={m.label} data-closeness={m.closeness}>
                <b>/{m.label}</b> — {nearMissWords(m)} <SourceLink pos={m.pos} />
              </li>
            ))}
            {more && <li className="muted">{more} (in the table below)</li>}
          </ul>
        </div>
      )}
    </>
  )
}

function RuleRow({ rule }: { rule: FilterRuleTrace }) {
  const props = writtenProps(rule.checked)
  return (
    <tr
      className={`rule${rule.decided ? ' decided' : ''}${rule.matched ? ' matched' : ''}`}
      data-rule={rule.label}
      title={props}
    >
      <td className="mono">/{rule.label || '(anonymous)'}</td>
      <td>{rule.type ?? '—'}</td>
      <td>
        {rule.decided ? (
          <Pill tone={rule.type === 'allow' ? 'good' : 'bad'}>decides</Pill>
        ) : rule.matched ? (
          <Pill tone="info">matched</Pill>
        ) : (
          <Pill tone="neutral">no match</Pill>
        )}
      </td>
      <td className="why">
        {rule.failed ? rule.failed.explanation : rule.matched ? <span className="mono">{props}</span> : null}
        {rule.note && <div className="muted">{rule.note}</div>}
      </td>
      <td>
        <SourceLink pos={rule.pos} short />
      </td>
    </tr>
  )
}
