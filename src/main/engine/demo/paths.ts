/**
 * Where the demo render finds its content. The `resources/` lookup itself (walk up from
 * this module, `DW_RESOURCES_DIR` override) is shared with the config loaders, so it lives
 * in one place: `../resources`.
 */
import path from 'node:path'
import { resourcesDir } from '../resources'

export { resourcesDir }

export function demoSiteDir(): string {
  return path.join(resourcesDir(), 'demo-site')
}
