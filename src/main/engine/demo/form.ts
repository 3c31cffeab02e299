/**
 * The contact form's POST handler. It reads the whole streamed body before answering (so a
 * proxy that forwards the body chunk by chunk is exercised) and, like the Sling POST
 * servlet, answers a `:redirect` field with 302 and anything else with a page of its own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { escapeHtml, fill, stampVars } from './html'
import { HTML, send } from './respond'
import type { PageContext } from './pages'

/** Form fields beyond this many bytes are counted but not kept. */
const KEEP_BYTES = 64 * 1024

/** A same-site path only: `/x`, not `//evil.example` or `https://…`. */
function safeRedirect(target: string | null): string | undefined {
  return target && /^\/(?![/\\])[^\s]*$/.test(target) ? target : undefined
}

export function handleFormPost(ctx: PageContext, req: IncomingMessage, res: ServerResponse): void {
  const kept: Buffer[] = []
  let bytes = 0
  req.on('data', (chunk: Buffer) => {
    if (bytes < KEEP_BYTES) kept.push(chunk.subarray(0, KEEP_BYTES - bytes))
    bytes += chunk.length
  })
  req.on('error', () => res.destroy())
  req.on('end', () => {
    const isUrlEncoded = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')
    const fields = isUrlEncoded ? new URLSearchParams(Buffer.concat(kept).toString('utf8')) : new URLSearchParams()
    const redirect = safeRedirect(fields.get(':redirect'))
    if (redirect) {
      send(
        res,
        302,
        { Location: redirect, 'Content-Type': HTML },
        `<!DOCTYPE html>\n<p>Redirecting to <a href="${escapeHtml(redirect)}">${escapeHtml(redirect)}</a></p>\n`
      )
      return
    }
    const vars = {
      ...stampVars(ctx.site, { port: ctx.port, at: new Date() }),
      name: escapeHtml(fields.get('name')?.trim() || 'friend'),
      bytes: String(bytes),
      fields: String([...fields.keys()].length)
    }
    send(res, 200, { 'Content-Type': HTML }, fill(ctx.site.templates.formReceived, vars))
  })
}
