/**
 * The built-in demo render: a small HTTP server that behaves like an AEM publish instance
 * for the fictional "Adventures" site in `resources/demo-site/`, so a newcomer without an
 * AEM SDK still sees the whole Dispatcher flow, and tests have a render that counts hits.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { handleRequest } from './handler'
import type { PageContext } from './pages'
import { demoSiteDir } from './paths'
import { loadDemoSite } from './site'

export interface DemoRenderOptions {
  /** Interface to bind; loopback only. Default `127.0.0.1`. */
  host?: string
  /** `0` (default) picks a free port. */
  port?: number
  /** Default `resources/demo-site`. */
  siteDir?: string
  /** How long `/content/demo/us/en/slow.html` waits before answering. Default 2000 ms. */
  slowMs?: number
}

export interface DemoRender {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  close(): Promise<void>
  /** Requests received, in total and by URL path (query string left out), since start or `reset()`. */
  stats(): { requests: number; byPath: Record<string, number> }
  reset(): void
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

export async function startDemoRender(opts: DemoRenderOptions = {}): Promise<DemoRender> {
  const host = opts.host ?? '127.0.0.1'
  if (!LOOPBACK.has(host)) throw new Error(`the demo render binds to loopback only, not ${host}`)
  const site = loadDemoSite(path.resolve(opts.siteDir ?? demoSiteDir()))
  const ctx: PageContext = { site, port: 0, slowMs: opts.slowMs ?? 2000, pending: new Set() }
  let requests = 0
  let byPath = new Map<string, number>()

  const server = http.createServer((req, res) => {
    requests++
    const p = (req.url ?? '/').split('?')[0]
    byPath.set(p, (byPath.get(p) ?? 0) + 1)
    // Lets tests (and the workbench's render panel) tell several renders apart.
    res.setHeader('X-Demo-Render', String(ctx.port))
    handleRequest(ctx, req, res)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  ctx.port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host

  return {
    url: `http://${urlHost}:${ctx.port}`,
    port: ctx.port,
    stats: () => ({ requests, byPath: Object.fromEntries(byPath) }),
    reset: () => {
      requests = 0
      byPath = new Map()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of ctx.pending) clearTimeout(t)
        ctx.pending.clear()
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
  }
}
