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
    // core's ForceType is lower-cased only (mod_mime does not take it apart).
    if (force !== undefined) forceType = force.toLowerCase() === 'none' ? null : force.toLowerCase()
    // `other` keeps the last AddType: without one there is no list to scan.
    if (c.other.AddType !== undefined)
      for (const d of otherOccurrences(c, 'AddType')) {
        const [type, ...exts] = d.args
        if (!type) continue
        addTypes ??= new Map()
        const value = addTypeValue(type)
        for (const ext of exts) addTypes.set(ext.replace(/^\./, '').toLowerCase(), value)
      }
    const charset = c.other.AddDefaultCharset?.value[0]
    if (charset !== undefined) {
      const word = charset.toLowerCase()
      defaultCharset = word === 'off' ? null : word === 'on' ? 'iso-8859-1' : charset
    }
  }
  return { forceType, addTypes, defaultCharset }
}

/**
 * An AddType type as mod_mime sets it: lower-cased when the directive is read, then taken apart
 * by find_ct's analyze_ct and, when that succeeds, written again as `type/subtype; attr=value…`
 * (a parameter without a value dropped); when it fails the type is sent as written. Hand-written
 * after mod_mime.c: the MIME parsers on npm normalise differently. Checked against apache2 2.4.68.
 */
export function addTypeValue(written: string): string {
  const lower = written.toLowerCase()
  const ct = analyzeCt(lower)
  if (ct === null) return lower
  let out = `${ct.type}/${ct.subtype}`
  for (const [attr, value] of ct.params) out += `; ${attr}=${value}`
  return out
}

const TSPECIALS = '()<>@,;:\\"/[]?= \t'
const isToken = (c: string): boolean => c > ' ' && c < '\x7f' && !TSPECIALS.includes(c)
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n'
const isQtext = (c: string): boolean => c < '\x80' && c !== '"' && c !== '\\' && c !== '\n'
/** zap_sp_and_dup: the text between two offsets without its surrounding spaces. */
const trimmed = (s: string, from: number, to: number): string => s.slice(from, to).replace(/^[ \t\n]+|[ \t\n]+$/g, '')

/** mod_mime's analyze_ct: null where it gives up (and find_ct leaves the type as it is). */
function analyzeCt(s: string): { type: string; subtype: string; params: [string, string][] } | null {
  let cp = 0
  const ws = (): void => {
    while (cp < s.length && /\s/.test(s[cp])) cp++
  }
  ws()
  if (cp >= s.length) return null
  const typeStart = cp
  do cp++
  while (cp < s.length && s[cp] !== '/' && !/\s/.test(s[cp]) && s[cp] !== ';')
  if (cp >= s.length || s[cp] === ';') return null
  const typeEnd = cp
  ws()
  if (s[cp] !== '/') return null
  cp++
  ws()
  if (cp >= s.length) return null
  const subStart = cp
  do cp++
  while (cp < s.length && !/\s/.test(s[cp]) && s[cp] !== ';')
  const subEnd = cp
  ws()
  const out = {
    type: s.slice(typeStart, typeEnd),
    subtype: s.slice(subStart, subEnd),
    params: [] as [string, string][]
  }
  if (cp >= s.length) return out
  cp++ // the ';'
  while (isSpace(s[cp])) cp++
  if (cp >= s.length) return null
  let mp = cp
  let attribute: string | null = null
  while (cp < s.length) {
    if (attribute === null) {
      if (isToken(s[cp]) || isSpace(s[cp])) cp++
      else if (s[cp] === '=') {
        attribute = trimmed(s, mp, cp)
        if (attribute === '') return null
        cp++
        while (isSpace(s[cp])) cp++
        if (cp >= s.length) return null
        mp = cp
      } else return null
      continue
    }
    if (s[cp] === '"') {
      cp++
      for (;;) {
        if (cp >= s.length) break
        if (s[cp] === '"') {
          cp++
          while (isSpace(s[cp])) cp++
          if (cp < s.length && s[cp] !== ';') return null
          break
        }
        if (s[cp] === '\\' && cp + 1 < s.length && s[cp + 1] < '\x80') cp += 2
        else if (isQtext(s[cp])) cp++
        else return null
      }
    } else {
      while (cp < s.length && s[cp] !== ';') {
        if (!isToken(s[cp])) return null
        cp++
      }
    }
    const value = trimmed(s, mp, cp)
    if (value === '') return null
    out.params.push([attribute, value])
    attribute = null
    if (cp >= s.length) break
    cp++
    mp = cp
  }
  return out
}

/** The type `AddType` gives a file name (every extension counts, the last one with a type wins, as mod_mime does). */
export function addedTypeFor(addTypes: ReadonlyMap<string, string> | null, fileName: string): string | undefined {
  if (!addTypes) return undefined
  const parts = fileName.slice(fileName.lastIndexOf('/') + 1).split('.')
  let found: string | undefined
  for (let i = 1; i < parts.length; i++) found = addTypes.get(parts[i].toLowerCase()) ?? found
  return found
}
