/**
 * Answers for a demo page in each rendition (`.html`, `.print.html`, `.model.json`,
 * `.json`/`.N.json`/`.infinity.json`), including the page behaviours that exercise the
 * Dispatcher: `Dispatcher: no-cache` (§5.4), a `Set-Cookie` that does not stop caching
 * (§5.4, pitfall §10.11), a slow answer and a 500.
 */
import crypto from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fill, pageHtml, stampVars, escapeHtml } from './html'
import { pageModel, slingJson } from './model'
import { HTML, send, sendJson, notModified, type Headers } from './respond'
import type { DemoPage, DemoSite } from './site'
import type { SlingPath } from './sling-path'

export interface PageContext {
  site: DemoSite
  port: number
  slowMs: number
  /** Timers of slow answers still waiting; the render clears them when it closes. */
  pending: Set<NodeJS.Timeout>
}

const VISITOR_COOKIE = 'demo-visitor'

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** Body placeholders and extra headers that depend on the page's behaviour and the request. */
function dynamicParts(
  ctx: PageContext,
  page: DemoPage,
  req: IncomingMessage
): { vars: Record<string, string>; headers: Headers } {
  switch (page.behaviour) {
    case 'dispatcher-no-cache': {
      const home = crypto.randomInt(0, 6)
      return {
        vars: { heat: String(crypto.randomInt(1, 9)), score: `Blue ${home} – ${crypto.randomInt(0, 6)} Orange` },
        // AEM components conventionally send this spelling (dispatcher-behavior.md §5.4).
        headers: { Dispatcher: 'no-cache' }
      }
    }
    case 'visitor-cookie': {
      const known = cookie(req, VISITOR_COOKIE)
      if (known && /^[a-f0-9]{8,32}$/.test(known)) {
        return { vars: { greeting: `Welcome back, visitor ${known}.` }, headers: {} }
      }
      const id = crypto.randomBytes(8).toString('hex')
      return {
        vars: { greeting: 'Hello, new visitor! We have never seen you before.' },
        headers: { 'Set-Cookie': `${VISITOR_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` }
      }
    }
    case 'slow':
      return { vars: { slowMs: String(ctx.slowMs) }, headers: {} }
    default:
      return { vars: {}, headers: {} }
  }
}

function requestPath(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]
}

function jsonDepth(selectors: string[]): number | undefined {
  if (selectors.length === 0) return 0
  if (selectors.length !== 1) return undefined
  if (selectors[0] === 'infinity') return Infinity
  return /^\d+$/.test(selectors[0]) ? Number(selectors[0]) : undefined
}

export function notFound(ctx: PageContext, res: ServerResponse, path: string): void {
  const vars = { ...stampVars(ctx.site, { port: ctx.port, at: new Date() }), path: escapeHtml(path) }
  send(res, 404, { 'Content-Type': HTML }, fill(ctx.site.templates.notFound, vars))
}

function renderNow(
  ctx: PageContext,
  page: DemoPage,
  sling: SlingPath,
  req: IncomingMessage,
  res: ServerResponse
): void {
  const stamp = { port: ctx.port, at: new Date() }
  if (page.behaviour === 'broken') {
    const vars = {
      ...stampVars(ctx.site, stamp),
      path: escapeHtml(requestPath(req)),
      reason: 'the adventure log ran out of ink (this page always fails)'
    }
    send(res, 500, { 'Content-Type': HTML }, fill(ctx.site.templates.error, vars))
    return
  }
  const { vars, headers } = dynamicParts(ctx, page, req)
  if (sling.extension === 'html') {
    const variant = sling.selectors.includes('print') ? 'print' : 'page'
    // Other selectors fall back to the page's default script, as Sling resolves scripts.
    send(res, 200, { 'Content-Type': HTML, ...headers }, pageHtml(ctx.site, page, variant, stamp, vars))
    return
  }
  if (sling.extension === 'json') {
    if (sling.selectors.length === 1 && sling.selectors[0] === 'model') {
      sendJson(res, 200, headers, pageModel(ctx.site, page, fill(page.body, vars).trim()))
      return
    }
    const depth = jsonDepth(sling.selectors)
    if (depth !== undefined) {
      if (notModified(req, res, ctx.site.lastModified)) return
      sendJson(res, 200, { 'Last-Modified': ctx.site.lastModified.toUTCString() }, slingJson(ctx.site, page, depth))
      return
    }
  }
  notFound(ctx, res, requestPath(req))
}

export function renderPage(
  ctx: PageContext,
  page: DemoPage,
  sling: SlingPath,
  req: IncomingMessage,
  res: ServerResponse
): void {
  if (page.behaviour !== 'slow') {
    renderNow(ctx, page, sling, req, res)
    return
  }
  const timer = setTimeout(() => {
    ctx.pending.delete(timer)
    renderNow(ctx, page, sling, req, res)
  }, ctx.slowMs)
  ctx.pending.add(timer)
  res.on('close', () => {
    clearTimeout(timer)
    ctx.pending.delete(timer)
  })
}
