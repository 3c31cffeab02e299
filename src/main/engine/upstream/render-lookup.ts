/**
 * Host name resolution for a render as the module does it (dispatcher-behavior.md §6.1, DC
 * "Renders options"): the address is resolved once and then reused, unless
 * `/always-resolve "1"` asks for a lookup before every connection; `/ipv4 "1"` uses
 * gethostbyname (IPv4 only, in an order that varies from call to call, which spreads
 * connections over the addresses of a name such as an ELB), `/ipv4 "0"` getaddrinfo
 * (every family, in the resolver's order, tried until one connects).
 */
import dns, { type LookupAddress } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import type { Render } from '../../../shared/config-model'

export type Resolver = (hostname: string, family: 0 | 4) => Promise<LookupAddress[]>

const systemResolver: Resolver = (hostname, family) => dns.promises.lookup(hostname, { all: true, family })

/** `undefined` for an IP literal: there is nothing to resolve. */
export function renderLookup(
  render: Pick<Render, 'hostname' | 'ipv4' | 'alwaysResolve'>,
  resolver: Resolver = systemResolver,
  random: () => number = Math.random
): LookupFunction | undefined {
  if (isIP(render.hostname.value)) return undefined
  const ipv4 = render.ipv4.value
  const cache = new Map<string, LookupAddress[]>()

  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    const known = render.alwaysResolve.value ? undefined : cache.get(hostname)
    const list = known ?? (await resolver(hostname, ipv4 ? 4 : 0))
    // A failed or empty answer is never remembered, so a render that was not up yet is found later.
    if (!render.alwaysResolve.value && list.length > 0) cache.set(hostname, list)
    return ipv4 ? shuffled(list, random) : list
  }

  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const list = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all
        if (list.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
          err.code = 'ENOTFOUND'
          callback(err, '', 0)
        } else if (options.all) callback(null, list)
        else callback(null, list[0].address, list[0].family)
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0)
    )
  }
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = items.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}
