/**
 * Routes one request to the demo render's answer. GET and HEAD everywhere (Node drops the
 * body of a HEAD answer and keeps its headers), POST only for a page's `.form.html`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleFormPost } from './form'
import { CSRF_TOKEN_PATH, HEALTH_PATH, VANITY_LIST_PATH, sendCsrfToken, sendHealth, sendVanityList } from './granite'
import { notFound, renderPage, type PageContext } from './pages'
import { picturePng } from './pictures'
import { HTML, send, notModified } from './respond'
import { parseSlingPath } from './sling-path'

const HOME = '/content/demo/us/en.html'

export function handleRequest(ctx: PageContext, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET'
  const rawPath = (req.url ?? '/').split('?')[0]
  let path: string
  try {
    path = decodeURIComponent(rawPath)
  } catch {
    send(res, 400, { 'Content-Type': HTML }, '<!DOCTYPE html>\n<p>Bad request: malformed percent-encoding.</p>\n')
    return
  }
  const sling = parseSlingPath(path)
  const page = ctx.site.pages.get(sling.resourcePath)

  if (method === 'POST') {
    if (page?.acceptsPost && sling.extension === 'html' && sling.selectors.join('.') === 'form') {
      handleFormPost(ctx, req, res)
      return
    }
    // Anonymous writes are refused on publish.
    req.resume()
    send(res, 403, { 'Content-Type': HTML }, '<!DOCTYPE html>\n<p>Forbidden: this resource does not accept POST.</p>\n')
    return
  }
  if (method !== 'GET' && method !== 'HEAD') {
    req.resume()
    send(res, 405, { 'Content-Type': HTML, Allow: 'GET, HEAD, POST' }, '<!DOCTYPE html>\n<p>Method not allowed.</p>\n')
    return
  }

  if (path === '/') {
    send(
      res,
      302,
      { Location: HOME, 'Content-Type': HTML },
      `<!DOCTYPE html>\n<p>Moved to <a href="${HOME}">${HOME}</a></p>\n`
    )
    return
  }
  if (path === CSRF_TOKEN_PATH) return sendCsrfToken(res)
  if (path === VANITY_LIST_PATH) return sendVanityList(res, ctx.site)
  if (path === HEALTH_PATH) return sendHealth(res, ctx.port)

  const clientlib = ctx.site.clientlibs.get(path)
  if (clientlib) {
    if (notModified(req, res, ctx.site.lastModified)) return
    const headers = {
      'Content-Type': clientlib.contentType,
      'Last-Modified': ctx.site.lastModified.toUTCString(),
      // AEMaaCS's documented default cache life for client libraries: 30 days.
      'Cache-Control': 'max-age=2592000'
    }
    send(res, 200, headers, clientlib.body)
    return
  }

  const asset = ctx.site.assets.get(path)
  if (asset) {
    if (notModified(req, res, ctx.site.lastModified)) return
    const png = picturePng(asset.picture, asset.width, asset.height)
    send(res, 200, { 'Content-Type': 'image/png', 'Last-Modified': ctx.site.lastModified.toUTCString() }, png)
    return
  }

  // A vanity path is resolved inside publish and answered with the page itself.
  const vanityTarget = ctx.site.vanity.get(path)
  const target = vanityTarget ? ctx.site.pages.get(vanityTarget) : page
  if (target && (vanityTarget || sling.extension === 'html' || sling.extension === 'json')) {
    renderPage(
      ctx,
      target,
      vanityTarget ? { resourcePath: target.path, selectors: [], extension: 'html', suffix: '' } : sling,
      req,
      res
    )
    return
  }
  notFound(ctx, res, path)
}
