/**
 * The virtualised request log: only the rows in view exist in the DOM, so tens of thousands
 * of requests scroll smoothly. New rows keep the view at the bottom only while the user is
 * there; scrolling up stops following until they scroll back down.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useLayoutEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import type { TraceSummary } from '../../../../shared/api'
import { OutcomePill, StatusCode } from '../../components/Pill'
import { Empty } from '../../components/Empty'
import { useRequests } from '../../session-context'
import { contentWidths, gridTemplate, visibleColumns, type ColumnDef } from '../../store/columns'
import { formatBytes, formatMs } from '../../store/format'
import { LocalTime } from '../../components/LocalTime'
import { isAtBottom } from '../../store/requests'
import { useHiddenColumns } from './use-hidden-columns'

const ROW_HEIGHT = 24
/** The sticky column header sits above the rows inside the same scroller. */
const HEADER_HEIGHT = 26

export function RequestTable() {
  const rows = useRequests((s) => s.visible)
  const total = useRequests((s) => s.rows.length)
  const followTail = useRequests((s) => s.followTail)
  const selectedId = useRequests((s) => s.selectedId)
  const setFollowTail = useRequests((s) => s.setFollowTail)
  const select = useRequests((s) => s.select)
  const hidden = useHiddenColumns()
  const compact = selectedId !== null
  const columns = useMemo(() => visibleColumns(hidden, compact), [hidden, compact])
  // A string: rows re-render only when a column's width really changed.
  const template = useMemo(() => gridTemplate(columns, contentWidths(columns, rows)), [columns, rows])
  const scroller = useRef<HTMLDivElement>(null)
  const lastTop = useRef(0)

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    scrollMargin: HEADER_HEIGHT,
    getItemKey: (i) => rows[i].seq
  })

  useLayoutEffect(() => {
    const el = scroller.current
    if (followTail && el && rows.length > 0) el.scrollTop = el.scrollHeight
  }, [rows, followTail])

  const onScroll = useCallback(() => {
    const el = scroller.current
    if (!el) return
    if (isAtBottom(el.scrollTop, el.clientHeight, el.scrollHeight)) setFollowTail(true)
    else if (el.scrollTop < lastTop.current - 1) setFollowTail(false)
    lastTop.current = el.scrollTop
  }, [setFollowTail])

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const at = rows.findIndex((r) => r.id === selectedId)
    const next = Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))
    if (rows[next]) {
      select(rows[next].id)
      virtualizer.scrollToIndex(next)
    }
  }

  return (
    <div
      className={`table${compact ? ' compact' : ''}`}
      role="grid"
      aria-rowcount={rows.length}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="table-scroll" ref={scroller} onScroll={onScroll}>
        <div className="row header" style={{ gridTemplateColumns: template }} role="row">
          {columns.map((c) => (
            <div key={c.id} className={`cell col-${c.id}${c.align === 'right' ? ' right' : ''}`} role="columnheader">
              {c.label}
            </div>
          ))}
        </div>
        {rows.length === 0 ? (
          total === 0 ? (
            <Empty title="No requests yet">
              Browse the site through the proxy address shown at the top right; every request appears here as it
              happens.
            </Empty>
          ) : (
            <Empty title="No request matches the filter" />
          )
        ) : (
          <div className="rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((v) => {
              const row = rows[v.index]
              return (
                <Row
                  key={v.key}
                  row={row}
                  columns={columns}
                  template={template}
                  top={v.start - HEADER_HEIGHT}
                  selected={row.id === selectedId}
                  onSelect={select}
                />
              )
            })}
          </div>
        )}
      </div>
      {!followTail && rows.length > 0 && (
        <button className="follow-button" onClick={() => setFollowTail(true)}>
          ↓ Follow new requests
        </button>
      )}
    </div>
  )
}

const Row = memo(function Row({
  row,
  columns,
  template,
  top,
  selected,
  onSelect
}: {
  row: TraceSummary
  columns: ColumnDef[]
  template: string
  top: number
  selected: boolean
  onSelect: (id: string) => void
}) {
  return (
    <div
      className={`row outcome-row-${row.outcome}${selected ? ' selected' : ''}`}
      role="row"
      aria-selected={selected}
      data-seq={row.seq}
      data-id={row.id}
      style={{ gridTemplateColumns: template, transform: `translateY(${top}px)` }}
      onClick={() => onSelect(row.id)}
    >
      {columns.map((c) => (
        <div
          key={c.id}
          className={`cell cell-${c.id} col-${c.id}${c.align === 'right' ? ' right' : ''}`}
          role="gridcell"
        >
          <CellValue id={c.id} row={row} />
        </div>
      ))}
    </div>
  )
})

function CellValue({ id, row }: { id: ColumnDef['id']; row: TraceSummary }) {
  switch (id) {
    case 'seq':
      return <>{row.seq}</>
    case 'time':
      return <LocalTime at={row.startedAt} />
    case 'method':
      return <>{row.method}</>
    case 'host':
      return <span title={row.host}>{row.host}</span>
    case 'url':
      return <span title={row.url}>{row.url}</span>
    case 'farm':
      return <span title={row.farm ?? undefined}>{row.farm ?? '—'}</span>
    case 'status':
      return <StatusCode status={row.status} />
    case 'outcome':
      return <OutcomePill outcome={row.outcome} title={row.cacheInfo ? `X-Cache-Info: ${row.cacheInfo}` : undefined} />
    case 'rule':
      return <>{row.rule ? `/${row.rule}` : ''}</>
    case 'render':
      return <span title={row.render ?? undefined}>{row.render ?? ''}</span>
    case 'duration':
      return <>{formatMs(row.durationMs)}</>
    case 'size':
      return <>{formatBytes(row.bytes)}</>
  }
}
