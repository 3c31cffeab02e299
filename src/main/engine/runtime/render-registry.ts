/**
 * Render clients outlive configuration reloads: a reload that keeps a render's address and
 * timeouts keeps its pool and warm connections; anything no longer referenced is closed
 * once in-flight requests on the old configuration have had time to finish.
 */
import type { Render } from '../../../shared/config-model'
import { RenderClient, type RenderClientOptions } from '../upstream/render-client'

function keyOf(render: Render, opts: RenderClientOptions): string {
  return [
    render.secure.value ? 'https' : 'http',
    render.hostname.value,
    render.port.value,
    render.timeout.value,
    render.receiveTimeout.value,
    render.ipv4.value ? 1 : 0,
    render.alwaysResolve.value ? 1 : 0,
    opts.keepAliveSeconds ?? 60,
    opts.allowSelfSigned ? 1 : 0
  ].join('|')
}

export class RenderRegistry {
  private clients = new Map<string, RenderClient>()

  /** Clients for one configuration generation; `retire()` closes those the new set does not use. */
  acquire(renders: Render[], opts: RenderClientOptions, used: Set<string>): RenderClient[] {
    return renders.map((r) => {
      const key = keyOf(r, opts)
      used.add(key)
      let c = this.clients.get(key)
      if (!c) {
        c = new RenderClient(r, opts)
        this.clients.set(key, c)
      }
      return c
    })
  }

  retire(used: Set<string>, graceMs = 30_000): void {
    for (const [key, client] of this.clients) {
      if (used.has(key)) continue
      this.clients.delete(key)
      setTimeout(() => void client.close().catch(() => client.destroy()), graceMs).unref()
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.clients.values()]
    this.clients.clear()
    await Promise.all(all.map((c) => c.destroy().catch(() => undefined)))
  }
}
