/**
 * What the loaders derive from one file's exact contents (its decoded text, its Apache parse
 * tree, its dispatcher.any tokens, its hash), kept from one load to the next.
 *
 * A reload follows an edit to one file, or to none (an editor saving unchanged text), so
 * nearly every file comes back byte for byte the same; lexing, parsing and hashing all of them
 * again was a large part of a reload's time. An entry is found by path and used only when the contents are
 * identical to the ones it was derived from, so a result never differs from a fresh load's.
 * Values must be treated as read-only by whoever gets them (callers hand out copies where the
 * result escapes into the loaded model). The total size is bounded; the oldest entries go first.
 */

type Content = string | Buffer

interface Entry<C extends Content, V> {
  content: C
  value: V
}

export class ContentCache<C extends Content, V> {
  private readonly entries = new Map<string, Entry<C, V>>()
  private size = 0

  /** `maxSize`: characters (or bytes) of content kept in all, about the memory it costs. */
  constructor(private readonly maxSize: number) {}

  get(path: string, content: C): V | undefined {
    const e = this.entries.get(path)
    return e !== undefined && sameContent(e.content, content) ? e.value : undefined
  }

  set(path: string, content: C, value: V): void {
    const old = this.entries.get(path)
    if (old !== undefined) {
      this.entries.delete(path)
      this.size -= old.content.length
    }
    // A file bigger than a quarter of the budget would push everything else out.
    if (content.length > this.maxSize / 4) return
    this.entries.set(path, { content, value })
    this.size += content.length
    for (const [key, e] of this.entries) {
      if (this.size <= this.maxSize) break
      this.entries.delete(key)
      this.size -= e.content.length
    }
  }
}

function sameContent(a: Content, b: Content): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b
  // Buffer#equals compares lengths first, then the bytes in native code.
  return a.equals(b)
}

/**
 * 2 MB of configuration text per kind of derived value: several times the largest real
 * configuration (tens of KB), while a parse tree, many times its text, stays within tens of MB.
 */
export const CONTENT_CACHE_SIZE = 2 * 1024 * 1024
