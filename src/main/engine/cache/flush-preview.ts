/**
 * What a flush would do, for the UI, without doing it. Unlike the flush itself this may walk
 * the tree (bounded): it counts the cached documents that are fresh now and would be stale
 * (or in their grace period) once the planned `.stat` files are touched.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { FlushPreview } from '../../../shared/cache-types'
import { readTtl } from './companions'
import { plannedDeletions, type FlushPlan } from './flush'
import { deletedByFlush } from './flush-targets'
import { evaluateFreshness } from './freshness'
import { isAutoInvalidated } from './policy'
import { governingStat } from './statfiles'
import type { CacheStore } from './store'
import { walkDocroot } from './tree-walk'

export interface PreviewOptions {
  maxEntries?: number
  sampleSize?: number
}

export function previewFlush(store: CacheStore, plan: FlushPlan, opts: PreviewOptions = {}): FlushPreview {
  const req = plan.request
  const t = plan.targets
  const preview: FlushPreview = {
    handle: req.handle ?? '',
    action: req.action,
    resourceOnly: req.resourceOnly,
    statfiles: plan.statfiles,
    deletions: plannedDeletions(store, plan),
    invalidated: { count: 0, sample: [], truncated: false },
    refetch: plan.refetch,
    handler: plan.handler,
    log: plan.log
  }
  if (!t || plan.statfiles.length === 0) return preview

  const now = store.now()
  const touched = new Set(plan.statfiles)
  const current = store.statIndex.mtime
  const after = (rel: string): number | null => (touched.has(rel) ? now : current(rel))
  const sampleSize = opts.sampleSize ?? 20
  const { truncated } = walkDocroot(
    store.docroot.root,
    (e) => {
      if (e.role !== 'document' || deletedByFlush(t, e.relPath) || !isAutoInvalidated(store.policy, e.relPath)) return
      const govAfter = governingStat(e.relPath, store.layout, after)
      if (!govAfter || !touched.has(govAfter.relPath)) return
      const st = fs.statSync(e.abs, { throwIfNoEntry: false })
      if (!st) return
      const mtime = Math.round(st.mtimeMs)
      if (mtime >= now) return
      const gov = governingStat(e.relPath, store.layout, current)
      const before = evaluateFreshness({
        file: e.abs,
        fileMtime: mtime,
        ttlExpiresAt: store.policy.enableTTL ? readTtl(e.abs) : null,
        autoInvalidated: true,
        statMtime: gov?.mtime ?? null,
        gracePeriodMs: store.policy.gracePeriodMs,
        now
      })
      if (before.state !== 'fresh') return
      preview.invalidated.count++
      if (preview.invalidated.sample.length < sampleSize) preview.invalidated.sample.push(e.relPath)
    },
    {
      maxEntries: opts.maxEntries ?? 20_000,
      // A folder within /statfileslevel whose own .stat stays untouched governs its whole subtree.
      enterDir: (relDir, abs, level) =>
        level > store.layout.level || touched.has(`${relDir}/.stat`) || !fs.existsSync(path.join(abs, '.stat'))
    }
  )
  preview.invalidated.truncated = truncated
  return preview
}
