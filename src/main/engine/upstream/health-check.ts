/**
 * The farm's `/health_check/url`, asked of one render after it answered a 50x other than 503
 * with `/failover "1"` (dispatcher-behavior.md §6.4, DC "Using the Failover Mechanism"):
 * 500 → the render is considered down, penalised, and the request resent elsewhere (R4);
 * 200 → the original error goes to the client (R3).
 *
 * DC names only 500 and 200. Read here: any 5xx, or no answer at all (refused, timed out),
 * means down; any other status means the render is alive and its error stands.
 */
import type { Render } from '../../../shared/config-model'
import { getFromRender, type RenderGetOptions } from './render-get'
import type { RenderStatistics } from './statistics'

export const HEALTH_CHECK_TIMEOUT_MS = 5000

export type HealthCheckResult =
  { kind: 'status'; status: number; durationMs: number } | { kind: 'error'; message: string; durationMs: number }

export async function checkHealth(
  render: Render,
  url: string,
  opts: Partial<Pick<RenderGetOptions, 'timeoutMs' | 'allowSelfSigned' | 'lookup'>> = {}
): Promise<HealthCheckResult> {
  const started = performance.now()
  const r = await getFromRender(render, url, { timeoutMs: HEALTH_CHECK_TIMEOUT_MS, maxBytes: 0, ...opts })
  const durationMs = performance.now() - started
  return r.kind === 'response'
    ? { kind: 'status', status: r.status, durationMs }
    : { kind: 'error', message: r.message, durationMs }
}

export function isUnhealthy(result: HealthCheckResult): boolean {
  return result.kind === 'error' || result.status >= 500
}

/** For the trace: `answered 200`, `answered 500`, `failed: Connection refused`. */
export function describeHealth(result: HealthCheckResult): string {
  return result.kind === 'status' ? `answered ${result.status}` : `failed: ${result.message}`
}

/**
 * Start-up reachability, in the background: every render is asked for `path` and marked up
 * (any HTTP answer) or down (no answer) in `statistics`, so the health panel can say "publish
 * not reachable" at once instead of the app waiting for the render the way the SDK does.
 * Never rejects; nobody has to wait for it.
 */
export async function probeRenders(
  renders: Render[],
  statistics: RenderStatistics,
  path = '/',
  opts: Partial<Pick<RenderGetOptions, 'timeoutMs' | 'allowSelfSigned'>> = {}
): Promise<void> {
  await Promise.all(
    renders.map(async (render, i) => {
      const r = await checkHealth(render, path, opts)
      statistics.markReachable(i, r.kind === 'status', r.kind === 'error' ? r.message : undefined)
    })
  )
}
