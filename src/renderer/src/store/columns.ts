/**
 * The request log's columns: which exist, how wide, and which the user chose to show
 * (remembered in localStorage where there is one).
 */
import { createStore } from 'zustand/vanilla'
import type { TraceSummary } from '../../../shared/api'

export type ColumnId =
  'seq' | 'time' | 'method' | 'host' | 'url' | 'farm' | 'status' | 'outcome' | 'rule' | 'render' | 'duration' | 'size'

export interface ColumnDef {
  id: ColumnId
  label: string
  /**
   * CSS grid track. Each row is a grid of its own (rows are virtualised), so no track can size
   * itself by the column's content: fixed widths (`px`, the text's room without the cell's
   * padding), the URL takes what is left (`minmax(0, 1fr)`), and columns of names use `content`.
   */
  width?: string
  px?: number
  /**
   * Sized by the longest value in the log (`contentWidths`), at most this many characters: farm,
   * render and rule names are short words that should show whole, not a share of the URL's room.
   */
  content?: {
    maxCh: number
    value: (row: TraceSummary) => string | null
    /** Digits only, shown in tabular figures of the row's font: each exactly 1ch, with a narrow padding. */
    digits?: true
  }
  align?: 'right'
  /** Always shown (the URL is what a row is). */
  fixed?: boolean
}

export const COLUMNS: readonly ColumnDef[] = [
  // The sequence number other requests refer to ("same request head as request #2").
  { id: 'seq', label: '#', align: 'right', content: { maxCh: 9, value: (r) => String(r.seq), digits: true } },
  { id: 'time', label: 'Time', px: 88 },
  // Sized to its longest method ("GET" mostly): beside an open request every pixel is the URL's.
  { id: 'method', label: 'Method', content: { maxCh: 7, value: (r) => r.method } },
  { id: 'host', label: 'Host', content: { maxCh: 32, value: (r) => r.host } },
  { id: 'url', label: 'URL', width: 'minmax(0, 1fr)', fixed: true },
  { id: 'farm', label: 'Farm', content: { maxCh: 24, value: (r) => r.farm ?? '—' } },
  { id: 'status', label: 'Status', px: 50, align: 'right' },
  { id: 'outcome', label: 'Outcome', px: 96 },
  { id: 'rule', label: 'Rule', content: { maxCh: 16, value: (r) => (r.rule ? `/${r.rule}` : null) } },
  { id: 'render', label: 'Render', content: { maxCh: 24, value: (r) => r.render } },
  { id: 'duration', label: 'Duration', px: 68, align: 'right' },
  { id: 'size', label: 'Size', px: 52, align: 'right' }
]

/** Hidden when the configuration has one farm with one render: every row would say the same. */
export const DEFAULT_HIDDEN: readonly ColumnId[] = ['host', 'render']

/**
 * The columns hidden until the user chooses: Host only tells requests apart when several farms
 * (picked by Host, through /virtualhosts) serve, and Render when some farm balances between
 * renders (AMS ships 5 farms, 2 renders each).
 */
export function defaultHidden(farms: readonly { renders: readonly string[] }[] | undefined): ColumnId[] {
  const hidden: ColumnId[] = []
  if (!farms || farms.length <= 1) hidden.push('host')
  if (!farms?.some((f) => f.renders.length > 1)) hidden.push('render')
  return hidden
}

const STORAGE_KEY = 'dw.columns.hidden'

interface Storage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

function storage(): Storage | null {
  const s = (globalThis as { localStorage?: Storage }).localStorage
  return s ?? null
}

/** The columns the user chose to hide, `null` when they never chose (the defaults then apply). */
function readChosen(): ColumnId[] | null {
  try {
    const raw = storage()?.getItem(STORAGE_KEY)
    if (!raw) return null
    const ids = JSON.parse(raw) as unknown
    return Array.isArray(ids) ? ids.filter((id): id is ColumnId => COLUMNS.some((c) => c.id === id && !c.fixed)) : null
  } catch {
    return null
  }
}

export interface ColumnsState {
  /** The user's choice of hidden columns; `null` until they make one (`defaultHidden` applies). */
  chosen: ColumnId[] | null
  /** Shows or hides a column, starting from what is hidden now (`current`: the defaults, before a choice). */
  toggle(id: ColumnId, current: readonly ColumnId[]): void
}

export const columnsStore = createStore<ColumnsState>((set) => ({
  chosen: readChosen(),
  toggle(id, current) {
    if (COLUMNS.find((c) => c.id === id)?.fixed) return
    const hidden = current.includes(id) ? current.filter((h) => h !== id) : [...current, id]
    set({ chosen: hidden })
    try {
      storage()?.setItem(STORAGE_KEY, JSON.stringify(hidden))
    } catch {
      // Storage may be unavailable (private mode); the choice then lasts for this page only.
    }
  }
}))

/**
 * What the log keeps beside an open request detail (as DevTools narrows to the name), of the
 * columns the user shows: the number stays, as the detail may name another request by it.
 */
export const COMPACT: readonly ColumnId[] = ['seq', 'method', 'url', 'status', 'outcome']

export function visibleColumns(hidden: readonly ColumnId[], compact = false): ColumnDef[] {
  return COLUMNS.filter((c) => (!compact || COMPACT.includes(c.id)) && (c.fixed || !hidden.includes(c.id)))
}

/** Per content-sized column, the length of its longest value in `rows` (the header's label at least). */
export function contentWidths(columns: readonly ColumnDef[], rows: readonly TraceSummary[]): Map<ColumnId, number> {
  const widths = new Map<ColumnId, number>()
  for (const c of columns) {
    if (!c.content) continue
    let n = c.label.length
    for (const r of rows) n = Math.max(n, c.content.value(r)?.length ?? 0)
    widths.set(c.id, Math.min(n, c.content.maxCh))
  }
  return widths
}

/**
 * A cell's padding, both sides: requests.css narrows `--cell-pad` where the log pane is narrow
 * (a 1024 px window, or beside an open request), so the URL keeps that room.
 */
const PADDING = '2 * var(--cell-pad, 8px)'

/**
 * The rows' grid template. A content-sized column is `ch` wide per character (the width of a
 * digit in the row's font, which the header row shares: its smaller letters are set on its
 * cells) plus one for the letters wider than a digit, plus the cell's padding; a value longer
 * than the limit is cut with an ellipsis and shown whole in its tooltip.
 */
export function gridTemplate(columns: readonly ColumnDef[], widths: ReadonlyMap<ColumnId, number> = new Map()): string {
  return columns
    .map((c) => {
      if (c.px !== undefined) return `calc(${c.px}px + ${PADDING})`
      if (!c.content) return c.width ?? 'auto'
      const n = widths.get(c.id) ?? c.label.length
      // A one-digit number still needs room for its header's bold '#'.
      return c.content.digits ? `calc(${Math.max(n, 2)}ch + 8px)` : `calc(${n + 1}ch + ${PADDING})`
    })
    .join(' ')
}
