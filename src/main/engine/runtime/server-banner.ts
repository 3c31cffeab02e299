/**
 * The `Server` header httpd writes on its answers (ap_get_server_banner), as `ServerTokens`
 * (server config only) shapes it. The AEMaaCS SDK's immutable dispatcher_vhost.conf and AMS's
 * security.conf both say `ServerTokens Prod`, so their answers name only `Apache`; httpd's
 * default is `Full`, for which the workbench names the version it emulates.
 *
 * httpd writes it itself on every answer except one mod_proxy relays with a Server header of
 * its own: a module's or a `Header set Server` value never reaches the client otherwise
 * (checked against apache2 2.4.71).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { ApacheConfig } from '../../../shared/config-model'
import { APACHE_VERSION } from '../config/apache/conditions'

const MAJOR = APACHE_VERSION.split('.')[0]
const MINOR = APACHE_VERSION.split('.').slice(0, 2).join('.')

/** The banner for `ServerTokens` (case-insensitive, httpd's prefixes `Min`/`Prod` included). */
export function serverBannerFor(tokens: string | undefined): string {
  switch (tokens?.toLowerCase()) {
    case 'prod':
    case 'productonly':
      return 'Apache'
    case 'major':
      return `Apache/${MAJOR}`
    case 'minor':
      return `Apache/${MINOR}`
    case 'min':
    case 'minimal':
      return `Apache/${APACHE_VERSION}`
    default:
      // OS and Full (the default): the platform too; a build's modules may add more to Full.
      return `Apache/${APACHE_VERSION} (Unix)`
  }
}

export function serverBanner(apache: ApacheConfig | undefined): string {
  return serverBannerFor(apache?.server.other.ServerTokens?.value[0])
}

/** Frozen header objects (a cached file's, shared by its hits) and their copy with the banner. */
const bannered = new WeakMap<OutgoingHttpHeaders, { banner: string; headers: OutgoingHttpHeaders }>()

function serverKey(headers: OutgoingHttpHeaders): string | undefined {
  for (const k in headers) if (k.length === 6 && k.toLowerCase() === 'server') return k
  return undefined
}

/**
 * The headers as httpd sends them: `Server` is the banner, unless mod_proxy relays the answer
 * (`proxied`) and it names a server of its own. An object that is not frozen belongs to this
 * one answer and is changed in place; a frozen one is copied once per banner.
 */
export function withServerHeader(headers: OutgoingHttpHeaders, banner: string, proxied: boolean): OutgoingHttpHeaders {
  const key = serverKey(headers)
  if (key !== undefined && (proxied || (key === 'server' && headers.server === banner))) return headers
  if (Object.isFrozen(headers)) {
    const known = bannered.get(headers)
    if (known?.banner === banner) return known.headers
    // Last, as the unfrozen path below puts it; the reply writes it first, as httpd does (http/httpd-head.ts).
    const copy: OutgoingHttpHeaders = {}
    for (const k in headers) if (k !== key) copy[k] = headers[k]
    copy.server = banner
    const out = Object.freeze(copy)
    bannered.set(headers, { banner, headers: out })
    return out
  }
  if (key !== undefined) delete headers[key]
  headers.server = banner
  return headers
}
