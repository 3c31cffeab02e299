/**
 * Pushes EngineUiEvents to one browser over a WebSocket. Events are already batched by the
 * API (one `traces` event per 100 ms at most); when the socket cannot keep up (a throttled
 * background tab), `traces` events are held back and counted, so the page shows
 * "N older requests dropped" instead of the server buffering without bound.
 */
import type { WebSocket } from 'ws'
import type { EngineApi, EngineUiEvent } from '../../shared/api'

/** Bytes queued on the socket above which `traces` events are skipped. */
const HIGH_WATER = 4 * 1024 * 1024

export function streamEvents(api: EngineApi, socket: WebSocket): void {
  let skipped = 0
  const unsubscribe = api.subscribe((event: EngineUiEvent) => {
    if (socket.readyState !== socket.OPEN) return
    if (event.type === 'traces') {
      if (socket.bufferedAmount > HIGH_WATER) {
        skipped += event.traces.length + event.dropped
        return
      }
      if (skipped > 0) {
        event = { ...event, dropped: event.dropped + skipped }
        skipped = 0
      }
    }
    socket.send(JSON.stringify(event))
  })
  socket.on('close', unsubscribe)
  socket.on('error', unsubscribe)
}
