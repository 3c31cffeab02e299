/**
 * Response header names as httpd writes them on the wire. httpd writes each name as it was put
 * in its tables: `Header` directives as the configuration spells them, the render's headers as
 * AEM sent them, its own (`Date`, `ETag`, `Accept-Ranges`, …) in its fixed spelling. The pipeline
 * keys its header records in lower case (Node's convention, and undici's for the render's
 * answer), so `curl -i` against the workbench showed `content-type:` where the Dispatcher shows
 * `Content-Type:`. Names are spelled again on the way out: a name the render sent as the
 * render spelled it, a name the configuration's `Header` directives write as they spell it, one
 * of httpd's own as httpd does, any other lower-case name in Train-Case (the spelling AEM and
 * Sling use); a name that has capitals already (set that way by a stage, or a cache hit's stored
 * `/headers`, which keep the farm's spelling) is kept.
 *
 * Hand-written: this is httpd's and AEM's spelling, which no HTTP library reproduces (Node's
 * and undici's keep or lower-case what they are given).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { HeaderDirective } from '../../../shared/config-model'
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

/** Lower-case name → spelling, from the response `Header` directives of a configuration. */
export type ConfiguredSpelling = ReadonlyMap<string, string>

const ACTIONS_NAMING_A_HEADER = new Set(['set', 'add', 'append', 'merge', 'setifempty', 'edit', 'edit*'])

/** The names the configuration's `Header` directives write, as they spell them (the first spelling of each). */
export function configuredSpelling(directives: Iterable<HeaderDirective>): ConfiguredSpelling {
  const out = new Map<string, string>()
  for (const d of directives) {
    if (d.directive !== 'Header') continue
    const args = d.args
    const at = /^(always|onsuccess)$/i.test(args[0] ?? '') ? 1 : 0
    const name = args[at + 1]
    if (!ACTIONS_NAMING_A_HEADER.has((args[at] ?? '').toLowerCase()) || !name) continue
    const key = name.toLowerCase()
    if (!out.has(key)) out.set(key, name)
  }
  return out
}

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

function spell(name: string, configured: ConfiguredSpelling, render?: ConfiguredSpelling): string {
  if (name !== name.toLowerCase()) return name
  return render?.get(name) ?? configured.get(name) ?? usualSpelling(name)
}

/** Frozen records (a cache hit's, shared by every hit) are spelled once per configuration. */
const spelledFrozen = new WeakMap<OutgoingHttpHeaders, { configured: ConfiguredSpelling; out: OutgoingHttpHeaders }>()

/**
 * The record with its names as they go on the wire (itself when nothing changes). Two names that
 * differ only in case become one name with both values, in order.
 */
export function spelledHeaders(
  headers: OutgoingHttpHeaders,
  configured: ConfiguredSpelling,
  /** How the render spelled the names it sent (`renderSpellingOf`): they keep its spelling. */
  render?: ConfiguredSpelling
): OutgoingHttpHeaders {
  const frozen = Object.isFrozen(headers) && render === undefined
  if (frozen) {
    const known = spelledFrozen.get(headers)
    if (known?.configured === configured) return known.out
  }
  let changed = false
  const spelled: OutgoingHttpHeaders = {}
  for (const k in headers) {
    const v = headers[k]
    if (v === undefined) continue
    const name = spell(k, configured, render)
    if (name !== k) changed = true
    const prev = spelled[name]
    spelled[name] = prev === undefined ? v : [...valuesOf(prev), ...valuesOf(v)]
  }
  const out = changed ? spelled : headers
  if (frozen) {
    if (out !== headers) Object.freeze(out)
    spelledFrozen.set(headers, { configured, out })
  }
  return out
}

function valuesOf(v: NonNullable<OutgoingHttpHeaders[string]>): string[] {
  return Array.isArray(v) ? v : [String(v)]
}
