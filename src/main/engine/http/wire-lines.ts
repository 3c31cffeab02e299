/**
 * A response head as a list of lines, for what a header record cannot say. httpd keeps its
 * response headers in apr tables, line by line: `Header add X-A 1`, `Header add X-B 2`,
 * `Header add X-A 3` go out as X-A, X-B, X-A; a `Header always` line of a name (err_headers_out,
 * overlaid first by ap_http_header_filter) stands apart from a plain `Header` one of the same
 * name (headers_out); each line keeps the spelling of whoever wrote it first (apr_table_set and
 * apr_table_merge change a value, never a name). The pipeline's records key a name once, its
 * values together, so mod_headers' run hands its lines on (`WireLine`s, pipeline/headers/) and
 * the record is put back in their order here, as the head goes out.
 */
import type { OutgoingHttpHeaders } from 'node:http'

/**
 * A line as mod_headers left it: `key` its name in lower case, `name` the spelling a directive
 * wrote it in (absent for a line the handler made, spelled on the way out: header-spelling.ts).
 */
export interface WireLine {
  key: string
  value: string
  name?: string
}

/** A head's lines in order: name as written, value. */
export type HeadLines = readonly (readonly [name: string, value: string])[]

/**
 * The record's lines in the order and spelling of `lines` (mod_headers' outcome). A name whose
 * lines the filters after mod_headers changed in number (the content-length filter's, a line
 * taken out) keeps the record's order; every line of a name keeps its value in turn, the
 * record's (which later filters may have changed: a charset added). The lines of names
 * `lines` does not know stay where the record has them. `spell` names a line no directive
 * wrote. Null when every name's lines are together already and spelled as `spell` would
 * spell them: the record says it all.
 */
export function inWireOrder(
  headers: OutgoingHttpHeaders,
  lines: readonly WireLine[],
  spell: (key: string) => string
): HeadLines | null {
  const out: [string, string][] = []
  const keys: string[] = []
  for (const k in headers) {
    const v = headers[k]
    if (v === undefined) continue
    const key = k.toLowerCase()
    // A name the record spells already (not in lower case: a stage's own spelling) is kept.
    const name = k === key ? spell(key) : k
    for (const one of Array.isArray(v) ? v : [v]) {
      out.push([name, String(one)])
      keys.push(key)
    }
  }
  const given = new Map<string, number>()
  for (const key of keys) given.set(key, (given.get(key) ?? 0) + 1)
  const written = new Map<string, number>()
  for (const l of lines) written.set(l.key, (written.get(l.key) ?? 0) + 1)
  const follows = (key: string): boolean => given.get(key) === written.get(key)
  // The record's slots of the names `lines` accounts for, filled again in `lines`' order.
  const slots: number[] = []
  for (let i = 0; i < keys.length; i++) if (follows(keys[i])) slots.push(i)
  const values = new Map<string, string[]>()
  for (const i of slots) {
    const list = values.get(keys[i])
    if (list) list.push(out[i][1])
    else values.set(keys[i], [out[i][1]])
  }
  // How the record's first line of each name is spelled: a line no directive wrote is spelled so.
  const spelled = new Map<string, string>()
  for (let i = out.length - 1; i >= 0; i--) spelled.set(keys[i], out[i][0])
  const taken = new Map<string, number>()
  let moved = false
  let at = 0
  for (const l of lines) {
    if (!follows(l.key)) continue
    const slot = slots[at++]
    const n = taken.get(l.key) ?? 0
    taken.set(l.key, n + 1)
    if (keys[slot] !== l.key) moved = true
    const usual = spelled.get(l.key) as string
    const name = l.name ?? usual
    if (name !== usual) moved = true
    out[slot] = [name, (values.get(l.key) as string[])[n]]
  }
  return moved ? out : null
}
