/**
 * Where an `$include` path points (dispatcher-behavior.md §1.3).
 *
 * Relative paths resolve against the including file's folder — the only reading under which
 * the SDK baseline works (`enabled_farms/*.farm` → `../filters/filters.any`). Some projects
 * (DOT test projects, farms in `enabled_farms/` naming paths from the dispatcher.any folder)
 * only work relative to the root folder, so that is tried second and reported, never silently.
 */
import fs from 'node:fs'
import path from 'node:path'
import { expandGlob, hasGlobChars } from '../files'

export interface IncludeResolution {
  /** Files to splice, in order (glob matches sorted by byte order, §1.3). */
  files: string[]
  /** Paths or patterns that were looked at, in order (for messages). */
  tried: string[]
  /** Set when only the root-folder fallback produced the files. */
  usedFallback: boolean
  /** Set when the file came from `builtinFile`: the project path it stands in for. */
  builtinFor?: string
  isGlob: boolean
  /** Every glob tried, with the folder to watch for new matches. */
  globs: { dir: string; pattern: string }[]
}

function exists(p: string): boolean {
  try {
    fs.statSync(p)
    return true
  } catch {
    return false
  }
}

export interface IncludeHooks {
  /** Maps an absolute path as written (`/etc/httpd/conf.dispatcher.d/…`) onto the local tree. */
  mapAbsolute?: (p: string) => string
  /** A stand-in for a file the project lacks but the runtime provides (the SDK's generated files). */
  builtinFile?: (p: string) => string | undefined
}

export function resolveInclude(
  includePath: string,
  includingDir: string,
  rootDir: string,
  hooks: IncludeHooks = {}
): IncludeResolution {
  const absolute = path.isAbsolute(includePath)
  const primary = absolute
    ? path.normalize(hooks.mapAbsolute ? hooks.mapAbsolute(includePath) : includePath)
    : path.resolve(includingDir, includePath)
  const secondary = absolute ? undefined : path.resolve(rootDir, includePath)
  const fallback = secondary !== undefined && secondary !== primary ? secondary : undefined
  const candidates = fallback ? [primary, fallback] : [primary]
  const isGlob = hasGlobChars(includePath)
  const res: IncludeResolution = { files: [], tried: [], usedFallback: false, isGlob, globs: [] }
  for (let k = 0; k < candidates.length; k++) {
    const candidate = candidates[k]
    res.tried.push(candidate)
    if (isGlob) {
      const g = expandGlob(candidate)
      res.globs.push({ dir: g.watchDir, pattern: candidate })
      if (g.files.length > 0) {
        res.files = g.files
        res.usedFallback = k > 0
        return res
      }
    } else if (exists(candidate)) {
      res.files = [candidate]
      res.usedFallback = k > 0
      return res
    }
  }
  const builtin = isGlob ? undefined : hooks.builtinFile?.(primary)
  if (builtin !== undefined && exists(builtin)) {
    res.files = [builtin]
    res.builtinFor = primary
  }
  return res
}
