/**
 * The header lines mod_proxy_http sends a backend, as ap_proxy_create_hdrbrgade (proxy_util.c,
 * httpd 2.4.68) writes them: `Host` first, then `r->headers_in` line by line, in its order and
 * with its spelling (the client's names, and those `RequestHeader` added: `RequestHeader add`
 * puts a name on a line of its own, a client's repeated name arrives joined on one), each
 * header mod_proxy changes changed where it stands (apr_table_setn / apr_table_mergen) or
 * appended in httpd's spelling, then the body's framing (add_cl) and `Connection`. Measured
 * against apache2 2.4.68 (proxy-backend-requests.test.ts).
 */
import type { RequestContext } from './context'
import { requestHeaderEntries } from './headers'
import { connectionTokensOf, PROXY_REQUEST_HOP } from './hop-headers'

/** One header line: its name as spelled, and its value. */
export type HeaderLine = [name: string, value: string]

/** What mod_proxy adds or changes, from its settings for this request. */
export interface BackendHeaderSettings {
  /** The client's Max-Forwards (null when it sent none): the backend gets one less. */
  maxForwards: number | null
  /** `ProxyVia On|Full`'s entry, merged into Via; null when Off or Block. */
  viaEntry: string | null
  /** `ProxyVia Block`: the client's Via is not passed on. */
  blockVia: boolean
  /** `ProxyAddHeaders` (on by default): the X-Forwarded-* values. */
  addHeaders: boolean
  /** `ProxyPreserveHost On`: the client's Host goes on. */
  preserveHost: boolean
  /** mod_proxy_http's do_100_continue: the client's `Expect: 100-continue` goes on. */
  forwardExpect: boolean
}

/** The lines after `Host`, without the body's framing, and the Host the client's request keeps (null: the backend's own). */
export interface BackendHeaders {
  host: string | null
  lines: HeaderLine[]
}

export function backendHeaderLines(ctx: RequestContext, s: BackendHeaderSettings): BackendHeaders {
  // ap_proxy_clear_connection and the hop-by-hop fields; Content-Length goes after the headers
  // (mod_proxy_http writes the body's framing itself), and Expect only when do_100_continue.
  const connection = ctx.headers.connection
  const named = connection === undefined ? [] : connectionTokensOf(connection)
  const lines: HeaderLine[] = []
  for (const { name, value } of requestHeaderEntries(ctx.apacheRequest())) {
    const key = name.toLowerCase()
    if (key === 'content-length' || named.includes(key)) continue
    if (PROXY_REQUEST_HOP.has(key) && !(key === 'expect' && s.forwardExpect)) continue
    lines.push([name, value])
  }
  // mod_proxy's handler: apr_table_setn(r->headers_in, "Max-Forwards", …).
  if (s.maxForwards !== null) setLine(lines, 'Max-Forwards', String(s.maxForwards - 1))
  if (s.blockVia) removeLines(lines, 'via')
  else if (s.viaEntry !== null) mergeLine(lines, 'Via', s.viaEntry)
  // do_100_continue: an Expect that `RequestHeader` took away or changed gets its token back.
  if (s.forwardExpect && !lines.some(([n, v]) => n.toLowerCase() === 'expect' && namesContinue(v)))
    mergeLine(lines, 'Expect', '100-Continue')
  const host = ctx.headers.host
  if (s.addHeaders) {
    mergeLine(lines, 'X-Forwarded-For', ctx.clientIp)
    if (host) mergeLine(lines, 'X-Forwarded-Host', host)
    mergeLine(lines, 'X-Forwarded-Server', ctx.vhost?.serverHostname ?? 'localhost')
  }
  removeLines(lines, 'host')
  return { host: s.preserveHost && host ? host : null, lines }
}

/** ap_find_token: `100-continue` is one of the value's comma-separated tokens (in any case). */
function namesContinue(value: string): boolean {
  return value.split(',').some((token) => token.trim().toLowerCase() === '100-continue')
}

/** apr_table_setn: the name's first line takes `value`, its other lines go; appended when absent. */
function setLine(lines: HeaderLine[], name: string, value: string): void {
  const key = name.toLowerCase()
  const at = lines.findIndex(([n]) => n.toLowerCase() === key)
  if (at < 0) return void lines.push([name, value])
  lines[at] = [lines[at][0], value]
  for (let i = lines.length - 1; i > at; i--) if (lines[i][0].toLowerCase() === key) lines.splice(i, 1)
}

/** apr_table_mergen: `value` joined to the name's first line with ", "; appended (in httpd's spelling) when absent. */
function mergeLine(lines: HeaderLine[], name: string, value: string): void {
  const key = name.toLowerCase()
  const line = lines.find(([n]) => n.toLowerCase() === key)
  if (line) line[1] = `${line[1]}, ${value}`
  else lines.push([name, value])
}

function removeLines(lines: HeaderLine[], key: string): void {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i][0].toLowerCase() === key) lines.splice(i, 1)
}
