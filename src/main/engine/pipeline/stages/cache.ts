/**
 * cache: is the request cacheable, is there a file, is it fresh (dispatcher-behavior.md §5.3,
 * §5.5); a fresh file is delivered here (§5.8), a miss or a stale file is fetched by the render
 * stage and stored on the way.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import {
  CACHE_INFO,
  cacheInfoForLookup,
  notCacheable,
  requestCacheability,
  type CacheLookup,
  type RequestCacheability,
  type SessionManager
} from '../../cache'
import type { ActiveFarm } from '../../runtime/active-config'
import type { CacheStageDetail } from '../../../../shared/trace'
import type { RequestContext } from '../context'
import { checkAuthorization, checkPath, type ActiveAuthChecker } from '../auth-check'
import { forwardHeaders } from '../forward-headers'
import { serveCached } from '../serve-cached'
import { isRefetch } from '../refetch-requests'
import { selectRender } from '../../upstream/selection'

/** Stale files being fetched again right now: other requests meanwhile get the stale copy (§5.5.3). */
const refetching = new Set<string>()

export function markRefetch(key: string, on: boolean): void {
  if (on) refetching.add(key)
  else refetching.delete(key)
}

export function cache(ctx: RequestContext): boolean | Promise<boolean> {
  const c = ctx.farm!.cache
  if (!c) {
    const words = noCacheWords(ctx.farm!)
    ctx.cacheInfo = words.info
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.record('cache', 'skip', words.summary, { detail: words.detail })
    return false
  }
  const sessions = c.sessions
  const rc = requestCacheability(
    c.policy,
    { method: ctx.req.method, path: ctx.path, decodedPath: ctx.decodedPath, query: ctx.query, headers: ctx.headers },
    {
      docrootExists: c.store !== null && c.store.docrootExists(),
      session: sessions ? () => sessions.check(ctx.headers, Date.now(), ctx.mode !== 'explain') : undefined
    }
  )
  if (!rc.cacheable && rc.session && rc.session.kind !== 'valid') return sessionRefused(ctx, sessions!, rc)
  if (!rc.cacheable) {
    ctx.cacheInfo = notCacheable(rc.reason)
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.record('cache', 'pass', ctx.cacheInfo, {
      log: [...rc.log, action(ctx.decodedPath, 'NONE')],
      detail: { cacheable: false, reason: rc.reason }
    })
    return false
  }
  const store = c.store!
  const lookup = store.lookup(rc.relPath)
  ctx.cacheInfo = cacheInfoForLookup(lookup)
  if (lookup.kind === 'cached' && isRefetch(ctx.req)) return replaceByRefetch(ctx, lookup, rc.relPath, rc.log)
  const checker = lookup.kind === 'cached' ? authCheckerFor(ctx) : null
  if (lookup.kind === 'cached' && lookup.state === 'fresh' && rc.log.length === 0 && checker === null) {
    // The common hit: the same words for every hit on this file version (the lookup is shared).
    const parts = sharedParts(lookup, rc.relPath, ctx.cacheInfo)
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.record('cache', 'stop', parts.why, { log: parts.log, detail: parts.detail })
    ctx.setOutcome('hit')
    return serveCached(ctx, lookup.file, rc.relPath, {}, ctx.trace.startedAt)
  }
  if (lookup.kind === 'missing' && rc.log.length === 0) {
    // The common miss: the same words for every miss of this path (the lookup is shared).
    const parts = sharedParts(lookup, rc.relPath, ctx.cacheInfo)
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.cachePlan = { relPath: rc.relPath }
    ctx.record('cache', 'pass', parts.why, { log: parts.log, detail: parts.detail })
    return false
  }
  const log = [`checking [${rc.relPath}]`, ...rc.log, ...lookup.log]
  ctx.trace.cacheInfo = ctx.cacheInfo
  if (lookup.kind === 'refused' || lookup.kind === 'not-cacheable') {
    ctx.record('cache', 'pass', ctx.cacheInfo, {
      log: [...log, action(rc.relPath, 'NONE')],
      detail: { cacheable: false, reason: ctx.cacheInfo, file: null, relPath: rc.relPath }
    })
    return false
  }
  if (lookup.kind === 'missing') {
    ctx.cachePlan = { relPath: rc.relPath }
    ctx.record('cache', 'pass', `${rc.relPath} is not in the cache: caching`, {
      log: [...log, action(rc.relPath, 'CREATE')],
      detail: lookupDetail(lookup, rc.relPath, ctx.cacheInfo)
    })
    return false
  }
  if (lookup.state === 'fresh' || lookup.state === 'grace' || refetching.has(`${store.docroot.root}\n${rc.relPath}`)) {
    // A stale copy handed out while another request fetches the file again: delivered, not
    // cached by this request, so "caching: …" would misstate it.
    if (lookup.state === 'stale' || lookup.state === 'expired') {
      ctx.cacheInfo = CACHE_INFO.deliveredWhileRefetched
      ctx.trace.cacheInfo = ctx.cacheInfo
    }
    const why =
      lookup.state === 'fresh'
        ? `target file cached: ${rc.relPath}`
        : lookup.state === 'grace'
          ? `${rc.relPath} is stale but within /gracePeriod: delivered`
          : `${rc.relPath} is ${lookup.state} and being fetched again by another request: the stale copy is delivered`
    const delivery: Delivery = {
      lookup,
      relPath: rc.relPath,
      log,
      detail: lookupDetail(lookup, rc.relPath, ctx.cacheInfo)
    }
    if (checker !== null) return deliverIfAuthorized(ctx, checker, delivery, why)
    return deliver(ctx, delivery, why, [], {})
  }
  ctx.cachePlan = { relPath: rc.relPath, stale: { file: lookup.file, relPath: rc.relPath } }
  ctx.record('cache', 'pass', `${rc.relPath} is ${lookup.state}: ${ctx.cacheInfo}`, {
    log: [...log, action(rc.relPath, 'CREATE')],
    detail: lookupDetail(lookup, rc.relPath, ctx.cacheInfo)
  })
  return false
}

/**
 * §7.4: a re-fetching flush's request fetches the page whatever state its copy is in. The copy
 * stays where it is, so other requests get it meanwhile (as while a stale file is fetched again,
 * §5.5.3), and the new answer is renamed over it; the module replaces the file "instead of
 * deleting it" (EXP refetching-flush).
 */
function replaceByRefetch(ctx: RequestContext, lookup: CachedLookup, relPath: string, rcLog: string[]): false {
  // A copy the lookup would deliver (fresh, or within /gracePeriod) is replaced all the same: its
  // "-> use cache" lines would contradict the CREATE, so only a stale or expired copy's are kept.
  const replaced = lookup.state === 'fresh' || lookup.state === 'grace'
  if (replaced) ctx.cacheInfo = CACHE_INFO.caching
  ctx.trace.cacheInfo = ctx.cacheInfo
  // Only a stale or expired copy is the render stage's to drop or deliver when the re-fetch fails
  // (§5.7): a fresh one is a visitor's, stored since the flush, or one the flush kept outside
  // /invalidate, which refetchListed (cache/flush.ts) deletes by its identity if unreplaced.
  ctx.cachePlan = replaced ? { relPath } : { relPath, stale: { file: lookup.file, relPath } }
  ctx.record('cache', 'pass', `${relPath} is fetched again by a re-fetching flush: ${ctx.cacheInfo}`, {
    log: [`checking [${relPath}]`, ...rcLog, ...(replaced ? [] : lookup.log), action(relPath, 'CREATE')],
    detail: lookupDetail(lookup, relPath, ctx.cacheInfo)
  })
  return false
}

/**
 * §5.3 step 7: without a valid session nothing comes from or goes into the cache; the render
 * answers (a login challenge, or the page for a credential it accepts, which opens the session).
 */
function sessionRefused(
  ctx: RequestContext,
  sessions: SessionManager,
  rc: Extract<RequestCacheability, { cacheable: false }>
): false {
  const s = rc.session!
  ctx.cacheInfo = notCacheable(rc.reason)
  ctx.trace.cacheInfo = ctx.cacheInfo
  let why = `the request carries no ${s.credential} (/sessionmanagement): the render answers`
  if (s.kind === 'invalid') {
    why = `${s.why} for its ${s.credential} (/sessionmanagement): the render answers, and a 200 opens the session`
    if (s.file !== null) ctx.sessionToOpen = { sessions, file: s.file }
  }
  ctx.record('cache', 'pass', `${ctx.cacheInfo}: ${why}`, {
    log: [...rc.log, action(ctx.decodedPath, 'NONE')],
    detail: {
      cacheable: false,
      reason: rc.reason,
      session: s.kind,
      sessionFile: s.kind === 'none' ? null : s.file,
      directory: sessions.directory
    }
  })
  return false
}

/** The farm's `/auth_checker` when its `/filter` selects this request's path (last match wins), else null. */
function authCheckerFor(ctx: RequestContext): ActiveAuthChecker | null {
  const checker = ctx.farm!.authChecker
  return checker !== null && checker.checks(ctx.path)?.type === 'allow' ? checker : null
}

/** A cached file about to go out, with the trace words written so far. */
interface Delivery {
  lookup: CachedLookup
  relPath: string
  log: string[]
  detail: CacheStageDetail
}

function deliver(
  ctx: RequestContext,
  d: Delivery,
  why: string,
  extraLog: string[],
  extraHeaders: OutgoingHttpHeaders
): boolean | Promise<boolean> {
  ctx.record('cache', 'stop', why, {
    log: [...d.log, ...extraLog, action(d.relPath, 'DELIVER'), 'request declined'],
    detail: d.detail
  })
  ctx.setOutcome(d.lookup.state === 'fresh' ? 'hit' : 'stale')
  return serveCached(ctx, d.lookup.file, d.relPath, extraHeaders)
}

/**
 * §5.9: the cached file goes out only when the render answers the check with 200 (adding the
 * check's allowed header lines); otherwise the request goes on to the render stage like a
 * request that is not cacheable, so its answer is not stored (cache action NONE).
 */
function deliverIfAuthorized(
  ctx: RequestContext,
  checker: ActiveAuthChecker,
  d: Delivery,
  why: string
): boolean | Promise<boolean> {
  const active = ctx.farm!
  const check = `HEAD ${checkPath(checker, ctx.path)}`
  if (ctx.mode === 'explain') {
    return deliver(
      ctx,
      d,
      `${why}, once /auth_checker allows it (${check} answered 200)`,
      [`Authorization checker: would send ${check}`],
      {}
    )
  }
  // The render the request itself would go to (sticky cookie, statistics, first render).
  const choice = selectRender({
    names: active.renderNames,
    cookieHeader: ctx.headers.cookie,
    uri: ctx.path,
    statistics: active.statistics
  })
  if (choice === null) return deny(ctx, d, ['Authorization checker: farm has no render'])
  const render = active.renders[choice.index]
  return checkAuthorization(checker, render.client, ctx.path, forwardHeaders(ctx, active, render, true)).then(
    (verdict) =>
      verdict.status === 200
        ? deliver(ctx, d, `${why}; /auth_checker allowed it (${check} answered 200)`, verdict.log, verdict.headers)
        : deny(ctx, d, verdict.log)
  )
}

function deny(ctx: RequestContext, d: Delivery, checkLog: string[]): false {
  ctx.cacheInfo = notCacheable('authorization checker denied access')
  ctx.trace.cacheInfo = ctx.cacheInfo
  ctx.record('cache', 'pass', `${ctx.cacheInfo}: ${d.relPath} is not delivered from the cache; the render answers`, {
    log: [...d.log, ...checkLog, `authorization checker denied access: ${d.lookup.abs}`, action(d.relPath, 'NONE')],
    detail: { ...d.detail, cacheable: false }
  })
  return false
}

/** A farm without `/cache` says the same for every request: made once per farm (shared, read only). */
const noCache = new WeakMap<ActiveFarm, { info: string; summary: string; detail: { cacheable: false; file: null } }>()

function noCacheWords(farm: ActiveFarm): { info: string; summary: string; detail: { cacheable: false; file: null } } {
  let words = noCache.get(farm)
  if (!words) {
    words = {
      info: notCacheable('document root non-existent'),
      summary: `farm /${farm.farm.name} has no /cache section: nothing is cached`,
      detail: { cacheable: false, file: null }
    }
    noCache.set(farm, words)
  }
  return words
}

type CachedLookup = Extract<CacheLookup, { kind: 'cached' }>
type MissingLookup = Extract<CacheLookup, { kind: 'missing' }>

interface SharedParts {
  why: string
  log: string[]
  detail: CacheStageDetail
}

/**
 * Per shared lookup result (a file version with its governing `.stat` state, or a path while it
 * has no file): the trace words of the common hit and miss, which the general path below would
 * write the same way, made once.
 */
const shared = new WeakMap<CachedLookup | MissingLookup, SharedParts>()

function sharedParts(lookup: CachedLookup | MissingLookup, relPath: string, cacheInfo: string): SharedParts {
  let parts = shared.get(lookup)
  if (!parts) {
    const detail = lookupDetail(lookup, relPath, cacheInfo)
    parts =
      lookup.kind === 'cached'
        ? {
            why: `target file cached: ${relPath}`,
            log: [`checking [${relPath}]`, ...lookup.log, action(relPath, 'DELIVER'), 'request declined'],
            detail
          }
        : {
            why: `${relPath} is not in the cache: caching`,
            log: [`checking [${relPath}]`, ...lookup.log, action(relPath, 'CREATE')],
            detail
          }
    shared.set(lookup, parts)
  }
  return parts
}

/**
 * The trace detail of a cacheable request with a file (its governing `.stat` too) or without one
 * yet. `decided` is what the file's state was worked out on, kept because the Cache tab is read
 * later, when the file may be another copy: it is the lookup's own object (no copy, and shared by
 * every hit on one file version), made from the stats the lookup did anyway.
 */
function lookupDetail(
  lookup: CachedLookup | MissingLookup,
  relPath: string,
  reason: string | undefined
): CacheStageDetail {
  const detail = { cacheable: true, reason, file: lookup.abs, relPath }
  return lookup.kind === 'cached' ? { ...detail, governingStat: lookup.governingStat, decided: lookup.decided } : detail
}

/**
 * The module's debug line naming what it does with the document (§9: NONE, CREATE, DELIVER),
 * by its URL path as the module writes it ("cache-action for [/content/we-retail/us/en/products.html]:
 * CREATE", EXP statfileslevel); the file's full path is in the lastflush lines around it.
 */
function action(uri: string, what: 'NONE' | 'CREATE' | 'DELIVER'): string {
  return `cache-action for [${uri}]: ${what}`
}
