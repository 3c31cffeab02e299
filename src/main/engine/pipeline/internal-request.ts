/**
 * A request the engine makes to itself through the full pipeline — a re-fetching flush asks
 * for each listed page again so it is stored before visitors miss it (§7.4). The answer is
 * consumed and dropped; the trace is returned.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { RequestTrace } from '../../../shared/trace'
import type { ActiveConfig } from '../runtime/active-config'
import { RequestContext, type Reply } from './context'
import { runPipeline } from './run'

class DiscardReply implements Reply {
  headersSent = false
  trace!: RequestTrace
  head(status: number, headers: OutgoingHttpHeaders): void {
    this.headersSent = true
    this.trace.response.status = status
    for (const k in headers) if (headers[k] !== undefined) this.trace.response.headers[k] = String(headers[k])
  }
  write(): boolean {
    return true
  }
  end(): void {}
  onDrain(): void {}
  onAbort(): void {}
}

export async function internalRequest(active: ActiveConfig, method: string, target: string, host: string, seq: number): Promise<RequestTrace> {
  const headers: Record<string, string> = { host, 'user-agent': 'Dispatcher Workbench (re-fetch)' }
  const reply = new DiscardReply()
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
  const started = performance.now()
  await runPipeline(ctx)
  ctx.trace.durationMs = performance.now() - started
  return ctx.trace
}
