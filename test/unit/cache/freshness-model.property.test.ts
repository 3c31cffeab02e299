/**
 * Random cache trees and random flush sequences against a plain model of §5.5/§7.3 written
 * here from the spec text: which files exist afterwards and which are fresh, in grace or
 * stale must agree with what the store reports.
 */
import fc from 'fast-check'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { executeFlush, planFlush } from '../../../src/main/engine/cache/flush'
import { parseInvalidation } from '../../../src/main/engine/cache/flush-request'
import { compileCachePolicy } from '../../../src/main/engine/cache/policy'
import type { CacheWriter } from '../../../src/main/engine/cache/cache-writer'
import { CacheStore } from '../../../src/main/engine/cache/store'
import { configC, farmWith, put } from './helpers'

type Action = 'Activate' | 'Deactivate' | 'Delete'
type Op =
  | { kind: 'write'; file: string }
  | { kind: 'flush'; handle: string; action: Action; resourceOnly: boolean }
  | { kind: 'wait'; ms: number }

const seg = fc.constantFrom('a', 'b')
const dirPath = fc.array(seg, { maxLength: 3 }).map((s) => s.map((x) => '/' + x).join(''))
const file = fc
  .tuple(dirPath, fc.constantFrom('p.html', 'p.json', 'p.x.html', 'a.html', 'b.html'))
  .map(([d, n]) => `${d}/${n}`)
const handle = fc.tuple(dirPath, fc.constantFrom('p', 'a', 'b', 'p.json')).map(([d, n]) => `${d}/${n}`)
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: file.map((f) => ({ kind: 'write' as const, file: f })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        handle,
        action: fc.constantFrom<Action>('Activate', 'Deactivate', 'Delete'),
        resourceOnly: fc.boolean()
      })
      .map((r) => ({ kind: 'flush' as const, ...r }))
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3000 }).map((ms) => ({ kind: 'wait' as const, ms })) }
)

/**
 * The model: file → when written, .stat → when touched, as (ms, order) pairs. Within one
 * millisecond the order decides: a page stored before a flush in the same millisecond is
 * older than the flush.
 */
type Stamp = { t: number; seq: number }
let order = 0
const stamp = (t: number): Stamp => ({ t, seq: order++ })
const older = (a: Stamp, b: Stamp): boolean => a.t < b.t || (a.t === b.t && a.seq < b.seq)

const statAt = (dirs: string[], level: number): string =>
  '/' +
  dirs
    .slice(0, level)
    .map((d) => d + '/')
    .join('') +
  '.stat'

class Model {
  files = new Map<string, Stamp>()
  stats = new Map<string, Stamp>()
  constructor(
    readonly level: number,
    readonly graceMs: number
  ) {}

  write(f: string, now: number): void {
    this.files.set(f, stamp(now))
  }

  flush(h: string, action: Action, resourceOnly: boolean, now: number): void {
    const parts = h.split('/').filter(Boolean)
    const base = parts[parts.length - 1]
    const dir =
      '/' +
      parts
        .slice(0, -1)
        .map((p) => p + '/')
        .join('')
    const gone = (p: string): boolean => {
      if (!p.startsWith(dir)) return false
      const rest = p.slice(dir.length)
      const first = rest.split('/')[0]
      if (first.startsWith(base + '.')) return true
      if (first !== base) return false
      if (rest === base) return true
      if (rest.startsWith(base + '/_jcr_content/')) return true
      return action !== 'Activate' && rest.startsWith(base + '/')
    }
    for (const f of [...this.files.keys()]) if (gone(f)) this.files.delete(f)
    for (const s of [...this.stats.keys()]) if (gone(s)) this.stats.delete(s)
    if (resourceOnly) return
    const dirs = parts.slice(0, -1)
    for (let l = 0; l <= Math.min(dirs.length, this.level); l++) {
      this.stats.set(statAt(dirs, l), stamp(now))
    }
  }

  /** The nearest existing .stat of `f`, walking up from min(its level, N). */
  governing(f: string): string | null {
    const dirs = f.split('/').filter(Boolean).slice(0, -1)
    for (let l = Math.min(dirs.length, this.level); l >= 0; l--)
      if (this.stats.has(statAt(dirs, l))) return statAt(dirs, l)
    return null
  }

  state(f: string, now: number): string {
    if (!f.endsWith('.html')) return 'fresh'
    const dirs = f.split('/').filter(Boolean).slice(0, -1)
    for (let l = Math.min(dirs.length, this.level); l >= 0; l--) {
      const s = this.stats.get(statAt(dirs, l))
      if (s === undefined) continue
      if (!older(this.files.get(f)!, s)) return 'fresh'
      return now >= s.t + this.graceMs ? 'stale' : 'grace'
    }
    return 'fresh'
  }
}

async function check(level: number, grace: number, ops: Op[], windowMs: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cache-prop-'))
  let now = 1_700_000_000_000
  const cache = configC({ docroot: { value: dir }, statfileslevel: { value: level }, gracePeriod: { value: grace } })
  const store = new CacheStore(compileCachePolicy(cache, farmWith(cache)), { clock: () => now, windowMs })
  const model = new Model(level, grace * 1000)
  try {
    for (const o of ops) {
      if (o.kind === 'wait') now += o.ms
      else if (o.kind === 'write') {
        await put(store, o.file)
        model.write(o.file, now)
      } else {
        const parsed = parseInvalidation({
          'cq-action': o.action,
          'cq-handle': o.handle,
          ...(o.resourceOnly ? { 'cq-action-scope': 'ResourceOnly' } : {})
        })
        if (!parsed.ok) throw new Error(parsed.reason)
        await executeFlush(store, planFlush(store.policy, parsed.request))
        model.flush(o.handle, o.action, o.resourceOnly, now)
      }
    }
    const universe = new Set([...model.files.keys(), ...ops.flatMap((o) => (o.kind === 'write' ? [o.file] : []))])
    for (const f of universe) {
      const r = store.lookup(f)
      const actual = r.kind === 'cached' ? r.state : r.kind
      const expected = model.files.has(f) ? model.state(f, now) : 'missing'
      expect(actual, `${f} after ${JSON.stringify(ops)}`).toBe(expected)
    }
  } finally {
    await store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('freshness after random writes and flushes agrees with a plain model of §5.5', () => {
  for (const windowMs of [0, 1e9]) {
    it(`levels 0–4, grace 0 or 2 s, re-validation window ${windowMs} ms`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 4 }),
          fc.constantFrom(0, 2),
          fc.array(op, { minLength: 4, maxLength: 24 }),
          (level, grace, ops) => check(level, grace, ops, windowMs)
        ),
        { numRuns: 80 }
      )
    })
  }
})

type WriteOp =
  | { kind: 'begin'; file: string }
  | { kind: 'commit'; pick: number }
  | { kind: 'flush'; handle: string; action: Action; resourceOnly: boolean }
  | { kind: 'wait'; ms: number }

const writeOp: fc.Arbitrary<WriteOp> = fc.oneof(
  { weight: 3, arbitrary: file.map((f) => ({ kind: 'begin' as const, file: f })) },
  { weight: 3, arbitrary: fc.nat(5).map((pick) => ({ kind: 'commit' as const, pick })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        handle,
        action: fc.constantFrom<Action>('Activate', 'Deactivate', 'Delete'),
        resourceOnly: fc.boolean()
      })
      .map((r) => ({ kind: 'flush' as const, ...r }))
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }).map((ms) => ({ kind: 'wait' as const, ms })) }
)

/**
 * Writes that overlap flushes: whatever is delivered as fresh at the end must have been
 * fetched after every flush that deleted its path or touched its governing .stat.
 */
async function checkOverlap(level: number, ops: WriteOp[]): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cache-prop-'))
  let now = 1_700_000_000_000
  const cache = configC({ docroot: { value: dir }, statfileslevel: { value: level } })
  const store = new CacheStore(compileCachePolicy(cache, farmWith(cache)), { clock: () => now, windowMs: 1e9 })
  /** Per flush: its step, what it touched, the .stat files existing right after it, and what it deleted. */
  const flushes: { step: number; touched: Set<string>; after: Model; deletes: (f: string) => boolean }[] = []
  const stats = new Model(level, 0)
  const open: { file: string; writer: CacheWriter }[] = []
  try {
    for (let step = 0; step < ops.length; step++) {
      const o = ops[step]
      if (o.kind === 'wait') now += o.ms
      else if (o.kind === 'begin') {
        const r = await store.beginWrite(o.file)
        if (!r.ok) throw new Error(r.reason)
        r.writer.write(Buffer.from(String(step)))
        open.push({ file: o.file, writer: r.writer })
      } else if (o.kind === 'commit') {
        if (open.length === 0) continue
        const [w] = open.splice(o.pick % open.length, 1)
        await w.writer.commit([])
      } else {
        const parsed = parseInvalidation({
          'cq-action': o.action,
          'cq-handle': o.handle,
          ...(o.resourceOnly ? { 'cq-action-scope': 'ResourceOnly' } : {})
        })
        if (!parsed.ok) throw new Error(parsed.reason)
        await executeFlush(store, planFlush(store.policy, parsed.request))
        const before = new Map(stats.stats)
        stats.flush(o.handle, o.action, o.resourceOnly, now)
        const after = new Model(level, 0)
        after.stats = new Map(stats.stats)
        const touched = new Set([...stats.stats].filter(([k, v]) => before.get(k) !== v).map(([k]) => k))
        const { handle: h, action, resourceOnly } = o
        const deletes = (f: string): boolean => {
          const probe = new Model(level, 0)
          probe.files.set(f, stamp(0))
          probe.flush(h, action, resourceOnly, now)
          return !probe.files.has(f)
        }
        flushes.push({ step, touched, after, deletes })
      }
    }
    for (const f of new Set(ops.flatMap((o) => (o.kind === 'begin' ? [o.file] : [])))) {
      const r = store.lookup(f)
      if (r.kind !== 'cached' || r.state !== 'fresh') continue
      const begunAt = Number(fs.readFileSync(r.abs, 'utf8'))
      for (const fl of flushes) {
        if (fl.step < begunAt) continue
        const gov = fl.after.governing(f)
        const invalidated = f.endsWith('.html') && gov !== null && fl.touched.has(gov)
        expect(
          fl.deletes(f) || invalidated,
          `${f} fetched at step ${begunAt} is fresh after flush at step ${fl.step}: ${JSON.stringify(ops)}`
        ).toBe(false)
      }
    }
  } finally {
    await store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('writes overlapping flushes never leave a fresh-looking file from before the flush', () => {
  it('random begin/commit/flush interleavings, levels 0–4', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.array(writeOp, { minLength: 4, maxLength: 24 }),
        (level, ops) => checkOverlap(level, ops)
      ),
      { numRuns: 80 }
    )
  })
})
