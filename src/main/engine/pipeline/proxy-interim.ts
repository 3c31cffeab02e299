/**
 * The interim (1xx) answers mod_proxy_http relays from its backend (ap_proxy_http_process_response
 * reads an interim head into r->headers_out as it reads a final one, then ap_send_interim_response
 * writes the status line and r->headers_out; httpd 2.4.68): the backend's reason phrase, its
 * header lines as spelled but the hop-by-hop ones and those its Connection names, and ProxyVia's
 * entry on a line of its own. The `proxy-interim-response` variable decides: unset, each goes on
 * (a 100 only to a client waiting for one); `RFC` (in any case), a 100 too; any other value, none.
 * Measured against apache2 2.4.68 (proxy-backend-requests.test.ts): a backend's `100 Go On` with
 * `X-Interim: 1`, `Keep-Alive: 5` and `via: 1.0 b` reaches the client as `100 Go On` with
 * `X-Interim: 1`, `via: 1.0 b` and, under `ProxyVia On`, `Via: 1.1 localhost`; a `103 Early
 * Hints` and a `102 Processing` go on to an HTTP/1.1 client, not to an HTTP/1.0 one.
 */
import type { InterimAnswer, RequestContext } from './context'
import { connectionTokensOf, PROXY_RESPONSE_HOP } from './hop-headers'

/**
 * Hands the backend's interim answer to the reply as `proxy-interim-response` says. `raw`: its
 * header names and values (node's raw list, latin1 strings); `via`: ProxyVia's entry, if any.
 */
export function relayInterim(
  ctx: RequestContext,
  status: number,
  raw: readonly string[] | null | undefined,
  reason: string | undefined,
  via: string | null
): void {
  const policy = ctx.env['proxy-interim-response']
  if (policy !== undefined && policy.toLowerCase() !== 'rfc') return
  // Under RFC mod_proxy_http sets r->expecting_100 for a 100 the client did not ask for.
  ctx.reply.interim?.(relayedInterim(status, raw, reason, via), policy !== undefined)
}

export function relayedInterim(
  status: number,
  raw: readonly string[] | null | undefined,
  reason: string | undefined,
  via: string | null
): InterimAnswer {
  const lines: [string, string][] = []
  if (raw) {
    let named: readonly string[] = []
    for (let i = 0; i + 1 < raw.length; i += 2)
      if (raw[i].toLowerCase() === 'connection') named = [...named, ...connectionTokensOf(raw[i + 1])]
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]
      const key = name.toLowerCase()
      if (!PROXY_RESPONSE_HOP.has(key) && !named.includes(key)) lines.push([name, raw[i + 1]])
    }
  }
  if (via !== null) lines.push(['Via', via])
  // An empty reason phrase leaves the space after the code (httpd puts it back).
  return { status, reason: reason ?? '', lines }
}
