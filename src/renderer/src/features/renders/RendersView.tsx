/**
 * Each render of the configuration: up or down (probed at start, then from every attempt), how
 * many requests it was sent and its share of its farm, the connection attempts those took and
 * how many failed, latency of its answers, and the penalty the Dispatcher's load balancing
 * gives it after failures (§6.1, §6.4). A request nothing answers is one request but
 * /numberOfRetries attempts, so requests and attempts are counted apart (statistics.ts).
 */
import { Empty } from '../../components/Empty'
import { Pill } from '../../components/Pill'
import { useVanilla } from '../../session-context'
import { formatCount, formatMs } from '../../store/format'
import { rendersStore } from '../../store/panels'

const COLUMNS: { label: string; right?: boolean; title?: string }[] = [
  { label: 'farm' },
  { label: 'render' },
  { label: 'address' },
  { label: 'health' },
  {
    label: 'requests',
    right: true,
    title: 'Requests sent to or tried on this render, each counted once however many attempts it took'
  },
  { label: 'share', right: true, title: "This render's part of its farm's requests" },
  {
    label: 'attempts',
    right: true,
    title: 'Connection attempts: a request no render answers is tried once per round, up to /numberOfRetries rounds'
  },
  {
    label: 'failed',
    right: true,
    title: 'Attempts that failed: no connection, no response headers within /receiveTimeout, or a failed /health_check'
  },
  { label: 'avg', right: true, title: 'Average time to the response headers of the answered attempts' },
  { label: 'p95', right: true, title: '95th percentile of the time to the response headers of the answered attempts' },
  {
    label: 'penalty',
    right: true,
    title:
      "Added to the render's load-balancing score: /unavailablePenalty (tenths of a second) per failure, halving every 10 s"
  },
  { label: 'last error' }
]

export function RendersView() {
  const renders = useVanilla(rendersStore, (s) => s.renders)
  if (renders.length === 0) return <Empty title="No renders">The configuration has no /renders.</Empty>
  const perFarm = new Map<string, number>()
  for (const r of renders) perFarm.set(r.farm, (perFarm.get(r.farm) ?? 0) + r.requests)
  return (
    <div className="renders-view">
      <table className="grid-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.label} className={c.right ? 'right' : undefined} title={c.title}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {renders.map((r) => {
            const farmTotal = perFarm.get(r.farm) ?? 0
            const share = farmTotal > 0 ? r.requests / farmTotal : 0
            // Latency exists only for attempts the render answered: none answered is "—", not 0 ms.
            const answered = r.answered > 0
            return (
              <tr key={`${r.farm}/${r.render}`} data-render={r.render}>
                <td>/{r.farm}</td>
                <td>/{r.render}</td>
                <td className="mono">{r.origin}</td>
                <td>{r.up ? <Pill tone="good">up</Pill> : <Pill tone="bad">down</Pill>}</td>
                <td className="right" data-col="requests">
                  {formatCount(r.requests)}
                </td>
                <td className="right" data-col="share">
                  <span className="share">
                    <span className="share-bar" style={{ width: `${Math.round(share * 100)}%` }} />
                  </span>
                  {farmTotal > 0 ? `${Math.round(share * 100)}%` : '—'}
                </td>
                <td className="right" data-col="attempts">
                  {formatCount(r.attempts)}
                </td>
                <td className="right" data-col="failed">
                  {formatCount(r.failures)}
                </td>
                <td className="right" data-col="avg">
                  {answered ? formatMs(r.avgMs) : '—'}
                </td>
                <td className="right" data-col="p95">
                  {answered ? formatMs(r.p95Ms) : '—'}
                </td>
                <td className="right" data-col="penalty">
                  {r.penalty > 0 ? formatMs(r.penalty) : '—'}
                </td>
                <td className="muted" data-col="last-error">
                  {r.lastError ?? ''}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <p className="muted footnote">
        Reachability is probed when the configuration loads, then every attempt updates it. A request counts once for
        each render it was sent to; a render that does not answer is tried again in each of the farm&apos;s
        /numberOfRetries rounds, /retryDelay apart, and every try is an attempt. Latency is the time to the response
        headers, of answered attempts only. The penalty is what /unavailablePenalty added to the render&apos;s
        load-balancing score for its failures; it halves every 10 s.
      </p>
    </div>
  )
}
