/**
 * Companion files beside a cache file (dispatcher-behavior.md §5.5.5, §5.6):
 *
 * - `<file>.h` — the stored `/headers`, one `Name: value` line each, in the order received,
 *   Latin-1 like HTTP header bytes. The module's own format is not documented; this one is
 *   readable with `cat` and survives any header value (CR/LF cannot occur in one; they are
 *   replaced by spaces defensively).
 * - `<file>.ttl` — an empty file whose mtime is the expiry time.
 *
 * Both names append to the file name (`en.html.h`, `en.html.ttl`), as `.ttl` does (EXP).
 */
import fs from 'node:fs'
import type { StoredHeader } from '../../../shared/cache-types'
import { tempSibling, trackTemp, untrackTemp } from './docroot'
import { fileMode } from './policy'

export const HEADERS_SUFFIX = '.h'
export const TTL_SUFFIX = '.ttl'

export function formatStoredHeaders(headers: readonly StoredHeader[]): string {
  return headers.map(([n, v]) => `${n}: ${v.replace(/[\r\n]+/g, ' ')}\n`).join('')
}

export function parseStoredHeaders(text: string): StoredHeader[] {
  const out: StoredHeader[] = []
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    out.push([line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')])
  }
  return out
}

export function readStoredHeaders(abs: string): StoredHeader[] {
  try {
    return parseStoredHeaders(fs.readFileSync(abs + HEADERS_SUFFIX, 'latin1'))
  } catch {
    return []
  }
}

/** Expiry from `<file>.ttl`, `null` without one. */
export function readTtl(abs: string): number | null {
  try {
    const st = fs.statSync(abs + TTL_SUFFIX, { throwIfNoEntry: false })
    return st?.isFile() ? Math.round(st.mtimeMs) : null
  } catch {
    return null
  }
}

/** Replaces (or removes, when there is nothing to store) the `.h` companion; atomic by rename. */
export function writeStoredHeaders(abs: string, headers: readonly StoredHeader[], mode: number): void {
  const target = abs + HEADERS_SUFFIX
  if (headers.length === 0) {
    removeQuietly(target)
    return
  }
  const temp = tempSibling(target)
  trackTemp(temp)
  try {
    fs.writeFileSync(temp, formatStoredHeaders(headers), { encoding: 'latin1', mode: fileMode(mode), flag: 'wx' })
    fs.renameSync(temp, target)
  } finally {
    removeQuietly(temp)
    untrackTemp(temp)
  }
}

/** Creates `<file>.ttl` with mtime = expiry, or removes an old one when the response has none. */
export function writeTtl(abs: string, expiresAt: number | null, mode: number): void {
  const target = abs + TTL_SUFFIX
  if (expiresAt === null) {
    removeQuietly(target)
    return
  }
  const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, fileMode(mode))
  fs.closeSync(fd)
  const when = new Date(expiresAt)
  fs.utimesSync(target, when, when)
}

export function removeQuietly(abs: string): void {
  try {
    fs.unlinkSync(abs)
  } catch {
    // not there
  }
}
