/**
 * Bounded walks of the docroot for the UI (previews, listings, totals). Symlinks are never
 * followed, so a loop cannot trap the walk (4.3.0 DISP-706), and every walk stops after
 * `maxEntries` directory entries.
 */
import fs from 'node:fs'
import path from 'node:path'
import { HEADERS_SUFFIX, TTL_SUFFIX } from './companions'
import { TEMP_NAME } from './docroot'

export type EntryRole = 'document' | 'statfile' | 'companion' | 'temp' | 'dir' | 'other'

/** What an entry of a cache folder is, given the names of its siblings. */
export function entryRole(name: string, isDir: boolean, isFile: boolean, siblings: ReadonlySet<string>): EntryRole {
  if (isDir) return 'dir'
  if (!isFile) return 'other'
  if (name === '.stat') return 'statfile'
  if (TEMP_NAME.test(name)) return 'temp'
  for (const suffix of [HEADERS_SUFFIX, TTL_SUFFIX]) {
    if (name.endsWith(suffix) && siblings.has(name.slice(0, -suffix.length))) return 'companion'
  }
  return 'document'
}

export interface WalkEntry {
  relPath: string
  abs: string
  name: string
  role: EntryRole
  /** Depth of the folder holding the entry (docroot = 0). */
  level: number
}

export interface WalkOptions {
  maxEntries: number
  /** Return false to skip a folder's contents. */
  enterDir?: (relDir: string, abs: string, level: number) => boolean
}

/** Breadth-first; returns whether the walk was cut short. */
export function walkDocroot(root: string, visit: (e: WalkEntry) => void, opts: WalkOptions): { truncated: boolean } {
  let seen = 0
  const queue: { rel: string; abs: string; level: number }[] = [{ rel: '', abs: root, level: 0 }]
  while (queue.length > 0) {
    const dir = queue.shift()!
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir.abs, { withFileTypes: true })
    } catch {
      continue
    }
    const names = new Set(entries.map((e) => e.name))
    for (const e of entries) {
      if (++seen > opts.maxEntries) return { truncated: true }
      const rel = `${dir.rel}/${e.name}`
      const abs = path.join(dir.abs, e.name)
      const role = entryRole(e.name, e.isDirectory(), e.isFile(), names)
      visit({ relPath: rel, abs, name: e.name, role, level: dir.level })
      if (role === 'dir' && (opts.enterDir?.(rel, abs, dir.level + 1) ?? true))
        queue.push({ rel, abs, level: dir.level + 1 })
    }
  }
  return { truncated: false }
}
