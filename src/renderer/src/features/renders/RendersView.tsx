/**
 * Each render of the configuration: up or down (probed at start, then from every attempt), how
 * many requests it took and its share of its farm, failures, latency, and the penalty the
 * Dispatcher's load balancing gives it after failures (§6.1, §6.4).
 */
import { Empty } from '../../components/Empty'
import { Pill } from '../../components/Pill'
import { useVanilla } from '../../session-context'
import { formatCount, formatMs } from '../../store/format'
import { rendersStore } from '../../store/panels'

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
            <th>farm</th>
            <th>render</th>
            <th>address</th>
            <th>health</th>
            <th className="right">requests</th>
            <th className="right">share</th>
            <th className="right">failures</th>
            <th className="right">avg</th>
            <th className="right">p95</th>
            <th className="right">penalty</th>
            <th>last error</th>
          </tr>
        </thead>
        <tbody>
          {renders.map((r) => {
            const farmTotal = perFarm.get(r.farm) ?? 0
            const share = farmTotal > 0 ? r.requests / farmTotal : 0
            const asked = r.requests > 0
            return (
              <tr key={`${r.farm}/${r.render}`} data-render={r.render}>
                <td>/{r.farm}</td>
                <td>/{r.render}</td>
                <td className="mono">{r.origin}</td>
                <td>{r.up ? <Pill tone="good">up</Pill> : <Pill tone="bad">down</Pill>}</td>
                <td className="right">{formatCount(r.requests)}</td>
                <td className="right">
                  <span className="share">
                    <span className="share-bar" style={{ width: `${Math.round(share * 100)}%` }} />
                  </span>
                  {farmTotal > 0 ? `${Math.round(share * 100)}%` : '—'}
                </td>
                <td className="right">{formatCount(r.failures)}</td>
                <td className="right">{asked ? formatMs(r.avgMs) : '—'}</td>
                <td className="right">{asked ? formatMs(r.p95Ms) : '—'}</td>
                <td className="right">{r.penalty > 0 ? formatCount(r.penalty) : '—'}</td>
                <td className="muted">{r.lastError ?? ''}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <p className="muted footnote">
        Reachability is probed when the configuration loads, then every request counts. Latency is the time to the
        response headers.
      </p>
    </div>
  )
}
