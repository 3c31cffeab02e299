/**
 * Start-up reachability: a TCP connect to each render, no HTTP request. The renders panel
 * can say "publish not reachable" at once, without the engine waiting for AEM the way the
 * SDK does, and without sending AEM a request the developer did not make.
 */
import net from 'node:net'
import type { Render } from '../../../shared/config-model'
import type { RenderStatistics } from './statistics'
import { socketErrorText } from './socket-errors'
import { errorCode } from '../http/error-code'

export function canConnect(host: string, port: number, timeoutMs = 2000): Promise<{ ok: boolean; message?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean, message?: string): void => {
      socket.destroy()
      resolve({ ok, message })
    }
    // In the C library's words, as the module logs a failed connect (and as a request's own attempts say).
    socket.setTimeout(timeoutMs, () => done(false, socketErrorText('ETIMEDOUT', '')))
    socket.once('connect', () => done(true))
    socket.once('error', (e) => done(false, socketErrorText(errorCode(e), e.message)))
  })
}

export async function probeReachability(renders: Render[], statistics: RenderStatistics): Promise<void> {
  await Promise.all(
    renders.map(async (r, i) => {
      const res = await canConnect(
        r.hostname.value,
        r.port.value,
        r.timeout.value > 0 ? Math.min(r.timeout.value, 5000) : 2000
      )
      statistics.markReachable(
        i,
        res.ok,
        res.ok ? undefined : `Unable to connect socket to ${r.hostname.value}:${r.port.value}: ${res.message}`
      )
    })
  )
}
