/**
 * Reading configuration files the way both parsers need them: text only (binary and
 * non-UTF-8 files are refused with a reason), git-for-Windows symlink stand-ins followed,
 * and include globs expanded in name order.
 *
 * Hand-written glob expansion rather than a library (fast-glob, picomatch): include globs
 * only ever put wildcards in the last path segments, must sort by byte order (AMS farms are
 * named 000_/999_ to control order, dispatcher-behavior.md §1.3), must report which folder
 * to watch for new matches, and must not follow the Dispatcher's own glob dialect.
 */
import path from 'node:path'
import { CONTENT_CACHE_SIZE, ContentCache } from './content-cache'
import { FsMemo } from './fs-memo'
import { textMemo } from '../text-memo'

export type ReadResult =
  | {
      ok: true
      /** Without the UTF-8 BOM the file may start with (see `bom`). */
      text: string
      file: string
      via?: string
      /** The file starts with a UTF-8 BOM: dispatcher.any ignores it, httpd reads it as part of the first word. */
      bom?: true
    }
  | { ok: false; reason: 'missing' | 'directory' | 'binary' | 'not-utf8' | 'unreadable'; file: string; detail?: string }

// ignoreBOM: the BOM stays in the text, for readConfigFile to see it (and drop it).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A git checkout on Windows without symlink support writes a link as a small text file
 * holding the target path (MANIFEST "Windows symlink text file"). Such a file is one line,
 * no spaces, looks like a relative path and names an existing file.
 */
function windowsLinkTarget(file: string, text: string, memo: FsMemo): string | undefined {
  // Most files start with a comment or a directive: a first printable ASCII character other
  // than `.` or `/` rules the file out before trimming and testing the whole text.
  let k = 0
  while (k < text.length && isAsciiSpace(text.charCodeAt(k))) k++
  const first = text.charCodeAt(k)
  if (first > 32 && first < 127 && first !== 46 /* . */ && first !== 47 /* / */) return undefined
  const t = text.trim()
  if (t.length === 0 || t.length > 400 || /[\s{}"'#$]/.test(t) || !/^\.{0,2}\//.test(t)) return undefined
  const target = path.resolve(path.dirname(file), t)
  return memo.isFile(target) ? target : undefined
}

function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13)
}

type Decoded = string | { reason: 'binary' | 'not-utf8' }

/** Decoded text of files read before, reused while their bytes stay the same (content-cache.ts). */
const decodedFiles = new ContentCache<Buffer, Decoded>(CONTENT_CACHE_SIZE)

/**
 * A file's text: refused when it holds a NUL byte (binary) or is not UTF-8; a BOM is kept.
 * The same bytes give the same string object as last time, which also makes the parse caches'
 * comparison of texts instant.
 */
function decode(file: string, buf: Buffer): Decoded {
  let d = decodedFiles.get(file, buf)
  if (d === undefined) {
    d = decodeOnce(buf)
    decodedFiles.set(file, buf, d)
  }
  return d
}

function decodeOnce(buf: Buffer): Decoded {
  if (buf.includes(0)) return { reason: 'binary' }
  let text: string
  try {
    text = utf8.decode(buf)
  } catch {
    return { reason: 'not-utf8' }
  }
  return text
}

/** `memo`: the load's file-system memo (a file read twice in one load is read once). */
export function readConfigFile(file: string, memo: FsMemo = new FsMemo()): ReadResult {
  const got = memo.bytes(file)
  if (!got.ok) {
    const code = got.code
    if (code === 'EISDIR') return { ok: false, reason: 'directory', file }
    return { ok: false, reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', file, detail: code }
  }
  const decoded = decode(file, got.bytes)
  if (typeof decoded !== 'string') return { ok: false, reason: decoded.reason, file }
  const bom = decoded.charCodeAt(0) === 0xfeff
  const text = bom ? decoded.slice(1) : decoded
  const link = windowsLinkTarget(file, text, memo)
  if (link) {
    const r = readConfigFile(link, memo)
    return r.ok ? { ...r, via: file } : r
  }
  return bom ? { ok: true, text, file, bom } : { ok: true, text, file }
}

export function hasGlobChars(p: string): boolean {
  return /[*?[]/.test(p)
}

/** Segment → RegExp (text-memo.ts): the same few include globs come back on every reload. */
const segmentRegex = textMemo(buildSegmentRegex, 1000)

/** Byte order of two paths, as httpd sorts the files a wildcard Include names. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A file name matches one glob segment (`*.conf`), dot-files only when the segment starts with a dot. */
export function matchesGlobSegment(seg: string, name: string): boolean {
  if (name.startsWith('.') && !seg.startsWith('.')) return false
  return segmentRegex(seg).test(name)
}

/** Converts one path segment with `*`, `?`, `[...]` (shell style) to an anchored RegExp. */
function buildSegmentRegex(seg: string): RegExp {
  let re = ''
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2)
      if (close < 0) re += '\\['
      else {
        let body = seg.slice(i + 1, close)
        if (body.startsWith('!')) body = '^' + body.slice(1)
        re += '[' + body.replace(/\\/g, '\\\\') + ']'
        i = close
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp('^' + re + '$')
}

/**
 * Expands an absolute glob path to the files it names, sorted by byte order of their
 * full path. Returns the deepest literal folder (what to watch for new matches).
 * Dot-files match only when the pattern segment itself starts with a dot (shell rule).
 */
export function expandGlob(absPattern: string, memo: FsMemo = new FsMemo()): { files: string[]; watchDir: string } {
  const parts = absPattern.split(/[/\\]+/)
  const firstGlob = parts.findIndex((p) => hasGlobChars(p))
  const root = parts.slice(0, firstGlob).join('/') || '/'
  let current = [root]
  for (let i = firstGlob; i < parts.length; i++) {
    const seg = parts[i]
    const last = i === parts.length - 1
    const next: string[] = []
    for (const dir of current) {
      if (!hasGlobChars(seg)) {
        next.push(path.join(dir, seg))
        continue
      }
      const names = memo.readdir(dir)
      if (names === undefined) continue
      for (const n of names.slice().sort()) if (matchesGlobSegment(seg, n)) next.push(path.join(dir, n))
    }
    current = next
    if (!last) current = current.filter((p) => memo.isDir(p))
  }
  const files = current.filter((p) => memo.isFile(p)).sort(byteOrder)
  return { files, watchDir: root }
}
