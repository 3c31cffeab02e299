/**
 * The request log's columns: which exist, how wide, and which the user chose to show
 * (remembered in localStorage where there is one).
 */
import { createStore } from 'zustand/vanilla'

export type ColumnId =
  'time' | 'method' | 'host' | 'url' | 'farm' | 'status' | 'outcome' | 'rule' | 'render' | 'duration' | 'size'

export interface ColumnDef {
  id: ColumnId
  label: string
  /** CSS grid track: fixed, or a share of the rest with no content-based minimum (`minmax(0, …)`), so laying out a row never measures its text. */
  width: string
  align?: 'right'
  /** Always shown (the URL is what a row is). */
  fixed?: boolean
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'time', label: 'Time', width: '104px' },
  { id: 'method', label: 'Method', width: '80px' },
  { id: 'host', label: 'Host', width: 'minmax(0, 0.6fr)' },
  { id: 'url', label: 'URL', width: 'minmax(0, 3fr)', fixed: true },
  { id: 'farm', label: 'Farm', width: 'minmax(0, 0.5fr)' },
  { id: 'status', label: 'Status', width: '72px', align: 'right' },
  { id: 'outcome', label: 'Outcome', width: '112px' },
  { id: 'rule', label: 'Rule', width: 'minmax(0, 0.6fr)' },
  { id: 'render', label: 'Render', width: 'minmax(0, 0.5fr)' },
  { id: 'duration', label: 'Duration', width: '84px', align: 'right' },
  { id: 'size', label: 'Size', width: '68px', align: 'right' }
]

export const DEFAULT_HIDDEN: readonly ColumnId[] = ['host', 'render']

const STORAGE_KEY = 'dw.columns.hidden'

interface Storage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

function storage(): Storage | null {
  const s = (globalThis as { localStorage?: Storage }).localStorage
  return s ?? null
}

function readHidden(): ColumnId[] {
  try {
    const raw = storage()?.getItem(STORAGE_KEY)
    if (!raw) return [...DEFAULT_HIDDEN]
    const ids = JSON.parse(raw) as unknown
    return Array.isArray(ids)
      ? ids.filter((id): id is ColumnId => COLUMNS.some((c) => c.id === id && !c.fixed))
      : [...DEFAULT_HIDDEN]
  } catch {
    return [...DEFAULT_HIDDEN]
  }
}

export interface ColumnsState {
  hidden: ColumnId[]
  toggle(id: ColumnId): void
}

export const columnsStore = createStore<ColumnsState>((set, get) => ({
  hidden: readHidden(),
  toggle(id) {
    if (COLUMNS.find((c) => c.id === id)?.fixed) return
    const hidden = get().hidden.includes(id) ? get().hidden.filter((h) => h !== id) : [...get().hidden, id]
    set({ hidden })
    try {
      storage()?.setItem(STORAGE_KEY, JSON.stringify(hidden))
    } catch {
      // Storage may be unavailable (private mode); the choice then lasts for this page only.
    }
  }
}))

/** What the log keeps beside an open request detail (as DevTools narrows to the name). */
export const COMPACT: readonly ColumnId[] = ['method', 'url', 'status', 'outcome']

export function visibleColumns(hidden: readonly ColumnId[], compact = false): ColumnDef[] {
  return COLUMNS.filter((c) => (compact ? COMPACT.includes(c.id) : c.fixed || !hidden.includes(c.id)))
}

export function gridTemplate(columns: readonly ColumnDef[]): string {
  return columns.map((c) => c.width).join(' ')
}
