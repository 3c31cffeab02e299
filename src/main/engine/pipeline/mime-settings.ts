/**
 * mod_mime's and core's say on an answer's Content-Type, per merged contexts: `ForceType`
 * (the innermost one; `None` cancels), `AddType` (extension → type, inner contexts override
 * outer ones) and `AddDefaultCharset` (`On` is iso-8859-1, `Off` none, else the name as
 * written), which httpd's header filter appends to a text/plain or text/html type that names no
 * charset (`ap_make_content_type`), on every answer.
 */
import type { VhostSettings } from '../../../shared/config-model'
import { otherOccurrences } from '../config/apache/settings'

export interface MimeSettings {
  forceType: string | null
  addTypes: ReadonlyMap<string, string> | null
  defaultCharset: string | null
}

/** Whether a context has a directive this module reads. */
export function hasMimeDirectives(c: VhostSettings): boolean {
  return c.other.ForceType !== undefined || c.other.AddType !== undefined || c.other.AddDefaultCharset !== undefined
}

export function mimeSettingsOf(contexts: VhostSettings[]): MimeSettings {
  let forceType: string | null = null
  let addTypes: Map<string, string> | null = null
  let defaultCharset: string | null = null
  for (const c of contexts) {
    const force = c.other.ForceType?.value[0]
    if (force !== undefined) forceType = force.toLowerCase() === 'none' ? null : force
    // `other` keeps the last AddType: without one there is no list to scan.
    if (c.other.AddType !== undefined)
      for (const d of otherOccurrences(c, 'AddType')) {
        const [type, ...exts] = d.args
        if (!type) continue
        addTypes ??= new Map()
        for (const ext of exts) addTypes.set(ext.replace(/^\./, '').toLowerCase(), type)
      }
    const charset = c.other.AddDefaultCharset?.value[0]
    if (charset !== undefined) {
      const word = charset.toLowerCase()
      defaultCharset = word === 'off' ? null : word === 'on' ? 'iso-8859-1' : charset
    }
  }
  return { forceType, addTypes, defaultCharset }
}

/** The type `AddType` gives a file name (every extension counts, the last one with a type wins, as mod_mime does). */
export function addedTypeFor(addTypes: ReadonlyMap<string, string> | null, fileName: string): string | undefined {
  if (!addTypes) return undefined
  const parts = fileName.slice(fileName.lastIndexOf('/') + 1).split('.')
  let found: string | undefined
  for (let i = 1; i < parts.length; i++) found = addTypes.get(parts[i].toLowerCase()) ?? found
  return found
}
