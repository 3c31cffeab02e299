import { describe, expect, it } from 'vitest'
import { logicalLines, positionInLine, splitArgs } from '../../../../src/main/engine/config/apache/lexer'
import { parseRewriteFlags, splitRewriteArgs } from '../../../../src/main/engine/config/apache/rewrite-args'
import { load } from './helpers'

const F = '/x/httpd.conf'
const texts = (t: string): string[] => logicalLines(t, F).map((l) => l.text)

describe('Apache lexing', () => {
  it('directive names are case-insensitive: ReWriteEngine on turns the rewrite engine on', () => {
    const r = load({
      'httpd.conf': '<VirtualHost *:80>\n  ReWriteEngine on\n  rewriterule ^/a$ /b [PT]\n</VirtualHost>\n'
    })
    const s = r.config.virtualHosts[0].settings
    expect(s.rewriteEngine).toBe(true)
    expect(s.rewriteRules.map((x) => x.pattern)).toEqual(['^/a$'])
  })

  it('double- and single-quoted arguments group words and lose their quotes', () => {
    expect(splitArgs(`Header set "X-A  B" 'it is' plain`)).toEqual(['Header', 'set', 'X-A  B', 'it is', 'plain'])
    expect(splitArgs(`"" x`)).toEqual(['', 'x'])
  })

  it('inside quotes only \\\\ and the escaped quote itself are escapes', () => {
    expect(splitArgs(String.raw`"a \"b\" \\ \. c" 'it\'s'`)).toEqual([String.raw`a "b" \ \. c`, "it's"])
  })

  it('outside quotes \\\\ is unescaped and other backslashes stay', () => {
    expect(splitArgs(String.raw`a\\b \.(gif|png)$`)).toEqual([String.raw`a\b`, String.raw`\.(gif|png)$`])
  })

  it('a quote in the middle of a word is an ordinary character, and a closing quote ends the word', () => {
    expect(splitArgs(`a"b "c"d`)).toEqual(['a"b', 'c', 'd'])
  })

  it('# starts a comment only at the beginning of a line; elsewhere it is part of an argument', () => {
    expect(texts('# a comment\n   # indented comment\nErrorDocument 404 /a#b\nHeader set X # not a comment\n')).toEqual(
      ['ErrorDocument 404 /a#b', 'Header set X # not a comment']
    )
  })

  it('a backslash at the end of a line continues it, and the logical line sits at the first physical line', () => {
    const lines = logicalLines(
      '<Directory "/var/www">\n\n\tAllowOverride \\\n\tNone\n\tRequire \\\n\tall \\\n\tgranted\n</Directory>\n',
      F
    )
    expect(lines.map((l) => [l.text, l.pos.line, l.pos.column])).toEqual([
      ['<Directory "/var/www">', 1, 1],
      ['AllowOverride \tNone', 3, 2],
      ['Require \tall \tgranted', 5, 2],
      ['</Directory>', 8, 1]
    ])
    expect(splitArgs(lines[2].text)).toEqual(['Require', 'all', 'granted'])
  })

  it('positions inside a continued line map back to the physical line they came from', () => {
    const [l] = logicalLines('  SetEnvIfNoCase Request_URI \\\n\t\t\\.(gif)$ no-gzip\n', F)
    const offset = l.text.indexOf('no-gzip')
    expect(positionInLine(F, l.segments, offset)).toEqual({ file: F, line: 2, column: 12 })
    expect(positionInLine(F, l.segments, 0)).toEqual({ file: F, line: 1, column: 3 })
  })

  it('a line ending in two backslashes does not continue and keeps one backslash', () => {
    expect(texts('Alias /a C:\\\\\nAlias /b /c\n')).toEqual(['Alias /a C:\\', 'Alias /b /c'])
  })

  it('a backslash followed by trailing blanks is not a continuation', () => {
    expect(texts('Listen 80 \\ \nListen 81\n')).toEqual(['Listen 80 \\', 'Listen 81'])
  })

  it('a comment ending in a backslash swallows the next line, as in httpd', () => {
    expect(texts('# disabled \\\nListen 81\nListen 82\n')).toEqual(['Listen 82'])
  })

  it('a file without a trailing newline still yields its last line', () => {
    expect(texts('Listen 80\nInclude /etc/httpd/conf.d/variables/ootb.vars')).toEqual([
      'Listen 80',
      'Include /etc/httpd/conf.d/variables/ootb.vars'
    ])
  })

  it('CRLF line endings are tolerated, also before a continuation', () => {
    const lines = logicalLines('Listen 80\r\nAllowOverride \\\r\n None\r\n', F)
    expect(lines.map((l) => [l.text, l.pos.line])).toEqual([
      ['Listen 80', 1],
      ['AllowOverride  None', 2]
    ])
  })
})

describe('mod_rewrite argument splitting', () => {
  it('a backslash before a blank keeps the blank inside the argument and stays in the text', () => {
    expect(splitRewriteArgs(String.raw`^/a\ b$ /c\\d [L]`).args).toEqual([
      String.raw`^/a\ b$`,
      String.raw`/c\\d`,
      '[L]'
    ])
  })

  it('quoted arguments may contain blanks and the other quote', () => {
    expect(splitRewriteArgs(`expr "reqenv('A') == 'true'"`).args).toEqual(['expr', "reqenv('A') == 'true'"])
  })

  it('a single argument is a bad argument line', () => {
    expect(splitRewriteArgs('^/only').error).toMatch(/bad argument line/)
  })

  it('flags drop their brackets and split on commas, entries trimmed', () => {
    expect(parseRewriteFlags('[R=301, L,E=cdncache]')).toEqual({ flags: ['R=301', 'L', 'E=cdncache'] })
    expect(parseRewriteFlags('L').error).toBe('bad flag delimiters')
  })
})
