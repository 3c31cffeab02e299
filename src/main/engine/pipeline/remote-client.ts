/**
 * mod_remoteip's post_read_request step (runtime/remote-ip.ts): once the vhost is known, the
 * client address may come from the `RemoteIPHeader`, which then loses what was taken from it.
 */
import { shortPos } from '../../../shared/diagnostics'
import { resolveRemoteIp } from '../runtime/remote-ip'
import type { RequestContext } from './context'

export function resolveClient(ctx: RequestContext): void {
  if (ctx.clientResolved) return
  ctx.clientResolved = true
  const config = ctx.vhost?.remoteIp
  if (!config) return
  const value = ctx.headers[config.header]
  if (value === undefined) return
  const at = shortPos(config.headerAt)
  const peer = ctx.clientIp
  const out = resolveRemoteIp(config, peer, value)
  if (!out) {
    ctx.record(
      'accept',
      'pass',
      `mod_remoteip: ${config.headerName} (${at}) '${value}' gives no client it trusts: the client stays ${peer}`,
      {
        source: config.headerAt
      }
    )
    return
  }
  ctx.clientIp = out.client
  const headers = { ...ctx.headers }
  if (out.remaining === null) delete headers[config.header]
  else headers[config.header] = out.remaining
  if (out.proxyIps !== null && config.proxiesHeader !== null) {
    const { name, key } = config.proxiesHeader
    if (headers[key] === undefined) ctx.addedHeaderNames.push(name)
    headers[key] = out.proxyIps
  }
  ctx.headers = headers
  ctx.invalidateApacheRequest()
  const left = out.remaining === null ? 'the header is removed' : `the header keeps '${out.remaining}'`
  const proxies = out.proxyIps !== null ? ` (proxies: ${out.proxyIps})` : ' (internal proxies)'
  ctx.record(
    'accept',
    'changed',
    `mod_remoteip: ${config.headerName} (${at}) makes ${out.client} the client${proxies}; ${left}`,
    { source: config.headerAt }
  )
}
