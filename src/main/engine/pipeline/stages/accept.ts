/**
 * accept: request limits and URL normalisation as Apache applies them before any module
 * runs (dispatcher-behavior.md §3.1). The virtual host is chosen here too, because Apache
 * picks it from the Host header before it normalises the URL with that vhost's
 * `AllowEncodedSlashes`.
 */
import type { AcceptDetail } from '../../../../shared/trace'
import { selectVhost } from '../../runtime/active-config'
import type { RequestContext } from '../context'
import { normaliseTarget } from '../normalise-url'
import { answer } from './answer'

/** httpd's defaults for LimitRequestLine / LimitRequestFieldSize / LimitRequestFields. */
const LIMIT_REQUEST_LINE = 8190
const LIMIT_FIELD_SIZE = 8190
const LIMIT_FIELDS = 100

function limit(ctx: RequestContext, name: string, fallback: number): number {
  let v = fallback
  for (const layer of ctx.vhost?.layers ?? []) {
    const n = Number(layer.other[name]?.value[0])
    if (Number.isFinite(n) && n > 0) v = n
  }
  return v
}

export function accept(ctx: RequestContext): boolean | Promise<boolean> {
  const req = ctx.req
  const chosen = selectVhost(ctx.config.vhosts, req.headers.host ?? '')
  ctx.vhost = chosen?.vhost

  const requestLine = req.method.length + 1 + req.target.length + 1 + req.protocol.length
  if (requestLine > limit(ctx, 'LimitRequestLine', LIMIT_REQUEST_LINE)) {
    ctx.record('accept', 'stop', `request line of ${requestLine} bytes exceeds LimitRequestLine: 414`)
    ctx.setOutcome('blocked')
    return answer(ctx, 414)
  }
  const raw = req.rawHeaders
  const fieldLimit = limit(ctx, 'LimitRequestFieldSize', LIMIT_FIELD_SIZE)
  if (raw.length / 2 > LIMIT_FIELDS) {
    ctx.record('accept', 'stop', `${raw.length / 2} header fields exceed LimitRequestFields (${LIMIT_FIELDS}): 400`)
    ctx.setOutcome('blocked')
    return answer(ctx, 400)
  }
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length + 2 + raw[i + 1].length > fieldLimit) {
      ctx.record('accept', 'stop', `header ${raw[i]} exceeds LimitRequestFieldSize (${fieldLimit} bytes): 400`)
      ctx.setOutcome('blocked')
      return answer(ctx, 400)
    }
  }
  if (req.protocol === 'HTTP/1.1' && req.headers.host === undefined) {
    ctx.record('accept', 'stop', 'HTTP/1.1 request without a Host header: 400')
    ctx.setOutcome('blocked')
    return answer(ctx, 400)
  }

  const n = normaliseTarget(req.target, ctx.vhost?.encodedSlashes ?? 'off')
  if (!n.ok) {
    ctx.record('accept', 'stop', `${n.reason}: ${n.status}`)
    ctx.setOutcome('blocked')
    return answer(ctx, n.status)
  }
  ctx.path = n.path
  ctx.decodedPath = n.decodedPath
  ctx.query = n.query
  if (ctx.mode === 'explain' || n.steps.length > 0) {
    const detail: AcceptDetail = { rawPath: n.rawPath, normalisedPath: n.path, query: n.query, steps: n.steps }
    ctx.record('accept', n.steps.length > 0 ? 'changed' : 'pass', n.steps.length > 0 ? n.steps.join('; ') : `accepted ${n.path}`, { detail })
  } else {
    ctx.record('accept', 'pass', `accepted ${n.path}`)
  }
  if (chosen) {
    ctx.trace.vhost = chosen.vhost.label
    ctx.record(
      'vhost',
      'pass',
      chosen.matched
        ? `virtual host ${chosen.vhost.label} (${relativeName(chosen.vhost.pos.file)}:${chosen.vhost.pos.line})`
        : `no ServerName/ServerAlias matches '${req.headers.host ?? ''}': Apache's first-listed virtual host ${chosen.vhost.label}`,
      { source: chosen.vhost.pos }
    )
  }
  return false
}

function relativeName(file: string): string {
  const parts = file.split(/[\\/]/)
  return parts.slice(-2).join('/')
}
