import { describe, expect, it } from 'vitest'
import {
  appendRows,
  clearLog,
  emptyLog,
  mergeBySeq,
  mergeLoaded,
  pause,
  resume,
  setQuery
} from '../../../src/renderer/src/store/request-log'
import { createRequestsStore, isAtBottom } from '../../../src/renderer/src/store/requests'
import { row, rows } from './fixtures'

const seqs = (list: { seq: number }[]): number[] => list.map((r) => r.seq)

describe('the request log list', () => {
  it('keeps at most its capacity and counts the older requests it dropped', () => {
    let s = emptyLog(5)
    s = appendRows(s, rows(1, 4))
    s = appendRows(s, rows(5, 8))
    expect(seqs(s.rows)).toEqual([4, 5, 6, 7, 8])
    expect(s.dropped).toBe(3)
  })

  it('adds the requests the engine left out of a batch to the dropped count', () => {
    const s = appendRows(emptyLog(100), rows(10, 12), 7)
    expect(s.dropped).toBe(7)
  })

  it('ignores rows it already has (the initial load racing the live stream)', () => {
    let s = appendRows(emptyLog(10), rows(1, 3))
    s = appendRows(s, [row(2), row(3), row(4), row(4)])
    expect(seqs(s.rows)).toEqual([1, 2, 3, 4])
  })

  it('sorts a batch that arrives out of order', () => {
    const s = appendRows(emptyLog(10), [row(3), row(1), row(2)])
    expect(seqs(s.rows)).toEqual([1, 2, 3])
  })

  it('a request that finishes after later ones is put in its place, not lost', () => {
    let s = setQuery(emptyLog(10), 'status:200')
    s = appendRows(s, [row(1), row(2), row(4), row(5)])
    s = appendRows(s, [row(3), row(6)])
    expect(seqs(s.rows)).toEqual([1, 2, 3, 4, 5, 6])
    expect(seqs(s.visible)).toEqual([1, 2, 3, 4, 5, 6])
    expect(s.dropped).toBe(0)
  })

  it('a late request older than everything kept is counted as dropped', () => {
    let s = appendRows(emptyLog(3), rows(5, 7))
    s = appendRows(s, [row(2)])
    expect(seqs(s.rows)).toEqual([5, 6, 7])
    expect(s.dropped).toBe(1)
  })

  it('mergeBySeq merges two sorted lists and leaves out numbers already there', () => {
    expect(seqs(mergeBySeq(rows(1, 5), [row(0), row(3), row(6), row(6)]))).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(seqs(mergeBySeq([], [row(2), row(1), row(2)]))).toEqual([1, 2])
  })

  it('the filtered view follows new rows and evictions', () => {
    let s = setQuery(emptyLog(4), 'outcome:blocked')
    s = appendRows(s, [row(1, { outcome: 'blocked' }), row(2), row(3, { outcome: 'blocked' })])
    expect(seqs(s.visible)).toEqual([1, 3])
    s = appendRows(s, rows(4, 5))
    expect(seqs(s.rows)).toEqual([2, 3, 4, 5])
    expect(seqs(s.visible)).toEqual([3])
  })

  it('changing the query filters the rows already there', () => {
    let s = appendRows(emptyLog(10), [row(1, { status: 404 }), row(2), row(3, { status: 404 })])
    s = setQuery(s, 'status:404')
    expect(seqs(s.visible)).toEqual([1, 3])
    s = setQuery(s, '')
    expect(seqs(s.visible)).toEqual([1, 2, 3])
  })

  it('while paused, new requests are held (not shown) and appear on resume', () => {
    let s = appendRows(emptyLog(10), rows(1, 2))
    s = pause(s)
    s = appendRows(s, rows(3, 5))
    expect(seqs(s.rows)).toEqual([1, 2])
    expect(s.held).toHaveLength(3)
    s = resume(s)
    expect(seqs(s.rows)).toEqual([1, 2, 3, 4, 5])
    expect(s.held).toEqual([])
  })

  it('what is held while paused is bounded too, and the overflow is counted as dropped', () => {
    let s = pause(emptyLog(3))
    s = appendRows(s, rows(1, 5))
    s = resume(s)
    expect(seqs(s.rows)).toEqual([3, 4, 5])
    expect(s.dropped).toBe(2)
  })

  it('clear empties the list and resets the dropped count; cleared requests do not come back on a reload', () => {
    let s = appendRows(emptyLog(3), rows(1, 5))
    s = clearLog(s)
    expect(s.rows).toEqual([])
    expect(s.dropped).toBe(0)
    s = mergeLoaded(s, rows(3, 6), 0)
    expect(seqs(s.rows)).toEqual([6])
  })

  it('the initial load puts older requests in front of those that arrived live meanwhile', () => {
    let s = appendRows(emptyLog(10), rows(8, 9))
    s = mergeLoaded(s, rows(5, 9), 4)
    expect(seqs(s.rows)).toEqual([5, 6, 7, 8, 9])
    expect(s.dropped).toBe(4)
  })

  it('a reload after a reconnection appends what was missed', () => {
    let s = appendRows(emptyLog(10), rows(1, 3))
    s = mergeLoaded(s, rows(4, 6), 2)
    expect(seqs(s.rows)).toEqual([1, 2, 3, 4, 5, 6])
    expect(s.dropped).toBe(2)
  })
})

describe('the requests store', () => {
  it('applies any number of live batches in one store update per animation frame', () => {
    const frames: (() => void)[] = []
    const store = createRequestsStore({ capacity: 100, schedule: (run) => frames.push(run) })
    let updates = 0
    store.subscribe(() => updates++)
    store.getState().receive(rows(1, 3), 0)
    store.getState().receive(rows(4, 6), 0)
    store.getState().receive(rows(7, 9), 1)
    expect(frames).toHaveLength(1)
    expect(updates).toBe(0)
    frames.shift()!()
    expect(updates).toBe(1)
    expect(store.getState().rows).toHaveLength(9)
    expect(store.getState().dropped).toBe(1)
    store.getState().receive(rows(10, 10), 0)
    expect(frames).toHaveLength(1)
  })

  it('bounds what waits for a frame (a hidden tab gets none) and counts the overflow', () => {
    const frames: (() => void)[] = []
    const store = createRequestsStore({ capacity: 5, schedule: (run) => frames.push(run) })
    for (let i = 0; i < 4; i++) store.getState().receive(rows(i * 5 + 1, i * 5 + 5), 0)
    frames.shift()!()
    expect(seqs(store.getState().rows)).toEqual([16, 17, 18, 19, 20])
    expect(store.getState().dropped).toBe(15)
  })

  it('follows the tail by default; setting it to the same value does not notify', () => {
    const store = createRequestsStore({ schedule: () => undefined })
    let updates = 0
    store.subscribe(() => updates++)
    expect(store.getState().followTail).toBe(true)
    store.getState().setFollowTail(true)
    expect(updates).toBe(0)
    store.getState().setFollowTail(false)
    expect(store.getState().followTail).toBe(false)
  })

  it('counts as at the bottom within a few pixels of the end', () => {
    expect(isAtBottom(976, 24, 1000)).toBe(true)
    expect(isAtBottom(973, 24, 1000)).toBe(true)
    expect(isAtBottom(900, 24, 1000)).toBe(false)
  })
})
