/**
 * Traces awaited by the connection their request comes on: the requests the UI itself sends
 * through the proxy's listener (Replay, the Cache view's Flush; own-request.ts). The
 * connection's client address and port are the marker the engine matches: no two open
 * connections to the listener share them, and the UI sends each request on a connection of
 * its own, so two identical requests sent at once (two Flush clicks on one handle) each get
 * their own trace, where matching the request's method, target and headers gave both the
 * first one published. Nothing is added to the request, which goes out as AEM's flush agent
 * or the browser sent it.
 */
import type { RequestTrace } from '../../shared/trace'

export interface Endpoint {
  address: string
  port: number
}

export class AwaitedTraces {
  private readonly waiting = new Map<string, (trace: RequestTrace) => void>()

  /**
   * `deliver` gets the trace of the next request published from the connection whose client
   * end is `client` (the sender's local address and port); the function returned stops waiting.
   */
  await(client: Endpoint, deliver: (trace: RequestTrace) => void): () => void {
    const key = keyOf(client)
    this.waiting.set(key, deliver)
    return () => {
      if (this.waiting.get(key) === deliver) this.waiting.delete(key)
    }
  }

  /** Every published trace with the connection it came on (a cheap size check while nobody waits). */
  published(trace: RequestTrace, client: Endpoint): void {
    if (this.waiting.size === 0) return
    const key = keyOf(client)
    const deliver = this.waiting.get(key)
    if (deliver === undefined) return
    this.waiting.delete(key)
    deliver(trace)
  }
}

/** The listener sees an IPv4 client on a dual-stack socket as `::ffff:a.b.c.d`; both ends are keyed bare. */
function keyOf(e: Endpoint): string {
  const address = e.address.startsWith('::ffff:') ? e.address.slice(7) : e.address
  return `${address} ${e.port}`
}
