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
import { byteOrder, hasGlobChars, matchesGlobSegment } from '../files'
import type { FsMemo } from '../fs-memo'
import type { ServerRootPaths } from './server-root'

export type IncludeTarget =
  | {
      kind: 'files'
      files: { file: string; fromOverlay?: string }[]
      watchDirs: string[]
      /** What `Include` (not IncludeOptional) is refused for although some files matched, in httpd's words. */
      error?: string
    }
  | { kind: 'missing'; resolved: string; glob: boolean; watchDirs: string[]; message?: string }

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
      // `conf/\*.conf`: an escaped wildcard is a literal name (apr_fnmatch_test), backslash and all.
      if (/\\[*?[]/.test(arg)) t = this.compute(path.resolve(this.paths.root, arg), true)
      else {
        const resolved = this.paths.resolve(arg)
        // `conf/*/`: the trailing slash is part of the pattern (the matched folders, not files).
        t = this.compute(hasGlobChars(resolved) && /[/\\]$/.test(arg) ? `${resolved}/` : resolved)
      }
      this.cache.set(arg, t)
    }
    return t
  }

  /** A ServerRoot directive changed how paths resolve. */
  forget(): void {
    this.cache.clear()
  }

  private compute(resolved: string, literal = false): IncludeTarget {
    if (!literal && hasGlobChars(resolved)) {
      const walk = new WildcardWalk(this.memo)
      walk.from(resolved)
      const { files, watchDirs, error } = walk
      const runtime = this.runtimeFilesMatching(resolved, files)
      if (runtime.length === 0) {
        if (files.length === 0) return { kind: 'missing', resolved, glob: true, watchDirs, message: error }
        return { kind: 'files', files: files.map((file) => ({ file })), watchDirs, error }
      }
      // In name order, as if the runtime's files were in the project's folder (whose absence
      // or emptiness is then no error).
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

/**
 * A wildcard Include as httpd's process_resource_config_fnmatch walks it, one path part at a
 * time: a wildcard part matches the folder's entries (folders only when more parts follow; a
 * leading dot only when the part has one), a literal part is taken as is, and what the last part
 * names is included as a file or, for a folder, everything below it (so `conf/*` takes the
 * files in conf's sub-folders too, and `conf/*` + `/` only those). Every file is kept; the first
 * problem httpd refuses `Include` for is kept in `error` (IncludeOptional ignores them).
 */
class WildcardWalk {
  readonly files: string[] = []
  readonly watchDirs: string[] = []
  error?: string

  constructor(private readonly memo: FsMemo) {}

  from(pattern: string): void {
    const slashed = pattern.replace(/\\/g, '/')
    const root = slashed.startsWith('/') ? '/' : (/^[A-Za-z]:\//.exec(slashed)?.[0] ?? '')
    this.walk(root, slashed.slice(root.length))
  }

  private fail(message: string): void {
    this.error ??= message
  }

  private walk(dir: string, rest: string): void {
    const slash = rest.indexOf('/')
    const part = slash < 0 ? rest : rest.slice(0, slash)
    const more = slash < 0 ? undefined : rest.slice(slash + 1)
    if (!hasGlobChars(part)) {
      const next = part === '' ? dir : path.join(dir, part)
      if (more === undefined) this.include(next)
      else this.walk(next, more)
      return
    }
    const names = this.memo.readdir(dir)
    if (names === undefined)
      return this.fail(`Include/IncludeOptional: Could not open directory ${dir}: No such file or directory`)
    this.watchDirs.push(dir)
    const matched = names
      .filter((n) => matchesGlobSegment(part, n))
      .map((n) => path.join(dir, n))
      .filter((full) => more === undefined || this.memo.isDir(full))
      .sort(byteOrder)
    if (matched.length === 0) return this.fail(`No matches for the wildcard '${part}' in '${dir}', failing`)
    for (const full of matched) {
      if (more === undefined) this.include(full)
      else this.walk(full, more)
    }
  }

  private include(p: string): void {
    const found = this.memo.probe(p)
    if (found === 'dir') this.files.push(...listRecursively(p, this.watchDirs, this.memo))
    else if (found === 'exists') this.files.push(p)
    else this.fail(`Could not open configuration file ${p}: No such file or directory`)
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
