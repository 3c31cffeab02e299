/**
 * flush: the invalidation protocol AEM's flush agent speaks (dispatcher-behavior.md §7),
 * handled for the chosen farm before its filters: `/allowedClients` (403 otherwise),
 * `CQ-Action`, `CQ-Handle`, `CQ-Action-Scope`, re-fetch bodies, `/invalidateHandler`.
 */
import type { Readable } from 'node:stream'
import { clientAllowedToFlush, executeFlush, isInvalidationRequest, parseInvalidation, planFlush } from '../../cache'
import type { RequestContext } from '../context'
import { answer } from './answer'

/** Flush bodies are short lists of paths; more than this is not a flush request. */
const MAX_BODY = 1024 * 1024

function readBody(body: Readable | null): Promise<string> {
  if (!body) return Promise.resolve('')
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    body.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    body.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    body.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

export function flush(ctx: RequestContext): boolean | Promise<boolean> {
  if (!isInvalidationRequest(ctx.req.method, ctx.path, ctx.headers)) return false
  const active = ctx.farm!
  const cache = active.cache
  // The connection's peer: whether the module reads mod_remoteip's client here is not
  // documented, and the peer is the reading that lets no header widen /allowedClients.
  const ip = ctx.req.client.address
  if (!cache?.store) {
    ctx.record(
      'flush',
      'stop',
      `invalidation request for farm /${active.farm.name}, which has no cache docroot: nothing to invalidate`
    )
    ctx.setOutcome('flush')
    return answer(ctx, 404)
  }
  if (!clientAllowedToFlush(cache.policy, ip)) {
    ctx.record('flush', 'stop', `Flushing rejected from ${ip}: /allowedClients does not allow this client (403)`, {
      log: [`Flushing rejected from ${ip}`]
    })
    ctx.setOutcome('flush')
    return answer(ctx, 403)
  }
  if (ctx.mode === 'explain') {
    const parsed = parseInvalidation(ctx.headers, '')
    if (parsed.ok) {
      const plan = planFlush(cache.policy, parsed.request)
      ctx.record('flush', 'stop', `would invalidate ${parsed.request.handle ?? '(test)'} (${parsed.request.action})`, {
        detail: plan,
        log: plan.log
      })
    } else ctx.record('flush', 'stop', `invalid flush request: ${parsed.reason}`)
    ctx.setOutcome('flush')
    return true
  }
  const store = cache.store
  return readBody(ctx.req.body).then(async (body) => {
    const parsed = parseInvalidation(ctx.headers, body)
    ctx.setOutcome('flush')
    if (!parsed.ok) {
      ctx.record('flush', 'stop', `invalid flush request: ${parsed.reason}`)
      return answer(ctx, parsed.status)
    }
    const plan = planFlush(cache.policy, parsed.request)
    const report = await executeFlush(store, plan)
    const refetched: string[] = []
    const refetch = ctx.config.refetch
    if (refetch) for (const uri of report.refetch) refetched.push(await refetch(ctx.headers.host ?? 'localhost', uri))
    const r = parsed.request
    ctx.record(
      'flush',
      'stop',
      `${r.action} ${r.handle ?? ''}: ${report.statfilesTouched.length} .stat touched, ${report.deleted.length} deleted` +
        (report.refetch.length ? `, ${report.refetch.length} re-fetched` : ''),
      { detail: { ...report, refetched }, log: report.log }
    )
    const text = Buffer.from('<H1>OK</H1>')
    ctx.status = report.status
    ctx.reply.head(report.status, { 'content-type': 'text/html', 'content-length': text.length })
    ctx.reply.end(text)
    ctx.trace.response.bytes = text.length
    return true
  })
}
