/**
 * The file system as one configuration load sees it: every stat, directory listing, real
 * path and file read is done at most once per load and remembered.
 *
 * A load asks the same questions many times — the include budget and the evaluation resolve
 * the same Include, the glob filter stats what the reader then stats again, the SDK validator
 * re-reads files the loaders already read — and each system call costs microseconds (more
 * when it fails and Node builds an exception). The answers are only kept for one load (a new
 * memo per `loadConfig` call), so edits between reloads are always seen.
 */
import fs from 'node:fs'

/** What `stat` (following links) said about a path; `code` is the errno name when it failed. */
type StatAnswer =
  { kind: 'file' | 'dir' | 'other'; dev: number; ino: number } | { kind: 'none'; code: string | undefined }

/** A file's bytes, or why they could not be read (errno name). */
export type BytesAnswer = { ok: true; bytes: Buffer } | { ok: false; code: string | undefined }

export class FsMemo {
  private readonly stats = new Map<string, StatAnswer>()
  private readonly listings = new Map<string, string[] | undefined>()
  private readonly realpaths = new Map<string, string>()
  private readonly contents = new Map<string, BytesAnswer>()

  private stat(p: string): StatAnswer {
    let s = this.stats.get(p)
    if (s === undefined) {
      s = statOnce(p)
      this.stats.set(p, s)
    }
    return s
  }

  isFile(p: string): boolean {
    return this.stat(p).kind === 'file'
  }

  isDir(p: string): boolean {
    return this.stat(p).kind === 'dir'
  }

  /** Exists in any form (file, folder, device…), following symbolic links like `fs.existsSync`. */
  exists(p: string): boolean {
    return this.stat(p).kind !== 'none'
  }

  /**
   * Entry names in the order the system returns them (callers sort), or undefined when
   * unreadable. Only folders are listed: asking the (usually memoised) stat first spares the
   * exception a failing readdir throws for the missing folders globs often name.
   */
  readdir(dir: string): string[] | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir)
    let names: string[] | undefined
    if (this.isDir(dir)) {
      try {
        names = fs.readdirSync(dir)
      } catch {
        names = undefined
      }
    }
    this.listings.set(dir, names)
    return names
  }

  /**
   * The canonical path, or `p` itself when it cannot be resolved. The native call is one
   * system call, where `fs.realpathSync` lstats every component of the path.
   */
  realpath(p: string): string {
    let r = this.realpaths.get(p)
    if (r === undefined) {
      try {
        r = fs.realpathSync.native(p)
      } catch {
        r = p
      }
      this.realpaths.set(p, r)
    }
    return r
  }

  /**
   * Whether `p` is a folder, exists otherwise, or does not exist, for a path that is read next
   * when it exists. `access` (fs.existsSync) answers "missing" without building a Stats object
   * or a failed read's exception; then the read itself tells a file (it succeeds) from a folder
   * (EISDIR). A failure that tells neither (EACCES…) asks stat, as does a path already stat'ed.
   */
  probe(p: string): 'dir' | 'exists' | 'none' {
    const known = this.stats.get(p)
    if (known !== undefined) return probeAnswer(known)
    let got = this.contents.get(p)
    if (got === undefined) {
      if (!fs.existsSync(p)) return 'none'
      got = this.bytes(p)
    }
    if (got.ok) return 'exists'
    if (got.code === 'EISDIR') return 'dir'
    if (got.code === 'ENOENT' || got.code === 'ENOTDIR') return 'none'
    return probeAnswer(this.stat(p))
  }

  /**
   * Whether two paths name the same file, exactly as comparing their real paths would say,
   * without resolving real paths (a system call each) when something cheaper tells two files
   * apart: different contents (the include loop check compares files that are read anyway),
   * or different device or inode numbers, cannot belong to one real path.
   */
  sameFile(a: string, b: string): boolean {
    if (a === b) return true
    const ca = this.bytes(a)
    const cb = this.bytes(b)
    if (ca.ok && cb.ok && !ca.bytes.equals(cb.bytes)) return false
    const sa = this.stat(a)
    const sb = this.stat(b)
    if (sa.kind !== 'none' && sb.kind !== 'none' && (sa.dev !== sb.dev || sa.ino !== sb.ino)) return false
    return this.realpath(a) === this.realpath(b)
  }

  /**
   * A file's bytes. A folder answers `EISDIR` (from the memoised stat when there is one, else
   * from the read itself, which saves a stat per file).
   */
  bytes(file: string): BytesAnswer {
    let c = this.contents.get(file)
    if (c === undefined) {
      c = this.readOnce(file)
      this.contents.set(file, c)
    }
    return c
  }

  private readOnce(file: string): BytesAnswer {
    const known = this.stats.get(file)
    if (known?.kind === 'none') return { ok: false, code: known.code }
    if (known?.kind === 'dir') return { ok: false, code: 'EISDIR' }
    try {
      return { ok: true, bytes: fs.readFileSync(file) }
    } catch (e) {
      return { ok: false, code: (e as NodeJS.ErrnoException).code }
    }
  }
}

function probeAnswer(s: StatAnswer): 'dir' | 'exists' | 'none' {
  return s.kind === 'dir' ? 'dir' : s.kind === 'none' ? 'none' : 'exists'
}

function statOnce(p: string): StatAnswer {
  try {
    // throwIfNoEntry: a missing path is the common "no" answer; building an Error for it is costly.
    const st = fs.statSync(p, { throwIfNoEntry: false })
    if (st === undefined) return { kind: 'none', code: 'ENOENT' }
    return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', dev: st.dev, ino: st.ino }
  } catch (e) {
    return { kind: 'none', code: (e as NodeJS.ErrnoException).code }
  }
}
