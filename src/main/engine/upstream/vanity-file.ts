/**
 * Where `/vanity_urls/file` would live and what it holds (dispatcher-behavior.md §4.4). The list
 * is plain text, one URL per line, as the render's `vanityUrls.html` serves it.
 */
import os from 'node:os'
import path from 'node:path'

/**
 * Relative paths are taken from `baseDir` (the configuration folder). Configurations written
 * for Linux say `/tmp/vanity_urls`; on a system without `/tmp` that becomes the OS temp folder.
 */
export function vanityFilePath(file: string, baseDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && /^\/tmp(\/|$)/.test(file)) return path.join(os.tmpdir(), file.slice(5))
  return path.resolve(baseDir, file)
}

/** Lines that are paths (start with `/`), trimmed, without duplicates, in order. */
export function parseVanityList(text: string): string[] {
  const seen = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const url = line.trim()
    if (url.startsWith('/')) seen.add(url)
  }
  return [...seen]
}

/** A list the module would keep in `/file`, and when it was written there. */
export interface StoredVanityList {
  urls: string[]
  writtenAt: number
}

/**
 * What the module keeps in `/file`, by the file's absolute path: held in memory for the life of
 * the process, never read from or written to disk. The workbench touches nothing outside its
 * cache docroot, and a `/tmp/vanity_urls` another Dispatcher (or another workbench, or another
 * project's configuration) wrote must not stand in for this farm's list. A farm started again
 * (a configuration reload) finds its list here, as the module finds its file; a new process
 * starts without one, as the module does when the file is missing.
 */
const stored = new Map<string, StoredVanityList>()

/** The stored list and when it was written, or `null` when nothing was stored for `file`. */
export function readVanityFile(file: string): StoredVanityList | null {
  return stored.get(file) ?? null
}

export function writeVanityFile(file: string, urls: readonly string[], now = Date.now()): void {
  stored.set(file, { urls: [...urls], writtenAt: now })
}
