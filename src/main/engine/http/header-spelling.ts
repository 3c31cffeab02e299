/**
 * Response header names as httpd writes them on the wire. httpd writes each name as it was put
 * in its tables: `Header` directives as the configuration spells them, the render's headers as
 * AEM sent them, its own (`Date`, `ETag`, `Accept-Ranges`, …) in its fixed spelling. The pipeline
 * keys its header records in lower case (Node's convention, and undici's for the render's
 * answer), so `curl -i` against the workbench showed `content-type:` where the Dispatcher shows
 * `Content-Type:`. Names are spelled again on the way out: a name the render sent as the
 * render spelled it, one of httpd's own as httpd does, any other lower-case name in Train-Case
 * (the spelling AEM and Sling use); a name that has capitals already (set that way by a stage,
 * or a cache hit's stored `/headers`, which keep the farm's spelling) is kept. A line a `Header`
 * directive wrote is spelled as that directive writes it (wire-lines.ts).
 *
 * Hand-written: this is httpd's and AEM's spelling, which no HTTP library reproduces (Node's
 * and undici's keep or lower-case what they are given).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { textMemo } from '../text-memo'

/** The names httpd (and the module) make whose spelling is not Train-Case. */
const NOT_TRAIN_CASE: Record<string, string> = {
  etag: 'ETag',
  'www-authenticate': 'WWW-Authenticate',
  'content-md5': 'Content-MD5',
  te: 'TE'
}

/** A lower-case name as httpd or AEM would write it. */
const usualSpelling = textMemo(
  (name) =>
    NOT_TRAIN_CASE[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()),
  1000
)

/** Lower-case name → spelling: how a backend spelled the names it sent. */
export type ConfiguredSpelling = ReadonlyMap<string, string>

/** A backend's spellings that are not the usual ones, from undici's raw name/value buffers; undefined when none. */
export function backendSpelling(raw: readonly (Buffer | string)[] | null | undefined): ConfiguredSpelling | undefined {
  if (!raw) return undefined
  let unusual: Map<string, string> | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const item = raw[i]
    const name = typeof item === 'string' ? item : item.toString('latin1')
    const key = name.toLowerCase()
    if (name !== usualSpelling(key) && !unusual?.has(key)) (unusual ??= new Map()).set(key, name)
  }
  return unusual
}

/** A name as it goes on the wire: as given when not in lower case, else as the render or httpd spells it. */
export function spellName(name: string, render?: ConfiguredSpelling): string {
  if (name !== name.toLowerCase()) return name
  return render?.get(name) ?? usualSpelling(name)
}

/** Frozen records (a cache hit's, shared by every hit) are spelled once. */
const spelledFrozen = new WeakMap<OutgoingHttpHeaders, OutgoingHttpHeaders>()

/**
 * The record with its names as they go on the wire (itself when nothing changes). Two names that
 * differ only in case become one name with both values, in order.
 */
export function spelledHeaders(
  headers: OutgoingHttpHeaders,
  /** How the render spelled the names it sent (`renderSpellingOf`): they keep its spelling. */
  render?: ConfiguredSpelling
): OutgoingHttpHeaders {
  const frozen = Object.isFrozen(headers) && render === undefined
  if (frozen) {
    const known = spelledFrozen.get(headers)
    if (known) return known
  }
  let changed = false
  const spelled: OutgoingHttpHeaders = {}
  for (const k in headers) {
    const v = headers[k]
    if (v === undefined) continue
    const name = spellName(k, render)
    if (name !== k) changed = true
    const prev = spelled[name]
    spelled[name] = prev === undefined ? v : [...valuesOf(prev), ...valuesOf(v)]
  }
  const out = changed ? spelled : headers
  if (frozen) {
    if (out !== headers) Object.freeze(out)
    spelledFrozen.set(headers, out)
  }
  return out
}

function valuesOf(v: NonNullable<OutgoingHttpHeaders[string]>): string[] {
  return Array.isArray(v) ? v : [String(v)]
}
