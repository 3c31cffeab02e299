/**
 * Flush with a preview: what the invalidation request will touch and delete is shown before
 * anything happens (§7.3); the same request the AEM replication agent would send runs on confirm.
 */
import { useEffect, useState } from 'react'
import type { FlushAction, FlushPreview, FlushReport } from '../../../../shared/cache-types'
import { Dialog } from '../../components/Dialog'
import { useSession } from '../../session-context'
import { documentCount } from '../../store/cache-tree'
import { formatCount } from '../../store/format'

const ACTIONS: FlushAction[] = ['Activate', 'Delete']

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
  const [preview, setPreview] = useState<FlushPreview | null>(null)
  const [report, setReport] = useState<FlushReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    setPreview(null)
    setError(null)
    session.client
      .previewFlush(farm, handle, action)
      .then((p) => live && setPreview(p))
      .catch((e: Error) => live && setError(e.message))
    return () => {
      live = false
    }
  }, [session, farm, handle, action])

  const run = async (): Promise<void> => {
    setBusy(true)
    try {
      setReport(await session.client.flush(farm, handle, action))
      session.refreshCache()
    } catch (e) {
      setError((e as Error).message)
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
              {action === 'Delete' ? 'Delete' : 'Flush'}
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
              disabled={!!report}
            />{' '}
            {a}
          </label>
        ))}
      </div>
      <p className="muted">
        Sends <span className="mono">CQ-Action: {action}</span>, <span className="mono">CQ-Handle: {handle}</span> to
        the farm /{farm} as AEM&apos;s flush agent would.
      </p>
      {error && <p className="error-text">{error}</p>}
      {report ? (
        <ReportView report={report} />
      ) : preview ? (
        <PreviewView preview={preview} />
      ) : (
        !error && <p>Working out what it will do…</p>
      )}
    </Dialog>
  )
}

function PreviewView({ preview }: { preview: FlushPreview }) {
  const deleted = documentCount(preview.deletions.map((d) => d.relPath))
  return (
    <div className="flush-preview">
      <p>
        <b>{formatCount(preview.invalidated.count)}</b>
        {` cached document${preview.invalidated.count === 1 ? '' : 's'} will become stale`}
        {preview.deletions.length > 0 ? ', ' : ''}
        {preview.deletions.length > 0 && <b>{formatCount(deleted)}</b>}
        {preview.deletions.length > 0 ? ' deleted.' : '.'}
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

function ReportView({ report }: { report: FlushReport }) {
  return (
    <div className="flush-preview">
      <p>
        Done: HTTP {report.status}. {report.statfilesTouched.length} .stat touched, {documentCount(report.deleted)}{' '}
        deleted.
      </p>
      <List title="Deleted" items={report.deleted} />
      {report.log.length > 0 && <pre className="module-log">{report.log.join('\n')}</pre>}
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
