/**
 * `serve`'s start-up warning for renders that did not answer the reachability probe. Without
 * it, a newcomer whose AEM is not running sees every page wait for the retries and end in a 503
 * with nothing said at the console. The advice must fit the render: `--aem` only moves a render
 * whose address is the SDK's variables (`${AEM_HOST}:${AEM_PORT}`, AMS's
 * `${PUBLISH_IP}:${PUBLISH_PORT}`), not one written with its address.
 */
import type { ActiveFarm } from '../main/engine/runtime/active-config'
import { displayPath } from './check'

/** Variable pairs `--aem` sets (config/loaders/environment.ts). */
const AEM_VARIABLES: [string, string][] = [
  ['AEM_HOST', 'AEM_PORT'],
  ['PUBLISH_IP', 'PUBLISH_PORT']
]

export function unreachableRenderWarnings(farms: readonly ActiveFarm[], variables: Record<string, string>): string[] {
  const lines: string[] = []
  for (const f of farms) {
    // A farm whose filter allows nothing never forwards a request (AMS's catch-all farm denies
    // everything): its render being down changes no answer.
    if (!reachesRenders(f)) continue
    for (const h of f.statistics.health()) {
      if (h.up) continue
      const render = f.farm.renders.find((r) => r.label === h.render)
      const fromVariables = AEM_VARIABLES.some(([host, port]) => h.origin === `${variables[host]}:${variables[port]}`)
      const advice =
        fromVariables || !render
          ? 'Start AEM there, or restart with --aem host:port for another address, or --demo for the built-in demo site.'
          : `Start AEM there, or change the address where it is written (${displayPath(render.pos.file)}:${render.pos.line}): ` +
            `--aem and --demo set \${AEM_HOST}/\${AEM_PORT}, which this render does not use.`
      lines.push(
        `Warning: render /${h.farm}/${h.render} does not answer (${h.lastError ?? h.origin}): ` +
          `requests for it end in a 503 after the retries until it does. ${advice}`
      )
    }
  }
  return lines
}

/**
 * Some request can reach the renders: the farm has no /filter (everything passes), an allow rule
 * that can decide (one a later deny always overrides lets nothing through), or a vanity URL list
 * (which rescues denied requests).
 */
function reachesRenders(f: ActiveFarm): boolean {
  return !f.filter.present || f.filter.allowsSomething || f.farm.vanityUrls !== undefined
}
