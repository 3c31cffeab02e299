/** farm: `/virtualhosts` resolution, bottom-up (dispatcher-behavior.md §3.3). */
import type { FarmResult } from '../../../../shared/trace-match'
import type { RequestContext } from '../context'
import { selectFarmMemo } from '../farm'
import { answer } from './answer'

export function farm(ctx: RequestContext): boolean | Promise<boolean> {
  const farms = ctx.config.farmModels
  if (farms.length === 0) {
    ctx.record('farm', 'stop', 'the configuration has no farm: nothing can handle the request')
    ctx.setOutcome('error')
    return answer(ctx, 503)
  }
  const forwarded = forwardedHost(ctx)
  const uri = ctx.query !== null ? `${ctx.path}?${ctx.query}` : ctx.path
  const result = selectFarmMemo(
    farms,
    { host: ctx.headers.host ?? '', uri, scheme: ctx.req.secure ? 'https' : 'http' },
    ctx.config.fallbackFarm
  )
  ctx.farm = ctx.config.farms[result.index]
  ctx.trace.farm = result.farm ?? undefined
  if (result.warning) ctx.warn(result.warning)
  // The module's warning is the one line, plus, when the port alone kept a value from matching, why.
  const summary = result.warning === null ? result.reason : [result.warning, result.portNote].filter(Boolean).join('; ')
  ctx.record('farm', 'pass', summary, {
    detail: result,
    log: forwarded === null ? logOf(result) : [forwarded, ...logOf(result)],
    source: result.value?.pos ?? ctx.farm.farm.pos
  })
  return false
}

/**
 * `DispatcherUseForwardedHost On` (§2, §6.3): from here on the module works with the first
 * `X-Forwarded-Host` item as the request's `Host` — for `/virtualhosts` and for the `Host`
 * the render is sent. The Apache phases before it (rewrite, headers) saw the client's own
 * `Host`. Returns the log line saying so, or null when nothing was replaced.
 */
function forwardedHost(ctx: RequestContext): string | null {
  const directives = ctx.vhost?.dispatcher ?? ctx.config.defaults
  const value = ctx.headers['x-forwarded-host']
  if (!directives.useForwardedHost || value === undefined) return null
  const first = value.split(',')[0].trim()
  if (first === '') return null
  ctx.setHeaderIn('Host', first)
  return `Host replaced by X-Forwarded-Host: ${first}`
}

/** The module's line for a result; results are shared between requests, so are their lines. */
const logs = new WeakMap<FarmResult, string[]>()

function logOf(result: FarmResult): string[] {
  let log = logs.get(result)
  if (!log) {
    log = result.warning ? [result.warning] : result.logLine ? [result.logLine] : []
    logs.set(result, log)
  }
  return log
}
