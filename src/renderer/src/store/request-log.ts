/**
 * The request log's state and its transitions, without React: a bounded list of summary rows
 * (oldest first, ordered by sequence number), the rows the filter lets through, how many older
 * requests were dropped, and what arrived while the view was paused.
 */
import type { TraceSummary } from '../../../shared/api'
import { parseFilter, type ParsedFilter } from './filter-query'

export interface LogState {
  capacity: number
  rows: TraceSummary[]
  /** The rows the filter lets through, in the same order. */
  visible: TraceSummary[]
  /** Requests that will never be shown: pushed out of the engine's ring, or of this list. */
  dropped: number
  /** Highest sequence number received (rows at or below it are duplicates). */
  lastSeq: number
  /** Rows at or below this sequence number were cleared by the user. */
  floorSeq: number
  query: string
  filter: ParsedFilter
  paused: boolean
  /** Rows received while paused, shown on resume (bounded like the list). */
  held: TraceSummary[]
  heldDropped: number
}

export function emptyLog(capacity: number, query = ''): LogState {
  return {
    capacity,
    rows: [],
    visible: [],
    dropped: 0,
    lastSeq: 0,
    floorSeq: 0,
    query,
    filter: parseFilter(query),
    paused: false,
    held: [],
    heldDropped: 0
  }
}

/**
 * Adds a live batch. Requests finish out of order (a slow page started before a fast image),
 * so rows are merged by sequence number, i.e. in the order the requests arrived; rows already
 * in the list are skipped; the oldest make room.
 */
export function appendRows(state: LogState, incoming: TraceSummary[], droppedUpstream = 0): LogState {
  const fresh = incoming.filter((r) => r.seq > state.floorSeq)
  if (fresh.length === 0 && droppedUpstream === 0) return state
  const lastSeq = fresh.reduce((m, r) => Math.max(m, r.seq), state.lastSeq)
  if (state.paused) {
    const held = mergeBySeq(state.held, fresh)
    const over = Math.max(0, held.length - state.capacity)
    return {
      ...state,
      lastSeq,
      held: over > 0 ? held.slice(over) : held,
      heldDropped: state.heldDropped + over + droppedUpstream
    }
  }
  return addToList(state, fresh, droppedUpstream, lastSeq)
}

function addToList(state: LogState, fresh: TraceSummary[], droppedUpstream: number, lastSeq: number): LogState {
  let rows = mergeBySeq(state.rows, fresh)
  let visible = mergeBySeq(state.visible, fresh.filter(state.filter.test))
  const over = rows.length - state.capacity
  if (over > 0) {
    const firstKept = rows[over].seq
    rows = rows.slice(over)
    let cut = 0
    while (cut < visible.length && visible[cut].seq < firstKept) cut++
    if (cut > 0) visible = visible.slice(cut)
  }
  return { ...state, rows, visible, lastSeq, dropped: state.dropped + Math.max(0, over) + droppedUpstream }
}

/** Both lists by sequence number; a row whose number is already in `base` is left out. */
export function mergeBySeq(base: TraceSummary[], add: TraceSummary[]): TraceSummary[] {
  if (add.length === 0) return base
  const sorted = isSorted(add) ? add : [...add].sort((a, b) => a.seq - b.seq)
  if (base.length === 0 || sorted[0].seq > base[base.length - 1].seq) return base.concat(dedupeSorted(sorted))
  const out: TraceSummary[] = new Array<TraceSummary>(base.length + sorted.length)
  let i = 0
  let j = 0
  let n = 0
  while (i < base.length || j < sorted.length) {
    const b = base[i]
    const a = sorted[j]
    if (a === undefined || (b !== undefined && b.seq <= a.seq)) {
      if (a !== undefined && b.seq === a.seq) j++
      out[n++] = b
      i++
    } else {
      if (n === 0 || out[n - 1].seq !== a.seq) out[n++] = a
      j++
    }
  }
  out.length = n
  return out
}

function dedupeSorted(rows: TraceSummary[]): TraceSummary[] {
  for (let k = 1; k < rows.length; k++)
    if (rows[k].seq === rows[k - 1].seq) return rows.filter((r, m) => m === 0 || r.seq !== rows[m - 1].seq)
  return rows
}

function isSorted(rows: TraceSummary[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i].seq < rows[i - 1].seq) return false
  return true
}

/**
 * Merges the answer of `listTraces` (what happened before the page connected, or while it was
 * disconnected) with what arrived live meanwhile; rows the user cleared never come back.
 */
export function mergeLoaded(state: LogState, loaded: TraceSummary[], droppedBefore: number): LogState {
  return appendRows(state, loaded, droppedBefore)
}

export function setQuery(state: LogState, query: string): LogState {
  if (query === state.query) return state
  const filter = parseFilter(query)
  return { ...state, query, filter, visible: state.rows.filter(filter.test) }
}

export function pause(state: LogState): LogState {
  return state.paused ? state : { ...state, paused: true }
}

export function resume(state: LogState): LogState {
  if (!state.paused) return state
  const unpaused: LogState = { ...state, paused: false, held: [], heldDropped: 0 }
  return addToList(unpaused, state.held, state.heldDropped, state.lastSeq)
}

/** Empties the list; sequence numbers stay, so requests cleared are not loaded again. */
export function clearLog(state: LogState): LogState {
  return {
    ...emptyLog(state.capacity, state.query),
    lastSeq: state.lastSeq,
    floorSeq: state.lastSeq,
    paused: state.paused
  }
}
