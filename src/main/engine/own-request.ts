/**
 * A request the UI sends through the proxy's own listener, so it runs and is logged like any
 * other (Replay, the Cache view's Flush), and the trace it left. Each goes on a connection of
 * its own (no agent), which is how its trace is told from any other's, an identical request
 * sent at the same moment included (awaited-traces.ts).
 */
import http from 'node:http'
import type { Socket } from 'node:net'
import type { RequestTrace } from '../../shared/trace'
import type { AwaitedTraces } from './awaited-traces'

/** How long a request the UI sends through the proxy may take to be answered. */
const SEND_TIMEOUT_MS = 30_000
/** The proxy publishes a trace when the connection's answer is closed, which can come just after the body ends. */
const TRACE_GRACE_MS = 1000

export async function sendThroughListener(
  base: string,
  awaited: AwaitedTraces,
  method: string,
  target: string,
  headers: Record<string, string>
): Promise<{ status: number; trace: RequestTrace | null }> {
  let found: RequestTrace | null = null
  let seen: () => void = () => undefined
  const published = new Promise<void>((resolve) => (seen = resolve))
  let stop: () => void = () => undefined
  const deliver = (trace: RequestTrace): void => {
    found = trace
    seen()
  }
  try {
    // Waiting starts when the connection is made: before the head is written, so before its trace.
    const status = await sendOnce(base, method, target, headers, (socket) => {
      stop = awaited.await({ address: socket.localAddress ?? '', port: socket.localPort ?? 0 }, deliver)
    })
    if (found === null) await Promise.race([published, new Promise((r) => setTimeout(r, TRACE_GRACE_MS).unref())])
    return { status, trace: found }
  } finally {
    stop()
  }
}

function sendOnce(
  base: string,
  method: string,
  target: string,
  headers: Record<string, string>,
  onConnect: (socket: Socket) => void
): Promise<number> {
  const u = new URL(base)
  // A URL writes an IPv6 address in brackets; the socket wants it bare.
  const host = u.hostname.replace(/^\[|\]$/g, '')
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: u.port, method, path: target, headers, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('socket', (socket) => socket.once('connect', () => onConnect(socket)))
    req.setTimeout(SEND_TIMEOUT_MS, () =>
      req.destroy(new Error(`the proxy did not answer within ${SEND_TIMEOUT_MS / 1000} s`))
    )
    req.on('error', reject)
    req.end()
  })
}
