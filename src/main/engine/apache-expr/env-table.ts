import { lowerName } from './lower-name'

/**
 * `r->subprocess_env` and `r->notes` are APR tables: names are case-insensitive, and setting an
 * existing name keeps its first spelling. Plain records are used for them (they cross process
 * boundaries as JSON), accessed only through these helpers.
 */

function keyOf(table: Record<string, string>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(table, name)) return name
  const lower = lowerName(name)
  for (const k in table) if (Object.prototype.hasOwnProperty.call(table, k) && lowerName(k) === lower) return k
  return undefined
}

export function envGet(table: Record<string, string> | undefined, name: string): string | undefined {
  if (!table) return undefined
  const k = keyOf(table, name)
  return k === undefined ? undefined : table[k]
}

export function envSet(table: Record<string, string>, name: string, value: string): void {
  table[keyOf(table, name) ?? name] = value
}

export function envUnset(table: Record<string, string>, name: string): void {
  const lower = lowerName(name)
  for (const k of Object.keys(table)) if (lowerName(k) === lower) delete table[k]
}
