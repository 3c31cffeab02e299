/**
 * The request log's filter bar: `status:404 outcome:blocked farm:publish -ext:js free text`.
 *
 * Terms are separated by spaces and all must hold; `-` in front negates one; values may be
 * quoted (`url:"/content/my site"`) and listed with commas (`status:404,500` = either).
 * Words without a `key:` are free text, matched case-insensitively against the method, host,
 * URL, farm, deciding rule and render; a `word:` that is no known key is an error, not free text
 * (but for an address: `localhost:8080`, `127.0.0.1:8080`).
 */
import type { TraceSummary } from '../../../shared/api'
import type { Outcome } from '../../../shared/trace'
import { OUTCOME_ALIASES, OUTCOMES } from './outcomes'

export type FilterKey =
  'status' | 'outcome' | 'farm' | 'method' | 'host' | 'ext' | 'rule' | 'render' | 'url' | 'duration' | 'size'

export const FILTER_KEYS: readonly FilterKey[] = [
  'status',
  'outcome',
  'farm',
  'method',
  'host',
  'ext',
  'rule',
  'render',
  'url',
  'duration',
  'size'
]

export type Predicate = (row: TraceSummary) => boolean

export interface FilterTerm {
  /** `null` for free text. */
  key: FilterKey | null
  negated: boolean
  /** The term as written (without the `-`), for display. */
  text: string
  test: Predicate
}

export interface ParsedFilter {
  terms: FilterTerm[]
  /** Problems in words, one per term that could not be read (that term is then ignored). */
  errors: string[]
  test: Predicate
}

/** Splits on spaces outside double quotes; quotes are removed, `-` and `key:` prefixes kept. */
export function tokenize(input: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  let has = false
  for (const ch of input) {
    if (ch === '"') {
      quoted = !quoted
      has = true
    } else if (!quoted && /\s/.test(ch)) {
      if (has) out.push(cur)
      cur = ''
      has = false
    } else {
      cur += ch
      has = true
    }
  }
  if (has) out.push(cur)
  return out
}

export function extensionOf(url: string): string {
  const path = url.split(/[?#]/, 1)[0]
  const last = path.slice(path.lastIndexOf('/') + 1)
  const dot = last.lastIndexOf('.')
  return dot < 0 ? '' : last.slice(dot + 1).toLowerCase()
}

/** `404`, `4xx`, `>=400`, `<300`, `400-499`. */
function numberTest(value: string, what: string): ((n: number) => boolean) | string {
  const v = value.trim().toLowerCase()
  let m = /^(\d)xx$/.exec(v)
  if (m) {
    const c = Number(m[1])
    return (n) => Math.floor(n / 100) === c
  }
  m = /^(>=|<=|>|<|=)?(\d+(?:\.\d+)?)$/.exec(v)
  if (m) {
    const x = Number(m[2])
    switch (m[1]) {
      case '>=':
        return (n) => n >= x
      case '<=':
        return (n) => n <= x
      case '>':
        return (n) => n > x
      case '<':
        return (n) => n < x
      default:
        return (n) => n === x
    }
  }
  m = /^(\d+)-(\d+)$/.exec(v)
  if (m) {
    const lo = Number(m[1])
    const hi = Number(m[2])
    return (n) => n >= lo && n <= hi
  }
  return `${what} expects a number, 4xx, >N, <N or N-M, got "${value}"`
}

function outcomeSet(value: string): Set<Outcome> | string {
  const v = value.toLowerCase()
  if (OUTCOMES.includes(v as Outcome)) return new Set([v as Outcome])
  const alias = OUTCOME_ALIASES[v]
  if (alias) return new Set(alias)
  return `unknown outcome "${value}" (one of ${OUTCOMES.join(', ')}, miss, stored, uncacheable)`
}

function substring(get: (r: TraceSummary) => string | null, value: string): Predicate {
  const needle = value.toLowerCase()
  return (r) => (get(r) ?? '').toLowerCase().includes(needle)
}

function exact(get: (r: TraceSummary) => string | null, value: string, caseSensitive = false): Predicate {
  if (caseSensitive) return (r) => get(r) === value
  const v = value.toLowerCase()
  return (r) => (get(r) ?? '').toLowerCase() === v
}

/** One value of a `key:value` term as a predicate, or the reason it cannot be read. */
function valueTest(key: FilterKey, value: string): Predicate | string {
  switch (key) {
    case 'status': {
      const t = numberTest(value, 'status')
      return typeof t === 'string' ? t : (r) => t(r.status)
    }
    case 'duration': {
      const t = numberTest(value.replace(/ms$/i, ''), 'duration (ms)')
      return typeof t === 'string' ? t : (r) => t(r.durationMs)
    }
    case 'size': {
      const t = numberTest(value.replace(/b$/i, ''), 'size (bytes)')
      return typeof t === 'string' ? t : (r) => t(r.bytes)
    }
    case 'outcome': {
      const set = outcomeSet(value)
      return typeof set === 'string' ? set : (r) => set.has(r.outcome)
    }
    case 'ext': {
      const v = value.replace(/^\./, '').toLowerCase()
      return (r) => extensionOf(r.url) === v
    }
    case 'method':
      return exact((r) => r.method, value.toUpperCase(), true)
    // Farms, renders and rules are labels: the UI writes them as the configuration does, with
    // their slash (farm /publishfarm, render /0, rule /0001), and a name copied from there matches.
    case 'farm':
      return exact((r) => r.farm, withoutSlash(value))
    case 'render':
      return exact((r) => r.render, withoutSlash(value))
    case 'rule':
      return exact((r) => r.rule, withoutSlash(value))
    case 'host':
      return substring((r) => r.host, value)
    case 'url':
      return substring((r) => r.url, value)
  }
}

/**
 * `word:value` is meant as a key; a URL pasted as free text (`http://…`), a path with a colon
 * (`/a:b`, `en.html:1`), an address (`127.0.0.1:8080`) is not, nor is `localhost:8080` (the
 * proxy's address as a browser shows it): a host's port, where a mistyped key (`bogus:1`)
 * has no host's name.
 */
function looksLikeKey(body: string, colon: number): boolean {
  const key = body.slice(0, colon)
  const value = body.slice(colon + 1)
  if (!/^[a-z]+$/i.test(key) || value.startsWith('//')) return false
  return !(key.toLowerCase() === 'localhost' && /^\d+(\/|$)/.test(value))
}

function withoutSlash(label: string): string {
  return label.replace(/^\//, '')
}

function freeText(value: string): Predicate {
  const needle = value.toLowerCase()
  return (r) =>
    r.url.toLowerCase().includes(needle) ||
    r.host.toLowerCase().includes(needle) ||
    r.method.toLowerCase() === needle ||
    (r.farm ?? '').toLowerCase().includes(needle) ||
    (r.rule ?? '').toLowerCase().includes(needle) ||
    (r.render ?? '').toLowerCase().includes(needle)
}

export function parseFilter(input: string): ParsedFilter {
  const terms: FilterTerm[] = []
  const errors: string[] = []
  for (const token of tokenize(input)) {
    const negated = token.startsWith('-') && token.length > 1
    const body = negated ? token.slice(1) : token
    const colon = body.indexOf(':')
    const key = colon > 0 ? (body.slice(0, colon).toLowerCase() as FilterKey) : null
    if (key && !FILTER_KEYS.includes(key) && looksLikeKey(body, colon)) {
      // A mistyped key read as free text would match nothing and leave the log empty without a word.
      errors.push(`unknown key "${body.slice(0, colon)}:" (known keys: ${FILTER_KEYS.join(', ')})`)
      continue
    }
    if (key && FILTER_KEYS.includes(key)) {
      const values = body
        .slice(colon + 1)
        .split(',')
        .filter((v) => v !== '')
      if (values.length === 0) {
        errors.push(`${key}: needs a value`)
        continue
      }
      const tests = values.map((v) => valueTest(key, v))
      const bad = tests.find((t): t is string => typeof t === 'string')
      if (bad) {
        errors.push(bad)
        continue
      }
      const preds = tests as Predicate[]
      const any: Predicate = preds.length === 1 ? preds[0] : (r) => preds.some((p) => p(r))
      terms.push({ key, negated, text: body, test: negated ? (r) => !any(r) : any })
    } else {
      const p = freeText(body)
      terms.push({ key: null, negated, text: body, test: negated ? (r) => !p(r) : p })
    }
  }
  const test: Predicate = terms.length === 0 ? () => true : (r) => terms.every((t) => t.test(r))
  return { terms, errors, test }
}
