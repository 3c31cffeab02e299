/**
 * A header table with APR's semantics (`apr_table_t`), which mod_headers relies on: names are
 * case-insensitive, a name may appear several times, `get` sees the first occurrence, `set`
 * keeps the first occurrence's place and drops the others, `merge` appends `, value` to the
 * first occurrence only, `add` always appends a new line.
 */
import { lowerName, type ApacheRequest } from '../../apache-expr'
import type { WireLine } from '../../http/wire-lines'

export interface HeaderEntry {
  name: string
  value: string
}

/** An entry with its name in lower case, compared without regard to case. */
interface Row {
  name: string
  value: string
  key: string
  /** Put there by the table's owner (`from`), not written since: its name is a record key, not a spelling. */
  given?: true
}

export class HeaderTable {
  private entries: Row[] = []

  static from(headers: Record<string, string | string[]> | readonly HeaderEntry[] | undefined): HeaderTable {
    const t = new HeaderTable()
    if (!headers) return t
    if (isEntryList(headers)) {
      for (const e of headers) t.addGiven(e.name, e.value)
      return t
    }
    for (const name in headers) {
      const value = headers[name]
      if (Array.isArray(value)) for (const v of value) t.addGiven(name, v)
      else t.addGiven(name, value)
    }
    return t
  }

  private addGiven(name: string, value: string): void {
    this.entries.push({ name, value, key: lowerName(name), given: true })
  }

  private indexOf(key: string): number {
    const rows = this.entries
    for (let i = 0; i < rows.length; i++) if (rows[i].key === key) return i
    return -1
  }

  // `key` is the name in lower case: callers that know it (compiled directives) pass it along.

  get(name: string, key = lowerName(name)): string | undefined {
    const i = this.indexOf(key)
    return i < 0 ? undefined : this.entries[i].value
  }

  getAll(name: string, key = lowerName(name)): string[] {
    const out: string[] = []
    for (const e of this.entries) if (e.key === key) out.push(e.value)
    return out
  }

  has(name: string, key = lowerName(name)): boolean {
    return this.indexOf(key) >= 0
  }

  set(name: string, value: string, key = lowerName(name)): void {
    const first = this.indexOf(key)
    if (first < 0) {
      this.entries.push({ name, value, key })
      return
    }
    // Rows never leave the table (list, clone and toRecord copy them): changed in place.
    this.entries[first].value = value
    this.removeFrom(first + 1, key)
  }

  add(name: string, value: string, key = lowerName(name)): void {
    this.entries.push({ name, value, key })
  }

  merge(name: string, value: string, key = lowerName(name)): void {
    const first = this.indexOf(key)
    if (first < 0) this.entries.push({ name, value, key })
    else this.entries[first].value = `${this.entries[first].value}, ${value}`
  }

  unset(name: string, key = lowerName(name)): void {
    const first = this.indexOf(key)
    if (first >= 0) this.removeFrom(first, key)
  }

  /** Drops the rows with `key` from index `from` on, keeping the order of the others. */
  private removeFrom(from: number, key: string): void {
    const rows = this.entries
    let kept = from
    for (let i = from; i < rows.length; i++) if (rows[i].key !== key) rows[kept++] = rows[i]
    rows.length = kept
  }

  list(): HeaderEntry[] {
    return this.entries.map((e) => ({ name: e.name, value: e.value }))
  }

  /**
   * The lines in order, each written one with its writer's spelling: apr_table_set and merge
   * change a line's value, never its name, so a line keeps the spelling it was first given.
   */
  wireLines(): WireLine[] {
    return this.entries.map((e) =>
      e.given ? { key: e.key, value: e.value } : { key: e.key, value: e.value, name: e.name }
    )
  }

  clone(): HeaderTable {
    const t = new HeaderTable()
    for (const e of this.entries) t.entries.push({ ...e })
    return t
  }

  /** Lower-case names; a repeated header becomes an array in order. */
  toRecord(): Record<string, string | string[]> {
    return this.addTo({})
  }

  /**
   * Adds the lines to `out` as `toRecord` makes it, after what is there: a name already
   * present gets an array. `out` must come from `toRecord`/`addTo` (its arrays are extended).
   */
  addTo(out: Record<string, string | string[]>): Record<string, string | string[]> {
    for (const { key, value } of this.entries) {
      const prev = out[key]
      if (prev === undefined) out[key] = value
      else if (Array.isArray(prev)) prev.push(value)
      else out[key] = [prev, value]
    }
    return out
  }
}

function isEntryList(
  headers: Record<string, string | string[]> | readonly HeaderEntry[]
): headers is readonly HeaderEntry[] {
  return Array.isArray(headers)
}

/**
 * `r->headers_in` as a list: names as the client spelled them, in arrival order when the
 * request says so, then any header only known by its lower-case key.
 */
export function requestHeaderEntries(req: ApacheRequest): readonly HeaderEntry[] {
  if (req.headerLines) return req.headerLines
  const seen = new Set<string>()
  const out: HeaderEntry[] = []
  for (const name of [...(req.headerNames ?? []), ...Object.keys(req.headers)]) {
    const key = name.toLowerCase()
    const value = req.headers[key]
    if (value === undefined || seen.has(key)) continue
    seen.add(key)
    out.push({ name, value })
  }
  return out
}
