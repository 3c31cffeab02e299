/**
 * Flush with a preview: the request that will be sent (line and headers, the farm its Host
 * selects) and what it will touch and delete are shown before anything happens (§7.1, §7.3);
 * on confirm the request AEM's flush agent sends goes to the proxy's own listener (so it is in
 * the Requests log), and what its trace says it did is shown: the Dispatcher's 403 with its
 * reason when `/allowedClients` refuses the loopback client.
 */
import { useEffect, useState } from 'react'
import type { FlushAction, FlushPreview, FlushSent } from '../../../../shared/cache-types'
import { Dialog } from '../../components/Dialog'
import { SourceLink } from '../../components/SourceLink'
import { useSession } from '../../session-context'
import { uiStore } from '../../store/panels'
import { formatCount } from '../../store/format'

// Deactivate is what AEM's agent sends on unpublish: the cache effect of Delete, its own request.
const ACTIONS: FlushAction[] = ['Activate', 'Deactivate', 'Delete']

/**
 * What a flush of handle `/` does (§7.3 step 4, §5.5.2): the Dispatcher touches the `.stat` files
 * on the handle's path, which for `/` is the docroot's `/.stat` alone; a cached file is judged by
 * its nearest `.stat`, so files below the deeper ones earlier flushes wrote (down to
 * `/statfileslevel`) stay fresh. Said on the button and in the dialog so "root" is not read as "everything".
 */
const STAYS_FRESH =
  'files below a deeper .stat (written by earlier flushes, down to /statfileslevel) stay fresh. To drop everything, use Clear… on the folders.'

export const ROOT_HANDLE_NOTE = `Sends CQ-Handle: / — touches only the docroot's .stat; ${STAYS_FRESH}`

/** The same, in the dialog, naming the `.stat` files the preview says the root handle touches. */
function rootHandleNote(statfiles: readonly string[]): string {
  return `Handle / touches only ${statfiles.join(', ')}: a cached file is judged by its nearest .stat, so ${STAYS_FRESH}`
}

export function FlushDialog({
  farm,
  handle,
  initialAction,
  onClose
}: {
  farm: string
  handle: string
  initialAction: FlushAction
  onClose: () => void
}) {
  const session = useSession()
  const [action, setAction] = useState<FlushAction>(initialAction)
  const [resourceOnly, setResourceOnly] = useState(false)
  // The preview is kept with the choices it was worked out for and shown only while they are
  // still the dialog's: an effect clears nothing until after the render that changed a choice,
  // so an old preview (its .stat list, its enabled Flush button) would otherwise stay on screen
  // beside the new choice until the new preview arrives.
  const asked = JSON.stringify([farm, handle, action, resourceOnly])
  const [answer, setAnswer] = useState<{ asked: string; preview?: FlushPreview; error?: string } | null>(null)
  const current = answer?.asked === asked ? answer : null
  const preview = current?.preview ?? null
  const [report, setReport] = useState<FlushSent | null>(null)
  const [sendError, setSendError] = useState<string | null>(null)
  const error = sendError ?? current?.error ?? null
  // While the flush is on its way the choices stay as sent: its report, when it comes, is shown
  // beside them, and a choice changed meanwhile would stand beside a flush that did not use it.
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    setSendError(null)
    session.client
      .previewFlush(farm, handle, action, resourceOnly)
      .then((p) => live && setAnswer({ asked, preview: p }))
      .catch((e: Error) => live && setAnswer({ asked, error: e.message }))
    return () => {
      live = false
    }
  }, [session, farm, handle, action, resourceOnly, asked])

  const run = async (): Promise<void> => {
    setBusy(true)
    try {
      setReport(await session.client.flush(farm, handle, action, resourceOnly))
      session.refreshCache()
    } catch (e) {
      setSendError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog
      title={`Flush ${handle}`}
      onClose={onClose}
      actions={
        report ? (
          <button onClick={onClose}>Close</button>
        ) : (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={!preview || busy} onClick={() => void run()}>
              {action === 'Activate' ? 'Flush' : action}
            </button>
          </>
        )
      }
    >
      <div className="segmented" role="radiogroup" aria-label="Flush action">
        {ACTIONS.map((a) => (
          <label key={a} className={a === action ? 'active' : ''}>
            <input
              type="radio"
              name="action"
              value={a}
              checked={a === action}
              onChange={() => setAction(a)}
              disabled={!!report || busy}
            />{' '}
            {a}
          </label>
        ))}
      </div>
      <label className="flush-scope">
        <input
          type="checkbox"
          checked={resourceOnly}
          onChange={(e) => setResourceOnly(e.target.checked)}
          disabled={!!report || busy}
        />{' '}
        Resource only{' '}
        <span className="muted">
          (CQ-Action-Scope: ResourceOnly: deletes the handle&apos;s files, touches no .stat)
        </span>
      </label>
      {!report && <RequestPreview preview={preview} />}
      {handle === '/' && preview && preview.statfiles.length > 0 && (
        <p className="root-handle-note">{rootHandleNote(preview.statfiles)}</p>
      )}
      {error && <p className="error-text">{error}</p>}
      {report ? (
        <SentView sent={report} onClose={onClose} />
      ) : preview ? (
        <PreviewView preview={preview} />
      ) : (
        !error && <p>Working out what it will do…</p>
      )}
    </Dialog>
  )
}

/**
 * The request the flush will send, line by line as it goes out (the same the engine sends), and
 * the farm its Host selects by which `/virtualhosts` value: on AMS a flush farm sharing the
 * docroot, as the flush agent's `Host: flush` selects it.
 */
function RequestPreview({ preview }: { preview: FlushPreview | null }) {
  if (!preview) return null
  const request = preview.request
  if (!request) return <p className="error-text">Cannot be sent: {preview.requestProblem}</p>
  return (
    <div className="flush-request-preview">
      <div className="section-label">Request to send (to the proxy; it appears in the Requests log)</div>
      <pre className="module-log flush-request">
        {[`${request.method} ${request.target} HTTP/1.1`, ...request.headers.map(([k, v]) => `${k}: ${v}`)].join('\n')}
      </pre>
      <p className="muted flush-host">
        Host selects farm /{request.farm}
        {request.value ? (
          <>
            {' '}
            by its /virtualhosts value <span className="mono">&quot;{request.value.value}&quot;</span>
            {request.value.pos && (
              <>
                {' '}
                (<SourceLink pos={request.value.pos} />)
              </>
            )}
          </>
        ) : (
          ' as the fallback farm'
        )}
        .
      </p>
      {request.flushFarmNote && <p className="flush-farm-note">Sent {request.flushFarmNote}.</p>}
    </div>
  )
}

function PreviewView({ preview }: { preview: FlushPreview }) {
  // Every entry listed under Deleted (a document's .h and .ttl companions included), as the
  // flush's trace counts what it deleted: the preview announces the number the trace will say.
  const deleted = preview.deletions.length
  return (
    <div className="flush-preview">
      <p>
        <b>{formatCount(preview.invalidated.count)}</b>
        {` cached document${preview.invalidated.count === 1 ? '' : 's'} will become stale`}
        {deleted > 0 ? ', ' : ''}
        {deleted > 0 && <b>{formatCount(deleted)}</b>}
        {deleted > 0 ? ' deleted.' : '.'}
      </p>
      <List title=".stat files touched" items={preview.statfiles} />
      <List title="Deleted" items={preview.deletions.map((d) => `${d.relPath}${d.kind === 'dir' ? '/' : ''}`)} />
      <List title="Invalidated (sample)" items={preview.invalidated.sample} more={preview.invalidated.truncated} />
      <List title="Fetched again" items={preview.refetch} />
      {preview.handler && <p>Runs the /invalidateHandler {preview.handler}</p>}
      {preview.log.length > 0 && <pre className="module-log">{preview.log.join('\n')}</pre>}
    </div>
  )
}

function SentView({ sent, onClose }: { sent: FlushSent; onClose: () => void }) {
  const session = useSession()
  const report = sent.report
  const showRequest = (): void => {
    if (!sent.traceId) return
    session.requests.getState().select(sent.traceId)
    uiStore.setState({ tab: 'requests' })
    onClose()
  }
  return (
    <div className="flush-preview">
      {report ? (
        // The flush stage's own summary, not a count made again here: the dialog says what the trace says.
        <p>
          Done: HTTP {sent.status}. {sent.summary}
        </p>
      ) : sent.traceId === null ? (
        <p className="error-text">
          HTTP {sent.status}: sent, but its trace was not found, so what it did is not known: see the Requests log.
        </p>
      ) : (
        <p className="error-text">
          HTTP {sent.status}: nothing was invalidated in this farm. {sent.summary}
        </p>
      )}
      <div className="section-label">Request sent</div>
      <pre className="module-log flush-request">
        {[
          `${sent.request.method} ${sent.request.target} HTTP/1.1`,
          ...sent.request.headers.map(([k, v]) => `${k}: ${v}`)
        ].join('\n')}
      </pre>
      <p className="muted">Host: {sent.hostReason}</p>
      {report && <List title=".stat files touched" items={report.statfilesTouched} />}
      {report && <List title="Deleted" items={report.deleted} />}
      {report && report.log.length > 0 && <pre className="module-log">{report.log.join('\n')}</pre>}
      {sent.traceId && <button onClick={showRequest}>Show the request in the log</button>}
    </div>
  )
}

function List({ title, items, more }: { title: string; items: string[]; more?: boolean }) {
  if (items.length === 0) return null
  return (
    <div>
      <div className="section-label">{title}</div>
      <ul className="path-list">
        {items.slice(0, 50).map((i) => (
          <li key={i} className="mono">
            {i}
          </li>
        ))}
        {(more || items.length > 50) && <li className="muted">…</li>}
      </ul>
    </div>
  )
}

export function ClearDialog({ farm, relPath, onClose }: { farm: string; relPath: string; onClose: () => void }) {
  const session = useSession()
  const [result, setResult] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const run = async (): Promise<void> => {
    setBusy(true)
    try {
      const r = await session.client.clearCacheFolder(farm, relPath)
      setResult(`${formatCount(r.deleted)} file${r.deleted === 1 ? '' : 's'} deleted.`)
      session.refreshCache()
    } catch (e) {
      setResult((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={`Clear ${relPath}`}
      onClose={onClose}
      actions={
        result ? (
          <button onClick={onClose}>Close</button>
        ) : (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary danger" disabled={busy} onClick={() => void run()}>
              Delete cached files
            </button>
          </>
        )
      }
    >
      <p>
        Deletes every cached file under {relPath} in the docroot of /{farm}. The next requests are misses and fetch from
        the render again.
      </p>
      {result && <p>{result}</p>}
    </Dialog>
  )
}
