/** Pause / resume, clear, the filter bar, counts, columns and HAR export. */
import { useState } from 'react'
import { useRequests, useSession } from '../../session-context'
import { formatCount } from '../../store/format'
import { ColumnMenu } from './ColumnMenu'
import { exportHar } from './export-har'
import { FilterBar } from './FilterBar'

export function LogToolbar() {
  const session = useSession()
  const paused = useRequests((s) => s.paused)
  const held = useRequests((s) => s.held.length)
  const total = useRequests((s) => s.rows.length)
  const shown = useRequests((s) => s.visible.length)
  const dropped = useRequests((s) => s.dropped)
  const filtering = useRequests((s) => s.filter.terms.length > 0)
  const pause = useRequests((s) => s.pause)
  const resume = useRequests((s) => s.resume)
  const clear = useRequests((s) => s.clear)
  const select = useRequests((s) => s.select)
  const [exporting, setExporting] = useState<string | null>(null)

  const countsTitle = filtering
    ? `${formatCount(shown)} of ${formatCount(total)} requests`
    : `${formatCount(total)} requests`

  const onExport = async (): Promise<void> => {
    setExporting('0%')
    try {
      await exportHar(session, (done, all) => setExporting(`${Math.round((done / Math.max(1, all)) * 100)}%`))
    } finally {
      setExporting(null)
    }
  }

  // In a narrow log (the detail open beside it) the labels drop their .wide-only words
  // (requests.css), so the toolbar keeps to one line; the buttons' names and tooltips stay whole.
  return (
    <div className="toolbar log-toolbar">
      <button
        className={`icon-button${paused ? ' active' : ''}`}
        onClick={() => (paused ? resume() : pause())}
        title={
          paused ? 'Resume: show requests as they arrive' : 'Pause: freeze the list (requests keep being recorded)'
        }
        aria-label={paused ? 'Resume' : 'Pause'}
      >
        {paused ? '▶' : '❚❚'}
        <span className="wide-only"> {paused ? 'Resume' : 'Pause'}</span>
      </button>
      <button
        className="icon-button"
        onClick={() => {
          clear()
          select(null)
          void session.client.clearTraces()
        }}
        title="Clear the log"
      >
        Clear
      </button>
      <FilterBar />
      <div className="counts" title={countsTitle}>
        {filtering ? (
          <span>
            {formatCount(shown)} of {formatCount(total)}
          </span>
        ) : (
          <span>
            {formatCount(total)}
            <span className="wide-only"> requests</span>
          </span>
        )}
        {paused && held > 0 && <span className="held">{formatCount(held)} new while paused</span>}
        {dropped > 0 && (
          <span className="dropped" title="The log keeps the newest requests only (the engine's ring buffer)">
            {formatCount(dropped)} older requests dropped
          </span>
        )}
      </div>
      <ColumnMenu />
      <button
        className="icon-button"
        onClick={() => void onExport()}
        disabled={exporting !== null || shown === 0}
        title="Save the requests shown as a HAR file"
        aria-label={exporting ? `Exporting ${exporting}` : 'Export HAR'}
      >
        {exporting ? (
          <>
            <span className="wide-only">Exporting </span>
            {exporting}
          </>
        ) : (
          <>
            <span className="wide-only">Export </span>HAR
          </>
        )}
      </button>
    </div>
  )
}
