/** The Apache contexts of a vhost's layers (server, vhost), for the compilers that look at every one. */
import type { VhostSettings } from '../../../shared/config-model'

/** Every context of these layers: themselves and their sections, nested ones included. */
export function allContexts(layers: VhostSettings[]): VhostSettings[] {
  const out: VhostSettings[] = []
  const visit = (s: VhostSettings): void => {
    out.push(s)
    for (const scope of s.scopes) visit(scope.settings)
  }
  for (const l of layers) visit(l)
  return out
}

/** The contexts of the layers' sections only (nested ones included), not the layers themselves. */
export function sectionContexts(layers: VhostSettings[]): VhostSettings[] {
  return allContexts(layers.flatMap((l) => l.scopes.map((s) => s.settings)))
}
