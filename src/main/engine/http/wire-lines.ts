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
 * The record's lines in the order and spelling of `lines` (mod_headers' outcome), each line of
 * a name with the record's values in turn (a later filter may have changed one: a charset
 * added). A name whose lines a later filter changed in number (ap_http_header_filter's
 * fixup_vary makes one Vary line of several, where the first stood) goes out with all its
 * record lines where its first line stood. The lines of names `lines` does not know stay where
 * the record has them. `spell` names a line no directive wrote. Null when that is the record's
 * own order and spelling as `spell` would give it: the record says it all.
 */
export function inWireOrder(
  headers: OutgoingHttpHeaders,
  lines: readonly WireLine[],
  spell: (key: string) => string
): HeadLines | null {
  const out: [string, string][] = []
  const keys: string[] = []
  // Each name's record lines, spelled: a name the record spells already (not in lower case: a
  // stage's own spelling) is kept.
  const byKey = new Map<string, [string, string][]>()
  for (const k in headers) {
    const v = headers[k]
    if (v === undefined) continue
    const key = k.toLowerCase()
    const name = k === key ? spell(key) : k
    let list = byKey.get(key)
    if (!list) byKey.set(key, (list = []))
    for (const one of Array.isArray(v) ? v : [v]) {
      const line: [string, string] = [name, String(one)]
      out.push(line)
      keys.push(key)
      list.push(line)
    }
  }
  const written = new Map<string, number>()
  for (const l of lines) written.set(l.key, (written.get(l.key) ?? 0) + 1)
  // The lines of the names `lines` knows, in its order; they take the record's places of those names.
  const ordered: [string, string][] = []
  const taken = new Map<string, number>()
  for (const l of lines) {
    const record = byKey.get(l.key)
    if (!record) continue
    const n = taken.get(l.key) ?? 0
    taken.set(l.key, n + 1)
    if (record.length !== written.get(l.key)) {
      // A filter after mod_headers joined the lines (fixup_vary) or added one: the table entry
      // the first line made keeps its name as written (apr_table_setn/merge keep the key).
      if (n === 0) ordered.push([l.name ?? record[0][0], record[0][1]], ...record.slice(1))
    } else ordered.push([l.name ?? record[n][0], record[n][1]])
  }
  let moved = false
  let at = 0
  for (let i = 0; i < out.length; i++) {
    if (!written.has(keys[i])) continue
    const line = ordered[at++]
    if (line[0] !== out[i][0] || line[1] !== out[i][1]) moved = true
    out[i] = line
  }
  return moved ? out : null
}
