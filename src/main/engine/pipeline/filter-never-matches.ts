/**
 * Filter properties no request can satisfy, so their rule never matches (dispatcher-behavior.md
 * §4.1, §1.5): a pattern that contradicts the shape of its element's value, read off the
 * pattern's source. Every value filter.ts tests has a known shape: the URL and the Sling path
 * begin with "/" (normalise-url.ts takes only origin-form targets, rewrite/finish.ts refuses a
 * rewritten one without "/"), a suffix too (sling.ts), selectors and the extension are words
 * between dots (so hold none), and the request line begins with the method (a token, which
 * httpd's strict request-line check holds to). Said only when sure: a pattern too involved to
 * read is taken to match.
 */
import { FILTER_ELEMENTS, type FilterElement, type PatternSpec } from '../../../shared/config-model'
import { KNOWN_METHODS } from '../config/apache/access-directives'
import { ereAnchorsMisplaced, ereFirstChars, ereNeedsChar } from '../match/ere-shape'
import { neverBeginsWith, type FirstChars } from '../match/first-chars'
import { globFirstChars, globNeedsChar } from '../match/glob'
import { compilePattern, unescapeQuoted, type CompiledPattern } from '../match/pattern'
import { PatternError } from '../match/posix-regex'
import { textMemo } from '../text-memo'
import type { SourcePos } from '../../../shared/diagnostics'

/** RFC 9110 tchar: what a method, the first word of the request line, is made of. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/

/**
 * Why the property `/element pattern` can never match any request, with what was probably
 * meant; null when it can match (or the pattern is invalid, an error said elsewhere).
 */
export function whyNeverMatches(element: FilterElement, pattern: PatternSpec): string | null {
  return NEVER_MATCHES.get(element)?.(pattern) ?? null
}

// The answer depends on the element and the pattern alone.
const NEVER_MATCHES = new Map(
  FILTER_ELEMENTS.map((element) => [element, patternMemo((pattern) => neverMatches(element, pattern))])
)

/**
 * `compute` remembered by the pattern's quotes and text, the only parts of it that it reads:
 * every load of a configuration asks again for the same few hundred (filters are compiled on
 * each load).
 */
function patternMemo<T>(compute: (pattern: PatternSpec) => T): (pattern: PatternSpec) => T {
  const byKind = {
    glob: textMemo((source) => compute({ kind: 'glob', source, pos: NO_POS })),
    regex: textMemo((source) => compute({ kind: 'regex', source, pos: NO_POS }))
  }
  return (pattern) => byKind[pattern.kind](pattern.source)
}

/** (The messages do not name the position: the warning carries it.) */
const NO_POS: SourcePos = { file: '', line: 0, column: 0 }

function neverMatches(element: FilterElement, pattern: PatternSpec): string | null {
  if (compiled(pattern) === null) return null
  const source = unescapeQuoted(pattern.source)
  if (pattern.kind === 'regex' && ereAnchorsMisplaced(source)) {
    return `"^" holds only at the start of the value and "$" only at its end, so ${quoted(pattern)} never matches; leave them out, the whole value is matched anyway`
  }
  const first = pattern.kind === 'glob' ? globFirstChars(source) : ereFirstChars(source)
  switch (element) {
    case 'url':
    case 'path':
      return neverBeginsWith(first, '/') ? withoutRoot(element, pattern) : null
    case 'suffix':
      // A request without a suffix is matched by "" alone, so a pattern that may be empty is left be.
      return neverBeginsWith(first, '/') && !first.empty
        ? `a suffix always begins with "/" (/s/x.json in /content/a.html/s/x.json), so ${quoted(pattern)} never matches${suggestion(element, pattern, withSlash(pattern))}`
        : null
    case 'extension':
    case 'selectors':
      return needsDot(pattern, source) ? withDot(element, pattern) : null
    case 'glob':
      return beginsWithNoMethod(first) ? globWithoutMethod(pattern) : null
    default:
      return null
  }
}

/**
 * The methods httpd knows that `/method pattern` misses only by case ("get" and GET): the
 * Dispatcher compares them case-sensitively (filter.ts) and clients send them in upper case.
 */
export const methodsMissedByCase: (pattern: PatternSpec) => readonly string[] = patternMemo(missedByCase)

function missedByCase(pattern: PatternSpec): string[] {
  const sensitive = compiled(pattern)
  if (sensitive === null) return []
  const caseless = compilePattern(pattern, { caseInsensitive: true })
  return [...KNOWN_METHODS].filter((m) => !sensitive.test(m) && caseless.test(m))
}

/** Said of a /method pattern that misses `missed` (methodsMissedByCase) by case alone. */
export function methodCaseMessage(pattern: PatternSpec, missed: readonly string[]): string {
  const upper = /[\\[]/.test(pattern.source) ? null : pattern.source.toUpperCase()
  return `methods are compared case-sensitively and clients send them in upper case, so ${quoted(pattern)} never matches a ${missed.join(' or ')} request (only a method sent in that very spelling)${suggestion('method', pattern, upper)}`
}

function compiled(pattern: PatternSpec): CompiledPattern | null {
  try {
    return compilePattern(pattern)
  } catch (e) {
    if (e instanceof PatternError) return null
    throw e
  }
}

/** `/url "content/*"`, and the request line's `/url "GET /content/*"` (the old /glob's form). */
function withoutRoot(element: 'url' | 'path', pattern: PatternSpec): string {
  const what =
    element === 'url'
      ? 'the URL is the path alone, which begins with "/" (/content/a.html)'
      : 'the path (the URL up to its first dot) begins with "/" (/content/a for /content/a.html)'
  const requestLine = (pattern.kind === 'regex' ? /^(\^?)([A-Z]+|\([A-Z|]+\)) +(\/.*)$/ : /^()([A-Z]+) +(\/.*)$/).exec(
    pattern.source
  )
  if (requestLine) {
    const [, caret, method, rest] = requestLine
    const q = pattern.kind === 'glob' ? '"' : "'"
    return `${what}; ${quoted(pattern)} begins with a method, as a /glob's request line does ("GET /content/a.html HTTP/1.1"), so it never matches; write /method ${q}${method}${q} /${element} ${q}${caret}${rest}${q}`
  }
  return `${what}, so ${quoted(pattern)} never matches${suggestion(element, pattern, withSlash(pattern))}`
}

/** The pattern with the "/" it lacks, when it begins with a plain word (`content/*`, `^content/.*`). */
function withSlash(pattern: PatternSpec): string | null {
  const m = (pattern.kind === 'regex' ? /^(\^?)([\w-].*)$/ : /^()([\w-].*)$/).exec(pattern.source)
  return m ? `${m[1]}/${m[2]}` : null
}

function needsDot(pattern: PatternSpec, source: string): boolean {
  return pattern.kind === 'glob' ? globNeedsChar(source, '.') : ereNeedsChar(source, '.')
}

function withDot(element: 'extension' | 'selectors', pattern: PatternSpec): string {
  const what =
    element === 'extension'
      ? 'the extension is the word after the last dot (html in /content/a.model.html) and holds no dot'
      : 'each selector is one word between dots (model, infinity in /content/a.model.infinity.json), tried on its own, and holds no dot'
  // A leading ".", "*." or "\." is the dot before the word: `".json"`, `'\.(json|xml)'`.
  const word = /^(?:\*?\.|\\\.|\[\.\])([^.]*)$/.exec(pattern.source)?.[1]
  const glob =
    pattern.kind === 'glob' && pattern.source.includes('\\')
      ? ' (in double quotes it is a glob, where "\\" is a plain character)'
      : ''
  return `${what}, so ${quoted(pattern)} never matches${glob}${suggestion(element, pattern, word || null)}`
}

/** Whether no match can begin like a request line: every first character is one no method holds. */
function beginsWithNoMethod(first: FirstChars): boolean {
  return first.chars !== 'any' && [...first.chars].every((c) => !TCHAR.test(c))
}

function globWithoutMethod(pattern: PatternSpec): string {
  const url = pattern.source.startsWith('/') && !pattern.source.includes(' ') ? pattern.source : null
  return `/glob matches the whole request line, which begins with the method ("GET /content/a.html HTTP/1.1"), so ${quoted(pattern)} never matches${suggestion('url', pattern, url)}`
}

function quoted(pattern: PatternSpec): string {
  return pattern.kind === 'glob' ? `"${pattern.source}"` : `'${pattern.source}'`
}

/** `; write /url "/content/*"`, in the pattern's own quotes; nothing when no guess is sure enough. */
function suggestion(element: FilterElement, pattern: PatternSpec, source: string | null): string {
  if (source === null) return ''
  return `; write /${element} ${quoted({ ...pattern, source })}`
}
