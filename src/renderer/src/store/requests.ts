/**
 * The request log store: live batches are applied at most once per animation frame (less
 * often when updates get expensive, see frame-batch.ts), and the view follows the newest
 * request only while the user is scrolled to the bottom.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { TraceSummary } from '../../../shared/api'
import { createFrameBatcher, type Pacing, type Schedule } from './frame-batch'
import { appendRows, clearLog, emptyLog, mergeLoaded, pause, resume, setQuery, type LogState } from './request-log'

export interface RequestsState extends LogState {
  /** Keep the newest row in view; true while the user is at the bottom of the list. */
  followTail: boolean
  selectedId: string | null
}

export interface RequestsActions {
  /** A live batch (from the event stream): queued and applied on the next frame. */
  receive(rows: TraceSummary[], droppedUpstream: number): void
  /** The answer of listTraces, applied at once. */
  load(rows: TraceSummary[], droppedBefore: number): void
  setQuery(query: string): void
  pause(): void
  resume(): void
  clear(): void
  setFollowTail(follow: boolean): void
  select(id: string | null): void
}

export type RequestsStore = StoreApi<RequestsState & RequestsActions>

export function createRequestsStore(opts: {
  capacity?: number
  schedule: Schedule
  pacing?: Pacing
  query?: string
}): RequestsStore {
  const capacity = opts.capacity ?? 10_000
  return createStore<RequestsState & RequestsActions>((set, get) => {
    const apply = (f: (s: LogState) => LogState): void => {
      const s = get()
      const next = f(s)
      if (next !== s) set(next)
    }
    const batcher = createFrameBatcher<TraceSummary>(
      (rows, dropped) => apply((s) => appendRows(s, rows, dropped)),
      opts.schedule,
      capacity,
      opts.pacing
    )
    return {
      ...emptyLog(capacity, opts.query ?? ''),
      followTail: true,
      selectedId: null,
      receive: (rows, dropped) => batcher.push(rows, dropped),
      load: (rows, dropped) => apply((s) => mergeLoaded(s, rows, dropped)),
      setQuery: (q) => apply((s) => setQuery(s, q)),
      pause: () => apply(pause),
      resume: () => apply(resume),
      clear: () => apply(clearLog),
      setFollowTail: (followTail) => {
        if (get().followTail !== followTail) set({ followTail })
      },
      select: (selectedId) => set({ selectedId })
    }
  })
}

/** Within a few pixels of the end counts as at the bottom (fractional scroll positions). */
export function isAtBottom(scrollTop: number, clientHeight: number, scrollHeight: number, slack = 4): boolean {
  return scrollTop + clientHeight >= scrollHeight - slack
}
