/**
 * Carrying out an invalidation (dispatcher-behavior.md §7.3): `planFlush` decides what will
 * happen without touching anything; `executeFlush` does it. The flush never walks the cache
 * tree: it lists the handle's own folder, removes the matching entries and touches the
 * `.stat` files on the handle's path, so an Activate costs the same with 100 or 100,000
 * cached files — staleness of everything else follows lazily from the `.stat` mtimes.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { FlushReport } from '../../../shared/cache-types'
import type { InvalidationRequest } from './flush-request'
import { HEADERS_SUFFIX, TTL_SUFFIX } from './companions'
import { entryVerdict, flushTargets, keptForRefetch, type FlushTargets, type RefetchFile } from './flush-targets'
import { runInvalidateHandler } from './invalidate-handler'
import type { CachedFile } from './hot-files'
import type { CachePolicy } from './policy'
import { requestCacheability } from './request-cacheability'
import { statfilesToTouch, touchStatfiles } from './statfiles'
import { isUnnamedEntry } from './unnamed-entry'
import { toByteString } from '../apache-expr/uri-escape'
import type { CacheStore } from './store'

export interface FlushPlan {
  request: InvalidationRequest
  /** `null` for `CQ-Action: Test`, which does nothing. */
  targets: FlushTargets | null
  /** `.stat` files to touch, level 0 first; empty for ResourceOnly and Test. */
  statfiles: string[]
  /** URIs to fetch again after the deletions (§7.4), as sent. */
  refetch: string[]
  handler: string | null
  /**
   * The module's answer once it has carried the flush out: 200 (dispatcher-behavior.md §7.3
   * step 6, PI's log `POST /dispatcher/invalidate.cache 200`), for the connection test too.
   * Part of the plan so that explain, which carries nothing out, answers as serving does.
   */
  status: number
  log: string[]
}

/** §7.3 step 6. */
const FLUSHED = 200

export function planFlush(policy: CachePolicy, request: InvalidationRequest): FlushPlan {
  const log = [activationLine(request)]
  if (request.action === 'Test' || request.handle === null) {
    log.push('x-workbench: CQ-Action Test: nothing invalidated')
    return { request, targets: null, statfiles: [], refetch: [], handler: null, status: FLUSHED, log }
  }
  if (request.unknownAction !== null)
    log.push(`x-workbench: unknown CQ-Action "${request.unknownAction}" handled as Activate`)
  const refetch = request.refetch.map((uri) => refetchFile(policy, uri)).filter((r) => r !== null)
  const targets = flushTargets(request.handle, request.action, refetch)
  const layout = { level: policy.statfileslevel, rootStatfile: policy.statfile }
  const statfiles = request.resourceOnly ? [] : statfilesToTouch(request.handle, layout)
  if (request.resourceOnly) log.push('x-workbench: CQ-Action-Scope ResourceOnly: no .stat file touched')
  return {
    request,
    targets,
    statfiles,
    refetch: request.refetch,
    handler: policy.invalidateHandler,
    status: FLUSHED,
    log
  }
}

/**
 * The module's info line for an invalidation request it carries out, as the AMS flushing guide
 * quotes it: "Activation detected: action=Activate [/content/dam/logo.jpg]". UNCERTAIN for Test,
 * which the guide does not show: the action and handle as received.
 */
function activationLine(r: InvalidationRequest): string {
  return `Activation detected: action=${r.unknownAction ?? r.action} [${r.handle ?? ''}]`
}

/**
 * A re-fetch URI's cache file (its path without the query, percent-decoded) and whether the
 * re-fetch can store it: the cache stage judges the re-fetch, a GET without credentials, as any
 * request (§5.3), so a query string /ignoreUrlParams keeps makes it "not cacheable".
 */
function refetchFile(policy: CachePolicy, uri: string): RefetchFile | null {
  const t = refetchTarget(uri)
  if (t === null) return null
  const rc = requestCacheability(policy, {
    method: 'GET',
    path: t.path,
    // The request's decoded path is a byte string (uri-escape.ts); t.file is text.
    decodedPath: toByteString(t.file),
    query: t.query,
    headers: {}
  })
  return { file: t.file, stored: rc.cacheable }
}

/** A re-fetch URI's path, query and cache file; null when its path does not decode. */
function refetchTarget(uri: string): { path: string; query: string | null; file: string } | null {
  const hash = uri.indexOf('#')
  const target = hash < 0 ? uri : uri.slice(0, hash)
  const q = target.indexOf('?')
  const p = q < 0 ? target : target.slice(0, q)
  try {
    return { path: p, query: q < 0 ? null : target.slice(q + 1), file: decodeURIComponent(p) }
  } catch {
    return null
  }
}

export interface Deletion {
  relPath: string
  abs: string
  kind: 'file' | 'dir'
}

/**
 * Existing entries the flush removes: one folder listing, never a tree walk. Re-fetch URIs'
 * files stay for their re-fetch to replace (flush-targets.ts).
 */
function collectDeletions(store: CacheStore, t: FlushTargets): Deletion[] {
  const out: Deletion[] = []
  const dir = store.docroot.resolve(t.dir)
  if (dir.ok && t.base !== '' && store.docroot.isInside(dir.abs)) {
    let entries: fs.Dirent[] = []
    try {
      entries = fs.readdirSync(dir.abs, { withFileTypes: true })
    } catch {
      entries = []
    }
    const relDir = t.dir === '/' ? '' : t.dir
    for (const e of entries) {
      if (isUnnamedEntry(dir.abs, e.name)) continue
      const relPath = `${relDir}/${e.name}`
      const verdict = entryVerdict(t, e.name, e.isDirectory())
      if (verdict === 'delete' && !keptForRefetch(t, relPath)) {
        out.push({ relPath, abs: path.join(dir.abs, e.name), kind: e.isDirectory() ? 'dir' : 'file' })
      } else if (verdict === 'delete-jcr-content') {
        const abs = path.join(dir.abs, e.name, '_jcr_content')
        if (fs.existsSync(abs)) out.push({ relPath: `${relPath}/_jcr_content`, abs, kind: 'dir' })
      }
    }
  }
  for (const file of t.extraFiles) {
    if (keptForRefetch(t, file)) continue
    const r = store.docroot.resolve(file)
    if (!r.ok || out.some((d) => d.abs === r.abs)) continue
    for (const suffix of ['', HEADERS_SUFFIX, TTL_SUFFIX]) {
      const st = fs.lstatSync(r.abs + suffix, { throwIfNoEntry: false })
      if (st && !st.isDirectory()) out.push({ relPath: file + suffix, abs: r.abs + suffix, kind: 'file' })
    }
  }
  return out
}

/**
 * §7.4: fetches each listed URI again (`fetch` sends it through the pipeline), in order. A file
 * the flush kept for its re-fetch that the re-fetch did not replace (the render failed, or its
 * answer is not stored) is deleted then, as the flush deletes it without the list: PI's "delete
 * and recache" leaves no old copy when the recache fails, while a kept one would be delivered
 * as fresh where no touched `.stat` governs it (outside /invalidate, or under ResourceOnly),
 * /serveStaleOnError "1" or not. `kept`: the kept copies as the flush found them (keptCopies).
 * The answers' one-line summaries are returned.
 */
export async function refetchListed(
  store: CacheStore,
  plan: FlushPlan,
  report: FlushReport,
  fetch: (uri: string) => Promise<string>,
  kept: readonly (KeptCopy | null)[] = keptCopies(store, plan)
): Promise<string[]> {
  const answers: string[] = []
  for (let i = 0; i < plan.refetch.length; i++) {
    answers.push(await fetch(plan.refetch[i]))
    const copy = kept[i]
    // A replacement is a new file renamed over the old one: a new inode, whatever its size and time.
    if (copy && inodeOf(copy.file.abs) === copy.ino && store.dropStale(copy.relPath, copy.file, UNREPLACED)) {
      report.deleted.push(copy.relPath)
      report.log.push(`x-workbench: deleted ${copy.file.abs}: ${UNREPLACED}`)
    }
  }
  return answers
}

const UNREPLACED = 'kept for its re-fetch, which stored nothing new'

/** The cached copy of a re-fetch URI's file that the flush leaves in place, and its inode. */
export interface KeptCopy {
  relPath: string
  file: CachedFile
  ino: number | null
}

/**
 * The copies the flush keeps for their re-fetch, one per listed URI (null where none), taken
 * before anything can replace them: a copy stored after the flush (a visitor's request while
 * the /invalidateHandler or an earlier URI's re-fetch ran, or the first re-fetch of a URI
 * listed twice) is a new file, not the kept one, and must outlive a re-fetch that fails.
 */
export function keptCopies(store: CacheStore, plan: FlushPlan): (KeptCopy | null)[] {
  return plan.refetch.map((uri) => keptCopy(store, plan, uri))
}

function keptCopy(store: CacheStore, plan: FlushPlan, uri: string): KeptCopy | null {
  // Whether its re-fetch can store it is already in the plan's kept files (flushTargets).
  const file = refetchTarget(uri)?.file
  if (plan.targets === null || file === undefined || !keptForRefetch(plan.targets, file)) return null
  const lookup = store.lookup(file)
  return lookup.kind === 'cached' ? { relPath: file, file: lookup.file, ino: inodeOf(lookup.file.abs) } : null
}

function inodeOf(abs: string): number | null {
  return fs.statSync(abs, { throwIfNoEntry: false })?.ino ?? null
}

/**
 * What a plan would delete, as the flush's preview and explain list it (read from the cache
 * folder, nothing changed); nothing for the connection test.
 */
export function plannedDeletions(store: CacheStore, plan: FlushPlan): Pick<Deletion, 'relPath' | 'kind'>[] {
  return plan.targets ? collectDeletions(store, plan.targets).map((d) => ({ relPath: d.relPath, kind: d.kind })) : []
}

export interface ExecuteOptions {
  /** Run `/invalidateHandler` (default true). */
  runHandler?: boolean
  handlerTimeoutMs?: number
}

export async function executeFlush(
  store: CacheStore,
  plan: FlushPlan,
  opts: ExecuteOptions = {}
): Promise<FlushReport> {
  const req = plan.request
  const report: FlushReport = {
    handle: req.handle ?? '',
    action: req.action,
    resourceOnly: req.resourceOnly,
    status: plan.status,
    statfilesTouched: [],
    deleted: [],
    refetch: plan.refetch,
    handler: null,
    log: [...plan.log]
  }
  const t = plan.targets
  if (t === null) return report
  const now = store.now()
  // Recorded first: a write that started before this point and commits later is discarded.
  store.journal.record(t, plan.statfiles)
  for (const d of collectDeletions(store, t)) {
    const removed = store.docroot.removeEntry(d.abs)
    if (removed === null) continue
    store.hot.forgetUnder(d.abs)
    if (removed === 'dir') store.statIndex.forgetUnder(d.relPath)
    report.deleted.push(d.relPath)
    report.log.push(`x-workbench: deleted ${d.abs}`)
  }
  report.statfilesTouched = touchStatfiles(store.docroot.root, plan.statfiles, {
    now,
    mode: store.policy.mode,
    index: store.statIndex,
    prepareDir: (absDir) => store.docroot.prepareDir(absDir).ok
  })
  store.settleSameMillisecond(now, report.statfilesTouched)
  // The module's own words, one line per .stat (AMS flushing guide: "Touched /mnt/var/www/html/.stat").
  for (const rel of report.statfilesTouched) report.log.push(`Touched ${path.join(store.docroot.root, rel)}`)
  if (plan.handler && opts.runHandler !== false) {
    const result = await runInvalidateHandler(plan.handler, [t.handle, req.action, req.scope], opts.handlerTimeoutMs)
    report.handler = result
    report.log.push(`x-workbench: ${plan.handler} exited with ${result.exitCode ?? result.error}`)
  }
  store.emit({ type: 'cache-flush', farm: store.policy.farm, at: now, report })
  return report
}
