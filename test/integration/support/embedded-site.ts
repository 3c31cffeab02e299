/**
 * The embedded AEMaaCS-shaped configuration with lines added to its publish vhost, in front of
 * counting renders (`publish` is AEM), with a fresh cache docroot: what most Apache-behaviour
 * tests start from.
 */
import { tempDocroot } from './cache'
import { embeddedConfigWithVhost } from './config'
import { stackForThisTest, type Stack } from './engine'

/** `vhostExtra` may depend on the docroot (for `<Directory>` sections below it). */
export async function embeddedSite(
  vhostExtra: string | ((docroot: string) => string) = '',
  edit?: (vhost: string) => string,
  upstreams = ['publish']
): Promise<Stack & { docroot: string }> {
  const docroot = tempDocroot()
  const extra = typeof vhostExtra === 'function' ? vhostExtra(docroot) : vhostExtra
  const stack = await stackForThisTest({
    upstreams,
    configDir: embeddedConfigWithVhost(extra, edit),
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
  })
  return Object.assign(stack, { docroot })
}
