/**
 * `serve --demo` with a project's own configuration: the demo render has only the demo site's
 * pages (under /content/demo/), while the project's rewrites send its home page to its own
 * content (WKND: / → /us/en.html → /content/wknd/us/en.html). Every page was then a 404 from the
 * first click, with nothing said why. At start the home page is explained (nothing is sent
 * through the proxy, nothing cached), following the configuration's own redirects on this host,
 * and the page it would fetch is asked of the demo render itself.
 */
import type { Engine } from '../main/engine/engine'
import type { RequestTrace } from '../shared/trace'

/** Redirects followed from `/`, as a browser would (WKND has one, to /us/en.html). */
const MAX_REDIRECTS = 4
const DEMO_HOME = '/content/demo/us/en.html'

export async function demoSiteWarning(engine: Engine, demoUrl: string, proxyUrl: string): Promise<string | null> {
  const host = `localhost:${new URL(proxyUrl).port}`
  const home = followToRender(engine, '/', host)
  if (!home) return null
  const path = home.effectiveUrl ?? home.request.url
  if ((await statusAt(demoUrl, path)) !== 404) return null
  const demoHome = followToRender(engine, DEMO_HOME, host)
  const browse =
    demoHome?.effectiveUrl === DEMO_HOME ? `Browse ${proxyUrl}${DEMO_HOME} for the demo site, or restart` : 'Restart'
  return (
    `Warning: --demo's render is the built-in demo site (pages under /content/demo/), but this configuration ` +
    `takes / to ${path}, which the demo site does not have: your site's pages will be 404s. ` +
    `${browse} with --aem host:port to serve your own AEM instead.`
  )
}

/** The trace of GET `url` that would go to a render, after the redirects to this host; else null. */
function followToRender(engine: Engine, url: string, host: string): RequestTrace | null {
  let target = url
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const trace = engine.explain({ method: 'GET', url: target, host })
    const location = trace.response.headers.location
    if (trace.outcome === 'redirect' && typeof location === 'string') {
      const next = parsedUrl(location, `http://${host}`)
      // A Location that is no URL (a rule's typo) or leads elsewhere: nothing to ask the demo render.
      if (!next || (next.host !== host && next.hostname !== 'localhost')) return null
      target = next.pathname + next.search
      continue
    }
    return trace.stages.some((s) => s.stage === 'render') ? trace : null
  }
  return null
}

function parsedUrl(location: string, base: string): URL | null {
  try {
    return new URL(location, base)
  } catch {
    return null
  }
}

async function statusAt(base: string, path: string): Promise<number | null> {
  try {
    const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(3000) })
    await res.body?.cancel()
    return res.status
  } catch {
    return null
  }
}
