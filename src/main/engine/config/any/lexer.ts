/**
 * Tokenizer for dispatcher.any (dispatcher-behavior.md §1.1). Scans char codes in one pass
 * (no regex per character) because it runs on every config reload.
 *
 * The grammar is not written down by Adobe; the choices below follow what the corpus needs
 * (MANIFEST "Grammar and semantics oddities"):
 * - `#` starts a comment anywhere outside quotes, even glued to a bare value (`350# Confuse
 *   this` is 350 in DOT's tests), so quotes and braces in comments never count.
 * - Quoted strings end at the matching quote on the same line. No escape character is
 *   documented (§1.5 UNCERTAIN), so a backslash is kept as written for the matcher to judge.
 * - `/label` is a name only when the label is made of letters, digits, `_ - . :` and ends at a
 *   delimiter. Anything else after `/` (`/en/news/'*?lang=en`, `/health_check.html?lang=en`)
 *   is an unquoted value: DOT reads those as glob values, not keys.
 */
import type { QuoteKind } from './ast'

export type AnyTokenKind = 'lbrace' | 'rbrace' | 'name' | 'string' | 'include'

export interface AnyToken {
  kind: AnyTokenKind
  /** Name without its slash, or a string's text between the quotes; empty for the others. */
  text: string
  /** Set for `string` tokens. */
  quote?: QuoteKind
  line: number
  column: number
}

export interface LexReporter {
  error(code: string, message: string, line: number, column: number): void
  warn(code: string, message: string, line: number, column: number): void
}

const TAB = 9
const LF = 10
const VT = 11
const FF = 12
const CR = 13
const SPACE = 32
const DQUOTE = 34
const HASH = 35
const DOLLAR = 36
const SQUOTE = 39
const SLASH = 47
const LBRACE = 123
const RBRACE = 125

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === VT || c === FF
}

function isLabelChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 58) || // 0-9 and ':'
    c === 95 || // _
    c === 45 || // -
    c === 46 // .
  )
}

/** Where a name or `$include` ends; NaN stands for end of text. */
function endsWord(c: number): boolean {
  return Number.isNaN(c) || isSpace(c) || c === LBRACE || c === RBRACE || c === HASH || c === DQUOTE || c === SQUOTE
}

/** Where an unquoted value ends. Quotes inside it are part of it (`/en/news/'*?lang=en`). */
function endsBare(c: number): boolean {
  return Number.isNaN(c) || isSpace(c) || c === LBRACE || c === RBRACE || c === HASH
}

const INCLUDE = '$include'

export function lexAny(text: string, report: LexReporter): AnyToken[] {
  const tokens: AnyToken[] = []
  const n = text.length
  let i = 0
  let line = 1
  let lineStart = 0

  /** Scans an unquoted value from `start`; a `${NAME}` reference keeps its braces. */
  const scanBare = (start: number): number => {
    let j = start
    while (j < n) {
      const c = text.charCodeAt(j)
      if (c === DOLLAR && text.charCodeAt(j + 1) === LBRACE) {
        let k = j + 2
        while (k < n && text.charCodeAt(k) !== RBRACE && text.charCodeAt(k) !== LF) k++
        if (k < n && text.charCodeAt(k) === RBRACE) {
          j = k + 1
          continue
        }
      }
      if (endsBare(c)) break
      j++
    }
    return j
  }

  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === LF) {
      i++
      line++
      lineStart = i
      continue
    }
    if (isSpace(c)) {
      i++
      continue
    }
    const column = i - lineStart + 1
    if (c === HASH) {
      // Comments are much of a typical file: let the native search skip them.
      const eol = text.indexOf('\n', i)
      i = eol < 0 ? n : eol
      continue
    }
    if (c === LBRACE || c === RBRACE) {
      tokens.push({ kind: c === LBRACE ? 'lbrace' : 'rbrace', text: '', quote: undefined, line, column })
      i++
      continue
    }
    if (c === DQUOTE || c === SQUOTE) {
      let j = i + 1
      while (j < n) {
        const d = text.charCodeAt(j)
        if (d === c || d === LF) break
        j++
      }
      const quote: QuoteKind = c === DQUOTE ? 'double' : 'single'
      if (j < n && text.charCodeAt(j) === c) {
        tokens.push({ kind: 'string', text: text.slice(i + 1, j), quote, line, column })
        i = j + 1
      } else {
        // Recovery at end of line keeps the value (minus a CR) so the rest of the file still
        // parses with the right structure; the error tells the user the value is suspect.
        let end = j
        if (end > i + 1 && text.charCodeAt(end - 1) === CR) end--
        report.error(
          'ANY_UNCLOSED_QUOTE',
          `unclosed ${quote === 'double' ? 'double' : 'single'} quote; the value runs to the end of the line`,
          line,
          column
        )
        tokens.push({ kind: 'string', text: text.slice(i + 1, end), quote, line, column })
        i = j
      }
      continue
    }
    if (c === SLASH) {
      let j = i + 1
      while (j < n && isLabelChar(text.charCodeAt(j))) j++
      const after = j < n ? text.charCodeAt(j) : NaN
      if (endsWord(after)) {
        if (j === i + 1) {
          // DOT's no_ending_brace fixture has `/ /clientheaders`: a slash with no label names nothing.
          report.warn('ANY_EMPTY_NAME', "a '/' with no name after it is ignored", line, column)
        } else {
          tokens.push({ kind: 'name', text: text.slice(i + 1, j), quote: undefined, line, column })
        }
        i = j
        continue
      }
      const end = scanBare(i)
      tokens.push({ kind: 'string', text: text.slice(i, end), quote: 'bare', line, column })
      i = end
      continue
    }
    if (
      c === DOLLAR &&
      text.startsWith(INCLUDE, i) &&
      endsWord(i + INCLUDE.length < n ? text.charCodeAt(i + INCLUDE.length) : NaN)
    ) {
      tokens.push({ kind: 'include', text: '', quote: undefined, line, column })
      i += INCLUDE.length
      continue
    }
    const end = scanBare(i)
    tokens.push({ kind: 'string', text: text.slice(i, end), quote: 'bare', line, column })
    i = end
  }
  return tokens
}
