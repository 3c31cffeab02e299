/**
 * A header table with APR's semantics (`apr_table_t`), which mod_headers relies on: names are
 * case-insensitive, a name may appear several times, `get` sees the first occurrence, `set`
 * keeps the first occurrence's place and drops the others, `merge` appends `, value` to the
 * first occurrence only, `add` always appends a new line.
 */
import type { ApacheRequest } from '../../apache-expr'

export interface HeaderEntry {
  name: string
  value: string
}

export class HeaderTable {
  private entries: HeaderEntry[] = []

  static from(headers: Record<string, string | string[]> | HeaderEntry[] | undefined): HeaderTable {
    const t = new HeaderTable()
    if (!headers) return t
    if (Array.isArray(headers)) {
      for (const e of headers) t.add(e.name, e.value)
      return t
    }
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) t.add(name, v)
    }
    return t
  }

  private same(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase()
  }

  get(name: string): string | undefined {
    return this.entries.find((e) => this.same(e.name, name))?.value
  }

  getAll(name: string): string[] {
    return this.entries.filter((e) => this.same(e.name, name)).map((e) => e.value)
  }

  has(name: string): boolean {
    return this.entries.some((e) => this.same(e.name, name))
  }

  set(name: string, value: string): void {
    const first = this.entries.findIndex((e) => this.same(e.name, name))
    if (first < 0) {
      this.entries.push({ name, value })
      return
    }
    this.entries[first] = { name: this.entries[first].name, value }
    this.entries = this.entries.filter((e, i) => i <= first || !this.same(e.name, name))
  }

  add(name: string, value: string): void {
    this.entries.push({ name, value })
  }

  merge(name: string, value: string): void {
    const first = this.entries.findIndex((e) => this.same(e.name, name))
    if (first < 0) this.entries.push({ name, value })
    else this.entries[first] = { name: this.entries[first].name, value: `${this.entries[first].value}, ${value}` }
  }

  unset(name: string): void {
    this.entries = this.entries.filter((e) => !this.same(e.name, name))
  }

  list(): HeaderEntry[] {
    return this.entries.map((e) => ({ ...e }))
  }

  clone(): HeaderTable {
    return HeaderTable.from(this.entries)
  }

  /** Lower-case names; a repeated header becomes an array in order. */
  toRecord(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {}
    for (const { name, value } of this.entries) {
      const key = name.toLowerCase()
      const prev = out[key]
      out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
    }
    return out
  }
}

/**
 * `r->headers_in` as a list: names as the client spelled them, in arrival order when the
 * request says so, then any header only known by its lower-case key.
 */
export function requestHeaderEntries(req: ApacheRequest): HeaderEntry[] {
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
