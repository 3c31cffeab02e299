/**
 * Why a `/virtualhosts` value missed a `Host` that carries a port (dispatcher-behavior.md §3.3).
 *
 * The module compares the whole `Host` header, port included, so `"www.a.com"` misses
 * `Host: www.a.com:8080` — which is what a browser sends for any port but the scheme's default,
 * e.g. when browsing through the workbench's proxy. The decision stays faithful; these words only
 * say, where the value's host part would match the header without its port, what missed and what
 * value would match.
 */

/** The host without a trailing `:port` (`[::1]:8080` → `[::1]`); null when there is no port. */
export function hostWithoutPort(host: string): string | null {
  const m = /^(.*[^:]):\d*$/.exec(host)
  // A bare IPv6 address (`::1`) is not a host with a port.
  if (!m || (m[1].includes(':') && !m[1].startsWith('['))) return null
  return m[1]
}

export interface PortHintInput {
  /** The value as written, `[scheme://]host[uri]`. */
  value: string
  /** Its host and URI parts. */
  host: string
  uri: string | null
}

/**
 * The words for one value that missed `host`, or undefined when the port is not why: the header
 * has no port, or the value's host part misses the header without it too. `bare` is
 * hostWithoutPort(host), worked out once per request by the caller: every value is asked.
 */
export function valuePortHint(
  v: PortHintInput,
  host: string,
  bare: string | null,
  hostMatches: (h: string) => boolean
): string | undefined {
  if (bare === null || !hostMatches(bare)) return undefined
  const port = host.slice(bare.length + 1)
  return (
    `does not match '${host}': the port is part of the compared host; ` +
    `${withPort(v, port)} (this port) or ${withPort(v, '*')} (any port) would match`
  )
}

/** The value with `:port` after its host part, scheme and URI kept. */
function withPort(v: PortHintInput, port: string): string {
  const uri = v.uri ?? ''
  const prefix = v.value.slice(0, v.value.length - v.host.length - uri.length)
  return `'${prefix}${v.host}:${port}${uri}'`
}

/**
 * The note for the farm stage's one line when no value matched: the first value (in the order
 * walked) the port alone kept from matching, or undefined when there is none.
 */
export function fallbackPortNote(
  checked: readonly (PortHintInput & { farm: string; portHint?: string })[]
): string | undefined {
  const first = checked.find((c) => c.portHint !== undefined)
  if (!first) return undefined
  return (
    `'${first.value}' (/${first.farm}) would match without the port: the port is part of the ` +
    `compared host, ${withPort(first, '*')} matches any port`
  )
}
