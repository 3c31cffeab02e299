/**
 * Where `/vanity_urls/file` lives and how the list is read and written
 * (dispatcher-behavior.md §4.4). The list is plain text, one URL per line, as the render's
 * `vanityUrls.html` serves it and as the module stores it.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
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

/** The stored list and when it was written, or `null` when there is no file. */
export async function readVanityFile(file: string): Promise<{ urls: string[]; writtenAt: number } | null> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)])
    return { urls: parseVanityList(text), writtenAt: info.mtimeMs }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

/** Written beside and renamed into place, so a reader never sees half a list. */
export async function writeVanityFile(file: string, urls: readonly string[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, urls.map((u) => u + '\n').join(''), 'utf8')
  await rename(tmp, file)
}
