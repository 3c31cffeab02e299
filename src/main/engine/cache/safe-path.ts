/**
 * Every docroot path is checked before any read, write or delete: a request path can never
 * name a file outside the docroot, neither with `..`, a NUL, an absolute escape, nor through
 * a symlink whose target lies outside (the real path of the nearest existing folder must be
 * inside the docroot's real path).
 */
import fs from 'node:fs'
import path from 'node:path'

export type Resolved = { ok: true; abs: string; rel: string } | { ok: false; reason: string }

const REFUSED = 'x-workbench: path escapes the docroot'

/** Lexical checks: `relPath` must start with `/` and have no empty, `.` or `..` segment. */
export function resolveLexically(root: string, relPath: string): Resolved {
  if (!relPath.startsWith('/') || relPath.includes('\0')) return { ok: false, reason: REFUSED }
  if (process.platform === 'win32' && /[\\:]/.test(relPath)) return { ok: false, reason: REFUSED }
  const segs = relPath.split('/').slice(1)
  if (segs.length === 0 || segs.some((s) => s === '' || s === '.' || s === '..')) {
    return relPath === '/' ? { ok: true, abs: root, rel: '/' } : { ok: false, reason: REFUSED }
  }
  // Segments are clean here, so plain concatenation is the join (and much cheaper on the hit path).
  const abs = path.sep === '/' ? (root === '/' ? relPath : root + relPath) : path.join(root, ...segs)
  if (!isWithin(root, abs)) return { ok: false, reason: REFUSED }
  return { ok: true, abs, rel: relPath }
}

export function isWithin(root: string, abs: string): boolean {
  if (abs === root) return true
  const prefix = root.endsWith(path.sep) ? root : root + path.sep
  return abs.startsWith(prefix)
}

/** Real path of `abs` or of its nearest existing ancestor, `null` when nothing on the way exists. */
export function realNearest(abs: string): string | null {
  let dir = abs
  for (;;) {
    // A missing path is skipped without asking realpath, whose exception costs far more.
    if (mayExist(dir)) {
      try {
        return fs.realpathSync(dir)
      } catch {
        // not resolvable: its parent is tried
      }
    }
    const parent = path.dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

/** False when `stat` finds nothing there (ENOENT); any other failure lets realpath decide. */
function mayExist(p: string): boolean {
  try {
    return fs.statSync(p, { throwIfNoEntry: false }) !== undefined
  } catch {
    return true
  }
}
