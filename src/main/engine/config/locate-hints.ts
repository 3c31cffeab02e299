/**
 * What to pass instead, for a folder locateConfig does not take: a project root often holds its
 * configuration a level or two down (`httpd_conf/conf/httpd.conf`, `dispatcher/src`). Only the
 * error message uses it; which folders qualify is decided by the caller's predicate (load.ts),
 * so the search cannot disagree with the loader.
 */
import path from 'node:path'
import type { FsMemo } from './fs-memo'

/** Folder levels searched below the one given. */
const MAX_DEPTH = 3
/** Folders listed at most: a home folder or a whole repository must not be walked. */
const MAX_FOLDERS = 300
/** Suggestions named at most. */
const MAX_FOUND = 5
/** Never configuration, and often huge. */
const SKIPPED = new Set(['node_modules', 'target', 'dist', 'out'])

/**
 * `; pass one of these instead: a/b, c/conf/httpd.conf`, or '' when nothing below `root` (breadth
 * first, MAX_DEPTH levels, MAX_FOLDERS folders) is a folder `accepts` takes or holds an httpd.conf
 * (which locateConfig takes as a file). A folder that qualifies is not searched further. Paths
 * are shown below `input`, the way the user named `root`, so they can be pasted back.
 */
export function configsBelow(root: string, input: string, accepts: (dir: string) => boolean, memo: FsMemo): string {
  const found: string[] = []
  let level = [root]
  let listed = 0
  for (let depth = 1; depth <= MAX_DEPTH && level.length > 0 && found.length < MAX_FOUND; depth++) {
    const next: string[] = []
    for (const dir of level) {
      if (listed++ >= MAX_FOLDERS || found.length >= MAX_FOUND) break
      for (const name of (memo.readdir(dir) ?? []).sort()) {
        const sub = path.join(dir, name)
        if (name.startsWith('.') || SKIPPED.has(name) || !memo.isDir(sub)) continue
        if (accepts(sub)) found.push(sub)
        else if (memo.isFile(path.join(sub, 'httpd.conf'))) found.push(path.join(sub, 'httpd.conf'))
        else next.push(sub)
      }
    }
    level = next
  }
  if (found.length === 0) return ''
  const shown = found.slice(0, MAX_FOUND).map((p) => path.join(input, path.relative(root, p)))
  return `; pass ${shown.length === 1 ? 'this' : 'one of these'} instead: ${shown.join(', ')}`
}
