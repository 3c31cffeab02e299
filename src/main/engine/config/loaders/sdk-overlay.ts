/**
 * Files the AEMaaCS SDK image provides at runtime that a project's `dispatcher/src` does not
 * contain (variables/default.vars, renders/default_renders.any, …). We ship our own
 * equivalents in `resources/sdk-base/`; the loaders use one only when the project lacks it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { resourcesDir } from '../../resources'

let cached: Record<string, string> | undefined

/** Path relative to the server root (`conf.d/variables/default.vars`) → built-in file. */
export function sdkOverlay(): Record<string, string> {
  if (cached) return cached
  const base = path.join(resourcesDir(), 'sdk-base')
  const out: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name !== 'README.md') out[path.relative(base, full).split(path.sep).join('/')] = full
    }
  }
  if (fs.existsSync(base)) walk(base)
  cached = out
  return out
}
