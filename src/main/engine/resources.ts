/**
 * Finds the shipped `resources/` folder (default config, SDK base files, demo site) from
 * wherever the code runs: `src/` under vitest, a bundled `out/` file, or an installed
 * package. `DW_RESOURCES_DIR` overrides it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

let found: string | undefined

export function resourcesDir(): string {
  if (process.env.DW_RESOURCES_DIR) return path.resolve(process.env.DW_RESOURCES_DIR)
  if (found) return found
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = path.join(dir, 'resources')
    if (fs.existsSync(path.join(candidate, 'default-config')) || fs.existsSync(path.join(candidate, 'sdk-base'))) {
      found = candidate
      return candidate
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('cannot find the resources/ folder; set DW_RESOURCES_DIR')
    dir = parent
  }
}
