/**
 * Where the time went: each stage on one time axis, the render split into waiting and receiving,
 * and the time no stage recorded as a last bar, so the bars add up to the time answered.
 */
import type { RequestTrace } from '../../../../shared/trace'
import { formatMs } from '../../store/format'
import { waterfall } from '../../store/trace-view'

export function Waterfall({ trace }: { trace: RequestTrace }) {
  const { bars, total, answered, unattributed } = waterfall(trace)
  const scale = total > 0 ? 100 / total : 0
  return (
    <div className="waterfall">
      <p>
        Answered in <b>{formatMs(answered)}</b>, from the request's arrival to the last byte sent
        {total > answered + 0.05 && <> (the cache file was written {formatMs(total - answered)} after that)</>}.
      </p>
      {unattributed > 0 && (
        <p className="muted" data-testid="wf-unattributed">
          The stages recorded {formatMs(answered - unattributed)} of it. The other {formatMs(unattributed)} passed in no
          stage: taking the request in before the first one, and sending the answer to the client after the last.
        </p>
      )}
      {bars.map((b, i) => (
        <div key={i} className="wf-row">
          <span className="wf-label">{b.label}</span>
          <span className="wf-track">
            <span
              className={`wf-bar wf-${b.kind}`}
              style={{ left: `${b.start * scale}%`, width: `max(2px, ${b.duration * scale}%)` }}
            />
            <span className="wf-answered" style={{ left: `${answered * scale}%` }} />
          </span>
          <span className="wf-ms">{formatMs(b.duration)}</span>
        </div>
      ))}
    </div>
  )
}
