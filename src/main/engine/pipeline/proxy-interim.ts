/**
 * The `100 Continue` mod_proxy_http relays from its backend to a client waiting for one
 * (ap_proxy_http_process_response reads the interim head into r->headers_out as it reads a
 * final one, then ap_send_interim_response writes the status line and r->headers_out; httpd
 * 2.4.68): the backend's reason phrase, its header lines as spelled but the hop-by-hop ones and
 * those its Connection names, and ProxyVia's entry on a line of its own. Measured against
 * apache2 2.4.68 (proxy-answers.test.ts): a backend's `100 Go On` with `X-Interim: 1`,
 * `Keep-Alive: 5` and `via: 1.0 b` reaches the client as `100 Go On` with `X-Interim: 1`,
 * `via: 1.0 b` and, under `ProxyVia On`, `Via: 1.1 localhost`.
 */
import type { InterimAnswer } from './context'
import { connectionTokensOf, PROXY_RESPONSE_HOP } from './hop-headers'

/** `raw`: the backend's interim header names and values (node's raw list, latin1); `via`: ProxyVia's entry, if any. */
export function relayedContinue(
  raw: readonly Buffer[] | null | undefined,
  reason: string | undefined,
  via: string | null
): InterimAnswer {
  const lines: [string, string][] = []
  if (raw) {
    let named: readonly string[] = []
    for (let i = 0; i + 1 < raw.length; i += 2)
      if (raw[i].toString('latin1').toLowerCase() === 'connection')
        named = [...named, ...connectionTokensOf(raw[i + 1].toString('latin1'))]
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i].toString('latin1')
      const key = name.toLowerCase()
      if (!PROXY_RESPONSE_HOP.has(key) && !named.includes(key)) lines.push([name, raw[i + 1].toString('latin1')])
    }
  }
  if (via !== null) lines.push(['Via', via])
  return { reason: reason || 'Continue', lines }
}
