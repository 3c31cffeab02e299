/**
 * mod_remoteip (httpd 2.4 `remoteip_modify_request`, a post_read_request hook that runs first):
 * with `RemoteIPHeader X-Forwarded-For`, the client address Apache works with
 * (`r->useragent_ip`: `Require ip`, `%{REMOTE_ADDR}`, `SetEnvIf Remote_Addr`, what mod_proxy and
 * the Dispatcher report as the client) is taken from the header, right to left, for as long as
 * the address in hand is a trusted proxy; what it took is removed from the header.
 * - No `RemoteIPInternalProxy`/`RemoteIPTrustedProxy`: every peer is trusted as an external
 *   proxy, so the whole list is walked, but a private address (10/8, 127/8, 169.254/16,
 *   172.16/12, 192.168/16; for IPv6 anything outside 2000::/3) ends the walk and stays.
 * - With them: the address in hand must match one (the first that matches says internal or
 *   trusted); an internal proxy may present anything, a trusted one no private address, and
 *   once a trusted (external) proxy was passed the rest count as external too.
 * - Every external proxy passed is recorded in `RemoteIPProxiesHeader`, when one is named.
 * Hand-written: this is httpd's own walk, which no library reproduces.
 */
import type { Diagnostic, SourcePos } from '../../../shared/diagnostics'
import type { VhostSettings } from '../../../shared/config-model'
import { otherOccurrences } from '../config/apache/settings'
import { ipInSubnet, parseIpAddress, parseSubnet } from '../apache-expr/ipmatch'
import type { Subnet } from '../apache-expr/ast'

export interface RemoteIpConfig {
  /** `RemoteIPHeader`, lower-cased (headers are looked up case-insensitively). */
  header: string
  /** …as written, for the trace. */
  headerName: string
  headerAt: SourcePos
  /** `RemoteIPProxiesHeader` as written (the spelling the header is added with) and lower-cased, if any. */
  proxiesHeader: { name: string; key: string } | null
  /** The proxy list in configuration order; null when none is configured (everyone is trusted). */
  proxies: { subnet: Subnet; internal: boolean }[] | null
}

export interface RemoteIpOutcome {
  /** The new `r->useragent_ip`. */
  client: string
  /** What is left of the header (it is removed when null). */
  remaining: string | null
  /** The external proxies passed, as `RemoteIPProxiesHeader` gets them (null when none). */
  proxyIps: string | null
}

const PROXY_DIRECTIVES = ['RemoteIPInternalProxy', 'RemoteIPTrustedProxy']
const LIST_DIRECTIVES = ['RemoteIPInternalProxyList', 'RemoteIPTrustedProxyList']

/**
 * The vhost's settings merged over the server's, as httpd merges this module's server config:
 * each of the header, the proxies header and the proxy list comes from the vhost when it sets it.
 */
export function compileRemoteIp(server: VhostSettings, vhost: VhostSettings | null): RemoteIpConfig | null {
  const header = last(vhost, 'RemoteIPHeader') ?? last(server, 'RemoteIPHeader')
  if (!header) return null
  const proxiesHeader = last(vhost, 'RemoteIPProxiesHeader') ?? last(server, 'RemoteIPProxiesHeader')
  const proxies = (vhost && proxyList(vhost)) ?? proxyList(server)
  return {
    header: header.args[0].toLowerCase(),
    headerName: header.args[0],
    headerAt: header.pos,
    proxiesHeader: proxiesHeader ? { name: proxiesHeader.args[0], key: proxiesHeader.args[0].toLowerCase() } : null,
    proxies
  }
}

function last(settings: VhostSettings | null, name: string): { args: string[]; pos: SourcePos } | undefined {
  if (!settings) return undefined
  const found = otherOccurrences(settings, name).filter((r) => r.args[0] !== undefined)
  return found[found.length - 1]
}

/**
 * The proxy list, or null when none is configured (every peer is then an external proxy). A list
 * named only by host names or in list files (neither of which the workbench reads) is an
 * empty list: it trusts no peer, where taking it for no list would trust every one.
 */
function proxyList(settings: VhostSettings): { subnet: Subnet; internal: boolean }[] | null {
  const records = otherOccurrences(settings, PROXY_DIRECTIVES)
  if (records.length === 0 && otherOccurrences(settings, LIST_DIRECTIVES).length === 0) return null
  const out: { subnet: Subnet; internal: boolean }[] = []
  for (const r of records) {
    const internal = r.name.toLowerCase() === 'remoteipinternalproxy'
    for (const arg of r.args) {
      const subnet = looksLikeIp(arg) ? parseSubnet(arg) : null
      if (subnet) out.push({ subnet, internal })
    }
  }
  return out
}

/** httpd's `looks_like_ip`: a colon, or nothing but digits and dots (before any `/mask`). */
function looksLikeIp(arg: string): boolean {
  const ip = arg.split('/')[0]
  return ip.includes(':') || /^[\d.]*$/.test(ip)
}

/**
 * What `check` says about these directives: httpd's start-up refusal for an address it cannot
 * parse, and what the workbench does not do (name lookups, list files).
 */
export function remoteIpProblems(settings: VhostSettings): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const r of otherOccurrences(settings, PROXY_DIRECTIVES)) {
    for (const arg of r.args) {
      if (!looksLikeIp(arg)) {
        out.push({
          severity: 'warning',
          code: 'MODEL_NOT_EMULATED',
          category: 'model',
          message: `${r.name} ${arg}: a host name is looked up in DNS by httpd at start-up; the workbench does no name lookups and leaves it out of the proxy list`,
          pos: r.pos
        })
      } else if (!parseSubnet(arg)) {
        out.push({
          severity: 'error',
          code: 'APACHE_BAD_ARGUMENT',
          category: 'syntax',
          message: `RemoteIP: Error parsing IP ${arg} for ${r.name} (httpd refuses to start)`,
          pos: r.pos
        })
      }
    }
  }
  for (const r of otherOccurrences(settings, LIST_DIRECTIVES)) {
    out.push({
      severity: 'warning',
      code: 'MODEL_NOT_EMULATED',
      category: 'model',
      message: `${r.name} ${r.args[0] ?? ''}: proxy list files are not read by the workbench; write the addresses with ${r.name.replace(/List$/, '')} instead`,
      pos: r.pos
    })
  }
  return out
}

/** `remoteip_modify_request` for a request from `peer` whose header holds `value`: null when nothing changes. */
export function resolveRemoteIp(config: RemoteIpConfig, peer: string, value: string): RemoteIpOutcome | null {
  let remote: string | null = value
  let current = peer
  // With a proxy list, the peer counts as internal until a trusted (external) proxy is passed.
  let internal = config.proxies !== null
  let client: string | null = null
  let useragent = peer
  const proxyIps: string[] = []
  while (remote !== null) {
    if (config.proxies !== null) {
      const match = config.proxies.find((p) => ipInSubnet(current, p.subnet))
      if (!match) break
      if (internal) internal = match.internal
    }
    const comma: number = remote.lastIndexOf(',')
    const rest: string | null = comma < 0 ? null : remote.slice(0, comma)
    const raw = comma < 0 ? remote : remote.slice(comma + 1)
    const lead = raw.length - raw.replace(/^ +/, '').length
    const core = raw.slice(lead).replace(/ +$/, '')
    // On a stop the entry goes back as httpd leaves it: its trailing blanks gone, its leading kept.
    const restored = (): string => (rest === null ? core : `${rest},${core === '' ? raw : raw.slice(0, lead) + core}`)
    if (core === '') {
      remote = restored()
      break
    }
    const addr = addressOf(core)
    if (!addr || (!internal && isPrivate(addr))) {
      remote = restored()
      break
    }
    if (!internal) proxyIps.push(useragent)
    useragent = addr.text
    client = addr.text
    current = addr.text
    remote = rest
  }
  if (client === null) return null
  return { client, remaining: remote, proxyIps: proxyIps.length > 0 ? proxyIps.join(', ') : null }
}

interface Address {
  family: 4 | 6
  bytes: number[]
  /** As `apr_sockaddr_ip_get` writes it. */
  text: string
}

/**
 * A literal address (httpd would also resolve a host name through DNS; the workbench never
 * does, so a name stops the walk like an address that cannot be parsed). An IPv4-mapped IPv6
 * literal stays IPv6 (a private address to an external proxy), written as its IPv4 part, as
 * APR writes it.
 */
function addressOf(text: string): Address | null {
  const parsed = parseIpAddress(text)
  if (!parsed) return null
  const b = parsed.bytes
  const mapped = parsed.family === 6 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff
  const written = parsed.family === 4 ? b.join('.') : mapped ? b.slice(12).join('.') : ipv6Text(b)
  return { ...parsed, text: written }
}

/** The RFC 5952 text of an IPv6 address (inet_ntop's), as the WHATWG URL serialiser writes it. */
function ipv6Text(bytes: number[]): string {
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16))
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1)
}

/** What an external proxy may not present as the client. */
function isPrivate(a: Address): boolean {
  if (a.family === 6) return (a.bytes[0] & 0xe0) !== 0x20
  const [b0, b1] = a.bytes
  return (
    b0 === 10 ||
    b0 === 127 ||
    (b0 === 169 && b1 === 254) ||
    (b0 === 172 && (b1 & 0xf0) === 16) ||
    (b0 === 192 && b1 === 168)
  )
}
