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
import fs from 'node:fs'
import path from 'node:path'

export type ReadResult =
  | { ok: true; text: string; file: string; via?: string }
  | { ok: false; reason: 'missing' | 'directory' | 'binary' | 'not-utf8' | 'unreadable'; file: string; detail?: string }

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A git checkout on Windows without symlink support writes a link as a small text file
 * holding the target path (MANIFEST "Windows symlink text file"). Such a file is one line,
 * no spaces, looks like a relative path and names an existing file.
 */
function windowsLinkTarget(file: string, text: string): string | undefined {
  const t = text.trim()
  if (t.length === 0 || t.length > 400 || /[\s{}"'#$]/.test(t) || !/^\.{0,2}\//.test(t)) return undefined
  const target = path.resolve(path.dirname(file), t)
  try {
    return fs.statSync(target).isFile() ? target : undefined
  } catch {
    return undefined
  }
}

export function readConfigFile(file: string): ReadResult {
  let buf: Buffer
  try {
    const st = fs.statSync(file)
    if (st.isDirectory()) return { ok: false, reason: 'directory', file }
    buf = fs.readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return { ok: false, reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', file, detail: code }
  }
  if (buf.includes(0)) return { ok: false, reason: 'binary', file }
  let text: string
  try {
    text = utf8.decode(buf)
  } catch {
    return { ok: false, reason: 'not-utf8', file }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const link = windowsLinkTarget(file, text)
  if (link) {
    const r = readConfigFile(link)
    return r.ok ? { ...r, via: file } : r
  }
  return { ok: true, text, file }
}

export function hasGlobChars(p: string): boolean {
  return /[*?[]/.test(p)
}

/** Converts one path segment with `*`, `?`, `[...]` (shell style) to an anchored RegExp. */
function segmentRegex(seg: string): RegExp {
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
export function expandGlob(absPattern: string): { files: string[]; watchDir: string } {
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
      const re = segmentRegex(seg)
      let names: string[]
      try {
        names = fs.readdirSync(dir)
      } catch {
        continue
      }
      for (const n of names.sort()) {
        if (n.startsWith('.') && !seg.startsWith('.')) continue
        if (re.test(n)) next.push(path.join(dir, n))
      }
    }
    current = next
    if (!last) current = current.filter((p) => isDir(p))
  }
  const files = current.filter((p) => isFile(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { files, watchDir: root }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile()
  } catch {
    return false
  }
}
