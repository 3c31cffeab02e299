import { describe, expect, it } from 'vitest'
import { lexAny, type AnyToken } from '../../../../src/main/engine/config/any/lexer'

function lex(text: string): { tokens: AnyToken[]; errors: string[]; warnings: string[] } {
  const errors: string[] = []
  const warnings: string[] = []
  const tokens = lexAny(text, {
    error: (code, _m, line, column) => errors.push(`${code}@${line}:${column}`),
    warn: (code, _m, line, column) => warnings.push(`${code}@${line}:${column}`)
  })
  return { tokens, errors, warnings }
}

function brief(tokens: AnyToken[]): string[] {
  return tokens.map((t) => {
    if (t.kind === 'name') return `/${t.text}`
    if (t.kind === 'string') return `${t.quote}:${t.text}`
    return t.kind === 'lbrace' ? '{' : t.kind === 'rbrace' ? '}' : '$include'
  })
}

describe('dispatcher.any lexer', () => {
  it('reads names, braces and the three kinds of strings with 1-based line:column positions', () => {
    const { tokens } = lex('/filter {\n  /0001 { /url "/a" /method \'(GET|HEAD)\' /delay 300 }\n}')
    expect(brief(tokens)).toEqual([
      '/filter',
      '{',
      '/0001',
      '{',
      '/url',
      'double:/a',
      '/method',
      'single:(GET|HEAD)',
      '/delay',
      'bare:300',
      '}',
      '}'
    ])
    expect(tokens.map((t) => `${t.line}:${t.column}`)).toEqual([
      '1:1',
      '1:9',
      '2:3',
      '2:9',
      '2:11',
      '2:16',
      '2:21',
      '2:29',
      '2:42',
      '2:49',
      '2:53',
      '3:1'
    ])
  })

  it('labels may use letters, digits, _ - . : (/always-resolve, /AMS_PUB_DENY_DEBUG, /a.b:c)', () => {
    expect(brief(lex('/always-resolve /AMS_PUB_DENY_DEBUG /a.b:c /0001').tokens)).toEqual([
      '/always-resolve',
      '/AMS_PUB_DENY_DEBUG',
      '/a.b:c',
      '/0001'
    ])
  })

  it('a # comment runs to the end of the line and hides quotes and braces inside it', () => {
    expect(brief(lex('/a "1" # \' { " } " \' /hello\n/b "2"').tokens)).toEqual(['/a', 'double:1', '/b', 'double:2'])
  })

  it('a # glued to a bare value ends the value (350# Confuse this → 350)', () => {
    expect(brief(lex('/delay 350# Confuse this').tokens)).toEqual(['/delay', 'bare:350'])
  })

  it('a # inside quotes is part of the value, not a comment', () => {
    expect(brief(lex('/url "/a#b" \'x#y\'').tokens)).toEqual(['/url', 'double:/a#b', 'single:x#y'])
  })

  it('/0 #{ comments out the brace', () => {
    expect(brief(lex('/0 #{\n/1 {').tokens)).toEqual(['/0', '/1', '{'])
  })

  it('a brace glued to a key ends the key (/headers{) and }} are two tokens', () => {
    expect(brief(lex('/headers{"A"}}').tokens)).toEqual(['/headers', '{', 'double:A', '}', '}'])
  })

  it('a value starting with / that is not a plain label is one bare string (/health_check.html?lang=en)', () => {
    expect(brief(lex('/glob /health_check.html?lang=en').tokens)).toEqual(['/glob', 'bare:/health_check.html?lang=en'])
  })

  it("an unquoted glob with a second slash keeps its inner quote (/en/news/'*?lang=en)", () => {
    expect(brief(lex('/glob /en/news/\'*?lang=en /type "deny"').tokens)).toEqual([
      '/glob',
      "bare:/en/news/'*?lang=en",
      '/type',
      'double:deny'
    ])
  })

  it('an unquoted value keeps a ${NAME} reference whole, braces included', () => {
    expect(brief(lex('/docroot ${DOCROOT}/cache }').tokens)).toEqual(['/docroot', 'bare:${DOCROOT}/cache', '}'])
  })

  it('$include is a keyword only as a whole word; the path may be double-, single-quoted or bare', () => {
    expect(brief(lex('$include "a.any" $include \'b.any\' $include c/*.any $includes').tokens)).toEqual([
      '$include',
      'double:a.any',
      '$include',
      'single:b.any',
      '$include',
      'bare:c/*.any',
      'bare:$includes'
    ])
  })

  it('a lone / warns ANY_EMPTY_NAME and produces no token (DOT no_ending_brace: "/ /clientheaders")', () => {
    const r = lex('    / /clientheaders #inline comment')
    expect(brief(r.tokens)).toEqual(['/clientheaders'])
    expect(r.warnings).toEqual(['ANY_EMPTY_NAME@1:5'])
  })

  it('an unclosed quote is an error at the opening quote and recovers at the end of the line', () => {
    const r = lex('/a "open\n/b "ok"')
    expect(r.errors).toEqual(['ANY_UNCLOSED_QUOTE@1:4'])
    expect(brief(r.tokens)).toEqual(['/a', 'double:open', '/b', 'double:ok'])
  })

  it('backslashes inside quotes are kept as written (no escape character is documented)', () => {
    expect(lex('\'.*\\\\.(css|js)$\' "sitemap\\.[^\\.\\/]+"').tokens.map((t) => t.text)).toEqual([
      '.*\\\\.(css|js)$',
      'sitemap\\.[^\\.\\/]+'
    ])
  })

  it('CRLF line ends and tabs are whitespace and do not shift line numbers', () => {
    const { tokens } = lex('/a\t"1"\r\n/b "2"\r\n')
    expect(brief(tokens)).toEqual(['/a', 'double:1', '/b', 'double:2'])
    expect(tokens[2]).toMatchObject({ line: 2, column: 1 })
  })

  it('several strings on one line are separate tokens ("brandA.com" "brandB.com")', () => {
    expect(brief(lex('"brandA.com" "brandB.com" we-retail').tokens)).toEqual([
      'double:brandA.com',
      'double:brandB.com',
      'bare:we-retail'
    ])
  })
})
