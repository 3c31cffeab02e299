/**
 * flush: the invalidation protocol AEM's flush agent speaks (dispatcher-behavior.md §7),
 * handled for the chosen farm before its filters: `/allowedClients` (403 otherwise),
 * `CQ-Action`, `CQ-Handle`, `CQ-Action-Scope`, re-fetch bodies, `/invalidateHandler`.
 *
 * `/propagateSyndPost "1"` (§2, §6.4): a flush POST is also forwarded to the renders, "then POST
 * must be allowed by the filter": after the invalidation the request goes on through the
 * farm's filter, the cache stage (a POST is not cacheable) and the render stage, with its body
 * sent again, and the client gets what that path answers (the render's answer, or the filter's
 * 404 when it denies the POST, although the cache was invalidated). UNCERTAIN: the documents
 * give no status; the filter requirement is read as the request continuing the normal way.
 * Only POSTs are propagated: the property names syndication POSTs, and a GET flush is not one.
 */
import { Readable } from 'node:stream'
import {
  executeFlush,
  isInvalidationRequest,
  keptCopies,
  parseInvalidation,
  planFlush,
  plannedDeletions,
  refetchListed,
  type FlushPlan,
  type ParsedInvalidation
} from '../../cache'
import type { RequestContext } from '../context'
import { finalHeaders } from '../response-headers'
import { answer } from './answer'
import { checkFlushClient, clientAllowed, clientRefused, type FlushClientCheck } from './flush-client'

/** Flush bodies are short lists of paths; more than this is not a flush request. */
const MAX_BODY = 1024 * 1024

/** The body, whole when `keep` (to send it on to a render), else its first MAX_BODY bytes. */
function readBody(body: Readable | null, keep: boolean): Promise<Buffer> {
  if (!body) return Promise.resolve(Buffer.alloc(0))
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    body.on('data', (c: Buffer) => {
      size += c.length
      if (keep || size <= MAX_BODY) chunks.push(c)
    })
    body.on('end', () => resolve(Buffer.concat(chunks)))
    body.on('error', () => resolve(Buffer.concat(chunks)))
  })
}

/**
 * What explain says a flush would do: the `.stat` files it would touch and the entries it
 * would delete (read from the cache folder, which explain never writes), as the flush's own
 * report would list them.
 */
function wouldDo(plan: FlushPlan, deletions: readonly string[], client: FlushClientCheck): string {
  const r = plan.request
  if (plan.targets === null)
    return `would answer the connection test (CQ-Action: Test): nothing invalidated; ${clientAllowed(client)}`
  const touch = plan.statfiles.length
    ? plan.statfiles.join(', ')
    : `no .stat file${r.resourceOnly ? ' (CQ-Action-Scope: ResourceOnly)' : ''}`
  const drop = deletions.length ? [...deletions].sort().join(', ') : 'nothing'
  return `would invalidate ${r.handle} (${r.action}): touch ${touch}; delete ${drop}; ${clientAllowed(client)}`
}

const PROPAGATE = '/propagateSyndPost "1": the POST goes on to the filter and a render, whose answer the client gets'

/**
 * The module's own answer to an invalidation it carries out (explain: would carry out), with
 * the plan's status. It still passes httpd's filters: the vhost's `Header` lines (AMS's flush
 * vhost adds `X-Vhost: flush` with `Header always add`) and AddDefaultCharset.
 */
function answerFlushed(ctx: RequestContext, status: number): true {
  const text = Buffer.from('<H1>OK</H1>')
  ctx.status = status
  ctx.reply.head(
    status,
    finalHeaders(ctx, status, { 'content-type': 'text/html', 'content-length': text.length }, false)
  )
  ctx.reply.end(text)
  ctx.trace.response.bytes = text.length
  return true
}

/**
 * An invalidation request the module cannot read (no or a bad CQ-Handle), explained or served
 * alike. Nothing was flushed: its outcome is 'error', not the 'flush' of one carried out.
 */
function answerInvalid(ctx: RequestContext, parsed: Extract<ParsedInvalidation, { ok: false }>): true | Promise<true> {
  ctx.record('flush', 'stop', `invalid flush request: ${parsed.reason}`)
  ctx.setOutcome('error')
  return answer(ctx, parsed.status)
}

export function flush(ctx: RequestContext): boolean | Promise<boolean> {
  if (!isInvalidationRequest(ctx.req.method, ctx.path, ctx.headers)) return false
  const active = ctx.farm!
  const cache = active.cache
  // Whether the docroot exists is looked at now, as the module does for every request
  // (§5.3 step 1): a folder made after the configuration loaded is flushed without a reload.
  if (!cache?.store || !cache.store.docrootExists()) {
    const why = cache?.store
      ? `whose /docroot ${cache.store.docroot.root} does not exist`
      : 'which has no cache docroot'
    ctx.record('flush', 'stop', `invalidation request for farm /${active.farm.name}, ${why}: nothing to invalidate`)
    // A refused flush must not read as one carried out: the farm's configuration is at fault.
    ctx.setOutcome('error')
    return answer(ctx, 404)
  }
  // The connection's peer, not mod_remoteip's client: flush-client.ts says why.
  const client = checkFlushClient(cache.policy, ctx.req.client.address, ctx.clientIp)
  if (!client.allowed) {
    ctx.record('flush', 'stop', clientRefused(client), {
      detail: { allowedClients: client },
      log: [`Flushing rejected from ${client.checked}`]
    })
    // Refused by access control, as a /filter denial or a Require is.
    ctx.setOutcome('blocked')
    return answer(ctx, 403)
  }
  const propagate = active.farm.propagateSyndPost.value && ctx.req.method === 'POST'
  if (ctx.mode === 'explain') {
    // Nothing is carried out, but the request is answered as serving it would be: the same
    // refusal of a bad request, the plan's status for a good one.
    const parsed = parseInvalidation(ctx.headers, '')
    if (!parsed.ok) return answerInvalid(ctx, parsed)
    ctx.setOutcome('flush')
    const plan = planFlush(cache.policy, parsed.request)
    const deletions = plannedDeletions(cache.store, plan).map((d) => d.relPath)
    const what = wouldDo(plan, deletions, client)
    ctx.record('flush', propagate ? 'changed' : 'stop', propagate ? `${what}; ${PROPAGATE}` : what, {
      detail: { ...plan, deletions, allowedClients: client },
      log: plan.log
    })
    return propagate ? false : answerFlushed(ctx, plan.status)
  }
  const store = cache.store
  return readBody(ctx.req.body, propagate).then(async (raw) => {
    const parsed = parseInvalidation(ctx.headers, raw.subarray(0, MAX_BODY).toString('utf8'))
    if (!parsed.ok) return answerInvalid(ctx, parsed)
    ctx.setOutcome('flush')
    const plan = planFlush(cache.policy, parsed.request)
    // Before the /invalidateHandler's wait: a copy a visitor stores meanwhile is no kept one.
    const kept = keptCopies(store, plan)
    const report = await executeFlush(store, plan)
    const refetch = ctx.config.refetch
    const host = ctx.headers.host ?? 'localhost'
    const refetched = refetch ? await refetchListed(store, plan, report, (uri) => refetch(host, uri), kept) : []
    const r = parsed.request
    const did =
      plan.targets === null
        ? 'connection test (CQ-Action: Test) answered: nothing invalidated'
        : `${r.action} ${r.handle}: ${report.statfilesTouched.length} .stat touched, ${report.deleted.length} deleted` +
          (report.refetch.length ? `, ${report.refetch.length} re-fetched` : '')
    const done = `${did}; ${clientAllowed(client)}`
    const detail = { ...report, refetched, allowedClients: client }
    if (propagate) {
      ctx.record('flush', 'changed', `${done}; ${PROPAGATE}`, { detail, log: report.log })
      // The body was read here: the render is sent the same bytes.
      ctx.req.body = raw.length > 0 ? Readable.from([raw]) : null
      return false
    }
    ctx.record('flush', 'stop', done, { detail, log: report.log })
    return answerFlushed(ctx, report.status)
  })
}
