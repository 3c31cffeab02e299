/**
 * The trace: one row per stage with its verdict and the one-line reason. A row opens to what
 * the stage consulted: every filter rule, every /virtualhosts value, every render attempt,
 * and the lines the module would have logged.
 */
import { Fragment, useState, type KeyboardEvent } from 'react'
import type { TraceDetail } from '../../../../shared/api'
import type { StageTrace } from '../../../../shared/trace'
import type { FarmResult } from '../../../../shared/trace-match'
import { OutcomePill, VerdictPill } from '../../components/Pill'
import { SourceLink } from '../../components/SourceLink'
import { formatMs } from '../../store/format'
import { FilterRules } from './FilterRules'
import { isRenderDetail, RenderAttempts } from './RenderAttempts'
import { isRewriteTrace, RewriteRules } from './RewriteRules'

export function StageList({ detail }: { detail: TraceDetail }) {
  const stages = detail.trace.stages
  const [open, setOpen] = useState<Set<number>>(() => {
    // A denied request opens on its filter rules: that is the question the user came with.
    const i = stages.findIndex((s) => s.stage === 'filter' && s.verdict === 'stop')
    return new Set(i >= 0 ? [i] : [])
  })
  const toggle = (i: number): void => {
    const next = new Set(open)
    if (next.has(i)) next.delete(i)
    else next.add(i)
    setOpen(next)
  }
  return (
    <ol className="stages">
      {stages.map((s, i) => {
        const expandable = hasMore(s)
        const isOpen = open.has(i)
        return (
          <li key={i} className={`stage stage-${s.verdict}${isOpen ? ' open' : ''}`} data-stage={s.stage}>
            <div
              className="stage-row"
              onClick={() => expandable && toggle(i)}
              onKeyDown={expandable ? (e) => onToggleKey(e, () => toggle(i)) : undefined}
              role={expandable ? 'button' : undefined}
              tabIndex={expandable ? 0 : undefined}
              aria-expanded={expandable ? isOpen : undefined}
            >
              <span className="stage-toggle">{expandable ? (isOpen ? '▾' : '▸') : ''}</span>
              <span className="stage-name">{s.stage}</span>
              {s.verdict === 'stop' ? (
                <OutcomePill outcome={detail.trace.outcome} />
              ) : (
                <VerdictPill verdict={s.verdict} />
              )}
              <span className="stage-summary">
                {s.summary}
                {s.source && (
                  <span className="stage-source">
                    <SourceLink pos={s.source} />
                  </span>
                )}
              </span>
              <span className="stage-ms">{formatMs(s.durationMs)}</span>
            </div>
            {isOpen && (
              <div className="stage-more">
                {s.stage === 'filter' && detail.filter && (
                  <FilterRules result={detail.filter} forwarded={s.verdict !== 'stop'} />
                )}
                {s.stage === 'filter' && !detail.filter && (
                  <p className="muted">
                    The rules could not be evaluated again: this request ran on a configuration no longer kept.
                  </p>
                )}
                {s.stage === 'farm' && isFarmResult(s.detail) && <FarmChecks result={s.detail} />}
                {s.stage === 'render' && isRenderDetail(s.detail) && <RenderAttempts detail={s.detail} />}
                {s.stage === 'rewrite' && isRewriteTrace(s.detail) && <RewriteRules trace={s.detail} />}
                {s.log && s.log.length > 0 && (
                  <pre className="module-log" aria-label="Module log lines">
                    {s.log.join('\n')}
                  </pre>
                )}
              </div>
            )}
          </li>
        )
      })}
    </ol>
  )
}

/**
 * A row with role=button must act like one from the keyboard (Enter and Space), as a native
 * button would; keys pressed on a link inside it (the source link) stay the link's.
 */
function onToggleKey(e: KeyboardEvent<HTMLDivElement>, toggle: () => void): void {
  if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return
  // Space would also scroll the trace.
  e.preventDefault()
  toggle()
}

function hasMore(s: StageTrace): boolean {
  return (
    (s.log?.length ?? 0) > 0 ||
    s.stage === 'filter' ||
    (s.stage === 'farm' && isFarmResult(s.detail)) ||
    (s.stage === 'render' && isRenderDetail(s.detail)) ||
    (s.stage === 'rewrite' && isRewriteTrace(s.detail))
  )
}

function isFarmResult(d: unknown): d is FarmResult {
  return typeof d === 'object' && d !== null && Array.isArray((d as FarmResult).checked)
}

function FarmChecks({ result }: { result: FarmResult }) {
  return (
    <div className="farm-checks">
      <p>{result.reason}</p>
      {result.checked.length > 0 && (
        <table className="mini">
          <thead>
            <tr>
              <th>farm</th>
              <th>/virtualhosts value</th>
              <th>host</th>
              <th>uri</th>
              <th>source</th>
            </tr>
          </thead>
          <tbody>
            {result.checked.map((c, i) => {
              const matched = c.schemeMatched && c.hostMatched && c.uriMatched !== false
              return (
                <Fragment key={i}>
                  <tr className={matched && result.value?.value === c.value && result.farm === c.farm ? 'decided' : ''}>
                    <td>/{c.farm}</td>
                    <td className="mono">{c.value}</td>
                    <td>{c.hostMatched ? '✓' : '✗'}</td>
                    <td>{c.uriMatched === null ? '—' : c.uriMatched ? '✓' : '✗'}</td>
                    <td>{c.pos && <SourceLink pos={c.pos} />}</td>
                  </tr>
                  {/* A bare ✗ for a value that misses only by the port a browser added says nothing. */}
                  {c.portHint && (
                    <tr className="port-hint">
                      <td />
                      <td colSpan={4}>{c.portHint}</td>
                    </tr>
                  )}
                </Fragment>
              )
            })}
          </tbody>
        </table>
      )}
    </div>
  )
}
