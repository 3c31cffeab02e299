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

/** mod_proxy's request side also drops `Expect` (it answers `100-continue` itself). */
export const PROXY_REQUEST_HOP: ReadonlySet<string> = new Set([...CONNECTION_FIELDS, 'expect'])

/** The Dispatcher's request side: mod_proxy's fields and `HTTP2-Settings`. */
export const DISPATCHER_REQUEST_HOP: ReadonlySet<string> = new Set([...PROXY_REQUEST_HOP, 'http2-settings'])
