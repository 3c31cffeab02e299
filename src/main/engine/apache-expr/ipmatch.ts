/**
 * `-ipmatch` and `-R` (APR's `apr_ipsubnet_create` / `apr_ipsubnet_test`): the subnet is a
 * constant written in the configuration — a full or partial IPv4 address (`10.1` means
 * 10.1.0.0/16), optionally with `/bits` or `/dotted.mask`, or an IPv6 address with `/bits`.
 * An IPv4 subnet also matches IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`), as APR does.
 */
import type { Subnet } from './ast'

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.')
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null
  return parts.map(Number)
}

function parseIpv6(text: string): number[] | null {
  let s = text
  const lastColon = s.lastIndexOf(':')
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes the last two 16-bit groups.
    const v4 = parseIpv4(s.slice(lastColon + 1))
    if (!v4) return null
    s = `${s.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`
  }
  const halves = s.split('::')
  if (halves.length > 2) return null
  const toGroups = (part: string): number[] | null => {
    if (part === '') return []
    const g = part.split(':')
    if (g.some((x) => !/^[0-9A-Fa-f]{1,4}$/.test(x))) return null
    return g.map((x) => parseInt(x, 16))
  }
  const left = toGroups(halves[0])
  const right = halves.length === 2 ? toGroups(halves[1]) : []
  if (!left || !right) return null
  let groups: number[]
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length
    if (missing < 1) return null
    groups = [...left, ...new Array<number>(missing).fill(0), ...right]
  } else {
    if (left.length !== 8) return null
    groups = left
  }
  const bytes: number[] = []
  for (const g of groups) bytes.push(g >> 8, g & 0xff)
  return bytes
}

/** Parse a literal IP address (no name resolution: the workbench never does DNS here). */
export function parseIpAddress(text: string): { family: 4 | 6; bytes: number[] } | null {
  const v4 = parseIpv4(text)
  if (v4) return { family: 4, bytes: v4 }
  const v6 = parseIpv6(text.replace(/^\[|\]$/g, '').replace(/%.*$/, ''))
  return v6 ? { family: 6, bytes: v6 } : null
}

/** `null` when APR refuses the subnet (`subnetProblem` says why). */
export function parseSubnet(text: string): Subnet | null {
  const r = readSubnet(text)
  return typeof r === 'string' ? null : r
}

/**
 * Why `apr_ipsubnet_create` refuses `text`, in apr_strerror's words (what mod_authz_host's
 * "appears to be invalid" message quotes), or null when it takes it.
 */
export function subnetProblem(text: string): string | null {
  const r = readSubnet(text)
  return r === 'ip'
    ? 'The specified IP address is invalid.'
    : r === 'mask'
      ? 'The specified network mask is invalid.'
      : null
}

/**
 * apr_ipsubnet_create: the address (an IPv4-mapped IPv6 one is refused: APR wants `a.b.c.d`),
 * then the mask — a number of bits from 1 to the family's width, or for IPv4 a dotted mask.
 */
function readSubnet(text: string): Subnet | 'ip' | 'mask' {
  const slash = text.indexOf('/')
  const addr = slash < 0 ? text : text.slice(0, slash)
  const mask = slash < 0 ? undefined : text.slice(slash + 1)
  if (addr.includes(':')) {
    const bytes = parseIpv6(addr)
    if (!bytes) return 'ip'
    if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return 'ip'
    if (mask === undefined) return { family: 6, bytes, prefix: 128 }
    if (!/^\d+$/.test(mask) || Number(mask) < 1 || Number(mask) > 128) return 'mask'
    return { family: 6, bytes, prefix: Number(mask) }
  }
  if (!/^\d{1,3}(\.\d{1,3}){0,3}\.?$/.test(addr)) return 'ip'
  const octets = addr.replace(/\.$/, '').split('.').map(Number)
  if (octets.some((o) => o > 255)) return 'ip'
  const implied = octets.length * 8
  while (octets.length < 4) octets.push(0)
  if (mask === undefined) return { family: 4, bytes: octets, prefix: implied }
  if (/^\d+$/.test(mask)) {
    if (Number(mask) < 1 || Number(mask) > 32) return 'mask'
    return { family: 4, bytes: octets, prefix: Number(mask) }
  }
  const m = parseIpv4(mask)
  if (!m) return 'mask'
  const bits = m.map((b) => b.toString(2).padStart(8, '0')).join('')
  if (!/^1*0*$/.test(bits)) return 'mask'
  return { family: 4, bytes: octets, prefix: bits.indexOf('0') < 0 ? 32 : bits.indexOf('0') }
}

function prefixEqual(a: number[], b: number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit++) {
    const byte = bit >> 3
    const mask = 0x80 >> (bit & 7)
    if ((a[byte] & mask) !== (b[byte] & mask)) return false
  }
  return true
}

export function ipInSubnet(ip: string, subnet: Subnet): boolean {
  const parsed = parseIpAddress(ip)
  if (!parsed) return false
  let bytes = parsed.bytes
  if (subnet.family === 4 && parsed.family === 6) {
    const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
    if (!mapped) return false
    bytes = bytes.slice(12)
  } else if (subnet.family !== parsed.family) {
    return false
  }
  return prefixEqual(bytes, subnet.bytes, subnet.prefix)
}
