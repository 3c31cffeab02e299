/**
 * httpd's check of the Host header (`fix_hostname` in server/vhost.c, with the default
 * `HttpProtocolOptions Strict`): a Host it cannot read is a 400, answered by the connection's
 * default (first-listed) virtual host before any name is matched. Hand-written: it must refuse
 * exactly what httpd refuses (WHATWG URL parsers and `net.isIP` accept other sets), and it is
 * small. Compared with apache2 2.4.71 on 35 Host values (test/unit/pipeline/host-header.test.ts).
 */

/** Why httpd refuses this Host value, or null when it reads it. `host` is the header as sent. */
export function hostProblem(host: string): string | null {
  // A bare number would be read as a port by apr_parse_addr_port: httpd refuses it first.
  if (/^\d+$/.test(host)) return 'a purely numeric host name'
  const parsed = splitPort(host)
  if (parsed === null) return 'not a host with an optional port'
  const name = parsed.name
  if (host.startsWith('[')) return ipv6LiteralOk(name) ? null : 'not an IPv6 address'
  return hostNameProblem(name)
}

/**
 * apr_parse_addr_port: an optional `:port` (1–65535, digits only) after the host, and a
 * bracketed IPv6 literal without a scope id. Null when it refuses the value.
 */
function splitPort(value: string): { name: string } | null {
  let end = value.length
  let digits = end
  while (digits > 0 && isDigit(value.charCodeAt(digits - 1))) digits--
  if (digits < end && digits > 0 && value[digits - 1] === ':') {
    // "host:port": a colon first is no host at all.
    if (digits === 1) return null
    const port = Number(value.slice(digits))
    if (port < 1 || port > 65535) return null
    end = digits - 1
  }
  const name = value.slice(0, end)
  if (!name.startsWith('[')) return { name }
  if (name.indexOf(']') !== name.length - 1 || name.includes('%')) return null
  return { name: name.slice(1, -1) }
}

/** fix_hostname_v6_literal, plus the address parse apr_parse_addr_port makes first. */
function ipv6LiteralOk(addr: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(addr)) return false
  if (addr.indexOf('::') !== addr.lastIndexOf('::') || addr.includes(':.') || /\.[.:]/.test(addr)) return false
  const groups = addr.split(':')
  const v4 = groups[groups.length - 1].includes('.')
  if (v4 && !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(groups[groups.length - 1])) return false
  const size = groups.length + (v4 ? 1 : 0)
  if (groups.some((g, i) => g.length > (i === groups.length - 1 && v4 ? 15 : 4))) return false
  return addr.includes('::') ? size <= 8 : size === 8
}

/**
 * fix_hostname_non_v6 then strict_hostname_check: no `..`, `/` or `\`; after a trailing dot
 * is dropped, only letters, digits, `-`, `_` and dots; a dotted-decimal name is four numbers
 * without leading zeros; otherwise the last label starts with a letter.
 */
function hostNameProblem(raw: string): string | null {
  if (raw.includes('..')) return 'two dots in a row'
  if (raw.includes('/') || raw.includes('\\')) return 'a slash'
  const name = raw.endsWith('.') ? raw.slice(0, -1) : raw
  let dottedDecimal = true
  let dots = 0
  let leadingZero = false
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (isLetter(c) || c === 0x2d /* - */ || c === 0x5f /* _ */) dottedDecimal = false
    else if (c === 0x2e /* . */) {
      dots++
      if (name[i + 1] === '0' && isDigit(name.charCodeAt(i + 2))) leadingZero = true
    } else if (!isDigit(c)) return `'${name[i]}' is not allowed in a host name`
  }
  if (dottedDecimal) {
    if (name.startsWith('.') || (name[0] === '0' && isDigit(name.charCodeAt(1)))) leadingZero = true
    return leadingZero || dots !== 3 ? 'not an IPv4 address (four numbers without leading zeros)' : null
  }
  const lastDot = name.lastIndexOf('.')
  if (lastDot >= 0 && lastDot < name.length - 1 && !isLetter(name.charCodeAt(lastDot + 1)))
    return 'the top-level label does not start with a letter'
  return null
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}
