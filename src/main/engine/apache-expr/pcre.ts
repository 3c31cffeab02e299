/**
 * Apache compiles every regular expression (RewriteRule, RewriteCond, SetEnvIf, Header edit,
 * `<LocationMatch>`, ap_expr `=~`) with PCRE, and since 2.4.30 with the default options
 * `DOTALL DOLLAR_ENDONLY` (`RegexDefaultOptions`): `.` matches a newline and `$` matches only at
 * the very end (not before a trailing newline, which matters for decoded `%0a` in a URI).
 *
 * JavaScript's RegExp is close but not equal, so patterns are translated rather than passed
 * through: inline modifiers such as `(?i:json|png)` (not available in Node 20), POSIX classes,
 * `\A \z \Z \h \v \Q..\E`, `(?P<name>)`, a leading `]` in a class. What cannot be expressed
 * (atomic groups, possessive quantifiers, recursion, conditionals, `\K`, `\p{..}`) is refused
 * as unsupported with the reason, never approximated silently.
 *
 * `check` must refuse what `apache2 -t` refuses (pcre2_compile's errors: an unknown escape, a
 * range ending in a set, a reference to a missing group, a lookbehind of varying length, …) and
 * accept the rest: the readers in pcre-group.ts, pcre-escape.ts and pcre-class.ts reproduce
 * libpcre2-8 10.42's refusals, and JavaScript's own compile of the translation catches the rest
 * (`a**`, `a{2}{3}`).
 *
 * Hand-written because no library translates PCRE to JS with these Apache defaults.
 */

import { textMemo } from '../text-memo'
import { translateClass } from './pcre-class'
import { translateEscape } from './pcre-escape'
import { translateGroupOpen } from './pcre-group'
import { Progress, type Scope } from './pcre-progress'
import { expandQuotes } from './pcre-quote'
import { escapeLiteral, foldLetter, isLetter } from './pcre-text'

export interface PcreOptions {
  /** `[NC]`, `SetEnvIfNoCase`, ap_expr `/i`. */
  caseless?: boolean
  /** ap_expr `/m`: `^` and `$` also match at line breaks. */
  multiline?: boolean
  /** `.` matches a newline (httpd's default, `RegexDefaultOptions`); mod_substitute passes false. */
  dotall?: boolean
}

export type PcreCompileResult =
  { ok: true; regex: RegExp; groups: number; jsSource: string } | { ok: false; error: string; unsupported: boolean }

/** One memo per option set (text-memo.ts): a result depends on the pattern and the options only. */
const compiled = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) =>
  textMemo((pattern) =>
    compileUncached(pattern, { caseless: (bits & 1) !== 0, multiline: (bits & 2) !== 0, dotall: (bits & 4) === 0 })
  )
)

/**
 * Translate and compile one PCRE pattern the way Apache's ap_regcomp would see it. The result
 * is shared with every caller that compiles the same text: read-only (the RegExp has no `g`/`y`
 * flag, so it keeps no state between matches).
 */
export function compilePcre(pattern: string, options: PcreOptions = {}): PcreCompileResult {
  return compiled[(options.caseless ? 1 : 0) | (options.multiline ? 2 : 0) | (options.dotall === false ? 4 : 0)](
    pattern
  )
}

/** For a section or ProxyPassMatch: the regex, or null when it does not compile (never matches; `check` reports it). */
export function pcreOrNull(pattern: string, options: PcreOptions = {}): RegExp | null {
  const r = compilePcre(pattern, options)
  return r.ok ? r.regex : null
}

function compileUncached(pattern: string, options: PcreOptions): PcreCompileResult {
  let translated: Translation
  let regex: RegExp
  try {
    translated = translate(pattern, options, true)
    // JavaScript's `i` also folds Latin-1 letters (é matches É, the bytes 0xE9 and 0xC9); PCRE
    // without UTF, in the C locale's tables, folds ASCII letters only. A caseless pattern that
    // names a character past ASCII (raw, `\xe9`, `\x{e9}`, `\351`, `\o{351}`) folds its ASCII
    // letters itself instead.
    if (translated.caseless && translated.pastAscii) translated = translate(pattern, options, false)
    regex = new RegExp(translated.source, 's' + (translated.caseless ? 'i' : ''))
  } catch (e) {
    return { ok: false, error: (e as Error).message.replace(/^Invalid regular expression: /, ''), unsupported: false }
  }
  // Only a pattern PCRE2 compiles is unsupported: the translation reads past what it cannot
  // express, so an error further on is still an error, as `apache2 -t` has it.
  if (translated.unsupported) return { ok: false, error: translated.unsupported, unsupported: true }
  return { ok: true, regex, groups: translated.groups, jsSource: translated.source }
}

interface Translation {
  source: string
  groups: number
  caseless: boolean
  pastAscii: boolean
  unsupported: string | null
}

/** A quantifier at `lastIndex` (sticky: no copy of the rest of the pattern for every character read). */
const QUANTIFIER = /(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})/y

function quantifierAt(pattern: string, pos: number): RegExpExecArray | null {
  QUANTIFIER.lastIndex = pos
  return QUANTIFIER.exec(pattern)
}

/** `jsCaseless`: a caseless pattern may use JavaScript's `i` flag; else its letters are folded one by one. */
function translate(quoted: string, options: PcreOptions, jsCaseless: boolean): Translation {
  const pattern = expandQuotes(quoted)
  let pos = 0
  // A leading (?i) is the common way to say "whole pattern caseless"; use the JS flag for it.
  let globalCaseless = !!options.caseless
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(pattern)
  if (leading && /^[ismx]+$/.test(leading[1]) && leading[1].includes('i')) {
    globalCaseless = true
  }
  /** The open groups: the scope to restore, the text that closes each, and whether it is a condition's assertion. */
  const stack: { scope: Scope; close: string; condition: boolean }[] = []
  // PCRE2 repeats an item only: not an option setting (`a(?i)+`) nor a condition's assertion.
  let nothingToRepeat = false
  let conditionNext = false
  let scope: Scope = {
    caseless: globalCaseless,
    dotall: options.dotall ?? true,
    multiline: !!options.multiline,
    extended: false,
    extendedMore: false,
    noAutoCapture: false,
    ungreedy: false,
    duplicateNames: false
  }
  if (!jsCaseless) globalCaseless = false
  let out = ''
  const progress = new Progress()
  /** JavaScript's `i` flag covers the whole pattern: a part that PCRE reads case-sensitively cannot be. */
  const enter = (next: Scope): void => {
    if (globalCaseless && !next.caseless)
      progress.cannot('(?-i) inside a caseless pattern cannot be expressed in JavaScript')
    scope = next
  }

  while (pos < pattern.length) {
    const c = pattern[pos]
    if (scope.extended) {
      if (/[\t-\r ]/.test(c)) {
        pos++
        continue
      }
      if (c === '#') {
        while (pos < pattern.length && pattern[pos] !== '\n') pos++
        continue
      }
    }
    const quantifier = quantifierAt(pattern, pos)
    const blocked: boolean = nothingToRepeat
    if (quantifier && blocked) throw new Error('quantifier does not follow a repeatable item')
    nothingToRepeat = false
    if (quantifier) {
      pos = skipNothing(pattern, pos + quantifier[0].length, scope)
      const min = quantifier[1] ? (quantifier[1] === '+' ? 1 : 0) : parseInt(quantifier[2], 10)
      const upTo = quantifier[3] ? (quantifier[4] === '' ? null : parseInt(quantifier[4], 10)) : min
      const max = quantifier[1] ? (quantifier[1] === '?' ? 1 : null) : upTo
      const lazyMark = pattern[pos] === '?'
      const possessive = pattern[pos] === '+'
      if (lazyMark || possessive) pos = skipNothing(pattern, pos + 1, scope)
      if (possessive) progress.cannot(`possessive quantifier "${quantifier[0]}+" has no JavaScript equivalent`)
      out += quantifier[0] + (!possessive && scope.ungreedy !== lazyMark ? '?' : '')
      progress.quantify(min, max)
      if (quantifierAt(pattern, pos)) throw new Error('quantifier does not follow a repeatable item')
      continue
    }
    if (c === '\\') {
      const r = translateEscape(pattern, pos, scope, globalCaseless, false, progress)
      for (const length of r.lengths) progress.atom(length, r.mayBeEmpty ? { least: 0 } : {})
      out += r.js
      pos = r.next
      continue
    }
    if (c === '[') {
      const r = translateClass(pattern, pos, scope.caseless && !globalCaseless, scope.extendedMore, progress)
      progress.atom(r.length)
      out += r.js
      pos = r.next
      continue
    }
    if (c === '(') {
      const r = translateGroupOpen(pattern, pos, scope, progress)
      pos = r.next
      if (r.kind === 'comment') {
        nothingToRepeat = blocked
        continue
      }
      if (r.kind === 'flags-only') {
        enter(r.scope)
        nothingToRepeat = true
        continue
      }
      if (r.kind === 'verb') {
        progress.atom(0, { assertion: !r.repeatable })
        out += r.js
        nothingToRepeat = !r.repeatable
        continue
      }
      if (r.kind === 'atom') {
        progress.atom(r.length, { least: 0 })
        out += r.js
        continue
      }
      if (r.frame === 'capture') progress.groups++
      progress.open(r.frame, progress.groups, r.js === '(?!' || r.js === '(?<!')
      // PCRE repeats a lookbehind (`(?<!\D)*`); JavaScript only a group around one.
      const wrap = r.frame === 'lookbehind'
      stack.push({ scope, close: wrap ? '))' : ')', condition: conditionNext })
      conditionNext = r.assertionFollows === true
      enter(r.scope)
      out += wrap ? `(?:${r.js}` : r.js
      continue
    }
    if (c === ')') {
      if (stack.length === 0) throw new Error('unmatched closing parenthesis')
      const group = stack.pop() as { scope: Scope; close: string; condition: boolean }
      scope = group.scope
      progress.close()
      out += group.close
      nothingToRepeat = group.condition
      pos++
      continue
    }
    if (c === '|') {
      progress.alternate()
      out += '|'
      pos++
      continue
    }
    pos++
    progress.atom(c === '^' || c === '$' ? 0 : 1, { assertion: c === '^' || c === '$' })
    if (c === '.') out += scope.dotall ? '.' : '[^\\n]'
    // Under /m, `^` is also after a newline, but not after one that ends the subject.
    else if (c === '^') out += scope.multiline ? '(?<=^|\\n(?=[\\s\\S]))' : '^'
    // DOLLAR_ENDONLY: without /m, `$` is the end of the subject, which is JS's own `$` (no `m` flag).
    else if (c === '$') out += scope.multiline ? '(?<=(?=\\n|$))' : '$'
    else out += literal(c, scope, globalCaseless, progress)
  }
  if (stack.length > 0) throw new Error('missing closing parenthesis')
  progress.checkReferences()
  return {
    source: out,
    groups: progress.groups,
    caseless: globalCaseless,
    pastAscii: progress.pastAscii,
    unsupported: progress.unsupported
  }
}

/**
 * Past what PCRE2 reads as nothing at all: a `(?#…)` comment and, under (?x), white space and a
 * `#` comment. A quantifier's `?` or `+` may follow one (`a+(?#x)?` is lazy), and a second
 * quantifier after one is still refused.
 */
function skipNothing(pattern: string, pos: number, scope: Scope): number {
  for (;;) {
    if (pattern.startsWith('(?#', pos) && pattern.includes(')', pos)) pos = pattern.indexOf(')', pos) + 1
    else if (scope.extended && /[\t-\r ]/.test(pattern[pos] ?? '')) pos++
    else if (scope.extended && pattern[pos] === '#') {
      while (pos < pattern.length && pattern[pos] !== '\n') pos++
    } else return pos
  }
}

function literal(c: string, scope: Scope, globalCaseless: boolean, progress: Progress): string {
  if (c.charCodeAt(0) > 0x7f) progress.pastAscii = true
  if (scope.caseless && !globalCaseless && isLetter(c)) return foldLetter(c)
  return escapeLiteral(c)
}
