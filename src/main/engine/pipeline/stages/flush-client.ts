/**
 * Which address `/allowedClients` judges a flush by (dispatcher-behavior.md §7.2), and how the
 * flush stage says it. The engine matches the connection's peer, not mod_remoteip's client
 * (`r->useragent_ip`, taken from a header such as X-Forwarded-For): whether the module reads
 * the latter is not documented, and the peer is the reading that lets no request header widen
 * who may flush. The trace names the address because the accept stage may just have said that
 * mod_remoteip made another one "the client", which is not the one checked here.
 */
import { clientAllowedToFlush, type CachePolicy } from '../../cache'

export interface FlushClientCheck {
  /** The address matched against `/allowedClients`: the connection's peer. */
  checked: string
  /** What `checked` is, said in the detail so a reader of the JSON need not guess. */
  of: 'connection'
  /** mod_remoteip's client when it differs from the peer (not the address checked), else null. */
  remoteIpClient: string | null
  /** The farm has an `/allowedClients` section (without one anyone may flush, §7.2). */
  configured: boolean
  allowed: boolean
}

export function checkFlushClient(policy: CachePolicy, peer: string, client: string): FlushClientCheck {
  return {
    checked: peer,
    of: 'connection',
    remoteIpClient: client !== peer ? client : null,
    configured: policy.allowedClients !== null,
    allowed: clientAllowedToFlush(policy, peer)
  }
}

/** `127.0.0.1 (the connection's address, not mod_remoteip's client 10.1.1.1)`. */
function addressed(c: FlushClientCheck): string {
  const remote = c.remoteIpClient === null ? '' : `, not mod_remoteip's client ${c.remoteIpClient}`
  return `${c.checked} (the connection's address${remote})`
}

/** The clause a flush the check let through ends its summary with. */
export function clientAllowed(c: FlushClientCheck): string {
  return c.configured
    ? `/allowedClients allows ${addressed(c)}`
    : `no /allowedClients, so any client may flush: ${addressed(c)}`
}

/** The summary of a refused flush: the module's log words (§7.2), then the address judged. */
export function clientRefused(c: FlushClientCheck): string {
  return `Flushing rejected from ${c.checked}: /allowedClients does not allow ${addressed(c)}, answered 403`
}
