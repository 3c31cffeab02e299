/** The request log with its toolbar, and the selected request's detail beside it. */
import { TraceDetailPane } from '../trace/TraceDetailPane'
import { useRequests } from '../../session-context'
import { RequestTable } from './RequestTable'
import { LogToolbar } from './LogToolbar'

export function RequestsView() {
  const selectedId = useRequests((s) => s.selectedId)
  return (
    <div className={`requests${selectedId ? ' with-detail' : ''}`}>
      <section className="log-pane">
        <LogToolbar />
        <RequestTable />
      </section>
      {selectedId && <TraceDetailPane id={selectedId} />}
    </div>
  )
}
