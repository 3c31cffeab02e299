/**
 * httpd's `ap_matches_request_vhost` (vhost.c), which mod_rewrite's `reduce_uri` asks whether a
 * full URL a rule produced names this very server (then it becomes a local path, else a
 * redirect). It is stricter than choosing a vhost by its Host header:
 *
 * - a `<VirtualHost>` address matches as written (`*` too, `127.0.0.1`), on its own port
 *   (any port when the address names none or `*`);
 * - otherwise the port must be the server's own, `r->server->port`: the port its ServerName
 *   names, 0 when the ServerName names none (httpd resets it), and for a vhost without a
 *   ServerName the main server's (copied when the `<VirtualHost>` is read). A URL's port is
 *   never 0 in practice, so a vhost named without a port never reduces by name;
 * - then the ServerName (for a vhost without one on a wildcard address, the main server's)
 *   or a ServerAlias, case-insensitively, ServerAlias wildcards included.
 */
import type { VirtualHost } from '../../../shared/config-model'

interface VhostAddress {
  /** `sar->virthost`: the host as written (brackets of an IPv6 address removed). */
  host: string
  /** `sar->host_port`: 0 when the address names no port, or `*`. */
  port: number
}

/** `(host, port) => whether they name the server`, for one vhost or httpd's main server. */
export function requestVhostMatcher(
  vhost: VirtualHost,
  mainServerName: string | undefined
): (host: string, port: number) => boolean {
  const addresses = vhost.addresses.map(parseAddress)
  const ownName = vhost.serverName?.value
  const port = namePort(vhost.mainServer || ownName !== undefined ? ownName : mainServerName)
  // Without a name of its own or the main server's, a vhost on an address is named by it.
  const hostname = serverHostname(vhost, mainServerName) ?? (vhost.mainServer ? undefined : addresses[0]?.host)
  const aliases = vhost.serverAliases.map((a) => aliasMatcher(a.value))
  return (host, urlPort) => {
    const lower = host.toLowerCase()
    if (addresses.some((a) => (a.port === 0 || a.port === urlPort) && a.host.toLowerCase() === lower)) return true
    if (urlPort !== port) return false
    return (hostname !== undefined && hostname.toLowerCase() === lower) || aliases.some((m) => m(host))
  }
}

/**
 * `s->server_hostname`: the ServerName's host, else, for a vhost on a wildcard address (`*`,
 * `_default_`) or the main server, the main server's (ap_fini_vhost_config); undefined when
 * there is none (httpd would look the address up in DNS).
 */
export function serverHostname(vhost: VirtualHost, mainServerName: string | undefined): string | undefined {
  const own = vhost.serverName?.value
  if (own !== undefined) return nameHost(own)
  const wildcard = vhost.addresses.some((text) => {
    const host = parseAddress(text).host.toLowerCase()
    return host === '*' || host === '_default_' || host === '0.0.0.0'
  })
  return (wildcard || vhost.mainServer) && mainServerName !== undefined ? nameHost(mainServerName) : undefined
}

/**
 * A ServerAlias as httpd compares it with the request's host: literally and case-insensitively,
 * or with ap_strcasecmp_match when it holds `*` or `?` (the only wildcards, ap_is_matchexp): no
 * character classes, and a port in the alias is part of the text (so it never matches a host).
 * Dispatcher globs (match/glob.ts) differ, so this does not use them.
 */
export function aliasMatcher(alias: string): (host: string) => boolean {
  const lower = alias.toLowerCase()
  if (!/[*?]/.test(alias)) return (host) => host.toLowerCase() === lower
  const source = lower
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^]*')
    .replace(/\?/g, '[^]')
  const re = new RegExp(`^${source}$`, 'i')
  return (host) => re.test(host)
}

/** A `<VirtualHost>` address: `host[:port]`, `[v6][:port]`, `*`, `*:*`, `_default_:443`. */
function parseAddress(text: string): VhostAddress {
  const m = /^\[([^\]]*)\](?::(.*))?$/.exec(text) ?? /^([^:]*)(?::(.*))?$/.exec(text)
  if (!m) return { host: text, port: 0 }
  const port = m[2] === undefined || m[2] === '*' ? 0 : Number.parseInt(m[2], 10) || 0
  return { host: m[1], port }
}

/** `ServerName [scheme://]host[:port]`: the port, 0 when it names none (server_hostname_port). */
function namePort(name: string | undefined): number {
  const m = /:(\d+)$/.exec(stripScheme(name ?? ''))
  return m ? Number(m[1]) : 0
}

/** A ServerName's host: without its scheme and port. */
export function nameHost(name: string): string {
  return stripScheme(name).replace(/:\d+$/, '')
}

function stripScheme(name: string): string {
  const at = name.indexOf('://')
  return at < 0 ? name : name.slice(at + 3)
}
