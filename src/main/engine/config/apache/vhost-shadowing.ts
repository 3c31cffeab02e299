/**
 * A `<VirtualHost>` no request can reach. httpd chooses among the vhosts of an address by the
 * Host header, taking the first, in the order the files list them, whose ServerName or a
 * ServerAlias matches (vhost.c check_hostalias). A vhost every name of which an earlier vhost on
 * the same addresses already matches is never chosen: enabling the SDK's default.vhost (ServerName
 * "publish", ServerAlias "*") before a site's vhost silently takes every request from it.
 *
 * One pass over the vhosts in load order, comparing names only (no request is simulated); a
 * vhost that is the first of its address, or has no name to compare, is never reported.
 */
import path from 'node:path'
import type { ApacheConfig, VirtualHost } from '../../../../shared/config-model'
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import { aliasMatcher, serverHostname } from '../../runtime/request-vhost'

export const APACHE_VHOST_SHADOWED = 'APACHE_VHOST_SHADOWED'

interface Named {
  vhost: VirtualHost
  addresses: Set<string>
  /** The ServerName's host and the aliases, as written (a wildcard alias stays a pattern). */
  names: string[]
  matchers: ((host: string) => boolean)[]
}

/** `exempt`: files whose vhosts are not reported (the SDK's immutable ones, which the project cannot change). */
export function reportShadowedVhosts(
  apache: ApacheConfig,
  sink: DiagnosticSink,
  exempt: (file: string) => boolean = () => false
): void {
  const mainName = apache.serverName?.value
  const earlier: Named[] = []
  for (const vhost of apache.virtualHosts) {
    const host = serverHostname(vhost, mainName)
    const names = [...(host === undefined ? [] : [host]), ...vhost.serverAliases.map((a) => a.value)]
    const current: Named = {
      vhost,
      addresses: new Set(vhost.addresses.map((a) => a.toLowerCase())),
      names,
      matchers: names.map(aliasMatcher)
    }
    if (names.length > 0 && !exempt(vhost.pos.file)) {
      // A name of this vhost that is itself a pattern is taken by an earlier pattern matching its
      // text (`*` matches `*.example.com`): every host it would match, that one matches first.
      const shadow = earlier.find(
        (e) =>
          [...current.addresses].every((a) => e.addresses.has(a)) && names.every((n) => e.matchers.some((m) => m(n)))
      )
      if (shadow) sink.warn(APACHE_VHOST_SHADOWED, 'model', message(current, shadow), vhost.pos)
    }
    earlier.push(current)
  }
}

function message(shadowed: Named, by: Named): string {
  const where = `${path.basename(by.vhost.pos.file)}:${by.vhost.pos.line}`
  const taken = shadowed.names.map((n) => `"${n}"`).join(', ')
  const byNames = by.names.map((n) => `"${n}"`).join(', ')
  return (
    `<VirtualHost ${shadowed.vhost.addresses.join(' ')}> is never chosen: the virtual host at ${where} ` +
    `(${byNames}), listed before it on the same address, already matches every name it has (${taken}), ` +
    `and httpd takes the first vhost whose ServerName or ServerAlias matches the Host`
  )
}
