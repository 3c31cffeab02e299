/**
 * The virtualised docroot tree: folders open on click (or Enter, Space, the arrows) and are
 * listed when first opened. One row at a time takes Tab; its actions show while it has the
 * focus, as on hover, so they are reached with Tab from the row.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { Empty } from '../../components/Empty'
import { useSession, useVanilla } from '../../session-context'
import { cacheStore, flattenTree, flushHandleFor, flushHandleForFolder, type TreeRow } from '../../store/cache-tree'
import { formatAgo, formatBytes, formatCount, formatDateTime } from '../../store/format'
import { governedBy } from '../../store/governed-by'
import { activeKey, isFocusable, treeKey } from '../../store/tree-keys'
import type { CacheAction } from './CacheView'

const ROW_HEIGHT = 26

export function CacheTree({ onAction }: { onAction: (a: CacheAction) => void }) {
  const session = useSession()
  const listings = useVanilla(cacheStore, (s) => s.listings)
  const open = useVanilla(cacheStore, (s) => s.open)
  const loading = useVanilla(cacheStore, (s) => s.loading)
  const rows = useMemo(() => flattenTree(listings, open, loading), [listings, open, loading])
  const scroller = useRef<HTMLDivElement>(null)
  const [focused, setFocused] = useState<string | null>(null)
  /** A row the keyboard moved to, focused once the virtualiser has rendered it. */
  const [moveTo, setMoveTo] = useState<string | null>(null)
  const active = activeKey(rows, focused)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rows[i].key
  })
  const items = virtualizer.getVirtualItems()

  useEffect(() => {
    if (moveTo === null) return
    const el = scroller.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(moveTo)}"]`)
    if (!el) return
    el.focus()
    setMoveTo(null)
  }, [moveTo, items])

  const toggle = (relPath: string): void => {
    const isOpen = open.includes(relPath)
    cacheStore.setState({
      open: isOpen ? open.filter((o) => o !== relPath && !o.startsWith(relPath + '/')) : [...open, relPath]
    })
    if (!isOpen && !listings[relPath]) void session.refreshCacheFolder(relPath)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLElement>, key: string): void => {
    // Keys pressed on a row's buttons are theirs (Enter and Space press them).
    if (e.target !== e.currentTarget) return
    const effect = treeKey(rows, key, e.key)
    if (!effect) return
    e.preventDefault()
    if ('toggle' in effect) return toggle(effect.toggle)
    setFocused(effect.focus)
    setMoveTo(effect.focus)
    virtualizer.scrollToIndex(rows.findIndex((r) => r.key === effect.focus))
  }

  if (!listings['/']) return <Empty title={loading.includes('/') ? 'Reading the docroot…' : 'No docroot listing yet'} />

  return (
    <div className="tree" role="tree">
      <div className="row header tree-grid" role="row">
        <div className="cell">name</div>
        <div className="cell">state</div>
        <div className="cell right">size</div>
        <div className="cell">cached</div>
        <div className="cell">governed by</div>
        <div className="cell">actions</div>
      </div>
      <div className="table-scroll" ref={scroller}>
        <div className="rows" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const row = rows[v.index]
            const keys = isFocusable(row)
              ? {
                  tabIndex: row.key === active ? 0 : -1,
                  'data-key': row.key,
                  'aria-level': row.depth + 1,
                  onFocus: () => setFocused(row.key),
                  onKeyDown: (e: KeyboardEvent<HTMLElement>) => onKeyDown(e, row.key)
                }
              : undefined
            return <TreeLine key={row.key} row={row} top={v.start} keys={keys} onToggle={toggle} onAction={onAction} />
          })}
        </div>
      </div>
    </div>
  )
}

/** What makes a row one the keyboard stops on (the roving tabindex, its level, its keys). */
interface RowKeys {
  tabIndex: number
  'data-key': string
  'aria-level': number
  onFocus: () => void
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void
}

function TreeLine({
  row,
  top,
  keys,
  onToggle,
  onAction
}: {
  row: TreeRow
  top: number
  keys: RowKeys | undefined
  onToggle: (p: string) => void
  onAction: (a: CacheAction) => void
}) {
  const indent = { paddingLeft: `${8 + row.depth * 16}px` }
  const style = { transform: `translateY(${top}px)` }
  switch (row.kind) {
    case 'dir':
      return (
        <div
          className="row tree-grid tree-dir"
          style={style}
          role="treeitem"
          aria-expanded={row.open}
          data-path={row.relPath}
          {...keys}
        >
          <div className="cell name" style={indent} onClick={() => onToggle(row.relPath)}>
            <span className="twisty">{row.open ? '▾' : '▸'}</span> {row.name}/{row.loading ? ' …' : ''}
          </div>
          <div className="cell" />
          <div className="cell" />
          <div className="cell" />
          <div className="cell" />
          <div className="cell actions">
            <button
              onClick={() => onAction({ kind: 'flush', handle: flushHandleForFolder(row.relPath), action: 'Activate' })}
              title={`Flush ${flushHandleForFolder(row.relPath)} as AEM would on activation`}
            >
              Flush…
            </button>
            <button
              onClick={() => onAction({ kind: 'clear', relPath: row.relPath })}
              title="Delete every cached file in this folder"
            >
              Clear…
            </button>
            <RevealButton relPath={row.relPath} onAction={onAction} />
          </div>
        </div>
      )
    case 'stat':
      return (
        <div
          className="row tree-grid tree-stat"
          style={style}
          role="treeitem"
          title={`Statfile at level ${row.info.level}: files below that are auto-invalidated and older than it are stale`}
          {...keys}
        >
          <div className="cell name mono" style={indent}>
            {row.name}
          </div>
          <div className="cell">
            <span className="pill tone-info">level {row.info.level}</span>
          </div>
          <div className="cell" />
          <div className="cell" title={formatDateTime(row.info.mtime)}>
            touched {formatAgo(row.info.mtime)}
          </div>
          <div className="cell" />
          <div className="cell" />
        </div>
      )
    case 'file': {
      const governed = governedBy(row.info)
      return (
        <div className="row tree-grid tree-file" style={style} role="treeitem" data-path={row.info.relPath} {...keys}>
          <div className="cell name" style={indent} title={row.info.relPath}>
            {row.name}
          </div>
          <div className="cell">
            <span className={`pill cache-${row.info.state}`}>{row.info.state}</span>
          </div>
          <div className="cell right">{formatBytes(row.info.size)}</div>
          <div className="cell" title={formatDateTime(row.info.cachedAt)}>
            {formatAgo(row.info.cachedAt)}
          </div>
          <div className="cell mono governed-by" title={governed.title}>
            <span>{governed.text}</span>
          </div>
          <div className="cell actions">
            <button
              onClick={() => onAction({ kind: 'flush', handle: flushHandleFor(row.info.relPath), action: 'Activate' })}
              title={`Flush the page ${flushHandleFor(row.info.relPath)} as AEM would on activation`}
            >
              Flush…
            </button>
            <RevealButton relPath={row.info.relPath} onAction={onAction} />
          </div>
        </div>
      )
    }
    case 'more':
      return (
        <div className="row tree-grid tree-more" style={style}>
          <div className="cell muted" style={indent}>
            showing {formatCount(row.shown)} of {formatCount(row.total)} files
          </div>
        </div>
      )
    case 'empty':
      return (
        <div className="row tree-grid tree-more" style={style}>
          <div className="cell muted" style={indent}>
            {row.missing ? 'not in the docroot yet' : 'empty'}
          </div>
        </div>
      )
  }
}

function RevealButton({ relPath, onAction }: { relPath: string; onAction: (a: CacheAction) => void }) {
  return (
    <button onClick={() => onAction({ kind: 'reveal', relPath })} title="Show it in the system's file manager">
      Show in folder
    </button>
  )
}
