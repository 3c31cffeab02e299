/**
 * Where an `$include` path points (dispatcher-behavior.md §1.3).
 *
 * Relative paths resolve against the including file's folder — the only reading under which
 * the SDK baseline works (`enabled_farms/*.farm` → `../filters/filters.any`). Some projects
 * (DOT test projects, farms in `enabled_farms/` naming paths from the dispatcher.any folder)
 * only work relative to the root folder, so that is tried second and reported, never silently.
 */
import path from 'node:path'
import { expandGlob, hasGlobChars } from '../files'
import { FsMemo } from '../fs-memo'

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

export interface IncludeHooks {
  /** Maps an absolute path as written (`/etc/httpd/conf.dispatcher.d/…`) onto the local tree. */
  mapAbsolute?: (p: string) => string
  /** A stand-in for a file the project lacks but the runtime provides (the SDK's generated files). */
  builtinFile?: (p: string) => string | undefined
  /** The load's file-system memo. */
  memo?: FsMemo
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
  const memo = hooks.memo ?? new FsMemo()
  const isGlob = hasGlobChars(includePath)
  const res: IncludeResolution = { files: [], tried: [], usedFallback: false, isGlob, globs: [] }

  /** Looks at one candidate; true when it produced the files. */
  const found = (candidate: string, fallback: boolean): boolean => {
    res.tried.push(candidate)
    if (isGlob) {
      const g = expandGlob(candidate, memo)
      res.globs.push({ dir: g.watchDir, pattern: candidate })
      if (g.files.length === 0) return false
      res.files = g.files
    } else if (memo.probe(candidate) !== 'none') {
      res.files = [candidate]
    } else return false
    res.usedFallback = fallback
    return true
  }

  if (found(primary, false)) return res
  // The root-folder reading is only worked out when the including folder's does not resolve.
  if (!absolute) {
    const secondary = path.resolve(rootDir, includePath)
    if (secondary !== primary && found(secondary, true)) return res
  }
  const builtin = isGlob ? undefined : hooks.builtinFile?.(primary)
  if (builtin !== undefined && memo.probe(builtin) !== 'none') {
    res.files = [builtin]
    res.builtinFor = primary
  }
  return res
}
