/**
 * mod_expires: `ExpiresActive`, `ExpiresByType`, `ExpiresDefault`. The AEMaaCS SDK's
 * `dispatcher_vhost.conf` sets `ExpiresByType text/html A${EXPIRATION_TIME}` (300 s), so every
 * HTML answer of a Cloud project carries `Cache-Control: max-age=300` and an `Expires` date;
 * with `DispatcherRestrictUncacheableContent On` the module takes them back from answers it
 * does not cache (RN 4.3.4, DISP-818/874).
 *
 * As httpd 2.4 does it (mod_expires.c):
 * - the output filter is only inserted for answers the handler makes (not Apache's own error
 *   pages), and only when `ExpiresActive On` and some `ExpiresByType`/`ExpiresDefault` applies;
 * - an answer that already has `Expires` is left alone (`Cache-Control` alone does not count);
 * - the type is the Content-Type without parameters, looked up case-insensitively, then `type/*`,
 *   then `ExpiresDefault`;
 * - `A<n>` counts from the request time, `M<n>` from the file's modification time (nothing when
 *   no file was served); an expiry in the past becomes the request time (`max-age=0`);
 * - `max-age=<n>` is merged into `Cache-Control` (appended with `, `) and `Expires` is set.
 * It runs before the `Header` directives' output filter, so `Header` can still change both.
 * Per-directory merging: `ExpiresActive` and `ExpiresDefault` of an inner section replace the
 * outer ones; `ExpiresByType` entries of an inner section override the same type's outer entry.
 */
import type { VhostSettings } from '../../../shared/config-model'
import { shortPos, type Diagnostic, type SourcePos } from '../../../shared/diagnostics'
import { isFlagOn } from '../config/apache/flag-words'
import { otherOccurrences } from '../config/apache/settings'
import { atoi } from '../c-numbers'

export interface ExpiresRule {
  base: 'A' | 'M'
  seconds: number
  /** The directive as written and where, for the trace: `ExpiresByType text/html A300 (x.conf:78)`. */
  label: string
  pos: SourcePos
  /** Trace lines said on many answers, made with the rule (traces keep the shared strings). */
  readonly restricted: string
  readonly noFile: string
}

export interface ExpiresConfig {
  byType: Map<string, ExpiresRule>
  fallback?: ExpiresRule
  /**
   * `type/*` entries are looked up: httpd's merge takes this flag from the innermost context
   * with a mod_expires directive of its own (`new->wildcards = add->wildcards`), so a section
   * with only `ExpiresByType text/html …` hides an outer `ExpiresByType image/* …`.
   */
  wildcards: boolean
}

export const APACHE_BAD_EXPIRES = 'APACHE_BAD_EXPIRES'

const DAY = 24 * 60 * 60

/** `check_code`: the first one or two letters of each unit count, as in mod_expires. */
const UNITS: [prefix: string, seconds: number][] = [
  ['y', 365 * DAY],
  ['mo', 30 * DAY],
  ['w', 7 * DAY],
  ['d', DAY],
  ['h', 60 * 60],
  ['mi', 60],
  ['s', 1]
]

/** `A300`, `M86400`, or `access plus 1 month 2 days` → base and seconds; a string is the error. */
export function parseExpiresCode(code: string): { base: 'A' | 'M'; seconds: number } | string {
  // The 0.0.4 form is taken as written: atoi() of what follows the letter.
  if (code[0] === 'A' || code[0] === 'M') return { base: code[0], seconds: atoi(code.slice(1)) }
  const words = code.trim().split(/\s+/).filter(Boolean)
  const first = (words.shift() ?? '').toLowerCase()
  let base: 'A' | 'M'
  if (first.startsWith('n') || first.startsWith('a')) base = 'A'
  else if (first.startsWith('m')) base = 'M'
  else return `bad expires code, unrecognised <base> '${first}'`
  if (words[0]?.toLowerCase().startsWith('p')) words.shift()
  let seconds = 0
  while (words.length > 0) {
    const num = words.shift()!
    if (!/^\d/.test(num)) return `bad expires code, numeric value expected <num> '${num}'`
    const unit = words.shift()
    if (unit === undefined) return 'bad expires code, missing <type>'
    const u = unit.toLowerCase()
    const found = UNITS.find(([prefix]) => u.startsWith(prefix))
    if (!found) return `bad expires code, unrecognised <type>'${unit}'`
    seconds += found[1] * atoi(num)
  }
  return { base, seconds }
}

/** The mod_expires settings of these contexts merged outer to inner; null when the filter is not inserted. */
export function mergeExpires(contexts: VhostSettings[], problems?: Diagnostic[]): ExpiresConfig | null {
  let active = false
  let fallback: ExpiresRule | undefined
  const byType = new Map<string, ExpiresRule>()
  let wildcards = false
  for (const c of contexts) {
    // A context without mod_expires directives has no config of the module: nothing merges.
    if (hasExpiresDirectives(c)) wildcards = otherOccurrences(c, 'ExpiresByType').some((d) => isWildcard(d.args[0]))
    const flag = otherOccurrences(c, 'ExpiresActive').at(-1)
    if (flag) active = isFlagOn(flag.args[0] ?? 'off')
    for (const d of otherOccurrences(c, 'ExpiresByType')) {
      // set_expiresbytype refuses a type without a slash before it reads the code.
      if (d.args[0] !== undefined && !d.args[0].includes('/')) {
        problems?.push({
          severity: 'error',
          code: APACHE_BAD_EXPIRES,
          category: 'syntax',
          message: `ExpiresByType ${d.args.join(' ')}: Invalid mimetype: should contain a slash`,
          pos: d.pos
        })
        continue
      }
      const rule = ruleOf(d.args[1], `ExpiresByType ${d.args.join(' ')}`, d.pos, problems)
      if (rule && d.args[0]) byType.set(d.args[0].toLowerCase(), rule)
    }
    const def = otherOccurrences(c, 'ExpiresDefault').at(-1)
    if (def) fallback = ruleOf(def.args[0], `ExpiresDefault ${def.args.join(' ')}`, def.pos, problems) ?? fallback
  }
  if (!active || (byType.size === 0 && !fallback)) return null
  return { byType, fallback, wildcards }
}

/** `set_expiresbytype`: a type whose subtype is `*`. */
function isWildcard(type: string | undefined): boolean {
  const slash = type?.indexOf('/') ?? -1
  return slash >= 0 && type!.slice(slash + 1) === '*'
}

function ruleOf(
  code: string | undefined,
  source: string,
  pos: SourcePos,
  problems: Diagnostic[] | undefined
): ExpiresRule | undefined {
  const parsed = parseExpiresCode(code ?? '')
  if (typeof parsed === 'string') {
    problems?.push({
      severity: 'error',
      code: APACHE_BAD_EXPIRES,
      category: 'syntax',
      message: `${source}: ${parsed}`,
      pos
    })
    return undefined
  }
  const label = `${source} (${shortPos(pos)})`
  return {
    ...parsed,
    label,
    pos,
    restricted: `mod_expires: ${label} would add Cache-Control max-age and Expires; DispatcherRestrictUncacheableContent On removes them, as the Dispatcher does not cache this answer`,
    noFile: `mod_expires: ${label} counts from the file's modification time, and no file was served`
  }
}

/** Whether any of these contexts holds a mod_expires directive. */
export function hasExpiresDirectives(s: VhostSettings): boolean {
  return ['ExpiresActive', 'ExpiresByType', 'ExpiresDefault'].some((n) => otherOccurrences(s, n).length > 0)
}

/** The rule mod_expires applies to an answer; null when none covers its type or it has `Expires`. */
export function expiresRuleFor(
  config: ExpiresConfig,
  header: (lowerName: string) => string | string[] | number | undefined
): ExpiresRule | null {
  if (header('expires') !== undefined) return null
  const type = String(header('content-type') ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase()
  return (
    (type && config.byType.get(type)) ||
    (type && config.wildcards && config.byType.get(type.split('/')[0] + '/*')) ||
    config.fallback ||
    null
  )
}

/** `max-age` and `Expires` of a rule; null for an `M` rule when no file was served. */
export function expiresFrom(
  rule: ExpiresRule,
  requestTime: number,
  fileMtime: number | undefined
): { maxAge: number; expires: string } | null {
  let base: number
  if (rule.base === 'A') base = requestTime
  else if (fileMtime === undefined) return null
  else base = fileMtime
  const at = Math.max(base + rule.seconds * 1000, requestTime)
  return { maxAge: Math.floor((at - requestTime) / 1000), expires: new Date(at).toUTCString() }
}

/** `Cache-Control` with `max-age=<n>` merged in as `apr_table_mergen` does. */
export function mergedCacheControl(existing: string | string[] | number | undefined, maxAge: number): string {
  const add = `max-age=${maxAge}`
  if (existing === undefined) return add
  const old = Array.isArray(existing) ? existing.join(', ') : String(existing)
  return old === '' ? add : `${old}, ${add}`
}
