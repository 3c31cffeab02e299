/**
 * mod_setenvif: `SetEnvIf attribute regex [!]var[=value] …`, `SetEnvIfNoCase` (caseless) and
 * `SetEnvIfExpr "expr" …`. The attribute is `Remote_Host`, `Remote_Addr`, `Server_Addr`,
 * `Request_Method`, `Request_Protocol`, `Request_URI`, a request header (falling back to an
 * environment variable of that name), or — when it has characters other than letters, digits,
 * `-` and `_` — a regex over request header names (the last matching header is used). A missing
 * value is tested as `""`. `$1`–`$9` in values refer to the match; a pattern without regex
 * characters is a plain substring test (NoCase too: ASCII case ignored), and then `$N` stays
 * literal; `VAR=` sets 1. A value starting with `!`
 * unsets the variable. Consecutive directives on the same attribute reuse the value read first.
 */
import type { SetEnvDirective } from '../../../../shared/config-model'
import type { Diagnostic } from '../../../../shared/diagnostics'
import { asciiLower, compilePcre, ExprError, parseExpr, toByteString, type ExprAst } from '../../apache-expr'

export type Special =
  'remote_host' | 'remote_addr' | 'server_addr' | 'request_method' | 'request_protocol' | 'request_uri'
const SPECIALS: Special[] = [
  'remote_host',
  'remote_addr',
  'server_addr',
  'request_method',
  'request_protocol',
  'request_uri'
]

export interface CompiledSetEnv {
  entries: SetEnvEntry[]
  problems: Diagnostic[]
}

export interface SetEnvEntry {
  src: SetEnvDirective
  attribute?: string
  special?: Special
  nameRegex?: RegExp
  /** Substring test for a pattern without regex characters (`NoCase`: ASCII case ignored, the text lower-cased). */
  literal?: string
  literalCaseless?: boolean
  regex?: RegExp
  expr?: ExprAst
  features: { name: string; value: string }[]
  /** The previous directive tested the same attribute. */
  sameAttributeAsPrevious: boolean
}

const REGEX_CHARS = '^.$|()[]*+?{}'

/** mod_setenvif's `non_regex_pattern`: the pattern with `\x` escapes resolved, or null if it is a real regex. */
function nonRegexPattern(s: string): string | null {
  let out = ''
  let escaped = false
  for (const c of s) {
    if (REGEX_CHARS.includes(c)) {
      if (!escaped) return null
      escaped = false
      out += c
    } else if (c === '\\') {
      if (escaped) out += c
      escaped = !escaped
    } else {
      if (escaped) return null
      out += c
    }
  }
  return out
}

function problem(
  d: SetEnvDirective,
  code: string,
  message: string,
  severity: Diagnostic['severity'] = 'error'
): Diagnostic {
  return { severity, code, category: 'model', message: `${d.directive}: ${message}`, pos: d.pos }
}

export function compileSetEnv(directives: SetEnvDirective[]): CompiledSetEnv {
  const entries: SetEnvEntry[] = []
  const problems: Diagnostic[] = []
  let previousAttribute: string | undefined
  for (const d of directives) {
    const isExpr = d.directive === 'SetEnvIfExpr'
    const icase = d.directive === 'SetEnvIfNoCase'
    const need = isExpr ? 1 : 2
    if (d.args.length < need) {
      problems.push(
        problem(d, 'SETENVIF_BAD_ARGS', `${d.directive} needs ${isExpr ? 'an expression' : 'an attribute and a regex'}`)
      )
      continue
    }
    // add_setenvif_core's own checks, in its order (an empty word is none).
    const empty = isExpr
      ? null
      : d.args[0] === ''
        ? 'header-field name'
        : d.args[1] === ''
          ? 'regular expression'
          : null
    if (empty !== null) {
      problems.push(problem(d, 'SETENVIF_BAD_ARGS', `Missing ${empty} for ${d.directive}`))
      continue
    }
    const featureWords = d.args.slice(need)
    if (featureWords.length === 0) {
      problems.push(problem(d, 'SETENVIF_BAD_ARGS', `Missing envariable expression for ${d.directive}`))
      continue
    }
    const features: { name: string; value: string }[] = []
    for (const w of featureWords) {
      const eq = w.indexOf('=')
      const entry =
        eq >= 0
          ? // `VAR=` with nothing after it sets 1, as a bare `VAR` does (checked against apache2 2.4.68).
            { name: w.slice(0, eq), value: eq === w.length - 1 ? '1' : toByteString(w.slice(eq + 1)) }
          : w.startsWith('!')
            ? { name: w.slice(1), value: '!' }
            : { name: w, value: '1' }
      const at = features.findIndex((f) => f.name.toLowerCase() === entry.name.toLowerCase())
      if (at >= 0) features[at] = entry
      else features.push(entry)
    }
    const entry: SetEnvEntry = { src: d, features, sameAttributeAsPrevious: false }
    if (isExpr) {
      try {
        entry.expr = parseExpr(d.args[0])
      } catch (e) {
        if (!(e instanceof ExprError)) throw e
        const unsupported = e.code === 'EXPR_UNSUPPORTED'
        problems.push(
          problem(
            d,
            unsupported ? 'SETENVIF_UNSUPPORTED' : 'SETENVIF_BAD_EXPR',
            `cannot parse "${d.args[0]}": ${e.message} (column ${e.column})`,
            unsupported ? 'warning' : 'error'
          )
        )
        continue
      }
      entries.push(entry)
      continue
    }
    const attribute = d.args[0]
    entry.attribute = attribute
    entry.sameAttributeAsPrevious =
      previousAttribute !== undefined && previousAttribute.toLowerCase() === attribute.toLowerCase()
    previousAttribute = attribute
    const special = SPECIALS.find((s) => s === attribute.toLowerCase())
    if (special) entry.special = special
    else if (!/^[-A-Za-z0-9_]*$/.test(attribute)) {
      const re = compilePcre(attribute, { caseless: icase })
      if (!re.ok) {
        problems.push(
          problem(
            d,
            re.unsupported ? 'SETENVIF_UNSUPPORTED' : 'SETENVIF_BAD_REGEX',
            `cannot compile header name regex '${attribute}': ${re.error}`,
            re.unsupported ? 'warning' : 'error'
          )
        )
        continue
      }
      entry.nameRegex = re.regex
    }
    const pattern = d.args[1]
    // apr_strmatch for NoCase too: no regex, so no $N either.
    const literal = nonRegexPattern(pattern)
    if (literal !== null) {
      entry.literal = icase ? asciiLower(literal) : literal
      if (icase) entry.literalCaseless = true
    } else {
      const re = compilePcre(toByteString(pattern), { caseless: icase })
      if (!re.ok) {
        problems.push(
          problem(
            d,
            re.unsupported ? 'SETENVIF_UNSUPPORTED' : 'SETENVIF_BAD_REGEX',
            `cannot compile regex '${pattern}': ${re.error}`,
            re.unsupported ? 'warning' : 'error'
          )
        )
        continue
      }
      entry.regex = re.regex
    }
    entries.push(entry)
  }
  return { entries, problems }
}
