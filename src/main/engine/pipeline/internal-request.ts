/**
 * A request the engine makes to itself through the full pipeline — a re-fetching flush asks
 * for each listed page again so it is stored before visitors miss it (§7.4): marked as a
 * re-fetch, it goes to the render even when the page is in the cache (refetch-requests.ts).
 * The answer is consumed and dropped; the trace is returned.
 */
import type { RequestTrace } from '../../../shared/trace'
import type { ActiveConfig } from '../runtime/active-config'
import { RequestContext } from './context'
import { RecordingReply } from './recording-reply'
import { markAsRefetch } from './refetch-requests'
import { runPipeline } from './run'

export async function internalRequest(
  active: ActiveConfig,
  method: string,
  target: string,
  host: string,
  seq: number
): Promise<RequestTrace> {
  const headers: Record<string, string> = { host, 'user-agent': 'Dispatcher Workbench (re-fetch)' }
  const reply = new RecordingReply(active.serverBanner)
  const ctx = new RequestContext(
    {
      method,
      target,
      protocol: 'HTTP/1.1',
      headers,
      rawHeaders: Object.entries(headers).flat(),
      client: { address: '127.0.0.1', port: 0 },
      local: { address: '127.0.0.1', port: 0 },
      secure: false,
      body: null
    },
    reply,
    active,
    'serve',
    `internal-${seq}`,
    seq
  )
  reply.trace = ctx.trace
  markAsRefetch(ctx.req)
  const started = performance.now()
  await runPipeline(ctx)
  ctx.trace.durationMs = performance.now() - started
  return ctx.trace
}
