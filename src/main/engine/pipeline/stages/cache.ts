/**
 * cache: is the request cacheable, is there a file, is it fresh (dispatcher-behavior.md §5.3,
 * §5.5); a fresh file is delivered here (§5.8), a miss or a stale file is fetched by the render
 * stage and stored on the way.
 */
import { cacheInfoForLookup, notCacheable, requestCacheability, type CacheLookup } from '../../cache'
import type { ActiveFarm } from '../../runtime/active-config'
import type { RequestContext } from '../context'
import { checkAuthorization, checkPath, type ActiveAuthChecker } from '../auth-check'
import { forwardHeaders } from '../forward-headers'
import { serveCached } from '../serve-cached'
import { selectRender } from '../../upstream/selection'

/** Stale files being fetched again right now: other requests meanwhile get the stale copy (§5.5.3). */
const refetching = new Set<string>()

export function markRefetch(key: string, on: boolean): void {
  if (on) refetching.add(key)
  // Every cacheable miss unmarks its file when done; mostly nothing is marked (no key to hash).
  else if (refetching.size > 0) refetching.delete(key)
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
  const rc = requestCacheability(
    c.policy,
    { method: ctx.req.method, path: ctx.path, decodedPath: ctx.decodedPath, query: ctx.query, headers: ctx.headers },
    { docrootExists: c.store !== null && c.store.docrootExists() }
  )
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
  const checker = lookup.kind === 'cached' ? authCheckerFor(ctx) : null
  if (lookup.kind === 'cached' && lookup.state === 'fresh' && rc.log.length === 0 && checker === null) {
    // The common hit: the same words for every hit on this file version (the lookup is shared).
    const parts = deliveredParts(lookup, rc.relPath, ctx.cacheInfo)
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.record('cache', 'stop', parts.why, { log: parts.log, detail: parts.detail })
    ctx.setOutcome('hit')
    return serveCached(ctx, lookup.file, rc.relPath, {}, ctx.trace.startedAt)
  }
  if (lookup.kind === 'missing' && rc.log.length === 0) {
    // The common miss: the same words for every miss of this path (the lookup is shared).
    const parts = missingParts(lookup, rc.relPath, ctx.cacheInfo)
    ctx.trace.cacheInfo = ctx.cacheInfo
    ctx.cachePlan = { relPath: rc.relPath }
    ctx.record('cache', 'pass', parts.why, { log: parts.log, detail: parts.detail })
    return false
  }
  const log = [`checking [${rc.relPath}]`, ...rc.log, ...lookup.log]
  const file = lookup.kind === 'cached' || lookup.kind === 'missing' ? lookup.abs : null
  const detail = {
    cacheable: lookup.kind !== 'refused' && lookup.kind !== 'not-cacheable',
    reason: ctx.cacheInfo,
    file,
    relPath: rc.relPath
  }
  ctx.trace.cacheInfo = ctx.cacheInfo
  if (lookup.kind === 'refused' || lookup.kind === 'not-cacheable') {
    ctx.record('cache', 'pass', ctx.cacheInfo, { log: [...log, action(file ?? rc.relPath, 'NONE')], detail })
    return false
  }
  if (lookup.kind === 'missing') {
    ctx.cachePlan = { relPath: rc.relPath }
    ctx.record('cache', 'pass', `${rc.relPath} is not in the cache: caching`, {
      log: [...log, action(lookup.abs, 'CREATE')],
      detail
    })
    return false
  }
  if (lookup.state === 'fresh' || lookup.state === 'grace' || refetching.has(`${store.docroot.root}\n${rc.relPath}`)) {
    const why =
      lookup.state === 'fresh'
        ? `target file cached: ${rc.relPath}`
        : lookup.state === 'grace'
          ? `${rc.relPath} is stale but within /gracePeriod: delivered`
          : `${rc.relPath} is ${lookup.state} and being fetched again by another request: the stale copy is delivered`
    if (checker !== null) {
      return deliverIfAuthorized(ctx, checker, lookup, rc.relPath, why, log, {
        ...detail,
        governingStat: lookup.governingStat
      })
    }
    ctx.record('cache', 'stop', why, {
      log: [...log, action(lookup.abs, 'DELIVER'), 'request declined'],
      detail: { ...detail, governingStat: lookup.governingStat }
    })
    ctx.setOutcome(lookup.state === 'fresh' ? 'hit' : 'stale')
    return serveCached(ctx, lookup.file, rc.relPath)
  }
  ctx.cachePlan = { relPath: rc.relPath, stale: { file: lookup.file, relPath: rc.relPath } }
  ctx.record('cache', 'pass', `${rc.relPath} is ${lookup.state}: ${ctx.cacheInfo}`, {
    log: [...log, action(lookup.abs, 'CREATE')],
    detail: { ...detail, governingStat: lookup.governingStat }
  })
  return false
}

/** The farm's `/auth_checker` when its `/filter` selects this request's path (last match wins), else null. */
function authCheckerFor(ctx: RequestContext): ActiveAuthChecker | null {
  const checker = ctx.farm!.authChecker
  return checker !== null && checker.checks(ctx.path)?.type === 'allow' ? checker : null
}

/**
 * §5.9: the cached file goes out only when the render answers the check with 200 (adding the
 * check's allowed header lines); otherwise the request goes on to the render stage like a
 * request that is not cacheable, so its answer is not stored (cache action NONE).
 */
function deliverIfAuthorized(
  ctx: RequestContext,
  checker: ActiveAuthChecker,
  lookup: CachedLookup,
  relPath: string,
  why: string,
  log: string[],
  detail: Record<string, unknown>
): boolean | Promise<boolean> {
  const active = ctx.farm!
  const check = `HEAD ${checkPath(checker, ctx.path)}`
  const hit = (): 'hit' | 'stale' => (lookup.state === 'fresh' ? 'hit' : 'stale')
  if (ctx.mode === 'explain') {
    ctx.record('cache', 'stop', `${why}, once /auth_checker allows it (${check} answered 200)`, {
      log: [...log, `Authorization checker: would send ${check}`, action(lookup.abs, 'DELIVER')],
      detail
    })
    ctx.setOutcome(hit())
    return serveCached(ctx, lookup.file, relPath)
  }
  // The render the request itself would go to (sticky cookie, statistics, first render).
  const choice = selectRender({
    names: active.renderNames,
    cookieHeader: ctx.headers.cookie,
    uri: ctx.path,
    statistics: active.statistics
  })
  if (choice === null) return deny(ctx, lookup, relPath, log, detail, ['Authorization checker: farm has no render'])
  const render = active.renders[choice.index]
  return checkAuthorization(checker, render.client, ctx.path, forwardHeaders(ctx, active, render)).then((verdict) => {
    if (verdict.status !== 200) return deny(ctx, lookup, relPath, log, detail, verdict.log)
    ctx.record('cache', 'stop', `${why}; /auth_checker allowed it (${check} answered 200)`, {
      log: [...log, ...verdict.log, action(lookup.abs, 'DELIVER'), 'request declined'],
      detail
    })
    ctx.setOutcome(hit())
    return serveCached(ctx, lookup.file, relPath, verdict.headers)
  })
}

function deny(
  ctx: RequestContext,
  lookup: CachedLookup,
  relPath: string,
  log: string[],
  detail: Record<string, unknown>,
  checkLog: string[]
): false {
  ctx.cacheInfo = notCacheable('authorization checker denied access')
  ctx.trace.cacheInfo = ctx.cacheInfo
  ctx.record('cache', 'pass', `${ctx.cacheInfo}: ${relPath} is not delivered from the cache; the render answers`, {
    log: [...log, ...checkLog, `authorization checker denied access: ${lookup.abs}`, action(relPath, 'NONE')],
    detail: { ...detail, cacheable: false }
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

interface DeliveredParts {
  why: string
  log: string[]
  detail: Record<string, unknown>
}

/** Per shared lookup result, i.e. per file version and governing `.stat` state. */
const delivered = new WeakMap<CachedLookup, DeliveredParts>()

/** The trace entry of a fresh hit: what the general path below writes for it, made once. */
function deliveredParts(lookup: CachedLookup, relPath: string, cacheInfo: string): DeliveredParts {
  let parts = delivered.get(lookup)
  if (!parts) {
    parts = {
      why: `target file cached: ${relPath}`,
      log: [`checking [${relPath}]`, ...lookup.log, action(lookup.abs, 'DELIVER'), 'request declined'],
      detail: { cacheable: true, reason: cacheInfo, file: lookup.abs, relPath, governingStat: lookup.governingStat }
    }
    delivered.set(lookup, parts)
  }
  return parts
}

/** Per shared lookup result, i.e. per path while it has no file. */
const missed = new WeakMap<MissingLookup, DeliveredParts>()

/** The trace entry of a miss that logged nothing before the lookup: what the general path writes, made once. */
function missingParts(lookup: MissingLookup, relPath: string, cacheInfo: string): DeliveredParts {
  let parts = missed.get(lookup)
  if (!parts) {
    parts = {
      why: `${relPath} is not in the cache: caching`,
      log: [`checking [${relPath}]`, ...lookup.log, action(lookup.abs, 'CREATE')],
      detail: { cacheable: true, reason: cacheInfo, file: lookup.abs, relPath }
    }
    missed.set(lookup, parts)
  }
  return parts
}

/** The module's debug line naming what it does with the file (§9: NONE, CREATE, DELIVER). */
function action(file: string, what: 'NONE' | 'CREATE' | 'DELIVER'): string {
  return `cache-action for [${file}]: ${what}`
}
