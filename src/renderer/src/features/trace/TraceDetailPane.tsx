/** The selected request: overview, then trace / request / response / cache / timing tabs. */
import { useEffect, useState } from 'react'
import type { TraceDetail } from '../../../../shared/api'
import { Empty } from '../../components/Empty'
import { OutcomePill, StatusCode } from '../../components/Pill'
import { useRequests, useSession, useVanilla } from '../../session-context'
import { configStore } from '../../store/panels'
import { toCurl } from '../../store/curl'
import { dispatcherLogLine } from '../../../../shared/log-line'
import { formatBytes, formatMs } from '../../store/format'
import { LocalTime } from '../../components/LocalTime'
import { decidingStage, renderFact } from '../../store/trace-view'
import { CacheTab } from './CacheTab'
import { RequestTab, ResponseTab } from './HeadersTabs'
import { StageList } from './StageList'
import { Waterfall } from './Waterfall'

const GENERATION_TITLE =
  'The configuration generation this request ran on: the number of configurations loaded since the start (the header shows the one serving now)'

type DetailTab = 'trace' | 'request' | 'response' | 'cache' | 'timing'

const TABS: { id: DetailTab; label: string }[] = [
  { id: 'trace', label: 'Trace' },
  { id: 'request', label: 'Request' },
  { id: 'response', label: 'Response' },
  { id: 'cache', label: 'Cache' },
  { id: 'timing', label: 'Timing' }
]

export function TraceDetailPane({ id }: { id: string }) {
  const { client } = useSession()
  const select = useRequests((s) => s.select)
  // Kept with the id it was loaded for: on a new selection the previous request's detail must
  // not show, even for the moment between the render and the effect that fetches the new one.
  const [loaded, setLoaded] = useState<{ id: string; detail: TraceDetail | null; error: string | null } | null>(null)
  const detail = loaded?.id === id ? loaded.detail : 'loading'
  const error = loaded?.id === id ? loaded.error : null
  const [tab, setTab] = useState<DetailTab>('trace')

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && !document.querySelector('dialog[open]')) select(null)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [select])

  useEffect(() => {
    let live = true
    client
      .getTrace(id)
      .then((d) => live && setLoaded({ id, detail: d, error: null }))
      .catch((e: Error) => live && setLoaded({ id, detail: null, error: e.message }))
    return () => {
      live = false
    }
  }, [client, id])

  return (
    <aside className="detail-pane" aria-label="Request detail">
      <button className="close" onClick={() => select(null)} title="Close (Esc)" aria-label="Close detail">
        ×
      </button>
      {error ? (
        <Empty title="Cannot load this request">{error}</Empty>
      ) : detail === 'loading' ? (
        <Empty title="Loading…" />
      ) : detail === null ? (
        <Empty title="This request is no longer in the log">It was cleared or pushed out by newer requests.</Empty>
      ) : (
        <>
          <Overview detail={detail} />
          <nav className="subtabs" role="tablist">
            {TABS.map((t) => (
              <button
                key={t.id}
                role="tab"
                aria-selected={tab === t.id}
                className={`subtab${tab === t.id ? ' active' : ''}`}
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </nav>
          <div className="detail-body">
            {tab === 'trace' && <StageList detail={detail} />}
            {tab === 'request' && <RequestTab trace={detail.trace} />}
            {tab === 'response' && <ResponseTab trace={detail.trace} />}
            {tab === 'cache' && <CacheTab trace={detail.trace} />}
            {tab === 'timing' && <Waterfall trace={detail.trace} />}
          </div>
        </>
      )}
    </aside>
  )
}

/**
 * "request #N" (N is the log's # column), a link that opens that request while the log still
 * holds it.
 */
function RequestRef({ id }: { id: string }) {
  const select = useRequests((s) => s.select)
  const inLog = useRequests((s) => s.rows.some((r) => r.id === id))
  if (!inLog) return <>request #{id} (no longer in the log)</>
  return (
    <button className="link-button" onClick={() => select(id)} title={`Open request #${id}`}>
      request #{id}
    </button>
  )
}

function Overview({ detail }: { detail: TraceDetail }) {
  const { client, requests } = useSession()
  const select = useRequests((s) => s.select)
  const t = detail.trace
  const [note, setNote] = useState<string | null>(null)
  const reason = decidingStage(t)

  const replay = async (): Promise<void> => {
    setNote('Replaying…')
    try {
      const r = await client.replay(t.id)
      setNote(`Replayed: ${r.status}`)
      // Only while this request is still the one open: another the user chose meanwhile stays.
      if (r.traceId && requests.getState().selectedId === t.id) select(r.traceId)
    } catch (e) {
      setNote(`Replay failed: ${(e as Error).message}`)
    }
  }
  const copy = async (text: string, what: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setNote(`${what} copied`)
    } catch {
      setNote('The clipboard is not available here')
    }
  }
  const logLine = dispatcherLogLine(t)
  const render = renderFact(t)
  const generation = useVanilla(configStore, (s) => s.status?.generation ?? t.generation)

  return (
    <header className="overview" data-trace-id={t.id}>
      <div className="overview-line">
        <span className="method">{t.request.method}</span>
        <span className="overview-url" title={t.request.url}>
          {t.request.url}
        </span>
      </div>
      <div className="overview-facts">
        <StatusCode status={t.response.status} />
        <OutcomePill outcome={t.outcome} />
        {t.farm && (
          <span className="fact">
            farm <b>/{t.farm}</b>
          </span>
        )}
        {t.vhost && (
          <span className="fact">
            vhost <b>{t.vhost}</b>
          </span>
        )}
        {t.decidingRule && (
          <span className="fact">
            rule <b>/{t.decidingRule.label}</b> ({t.decidingRule.type})
          </span>
        )}
        {render && (
          <span className="fact" data-testid="render-fact">
            {render.render ? (
              <>
                render <b>/{render.render}</b>
                {render.words && ` ${render.words}`}
              </>
            ) : (
              render.words
            )}
          </span>
        )}
        <span className="fact">{formatMs(t.durationMs)}</span>
        <span className="fact">{formatBytes(t.response.bytes)}</span>
        <LocalTime className="fact muted" at={t.startedAt} withDate />
        <span className="fact muted" data-testid="trace-generation" title={GENERATION_TITLE}>
          config #{t.generation}
        </span>
      </div>
      {reason && <p className="overview-reason">{reason.summary}</p>}
      {t.generation !== generation && (
        <p className="overview-old-config" data-testid="old-config">
          Ran on configuration #{t.generation}; #{generation} serves now. The file:line links below open the files as
          they are today: an edit since may have moved the lines they name. Replay runs it on today&apos;s
          configuration.
        </p>
      )}
      <p
        className="overview-logline muted"
        data-testid="log-line"
        title={logLine !== null ? 'As the AEMaaCS dispatcher.log shows it' : undefined}
      >
        {logLine !== null ? (
          <code>{logLine}</code>
        ) : (
          'No dispatcher.log line: the Dispatcher handler never took this request (the SDK logs only those whose handler is dispatcher-handler).'
        )}
      </p>
      {t.replayedFrom && (
        <p className="overview-replayed muted" data-testid="replayed-from">
          Same request head as <RequestRef id={t.replayedFrom} /> on this configuration: its decisions up to the cache
          stage were reused (those stages show 0 ms); the cache and render stages ran again.
        </p>
      )}
      {t.warnings.length > 0 && (
        <ul className="warnings">
          {t.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <div className="overview-actions">
        <button onClick={() => void replay()} title="Send the same request again (without a body)">
          Replay
        </button>
        <button onClick={() => void copy(toCurl(t), 'curl command')}>Copy as curl</button>
        {logLine !== null && (
          <button onClick={() => void copy(logLine, 'Log line')} title="The line the AEMaaCS dispatcher.log would show">
            Copy log line
          </button>
        )}
        {note && <span className="note">{note}</span>}
      </div>
    </header>
  )
}
