/**
 * mod_reqtimeout's `RequestReadTimeout` (modules/filters/mod_reqtimeout.c, httpd 2.4) as
 * set_reqtimeouts reads it: words `stage=value`, the stage `handshake`, `header` or `body`
 * (any case), the value `N`, or `N,MinRate=R` / `N-M,MinRate=R` (",minrate=" in any case), each
 * number read by strtol and refused with the module's words. Each word replaces the whole stage
 * (memset), so a stage a server's directives name is set entirely and one they do not name is
 * inherited whole from the main server (reqtimeout_merge_srv_config) or, in neither, takes the
 * module's defaults: header=20-40,MinRate=500 body=20,MinRate=500 handshake=0.
 */
import type { Diagnostic } from '../../../../shared/diagnostics'
import type { VhostSettings } from '../../../../shared/config-model'
import { otherOccurrences } from './settings'

/** One stage of a request's reading; `timeoutMs` 0 leaves it to httpd's Timeout alone. */
export interface ReadStage {
  /** The time allowed from the stage's first read. */
  timeoutMs: number
  /** The most a MinRate may extend it to, from the same start; 0 for no bound. */
  maxTimeoutMs: number
  /** How much each byte read extends it (1 s / MinRate, truncated to µs as rate_factor is); 0 without one. */
  msPerByte: number
}

type StageName = 'handshake' | 'header' | 'body'
export type ReadStages = Record<StageName, ReadStage>

const OFF: ReadStage = { timeoutMs: 0, maxTimeoutMs: 0, msPerByte: 0 }

/** MRT_DEFAULT_* of mod_reqtimeout.c: what applies where no RequestReadTimeout names a stage. */
export const REQTIMEOUT_DEFAULTS: ReadStages = {
  handshake: OFF,
  header: { timeoutMs: 20_000, maxTimeoutMs: 40_000, msPerByte: 2 },
  body: { timeoutMs: 20_000, maxTimeoutMs: 0, msPerByte: 2 }
}

type Parsed = { ok: true; stages: Partial<ReadStages> } | { ok: false; message: string }

/** parse_int: strtol (leading blanks, a sign), nothing after it, not negative. */
function parseInt10(text: string): number | string {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(text)
  if (!m) return `Value '${text}' not numerical`
  const rest = text.slice(m[0].length)
  if (rest !== '') return `Cannot parse '${rest}'`
  const n = Number(m[1])
  return n < 0 ? 'Value must be non-negative' : n
}

/** set_reqtimeout_param for one `value` of a stage. */
function parseStage(value: string): ReadStage | string {
  const at = value.toLowerCase().indexOf(',minrate=')
  let timeout: number | string
  let max: number | string = 0
  let minRate = 0
  if (at >= 0) {
    const rate = parseInt10(value.slice(at + ',minrate='.length))
    if (typeof rate === 'string') return rate
    if (rate === 0) return 'Minimum data rate must be larger than 0'
    minRate = rate
    const initial = value.slice(0, at)
    const dash = initial.indexOf('-')
    if (dash >= 0) {
      max = parseInt10(initial.slice(dash + 1))
      if (typeof max === 'string') return max
    }
    timeout = parseInt10(dash >= 0 ? initial.slice(0, dash) : initial)
  } else {
    if (value.includes('-')) return 'Must set MinRate option if using timeout range'
    timeout = parseInt10(value)
  }
  if (typeof timeout === 'string') return timeout
  if (max && timeout >= max) return 'Maximum timeout must be larger than initial timeout'
  return {
    timeoutMs: timeout * 1000,
    maxTimeoutMs: max * 1000,
    msPerByte: minRate ? Math.trunc(1_000_000 / minRate) / 1000 : 0
  }
}

/** One `RequestReadTimeout` line's words, or httpd's refusal ("RequestReadTimeout: w=v: …"). */
export function parseRequestReadTimeout(words: readonly string[]): Parsed {
  const stages: Partial<ReadStages> = {}
  for (const word of words) {
    const eq = word.indexOf('=')
    if (eq < 0)
      return {
        ok: false,
        message: "Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'"
      }
    const key = word.slice(0, eq)
    const value = word.slice(eq + 1)
    const name = key.toLowerCase()
    const stage =
      name === 'handshake' || name === 'header' || name === 'body'
        ? parseStage(value)
        : 'Unknown RequestReadTimeout parameter'
    if (typeof stage === 'string') return { ok: false, message: `RequestReadTimeout: ${key}=${value}: ${stage}` }
    stages[name as StageName] = stage
  }
  return { ok: true, stages }
}

/** The stages set by these contexts' directives (main server first, then a vhost), unset ones left out. */
export function readStagesSet(layers: readonly VhostSettings[]): Partial<ReadStages> {
  const set: Partial<ReadStages> = {}
  for (const layer of layers)
    for (const d of otherOccurrences(layer, 'RequestReadTimeout')) {
      const parsed = parseRequestReadTimeout(d.args)
      if (parsed.ok) Object.assign(set, parsed.stages)
    }
  return set
}

/** The stages in effect for these contexts, with mod_reqtimeout loaded. */
export function readStages(layers: readonly VhostSettings[]): ReadStages {
  return { ...REQTIMEOUT_DEFAULTS, ...readStagesSet(layers) }
}

/**
 * What `check` says of a context's RequestReadTimeout lines: httpd's refusal at its line, and a
 * note that `handshake=` is read but has nothing to time on plain HTTP (the header stage
 * replaces it in pre_read_request before any read; it times mod_ssl's handshake only).
 */
export function requestReadTimeoutProblems(s: VhostSettings): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const d of otherOccurrences(s, 'RequestReadTimeout')) {
    const parsed = parseRequestReadTimeout(d.args)
    if (!parsed.ok) {
      out.push({
        severity: 'error',
        code: 'REQTIMEOUT_BAD_VALUE',
        category: 'syntax',
        message: parsed.message,
        pos: d.pos
      })
    } else if (parsed.stages.handshake && parsed.stages.handshake.timeoutMs > 0) {
      out.push({
        severity: 'info',
        code: 'REQTIMEOUT_HANDSHAKE',
        category: 'model',
        message:
          'RequestReadTimeout handshake= times a TLS handshake; on plain HTTP (the workbench listens on HTTP) it never applies',
        pos: d.pos
      })
    }
  }
  return out
}
