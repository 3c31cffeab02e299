/** The request as received next to the request as sent to the render; the response headers. */
import type { RequestTrace } from '../../../../shared/trace'
import { compareHeaders } from '../../store/trace-view'
import { formatBytes } from '../../store/format'

export function RequestTab({ trace }: { trace: RequestTrace }) {
  const r = trace.request
  const f = trace.forwarded
  const rows = compareHeaders(r.headers, f?.headers)
  return (
    <div className="headers-tab">
      <div className="two-col">
        <div>
          <div className="section-label">As received</div>
          <p className="mono">
            {r.method} {r.url} {r.protocol}
          </p>
          <p className="muted">
            from {r.client}
            {r.secure ? ' over HTTPS' : ''}
          </p>
        </div>
        <div>
          <div className="section-label">As sent to the render</div>
          {f ? (
            <>
              <p className="mono">
                {f.method} {f.url}
              </p>
              <p className="muted">
                render /{f.render} at {f.origin}
              </p>
            </>
          ) : (
            <p className="muted">Not forwarded: the request was answered before the render stage.</p>
          )}
        </div>
      </div>
      <table className="headers compare">
        <thead>
          <tr>
            <th>header</th>
            <th>received</th>
            <th>sent to the render</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => (
            <tr key={h.name} className={`change-${h.change}`}>
              <td className="mono">{h.name}</td>
              <td className="mono value">{h.received ?? ''}</td>
              <td className="mono value">{f ? (h.sent ?? <span className="muted">not forwarded</span>) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function ResponseTab({ trace }: { trace: RequestTrace }) {
  const res = trace.response
  return (
    <div className="headers-tab">
      <p>
        <b>{res.status}</b> · {formatBytes(res.bytes)} sent to the client
        {trace.cacheInfo && (
          <>
            {' '}
            · X-Cache-Info: <span className="mono">{trace.cacheInfo}</span>
          </>
        )}
      </p>
      <table className="headers">
        <tbody>
          {Object.entries(res.headers).map(([name, value]) => (
            <tr key={name}>
              <td className="mono">{name}</td>
              <td className="mono value">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
