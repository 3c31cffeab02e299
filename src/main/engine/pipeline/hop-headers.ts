import { textMemo } from '../text-memo'

/**
 * Header fields that belong to one connection and are never passed on by a proxy (RFC 9110
 * §7.6.1, plus the old `Proxy-Connection`), as mod_proxy and the Dispatcher module drop them.
 */
const CONNECTION_FIELDS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade'
]

/** Dropped from a response before it is relayed. */
export const RESPONSE_HOP: ReadonlySet<string> = new Set(CONNECTION_FIELDS)

/** mod_proxy's response side also drops `Proxy-Authenticate` (it is meant for the proxy itself). */
export const PROXY_RESPONSE_HOP: ReadonlySet<string> = new Set([...CONNECTION_FIELDS, 'proxy-authenticate'])

/** mod_proxy's request side also drops `Expect` (it answers `100-continue` itself). */
export const PROXY_REQUEST_HOP: ReadonlySet<string> = new Set([...CONNECTION_FIELDS, 'expect'])

/** The Dispatcher's request side: mod_proxy's fields and `HTTP2-Settings`. */
export const DISPATCHER_REQUEST_HOP: ReadonlySet<string> = new Set([...PROXY_REQUEST_HOP, 'http2-settings'])

/** The field names a `Connection` header lists (they belong to this connection too), remembered per value. */
export const connectionTokensOf = textMemo((value): readonly string[] => value.toLowerCase().split(/\s*,\s*/), 1000)

/** `ap_proxy_clear_connection`: without the connection's own fields and those its `Connection` header names. */
export function withoutHopHeaders<T extends string | string[] | undefined>(
  headers: Record<string, T>,
  hop: ReadonlySet<string>
): Record<string, T> {
  const connection = headers.connection
  const named = connection === undefined ? [] : connectionTokensOf(String(connection))
  const out: Record<string, T> = {}
  for (const k in headers) if (!hop.has(k) && !named.includes(k) && headers[k] !== undefined) out[k] = headers[k]
  return out
}
