/**
 * Which virtual hosts the workbench's listener stands in for. It plays the configuration's
 * first `Listen` port (80 when there is none, as the SDK and AMS httpd.conf have it), and
 * httpd only chooses among the vhosts whose `<VirtualHost>` addresses take that port: an AMS
 * health-check vhost on `*:81` never answers the site's requests (vhost.c check_hostalias).
 */
import type { ApacheConfig } from '../../../shared/config-model'
import type { Diagnostic } from '../../../shared/diagnostics'
import { otherOccurrences } from '../config/apache/settings'

const DEFAULT_PORT = 80

/** The port of the first `Listen` (`80`, `0.0.0.0:80`, `[::]:80 http`). */
export function listenPort(apache: ApacheConfig | undefined): number {
  const first = apache ? otherOccurrences(apache.server, 'Listen')[0] : undefined
  const port = Number(/(?:^|:)(\d+)$/.exec(first?.args[0] ?? '')?.[1])
  return Number.isInteger(port) && port > 0 ? port : DEFAULT_PORT
}

/** An address without a port, or with `*`, takes any port (httpd's port 0). */
export function takesPort(addresses: readonly string[], port: number): boolean {
  if (addresses.length === 0) return true
  return addresses.some((a) => {
    const m = /:(\d+|\*)$/.exec(a.startsWith('[') ? a.slice(a.indexOf(']') + 1) : a)
    return !m || m[1] === '*' || Number(m[1]) === port
  })
}

/**
 * httpd refuses a second `Listen` for an address and port it already listens on ("Cannot define
 * multiple Listeners on the same IP:port"), at that line. Only the same words count here
 * (`80` and `0.0.0.0:80` depend on the host's address families).
 */
export function duplicateListeners(apache: ApacheConfig): Diagnostic[] {
  const seen = new Set<string>()
  const out: Diagnostic[] = []
  for (const d of otherOccurrences(apache.server, 'Listen')) {
    const address = (d.args[0] ?? '').toLowerCase()
    if (!seen.has(address)) seen.add(address)
    else
      out.push({
        severity: 'error',
        code: 'APACHE_DUPLICATE_LISTEN',
        category: 'syntax',
        message: `Listen ${d.args[0]}: Cannot define multiple Listeners on the same IP:port`,
        pos: d.pos
      })
  }
  return out
}
