/**
 * The render stage opened: which render and why, then every connection attempt with when it
 * began (the /retryDelay waits show between rounds), how long it took and what came of it. The
 * words come from the engine (upstream/attempts-words.ts), so explain and the UI say the same.
 */
import type { RenderDetail } from '../../../../shared/trace'
import { formatMs } from '../../store/format'

export function isRenderDetail(d: unknown): d is RenderDetail {
  return typeof d === 'object' && d !== null && Array.isArray((d as RenderDetail).attempts)
}

export function RenderAttempts({ detail }: { detail: RenderDetail }) {
  return (
    <div className="render-attempts">
      <p>
        Render <b>/{detail.render}</b> at <span className="mono">{detail.origin}</span>: {detail.reason}.
      </p>
      {detail.attemptsNote && <p className="attempts-note">{detail.attemptsNote}</p>}
      {detail.attempts.length > 0 && (
        <table className="mini">
          <thead>
            <tr>
              <th className="right" title="Attempt number within the request">
                #
              </th>
              <th className="right" title="Round of /numberOfRetries: each round tries every render once">
                round
              </th>
              <th className="right" title="When the attempt began, after the first attempt began">
                start
              </th>
              <th>render</th>
              <th>origin</th>
              <th>result</th>
              <th className="right" title="How long the attempt took: to the response headers, or to the error">
                time
              </th>
            </tr>
          </thead>
          <tbody>
            {detail.attempts.map((a, i) => (
              <tr key={i} data-attempt={a.attempt ?? i + 1}>
                <td className="right">{a.attempt ?? i + 1}</td>
                <td className="right">{a.round ?? ''}</td>
                <td className="right">{a.atMs === undefined ? '' : a.atMs === 0 ? '0' : `+${formatMs(a.atMs)}`}</td>
                <td>/{a.render}</td>
                <td className="mono">{a.origin}</td>
                <td>
                  {a.result}
                  {a.code && a.code !== a.result && <span className="muted mono"> ({a.code})</span>}
                </td>
                <td className="right">{formatMs(a.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
