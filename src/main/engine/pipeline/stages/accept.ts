/**
 * accept: request limits and URL normalisation as Apache applies them before any module
 * runs (dispatcher-behavior.md §3.1). The virtual host is chosen here too, because Apache
 * picks it from the Host header before it normalises the URL with that vhost's
 * `AllowEncodedSlashes`.
 */
import type { AcceptDetail } from '../../../../shared/trace'
import { requestVhost, type ActiveVhost } from '../../runtime/active-config'
import type { RequestContext } from '../context'
import {
  aprPathQuery,
  hasNoPath,
  normaliseTarget,
  splitTarget,
  type EncodedSlashes,
  type NormaliseResult
} from '../normalise-url'
import { answer } from './answer'
import { textMemo } from '../../text-memo'
import { resolveClient } from '../remote-client'
import { atoi } from '../../c-numbers'

/** httpd's defaults for LimitRequestLine / LimitRequestFieldSize / LimitRequestFields. */
const LIMIT_REQUEST_LINE = 8190
const LIMIT_FIELD_SIZE = 8190
const LIMIT_FIELDS = 100

/** `min`: the smallest value that counts (LimitRequestFields takes 0, for no limit). */
function limit(vhost: ActiveVhost | undefined, name: string, fallback: number, min = 1): number {
  let v = fallback
  for (const layer of vhost?.layers ?? []) {
    // httpd reads the number with atoi: `50x` is 50, a word is 0.
    const text = layer.other[name]?.value[0]
    if (text === undefined) continue
    const n = atoi(text)
    if (n >= min) v = n
  }
  return v
}

/**
 * The longest request line and header field httpd reads: ap_rgetline is given the limit + 2
 * bytes for the line with its end, and takes one more than the limit (as apache2 answers).
 */
interface Limits {
  line: number
  field: number
  /** 0: no limit. */
  fields: number
}

/** Per virtual host of a configuration snapshot: the directives do not change under it. */
const limitsOf = new WeakMap<ActiveVhost, Limits>()
const DEFAULT_LIMITS: Limits = { line: LIMIT_REQUEST_LINE, field: LIMIT_FIELD_SIZE, fields: LIMIT_FIELDS }

function limits(vhost: ActiveVhost | undefined): Limits {
  if (!vhost) return DEFAULT_LIMITS
  let l = limitsOf.get(vhost)
  if (!l) {
    l = {
      line: limit(vhost, 'LimitRequestLine', LIMIT_REQUEST_LINE),
      field: limit(vhost, 'LimitRequestFieldSize', LIMIT_FIELD_SIZE),
      fields: limit(vhost, 'LimitRequestFields', LIMIT_FIELDS, 0)
    }
    limitsOf.set(vhost, l)
  }
  return l
}

export function accept(ctx: RequestContext): boolean | Promise<boolean> {
  const req = ctx.req
  const chosen = requestVhost(ctx.config.servingVhosts, req)
  // Refused here, a request never reaches a handler: no output filter (mod_deflate) sees the answer.
  ctx.outputFiltered = false
  // httpd reads the request line and the header fields before the Host header names a vhost:
  // with the limits of the connection's default (first-listed) vhost, which also answers what
  // goes wrong meanwhile (the SDK's test.proxy vhost sets LimitRequestFieldSize 32768 for every
  // vhost this way). Errors found before any section walk get the vhost's defaults, no section.
  const reading = ctx.config.servingVhosts[0] ?? chosen?.vhost

  // A head httpd could not read (http/request-head.ts): refused before anything else is looked at.
  if (req.refused !== undefined) {
    // Refused before the Host header named a server (r->hostname unset).
    ctx.hostUnread = true
    return refuseRead(ctx, req.refusedStatus ?? 400, `httpd refuses the request: ${req.refused}`, reading)
  }
  const requestLine = req.method.length + 1 + req.target.length + 1 + req.protocol.length
  const lim = limits(reading)
  if (requestLine > lim.line + 1) {
    // httpd stops reading the line where the limit is: it never learns the method, so a HEAD
    // gets the page too.
    if (ctx.reply.sendsBody?.()) ctx.headerOnly = false
    return refuse(ctx, 414, `request line of ${requestLine} bytes exceeds LimitRequestLine`, reading)
  }
  ctx.vhost = chosen?.vhost
  const pong = req.method === 'OPTIONS' && (req.target === '*' || hasNoPath(req.target))
  // Internal requests (an ErrorDocument's, a redirect's) skip what httpd checks while reading one.
  const internal = ctx.isErrorDocument || ctx.redirects > 0
  // A CONNECT names a host and port, which chose the vhost (server.ts); httpd maps it to `/`.
  // An internal redirect of it keeps the method and goes to its own URL.
  const connect = req.method === 'CONNECT' && !internal
  const modes = ctx.vhost?.mergeSlashes === false ? acceptedKeepingSlashes : acceptedTargets
  const accepted = modes[ctx.vhost?.encodedSlashes ?? 'off'](connect ? '/' : req.target)
  const n = accepted.n
  if (!pong && !n.ok) {
    // What the answer's %{REQUEST_URI} and %{QUERY_STRING} read: r->uri and r->args as httpd
    // left them when it gave up.
    ctx.decodedPath = n.uri
    ctx.query = n.query
    // Refused with the request line, before the header fields were read (no Host, no
    // r->hostname): the first-listed vhost answers.
    if (n.requestLine) {
      ctx.headers = {}
      ctx.hostUnread = true
      return refuse(ctx, n.status, n.reason, reading)
    }
  }
  const raw = req.rawHeaders
  const fieldLimit = lim.field
  if (lim.fields > 0 && raw.length / 2 > lim.fields) {
    ctx.errorNotes = "The number of request header fields exceeds this server's limit."
    return refuseRead(ctx, 400, `${raw.length / 2} header fields exceed LimitRequestFields (${lim.fields})`, reading)
  }
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length + 2 + raw[i + 1].length > fieldLimit + 1) {
      ctx.errorNotes = 'Size of a request header field exceeds server limit.'
      return refuseRead(ctx, 400, `header ${raw[i]} exceeds LimitRequestFieldSize (${fieldLimit} bytes)`, reading)
    }
  }
  if (chosen?.malformed !== undefined || hostHeaders(raw) > 1) {
    const why = chosen?.malformed ?? 'more than one Host header'
    return refuseRead(ctx, 400, `httpd cannot read the Host header '${req.headers.host}' (${why})`, reading)
  }
  // httpd wants a host name from HTTP/1.1 on (from the Host header or an absolute URL), and for
  // HTTP/1.1 itself a Host header as well (not of an internal request, whose first one may have
  // been refused before that).
  // An absolute-form target's host is r->hostname even when empty (`http:///x`, whose Host
  // header then becomes empty too).
  const noHostname = req.urlHost === undefined && !req.headers.host
  if (
    !internal &&
    ((noHostname && (req.protocol === 'HTTP/1.1' || laterThanHttp11(req.protocol))) ||
      (req.protocol === 'HTTP/1.1' && req.headers.host === undefined))
  ) {
    const which = req.headers.host === undefined ? 'no' : 'an empty'
    // Asked once the vhost was chosen (by an absolute-form target's host, if any): it answers.
    return refuseRead(ctx, 400, `HTTP/1.1 request without a host name (${which} Host header)`, ctx.vhost)
  }

  if (req.expectationFailed) {
    ctx.errorNotes = 'Only the 100-continue expectation is supported.'
    return refuseRead(
      ctx,
      417,
      `Expect: ${req.headers.expect} is not an expectation httpd meets (only 100-continue)`,
      ctx.vhost
    )
  }
  if (pong) return optionsPong(ctx)
  // A target httpd cannot map (bad escapes, an encoded slash, a climb above the root) is refused
  // by the chosen vhost before any <Location> or <Directory> walk.
  if (!n.ok) return refuse(ctx, n.status, n.reason, ctx.vhost)
  ctx.path = n.path
  ctx.decodedPath = n.decodedPath
  ctx.query = n.query
  if (ctx.mode === 'explain' || n.steps.length > 0) {
    const detail: AcceptDetail = { rawPath: n.rawPath, normalisedPath: n.path, query: n.query, steps: n.steps }
    ctx.record('accept', n.steps.length > 0 ? 'changed' : 'pass', accepted.summary, { detail })
  } else {
    ctx.record('accept', 'pass', accepted.summary)
  }
  if (chosen) {
    ctx.trace.vhost = chosen.vhost.label
    ctx.record(
      'vhost',
      'pass',
      chosen.vhost.vhost.mainServer
        ? `no <VirtualHost> takes the listener's port: httpd's ${chosen.vhost.label} answers (${relativeName(chosen.vhost.pos.file)})`
        : chosen.matched
          ? matchedSummary(chosen.vhost)
          : `no ServerName/ServerAlias matches '${req.headers.host ?? ''}': Apache's first-listed virtual host ${chosen.vhost.label}`,
      { source: chosen.vhost.pos }
    )
  }
  resolveClient(ctx)
  ctx.outputFiltered = true
  return false
}

/**
 * An answer Apache gives before any section walk (while reading the request, or for a target it
 * cannot map): from `vhost`'s own settings, no `<Location>` or `<Directory>` section.
 */
function refuse(
  ctx: RequestContext,
  status: number,
  why: string,
  vhost: ActiveVhost | undefined
): boolean | Promise<boolean> {
  ctx.vhost = vhost
  ctx.sectionsPhase = 'server'
  // Refused before translate_name: r->filename was never set (%{REQUEST_FILENAME} is empty).
  ctx.apacheFilename = ''
  ctx.record('accept', 'stop', `${why}: ${status}`)
  ctx.setOutcome('blocked')
  return answer(ctx, status)
}

/**
 * `refuse` for a request httpd read the line of and had not normalised yet: r->uri and r->args
 * are the target's path and query as sent (apr_uri_parse), which the answer's %{REQUEST_URI}
 * and %{QUERY_STRING} read.
 */
function refuseRead(
  ctx: RequestContext,
  status: number,
  why: string,
  vhost: ActiveVhost | undefined
): boolean | Promise<boolean> {
  const target = ctx.req.target
  const split = splitTarget(target) ?? aprPathQuery(target)
  ctx.decodedPath = split.path
  ctx.query = split.query
  return refuse(ctx, status, why, vhost)
}

/**
 * `OPTIONS *` asks about the server, not a resource: httpd's HTTP module answers it in its
 * map_to_storage hook (http_send_options: "HTTP pong", 200 with an empty body and no Allow)
 * before any handler, so no output filter and no `Header` directive is on its way.
 */
function optionsPong(ctx: RequestContext): true {
  resolveClient(ctx)
  ctx.record('accept', 'stop', "OPTIONS *: httpd's HTTP module answers for the server itself: 200, no body")
  ctx.setOutcome('static')
  ctx.status = 200
  ctx.reply.head(200, { 'content-length': '0' })
  ctx.reply.end()
  return true
}

interface Accepted {
  n: NormaliseResult
  summary: string
}

/**
 * Normalisation depends on the target and the vhost's `AllowEncodedSlashes` and `MergeSlashes`
 * only, so each target is worked out once per mode (text-memo.ts) with the words its trace
 * entry says. Shared: read only.
 */
const acceptedTargets: Record<EncodedSlashes, (target: string) => Accepted> = {
  off: acceptedIn('off', true),
  on: acceptedIn('on', true),
  nodecode: acceptedIn('nodecode', true)
}

/** The same with `MergeSlashes Off`. */
const acceptedKeepingSlashes: Record<EncodedSlashes, (target: string) => Accepted> = {
  off: acceptedIn('off', false),
  on: acceptedIn('on', false),
  nodecode: acceptedIn('nodecode', false)
}

function acceptedIn(mode: EncodedSlashes, mergeSlashes: boolean): (target: string) => Accepted {
  return textMemo((target) => {
    const n = normaliseTarget(target, mode, mergeSlashes)
    if (!n.ok) return { n, summary: '' }
    if (n.steps.length > 0) return { n, summary: n.steps.join('; ') }
    // Nothing changed the path: the summary is the target as received, query included.
    return { n, summary: `accepted ${n.rawPath}${n.query !== null ? '?' + n.query : ''}` }
  })
}

const matchedSummaries = new WeakMap<ActiveVhost, string>()

function matchedSummary(v: ActiveVhost): string {
  let summary = matchedSummaries.get(v)
  if (summary === undefined) {
    summary = `virtual host ${v.label} (${relativeName(v.pos.file)}:${v.pos.line})`
    matchedSummaries.set(v, summary)
  }
  return summary
}

function relativeName(file: string): string {
  const parts = file.split(/[\\/]/)
  return parts.slice(-2).join('/')
}

/** `HTTP/1.2` and on (httpd takes any `HTTP/d.d` with a non-zero major version). */
function laterThanHttp11(protocol: string): boolean {
  return protocol > 'HTTP/1.1' && protocol.length === 8
}

/** httpd joins repeated Host lines with a comma, which no host name has. */
function hostHeaders(raw: string[]): number {
  let n = 0
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') n++
  return n
}
