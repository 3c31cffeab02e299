/**
 * filter: `/filter`, last match wins (dispatcher-behavior.md §4). Only the decision is
 * computed here; the per-rule explanation is rebuilt on demand (see decideFilter).
 */
import type { RequestContext } from '../context'
import type { RequestTrace } from '../../../../shared/trace'
import type { ActiveFarm } from '../../runtime/active-config'
import { decideFilter, evaluateFilter, type CompiledFilter, type FilterDecision } from '../filter'
import { cachedFileAt } from '../../cache'
import { cacheFileNameOf } from '../../apache-expr/uri-escape'
import { HEADERS_SUFFIX, TTL_SUFFIX } from '../../cache/companions'
import { answer } from './answer'
import type { VanityUrlList } from '../../upstream/vanity'

export function filter(ctx: RequestContext): boolean | Promise<boolean> {
  const active = ctx.farm!
  // The URI the Dispatcher decides on, after mod_rewrite and normalisation: what its log line
  // shows ("GET /content/site/us/en.html"), not the URL the client sent.
  ctx.trace.effectiveUrl = ctx.query !== null ? `${ctx.path}?${ctx.query}` : ctx.path
  // The cache's own files are never served, whatever the filter says (§4.3).
  const internal = cacheInternalFile(ctx.path, active)
  if (internal !== null) {
    const line = ctx.requestLine()
    ctx.record('filter', 'stop', `${internal} requests are always rejected: '${line}'`, {
      log: [`Filter rejects: ${line}`]
    })
    return deny(ctx)
  }
  if (ctx.mode === 'explain') return explainFilter(ctx, active)
  const f = filtered(active.filter, ctx)
  const d = f.d
  if (f.decidingRule) ctx.trace.decidingRule = f.decidingRule
  if (d.decision === 'allow') {
    ctx.record('filter', 'pass', f.summary, { source: d.rule?.pos, log: f.log, detail: undefined })
    dotDotSemicolon(ctx)
    return false
  }
  // A denied request that is in the vanity URL list is forwarded after all (§4.4).
  // The vanity list is fetched again over time: a decision that consulted it is not replayed.
  if (active.vanity && ctx.inputWatch) ctx.inputWatch.dynamic = true
  if (active.vanity?.isVanity(ctx.path)) {
    ctx.record('filter', 'changed', `${f.summary}; rescued: ${ctx.path} is in the vanity URL list`, {
      source: d.rule?.pos,
      log: [f.summary, 'Checking vanity URLs', `Vanity URL found: ${ctx.path}`],
      detail: undefined
    })
    return false
  }
  ctx.record('filter', 'stop', f.summary, { source: d.rule?.pos, log: f.log, detail: undefined })
  return denyByFilter(ctx)
}

/**
 * §10.3: `..;` is an ordinary segment to the Dispatcher, but Jetty (AEM) drops the `;` part and
 * resolves `..`: `/content/..;/crx/packmgr/service.jsp` passes `/url "/content/*"` and reaches
 * the package manager. Said of an allowed request whose path holds one.
 */
function dotDotSemicolon(ctx: RequestContext): void {
  if (!ctx.path.includes('..;') || !/(^|\/)\.\.;[^/]*(\/|$)/.test(ctx.path)) return
  ctx.warn(
    `${ctx.path} holds a '..;' segment: the filter took it as a plain name, but AEM (Jetty) resolves it as '..', so the render serves another path than the one allowed (pitfall 3); deny '.*/[.][.];.*' in a rule of its own`
  )
}

/**
 * The module hands a denied request back to Apache, which answers 404. The module documents no
 * X-Cache-Info words for a denial (§8.3), so the workbench's own, marked as such, go with it.
 */
const DENIED_INFO = 'x-workbench: request denied by the filter'

function deny(ctx: RequestContext): true | Promise<true> {
  ctx.cacheInfo = DENIED_INFO
  ctx.setOutcome('blocked')
  return answer(ctx, 404)
}

/**
 * A /filter denial: a cached copy of the URL (checked only now, off the allowed path) is worth a
 * warning when the filter denies that copy's own request too (GET, the path without the query):
 * only then was it cached under rules since changed. A GET with a denied query string, or a
 * POST, to a page the filter lets through is an ordinary denial.
 */
function denyByFilter(ctx: RequestContext): true | Promise<true> {
  const store = ctx.farm!.cache?.store
  const relPath = store ? cacheFileNameOf(ctx.decodedPath) : null
  const cached = relPath !== null ? cachedFileAt(store!, relPath) : null
  if (cached !== null && deniesCachedCopy(ctx)) {
    ctx.warn(
      `${cached.abs} is in the cache although /filter denies its URL (GET ${ctx.path}): it was cached under earlier rules. ` +
        'This request is denied all the same (the filter decides before the cache), but the file stays until a flush or ' +
        'an emptied cache, and a rule that allows the URL again serves this copy while it counts as fresh'
    )
  }
  return deny(ctx)
}

function deniesCachedCopy(ctx: RequestContext): boolean {
  const req = { method: 'GET', url: ctx.path, query: null, protocol: ctx.req.protocol }
  return decideFilter(ctx.farm!.filter, req).decision === 'deny'
}

/**
 * What kind of cache-internal file `path` names, or null. Statfiles (`.stat` at any level, and
 * the farm's level-0 `/statfile`) are always rejected (DC). So are stored header files (4.3.1,
 * DISP-730: "404 when trying to access a header file") and, by the same reasoning, `.ttl` expiry
 * files — but only when the farm writes them (`/headers` listed, `/enableTTL "1"`): elsewhere a
 * `.h` or `.ttl` URL (a Turtle file in the DAM) is an ordinary document.
 */
function cacheInternalFile(path: string, active: ActiveFarm): string | null {
  if (path.endsWith('/.stat')) return 'statfile'
  const policy = active.cache?.policy
  if (!policy) return null
  if (path === policy.statfile) return 'statfile'
  if (policy.headers.length > 0 && path.endsWith(HEADERS_SUFFIX)) return 'stored header file'
  if (policy.enableTTL && path.endsWith(TTL_SUFFIX)) return 'cache expiry (.ttl) file'
  return null
}

/** `explain` shows every rule; when serving, the UI asks for the same on demand. */
function explainFilter(ctx: RequestContext, active: ActiveFarm): boolean | Promise<boolean> {
  const req = { method: ctx.req.method, url: ctx.path, query: ctx.query, protocol: ctx.req.protocol }
  const line = ctx.requestLine()
  const d = decideFilter(active.filter, req)
  const detail = evaluateFilter(active.filter, req)
  if (d.rule && d.rule.type) ctx.trace.decidingRule = { label: d.rule.label, type: d.rule.type, pos: d.rule.pos }
  if (d.decision === 'allow') {
    const summary = d.rule
      ? `Filter rule entry /${d.rule.label} allowed '${line}'`
      : 'no /filter section: every request is accepted'
    ctx.record('filter', 'pass', summary, { source: d.rule?.pos, log: d.rule ? [summary] : undefined, detail })
    dotDotSemicolon(ctx)
    return false
  }
  const summary = d.rule
    ? `Filter rule entry /${d.rule.label} blocked '${line}'`
    : `no filter rule matched '${line}': denied`
  // The vanity list is fetched again over time: a decision that consulted it is not replayed.
  if (active.vanity && ctx.inputWatch) ctx.inputWatch.dynamic = true
  if (active.vanity?.isVanity(ctx.path)) {
    ctx.record('filter', 'changed', `${summary}; rescued: ${ctx.path} is in the vanity URL list`, {
      source: d.rule?.pos,
      log: [summary, 'Checking vanity URLs', `Vanity URL found: ${ctx.path}`],
      detail
    })
    return false
  }
  const said = active.vanity ? `${summary}; ${vanityMiss(active.vanity, ctx.path)}` : summary
  ctx.record('filter', 'stop', said, { source: d.rule?.pos, log: [summary, `Filter rejects: ${line}`], detail })
  return denyByFilter(ctx)
}

/** Why the vanity list did not rescue a denied request, as `explain` tells it. */
function vanityMiss(list: VanityUrlList, path: string): string {
  if (list.loadedFrom !== null) return `${path} is not in the vanity URL list (${list.urls.length} URLs)`
  const stored = list.file ? `nothing is stored for ${list.file} yet` : 'the farm has no /file'
  return `vanity URL list not loaded: explain contacts no render and ${stored}`
}

/** A decision with the words its trace entry says; shared by the requests with the same request line. */
interface Filtered {
  method: string
  protocol: string
  query: string | null
  d: FilterDecision
  summary: string
  /** The entry's log when the request is allowed or plainly denied (not when a vanity URL rescues it). */
  log: string[] | undefined
  decidingRule: RequestTrace['decidingRule']
}

/** Per compiled filter (one per farm and configuration snapshot), by path, then method, protocol and query. */
const memos = new WeakMap<CompiledFilter, { size: number; byPath: Map<string, Filtered[]> }>()
/** Request lines remembered per filter before the memo starts over. */
const MEMO_LIMIT = 10_000

function filtered(filter: CompiledFilter, ctx: RequestContext): Filtered {
  let memo = memos.get(filter)
  if (!memo) memos.set(filter, (memo = { size: 0, byPath: new Map() }))
  const method = ctx.req.method
  const protocol = ctx.req.protocol
  const query = ctx.query
  const known = memo.byPath.get(ctx.path)
  if (known) {
    for (const f of known) if (f.method === method && f.protocol === protocol && f.query === query) return f
  }
  const d = decideFilter(filter, { method, url: ctx.path, query, protocol })
  const line = ctx.requestLine()
  let summary: string
  let log: string[] | undefined
  if (d.decision === 'allow') {
    summary = d.rule
      ? `Filter rule entry /${d.rule.label} allowed '${line}'`
      : 'no /filter section: every request is accepted'
    log = d.rule ? [summary] : undefined
  } else {
    summary = d.rule
      ? `Filter rule entry /${d.rule.label} blocked '${line}'`
      : `no filter rule matched '${line}': denied`
    log = [summary, `Filter rejects: ${line}`]
  }
  const decidingRule = d.rule && d.rule.type ? { label: d.rule.label, type: d.rule.type, pos: d.rule.pos } : undefined
  const f: Filtered = { method, protocol, query, d, summary, log, decidingRule }
  if (memo.size >= MEMO_LIMIT) {
    memo.byPath.clear()
    memo.size = 0
  }
  if (known) known.push(f)
  else memo.byPath.set(ctx.path, [f])
  memo.size++
  return f
}
