/**
 * What an `Include`/`IncludeOptional` argument names, as httpd resolves it
 * (process_resource_config): a wildcard pattern expands to the matching files in byte
 * order; a directory means every file below it, entries sorted at each level; anything
 * else is one file. Files the runtime provides but the project lacks come from the overlay:
 * a file the project names, and the runtime's own files a wildcard of its folder matches (the
 * SDK image's `conf.d/remoteip.conf` is among `conf.d/*.conf`, as in the image, where the
 * project's files are copied in beside the image's).
 */
import path from 'node:path'
import { byteOrder, expandGlob, hasGlobChars, matchesGlobSegment } from '../files'
import type { FsMemo } from '../fs-memo'
import type { ServerRootPaths } from './server-root'

export type IncludeTarget =
  | { kind: 'files'; files: { file: string; fromOverlay?: string }[]; watchDirs: string[] }
  | { kind: 'missing'; resolved: string; glob: boolean; watchDirs: string[] }

/** Caches directory reads for the duration of one load (include bombs repeat the same globs). */
export class IncludeResolver {
  private readonly cache = new Map<string, IncludeTarget>()

  constructor(
    private readonly paths: ServerRootPaths,
    private readonly overlay: Record<string, string>,
    private readonly memo: FsMemo
  ) {}

  resolve(arg: string): IncludeTarget {
    let t = this.cache.get(arg)
    if (!t) {
      t = this.compute(this.paths.resolve(arg))
      this.cache.set(arg, t)
    }
    return t
  }

  /** A ServerRoot directive changed how paths resolve. */
  forget(): void {
    this.cache.clear()
  }

  private compute(resolved: string): IncludeTarget {
    if (hasGlobChars(resolved)) {
      const { files, watchDir } = expandGlob(resolved, this.memo)
      const watchDirs = this.memo.isDir(watchDir) ? [watchDir] : []
      const runtime = this.runtimeFilesMatching(resolved, files)
      if (files.length === 0 && runtime.length === 0) return { kind: 'missing', resolved, glob: true, watchDirs }
      if (runtime.length === 0) return { kind: 'files', files: files.map((file) => ({ file })), watchDirs }
      // In name order, as if the runtime's files were in the project's folder.
      const named = [...files.map((file) => ({ file, at: file })), ...runtime].sort((a, b) => byteOrder(a.at, b.at))
      return { kind: 'files', files: named.map(({ file }) => ({ file })), watchDirs }
    }
    // An included file is read next, so reading it also tells whether it is there.
    const found = this.memo.probe(resolved)
    if (found === 'dir') {
      const watchDirs: string[] = []
      const files = listRecursively(resolved, watchDirs, this.memo).map((file) => ({ file }))
      return { kind: 'files', files, watchDirs }
    }
    const parent = path.dirname(resolved)
    const watchDirs = this.memo.isDir(parent) ? [parent] : []
    if (found === 'exists') return { kind: 'files', files: [{ file: resolved }], watchDirs }
    const rel = this.paths.relativeKey(resolved)
    const builtIn = rel !== undefined ? this.overlay[rel] : undefined
    if (builtIn) return { kind: 'files', files: [{ file: builtIn, fromOverlay: rel }], watchDirs }
    return { kind: 'missing', resolved, glob: false, watchDirs }
  }

  /**
   * The overlay's files a wildcard in the last part of `pattern` matches in its (literal)
   * folder, and which the project does not have: `at` is where they would be in the project.
   */
  private runtimeFilesMatching(pattern: string, projectFiles: string[]): { file: string; at: string }[] {
    const relPattern = this.paths.relativeKey(pattern)
    if (relPattern === undefined) return []
    const folder = path.posix.dirname(relPattern)
    if (hasGlobChars(folder)) return []
    const seg = path.posix.basename(relPattern)
    const out: { file: string; at: string }[] = []
    for (const [rel, file] of Object.entries(this.overlay)) {
      const name = path.posix.basename(rel)
      if (path.posix.dirname(rel) !== folder || !matchesGlobSegment(seg, name)) continue
      const at = path.join(path.dirname(pattern), name)
      if (!projectFiles.includes(at)) out.push({ file, at })
    }
    return out
  }
}

/** httpd includes every entry but `.` and `..` (dot-files too), recursing into folders in name order. */
function listRecursively(dir: string, watchDirs: string[], memo: FsMemo): string[] {
  watchDirs.push(dir)
  const names = memo.readdir(dir)
  if (names === undefined) return []
  const out: string[] = []
  for (const name of names.slice().sort()) {
    const full = path.join(dir, name)
    if (memo.isDir(full)) out.push(...listRecursively(full, watchDirs, memo))
    else out.push(full)
  }
  return out
}
