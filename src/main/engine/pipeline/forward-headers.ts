/**
 * The header lines the module sends to a render (dispatcher-behavior.md §6.3): the farm's
 * `/clientheaders`, hop-by-hop fields and those the client's `Connection` names removed, plus
 * what the module always adds (`X-Forwarded-For`, `Via`, `Server-Agent`, `X-Forwarded-SSL`).
 * The render stage forwards with them. `/auth_checker` checks with every header line of the
 * browser's request instead (§5.9: "the HEAD section includes all the header lines from the
 * browser request"), so it asks for `everyLine`.
 */
import type { ActiveFarm, ActiveRender } from '../runtime/active-config'
import type { RequestContext } from './context'
import { connectionTokensOf, DISPATCHER_REQUEST_HOP } from './hop-headers'
import { textMemo } from '../text-memo'
import { INVALIDATION_HEADERS } from '../cache/flush-request'
import { backendSpelling, spellName } from '../http/header-spelling'

const NO_TOKENS: readonly string[] = []
/** Client lines the module sends with its own entry appended, in its own place (below). */
const MODULE_APPENDS: ReadonlySet<string> = new Set(['via', 'x-forwarded-for'])
/** Lines the module writes itself, in its own spelling whatever the client's was. */
const MODULE_LINES: ReadonlySet<string> = new Set([
  'via',
  'x-forwarded-for',
  'x-forwarded-ssl',
  'x-forwarded-port',
  'server-agent',
  'expect'
])
/** The module's own `Via` entry (§6.3), per `Host` (text-memo.ts): the same few values on every request. */
const viaOf = textMemo((host) => `1.1 ${host} (dispatcher)`, 1000)

/** `everyLine`: the auth checker's request, which carries every header line of the browser's. */
export function forwardHeaders(
  ctx: RequestContext,
  active: ActiveFarm,
  render: ActiveRender,
  everyLine = false
): Record<string, string> {
  const out: Record<string, string> = {}
  const headers = ctx.headers
  const connectionTokens = headers.connection ? connectionTokensOf(headers.connection) : NO_TOKENS
  const clientHeaders = active.clientHeaders
  const all = everyLine || clientHeaders === 'all'
  for (const name in headers) {
    if (DISPATCHER_REQUEST_HOP.has(name) || connectionTokens.includes(name) || MODULE_APPENDS.has(name)) continue
    if (!all && !clientHeaders.has(name)) continue
    // 4.3.8 no longer forwards the invalidation headers unless needed (DISP-1040): `"*"` drops
    // them, a list that names one keeps it.
    if (all && !everyLine && INVALIDATION_HEADERS.has(name)) continue
    out[name] = headers[name]
  }
  if (!out.host) out.host = `${render.render.hostname.value}:${render.render.port.value}`
  // The module's own lines go after the client's, in the order its trace log lists what it
  // sends (DC "Trace Logging": Via, X-Forwarded-For, the X-Forwarded-SSL… lines, X-Forwarded-Port,
  // Server-Agent). A client's Via or X-Forwarded-For is not copied above but appended to here.
  const via = viaOf(headers.host ?? ctx.req.local.address + ':' + ctx.req.local.port)
  out.via = headers.via ? `${headers.via}, ${via}` : via
  const client = ctx.clientIp
  out['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client
  if (ctx.req.secure) {
    out['x-forwarded-ssl'] = 'on'
    out['x-forwarded-port'] = String(ctx.req.local.port)
  }
  out['server-agent'] = 'Communique-Dispatcher'
  // A body that failover may have to send to another render waits for the render's `100
  // Continue` (§6.3; DC "Using the failover mechanism"): an error answer then comes before any
  // of it was sent. The auth checker's HEAD carries no body.
  if (!everyLine && ctx.req.body !== null && active.farm.failover.value) out.expect = '100-continue'
  return out
}

/**
 * `forwardHeaders` for the render stage. A replayed request (replay.ts) has the same head,
 * client address and listener as the one its decisions came from, and every input of
 * `forwardHeaders` is among those: its header lines for a render are made once and shared
 * (read only: the render client copies them into the request it writes).
 */
export function forwardHeadersForRender(
  ctx: RequestContext,
  active: ActiveFarm,
  render: ActiveRender
): Readonly<Record<string, string>> {
  const memo = ctx.forwardedByRender
  if (memo === null) return forwardHeaders(ctx, active, render)
  let headers = memo.get(render)
  if (headers === undefined) {
    headers = Object.freeze(forwardHeaders(ctx, active, render))
    memo.set(render, headers)
  }
  return headers
}

/**
 * The module's debug lines for a render it connected to and sent the request, as its log shows
 * them (EXP: 'Connected to backend rend01 (127.0.0.1:4503)', then 'Adding request header: Host'
 * for each line in the order sent, 'Adding request header: Via', …, 'Adding request header:
 * Server-Agent'). A client's header keeps the client's spelling; the module's own lines are
 * spelled as the module writes them. Read only: the lines are shared by every request that sends
 * the same names to the same render (connectedLines), so the request path builds none of them
 * and the trace ring keeps one copy.
 */
export function connectedLog(
  ctx: RequestContext,
  renderName: string,
  origin: string,
  headers: Readonly<Record<string, string>>
): readonly string[] {
  // A replayed head's records are frozen and shared (forwardHeadersForRender), and so is its raw
  // head, the lines' other input: they are looked up once per record, not once per request.
  const frozen = Object.isFrozen(headers)
  let lines = frozen ? linesByRecord.get(headers) : undefined
  if (lines === undefined) {
    const clientSpelling = backendSpelling(ctx.req.rawHeaders)
    let key = `${renderName}\n${origin}`
    for (const name in headers) key += `\n${spellName(name, MODULE_LINES.has(name) ? undefined : clientSpelling)}`
    lines = connectedLines(key)
    if (frozen) linesByRecord.set(headers, lines)
  }
  return lines
}

const linesByRecord = new WeakMap<object, readonly string[]>()

/** `connectedLog`'s lines by render, origin and spelled names (one per line of `key`). */
const connectedLines = textMemo((key): readonly string[] => {
  const [renderName, origin, ...names] = key.split('\n')
  return Object.freeze([
    `Connected to backend ${renderName} (${origin})`,
    ...names.map((name) => `Adding request header: ${name}`)
  ])
}, 1000)
