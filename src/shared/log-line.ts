/**
 * A request as the AEMaaCS Dispatcher logs it (dispatcher-behavior.md §8.2; ARCH `LogFormat`,
 * CS-LOG), for developers who compare with the Cloud's `dispatcher.log`:
 *
 *   [17/Jul/2020:23:48:06 +0000] [I] [workbench] "GET /content/wknd/us/en.html" - 475ms [publishfarm/0] [action miss] "localhost:8080"
 *
 * The status is `-` for a 200 (as the Cloud's lines show it) and the number otherwise; the
 * backend is `farm/render`, `farm/-` when no render was asked; the cache action is `hit`, `miss`
 * (fetched and stored), `purge` (an invalidation request), `none` (not cached) or, for a stale copy
 * /serveStaleOnError delivered, `x-workbench:stale-on-error`. The pod name
 * is `workbench`.
 */
import type { RenderDetail, RequestTrace } from './trace'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function two(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/** Apache's `%t` in UTC: `[17/Jul/2020:23:48:06 +0000]`. */
export function apacheTime(ms: number): string {
  const d = new Date(ms)
  return `[${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000]`
}

/**
 * A stale copy /serveStaleOnError delivered after the render failed (§5.7): the module went to
 * the render as for a miss and then sent the old file; no log word is documented for it (§8.2
 * lists hit, miss, none), so the workbench's own word is marked as such. The other stale
 * deliveries (within /gracePeriod, while another request refetches) send the file without asking
 * a render, as a hit does.
 */
export const STALE_ON_ERROR_ACTION = 'x-workbench:stale-on-error'

function cacheAction(t: RequestTrace): string {
  if (t.outcome === 'stale' && t.forwarded !== undefined) return STALE_ON_ERROR_ACTION
  if (t.outcome === 'hit' || t.outcome === 'stale') return 'hit'
  if (t.outcome === 'miss-stored') return 'miss'
  // An invalidation request the module took: "… 200 purge [publish/-] 0ms" (Adobe KB KA-19985).
  if (t.outcome === 'flush') return 'purge'
  return 'none'
}

/**
 * The render whose answer the client got, or null. A request sent to renders none of which
 * answered (all refused: the module's 503; /receiveTimeout: 504; or /serveStaleOnError's stale
 * file instead) has none: AMS logs those as `farm/-`, '"GET /favicon.ico" 503 - 54234ms
 * authorfarm/-' (AMS-common-logs, §8.2 "farm/- = no render used"), and the request log's render
 * column and the trace's headline say the same. The render stage's detail has a status only
 * once a render answered.
 */
export function answeringRender(t: RequestTrace): string | null {
  if (!t.forwarded) return null
  for (const s of t.stages) {
    if (s.stage === 'render' && typeof (s.detail as RenderDetail | undefined)?.status === 'number')
      return t.forwarded.render
  }
  return null
}

/**
 * The line, or null when the Dispatcher handler never took the request: the SDK writes
 * dispatcher.log with `CustomLog … dispatcher "expr=%{HANDLER} == 'dispatcher-handler'"` (ARCH
 * dispatcher_vhost.conf), so a request httpd refused while reading it (a fragment, a bad escape,
 * a climb above the root, no Host), one a rewrite or an access check stopped before the handler,
 * or one Apache served or proxied itself has no line. The module took it once it chose a farm.
 */
export function dispatcherLogLine(t: RequestTrace): string | null {
  if (t.farm === undefined && !t.stages.some((s) => s.stage === 'farm')) return null
  const status = t.response.status === 200 ? '-' : String(t.response.status)
  const backend = `${t.farm ?? '-'}/${answeringRender(t) ?? '-'}`
  const ms = Math.round(t.durationMs)
  return `${apacheTime(t.startedAt)} [I] [workbench] "${t.request.method} ${t.effectiveUrl ?? t.request.url}" ${status} ${ms}ms [${backend}] [action ${cacheAction(t)}] "${t.request.host}"`
}
