/** The docroot of one farm: totals, hit ratio, and the lazy tree with flush, clear and "show in folder". */
import { useEffect, useRef, useState } from 'react'
import type { FlushAction } from '../../../../shared/cache-types'
import { Empty } from '../../components/Empty'
import { useRequests, useSession, useVanilla } from '../../session-context'
import { cacheStore, hitRatio } from '../../store/cache-tree'
import { formatBytes, formatCount } from '../../store/format'
import { configStore } from '../../store/panels'
import { CacheTree } from './CacheTree'
import { ClearDialog, FlushDialog, ROOT_HANDLE_NOTE } from './FlushDialog'
import { RevealNotice, type RevealProblem } from './RevealNotice'

export type CacheAction =
  | { kind: 'flush'; handle: string; action: FlushAction }
  | { kind: 'clear'; relPath: string }
  | { kind: 'reveal'; relPath: string }

const HIT_RATIO_TITLE =
  "Of the requests in the Requests log that asked this farm's cache (hit, stale, miss · stored, not cacheable), " +
  'those it answered (hit, stale). Clear in the Requests view empties the log, and this starts again from 0.'

export function CacheView() {
  const session = useSession()
  const farms = useVanilla(configStore, (s) => s.status?.farms)
  const farm = useVanilla(cacheStore, (s) => s.farm)
  const totals = useVanilla(cacheStore, (s) => s.totals)
  const error = useVanilla(cacheStore, (s) => s.error)
  const rows = useRequests((s) => s.rows)
  const [pending, setPending] = useState<CacheAction | null>(null)
  /** What had the focus when a dialog opened: it gets it back when the dialog closes. */
  const opener = useRef<HTMLElement | null>(null)
  const [revealProblem, setRevealProblem] = useState<RevealProblem | null>(null)
  const ratio = hitRatio(rows, farm)

  const selectFarm = session.selectCacheFarm
  useEffect(() => {
    if (!farm && farms && farms.length > 0) selectFarm(farms[farms.length - 1].name)
  }, [farm, farms, selectFarm])

  /** The newest "Show in folder": an earlier one answering later must not name its file instead. */
  const revealAsked = useRef(0)
  const reveal = async (relPath: string): Promise<void> => {
    if (!farm) return
    const asked = ++revealAsked.current
    setRevealProblem(null)
    try {
      const r = await session.client.revealInFileManager(farm, relPath)
      if (asked === revealAsked.current && !r.opened)
        setRevealProblem({ reason: r.reason ?? 'unknown reason', path: r.path })
    } catch (e) {
      if (asked === revealAsked.current) setRevealProblem({ reason: (e as Error).message })
    }
  }

  const open = (a: CacheAction): void => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
    setPending(a)
  }

  // The dialog is taken out of the page when it closes, so the browser gives the focus back to
  // nothing: a keyboard user would start again from the top of the page.
  useEffect(() => {
    if (pending !== null) return
    const el = opener.current
    opener.current = null
    if (!el?.isConnected) return
    // A row's buttons show only while the row has the focus (or the pointer): the row first.
    el.closest<HTMLElement>('[data-key]')?.focus()
    el.focus()
  }, [pending])

  const onAction = (a: CacheAction): void => (a.kind === 'reveal' ? void reveal(a.relPath) : open(a))

  return (
    <div className="cache-view">
      <div className="toolbar">
        <label>
          Farm{' '}
          <select value={farm ?? ''} onChange={(e) => selectFarm(e.target.value)} aria-label="Farm">
            {(farms ?? []).map((f) => (
              <option key={f.name} value={f.name}>
                /{f.name}
              </option>
            ))}
          </select>
        </label>
        <div className="counts">
          {totals && (
            <>
              <span>
                {formatCount(totals.files)}
                {totals.truncated ? '+' : ''} files
              </span>
              <span>{formatBytes(totals.bytes)}</span>
              <span>{formatCount(totals.statfiles)} .stat</span>
            </>
          )}
          {/* Counted from the Requests log, as one reads it off dispatcher.log: Clear there starts it anew. */}
          <span data-testid="hit-ratio" title={HIT_RATIO_TITLE}>
            requests in the log: hit ratio {ratio.ratio === null ? '—' : `${Math.round(ratio.ratio * 100)}%`} (
            {formatCount(ratio.hits)}/{formatCount(ratio.lookups)})
          </span>
        </div>
        <button
          className="icon-button"
          onClick={() => farm && open({ kind: 'flush', handle: '/', action: 'Activate' })}
          disabled={!farm || !!error}
          title={ROOT_HANDLE_NOTE}
        >
          Flush / (root handle)…
        </button>
        <button className="icon-button" onClick={() => farm && selectFarm(farm)} disabled={!farm}>
          Refresh
        </button>
      </div>
      {revealProblem && <RevealNotice problem={revealProblem} onClose={() => setRevealProblem(null)} />}
      {error ? <Empty title="The cache cannot be shown">{error}</Empty> : <CacheTree onAction={onAction} />}
      {pending?.kind === 'flush' && farm && (
        <FlushDialog
          farm={farm}
          handle={pending.handle}
          initialAction={pending.action}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'clear' && farm && (
        <ClearDialog farm={farm} relPath={pending.relPath} onClose={() => setPending(null)} />
      )}
    </div>
  )
}
