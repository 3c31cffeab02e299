/**
 * `RewriteMap` implementations, loaded once up front (the only file access of the rewrite
 * engine). `txt:` files are read as mod_rewrite reads them: lines starting with `#` or
 * whitespace are skipped, the key is the first word, the value the second, the first line
 * with the key wins. `rnd:` is the same file with `|`-separated alternatives, one chosen at
 * random per lookup (the chooser is injectable so tests are deterministic). `int:` offers
 * toupper, tolower, escape, unescape. `prg:`, `dbm:`, `dbd:`/`fastdbd:` need an external
 * program or database and are reported as unsupported.
 */
import type { RewriteMapDef } from '../../../../shared/config-model'
import type { Diagnostic } from '../../../../shared/diagnostics'
import { asciiLower, asciiUpper, escapeUri, toByteString, unescapeUrl } from '../../apache-expr'

export interface MapLookupResult {
  /** `null` when the key is not in the map (the substitution then uses the default, if any). */
  value: string | null
  /** Why the lookup could not be answered faithfully. */
  unsupported?: string
  note?: string
}

export interface RewriteMapImpl {
  name: string
  type: string
  source: string
  lookup(key: string): MapLookupResult
}

export interface MapLoadOptions {
  /** Whole file as text, or `null` when it cannot be read. */
  readFile(path: string): string | null
  /** rnd: index (0-based) of the alternative to use among `n`; defaults to random, like Apache. */
  pick?(n: number): number
}

const INTERNAL: Record<string, (key: string) => string> = {
  toupper: asciiUpper,
  tolower: asciiLower,
  escape: escapeUri,
  // int:unescape ignores ap_unescape_url's verdict: %2F and %00 are decoded too.
  unescape: (key) => unescapeUrl(key).value
}

const UNSUPPORTED: Record<string, string> = {
  prg: 'prg: maps run an external program, which the workbench does not do',
  dbm: 'dbm: maps read a DBM database, which the workbench cannot open',
  dbd: 'dbd: maps query an SQL database through mod_dbd, which the workbench does not emulate',
  fastdbd: 'fastdbd: maps query an SQL database through mod_dbd, which the workbench does not emulate'
}

/** Parse a txt/rnd map file into key → value (first occurrence wins). */
export function parseTextMap(text: string): Map<string, string> {
  const entries = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '' || line[0] === '#' || /\s/.test(line[0])) continue
    const m = /^(\S+)\s+(\S+)/.exec(line)
    if (!m || entries.has(m[1])) continue
    entries.set(m[1], m[2])
  }
  return entries
}

function problem(def: RewriteMapDef, severity: Diagnostic['severity'], code: string, message: string): Diagnostic {
  return { severity, code, category: 'model', message, pos: def.pos }
}

export function loadRewriteMaps(
  defs: RewriteMapDef[],
  options: MapLoadOptions
): { maps: Map<string, RewriteMapImpl>; problems: Diagnostic[] } {
  const maps = new Map<string, RewriteMapImpl>()
  const problems: Diagnostic[] = []
  for (const def of defs) {
    const type = def.type.toLowerCase().replace(/=.*$/, '')
    const base = { name: def.name, type, source: def.source }
    if (type === 'int') {
      const fn = INTERNAL[def.source]
      if (!fn) {
        problems.push(
          problem(def, 'error', 'REWRITE_MAP_UNKNOWN_INT', `RewriteMap: internal map not found:${def.source}`)
        )
        maps.set(def.name, { ...base, lookup: () => ({ value: null, note: `int:${def.source} does not exist` }) })
      } else {
        maps.set(def.name, { ...base, lookup: (key) => ({ value: fn(key) }) })
      }
      continue
    }
    if (UNSUPPORTED[type]) {
      const reason = UNSUPPORTED[type]
      problems.push(problem(def, 'warning', 'REWRITE_MAP_UNSUPPORTED', `RewriteMap ${def.name}: ${reason}`))
      maps.set(def.name, { ...base, lookup: () => ({ value: null, unsupported: reason }) })
      continue
    }
    if (type !== 'txt' && type !== 'rnd') {
      problems.push(
        problem(
          def,
          'warning',
          'REWRITE_MAP_UNKNOWN_TYPE',
          `RewriteMap ${def.name}: type "${def.type}" read as a txt: map`
        )
      )
    }
    // Keys and values as the bytes mod_rewrite reads (r->uri is bytes: `caf%C3%A9` finds `café`).
    const read = options.readFile(def.source)
    const text = read === null ? null : toByteString(read)
    if (text === null) {
      problems.push(
        problem(
          def,
          'error',
          'REWRITE_MAP_FILE_MISSING',
          `RewriteMap: file for map ${def.name} not found:${def.source}`
        )
      )
      maps.set(def.name, { ...base, lookup: () => ({ value: null, note: `map file ${def.source} could not be read` }) })
      continue
    }
    const entries = parseTextMap(text)
    if (type === 'rnd') {
      const pick = options.pick ?? ((n: number) => Math.floor(Math.random() * n))
      maps.set(def.name, {
        ...base,
        lookup: (key) => {
          const value = entries.get(key)
          if (value === undefined) return { value: null }
          const alternatives = value.split('|')
          if (alternatives.length === 1) return { value }
          const index = Math.min(alternatives.length - 1, Math.max(0, pick(alternatives.length)))
          const chosen = alternatives[index]
          return {
            value: chosen === '' ? null : chosen,
            note: `chose alternative ${index + 1} of ${alternatives.length}`
          }
        }
      })
    } else {
      maps.set(def.name, { ...base, lookup: (key) => ({ value: entries.get(key) ?? null }) })
    }
  }
  return { maps, problems }
}
