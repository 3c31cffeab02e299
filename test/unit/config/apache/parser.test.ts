import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DiagnosticSink } from '../../../../src/shared/diagnostics'
import { parseApacheText } from '../../../../src/main/engine/config/apache/load'
import type { ApacheNode } from '../../../../src/main/engine/config/apache/ast'

const F = '/x/httpd.conf'
const DOT =
  '/work/shared/corpus/adobe__aem-dispatcher-optimizer-tool/core/src/test/resources/com/adobe/aem/dot/httpd/core/parser'

function parse(text: string): { nodes: ApacheNode[]; sink: DiagnosticSink } {
  const sink = new DiagnosticSink()
  return { nodes: parseApacheText(text, F, sink).nodes, sink }
}

/** DOT counts as if every module were loaded: <IfModule> sections are transparent. */
function flattenIfModule(nodes: ApacheNode[]): ApacheNode[] {
  return nodes.flatMap((n) => (n.type === 'section' && n.name === 'IfModule' ? flattenIfModule(n.children) : [n]))
}

describe('Apache sections', () => {
  it('sections nest, keep their arguments, and record where they open and close', () => {
    const { nodes, sink } = parse(
      '<VirtualHost *:80 [::]:80>\n  <Directory "/var/www">\n    Require all granted\n  </Directory>\n</VirtualHost>\n'
    )
    expect(sink.items).toEqual([])
    const vh = nodes[0]
    expect(vh.type === 'section' && vh.name).toBe('VirtualHost')
    if (vh.type !== 'section') return
    expect(vh.args).toEqual(['*:80', '[::]:80'])
    expect(vh.pos).toEqual({ file: F, line: 1, column: 1 })
    expect(vh.end).toEqual({ file: F, line: 5, column: 1 })
    const dir = vh.children[0]
    expect(dir.type === 'section' && [dir.name, dir.args, dir.pos.line, dir.pos.column]).toEqual([
      'Directory',
      ['/var/www'],
      2,
      3
    ])
    expect(dir.type === 'section' && dir.children.map((c) => c.type === 'directive' && [c.name, c.args])).toEqual([
      ['Require', ['all', 'granted']]
    ])
  })

  it('section names close case-insensitively', () => {
    expect(parse('<ifmodule mod_rewrite.c>\nRewriteEngine On\n</IfModule>\n').sink.items).toEqual([])
  })

  it('a section argument runs to the last ">" of the line, so an expression may contain ">"', () => {
    const { nodes } = parse(`<If "%{REQUEST_STATUS} > 400">\n</If>\n<Else>\n</Else>\n`)
    expect(nodes.map((n) => n.type === 'section' && [n.name, n.args])).toEqual([
      ['If', ['%{REQUEST_STATUS} > 400']],
      ['Else', []]
    ])
  })

  it('an unclosed section is an error at its opening line and column (APACHE_UNCLOSED_SECTION)', () => {
    const { sink } = parse('Listen 80\n  <VirtualHost *:80>\n    <Directory />\n    </Directory>\n')
    expect(sink.items.map((d) => [d.code, d.pos?.line, d.pos?.column, d.message])).toEqual([
      ['APACHE_UNCLOSED_SECTION', 2, 3, '<VirtualHost> was not closed.']
    ])
  })

  it('a section closed by the wrong name is an error at the closing tag (APACHE_MISMATCHED_SECTION)', () => {
    const { nodes, sink } = parse(
      '<VirtualHost *:80>\n<Directory />\n</Files>\n</Directory>\n</VirtualHost>\nListen 80\n'
    )
    expect(sink.items.map((d) => [d.code, d.pos?.line, d.pos?.column, d.message])).toEqual([
      ['APACHE_MISMATCHED_SECTION', 3, 1, 'Expected </Directory> but saw </Files>']
    ])
    expect(nodes.map((n) => n.name)).toEqual(['VirtualHost', 'Listen'])
  })

  it('a closing tag naming an outer section closes the inner ones too, after reporting the mismatch', () => {
    const { nodes, sink } = parse('<VirtualHost *:80>\n<Directory />\n</VirtualHost>\nListen 80\n')
    expect(sink.items.map((d) => d.code)).toEqual(['APACHE_MISMATCHED_SECTION'])
    expect(nodes.map((n) => n.name)).toEqual(['VirtualHost', 'Listen'])
  })

  it('what a never-closed section took in goes back to the section the closing tag ends, in order', () => {
    const { nodes, sink } = parse(
      '<VirtualHost *:80>\nServerName a\n  <Directory /x>\n  <IfModule m>\nServerAlias b\n</VirtualHost>\n'
    )
    expect(sink.items.map((d) => d.message)).toEqual([
      'Expected </IfModule> but saw </VirtualHost>: <IfModule> opened at 4:3 is never closed'
    ])
    const vh = nodes[0]
    expect(
      vh.type === 'section' && vh.children.map((c) => [c.name, c.type === 'section' ? c.children.length : '-'])
    ).toEqual([
      ['ServerName', '-'],
      ['Directory', 0],
      ['IfModule', 0],
      ['ServerAlias', '-']
    ])
  })

  it('a closing tag with nothing open is reported', () => {
    const { sink } = parse('Listen 80\n</Directory>\n')
    expect(sink.items.map((d) => [d.code, d.pos?.line, d.message])).toEqual([
      ['APACHE_MISMATCHED_SECTION', 2, '</Directory> without matching <Directory> section']
    ])
  })

  it("a section opening line without '>' is a syntax error", () => {
    const { sink } = parse('<Directory /foo\n</Directory>\n')
    expect(sink.items.map((d) => [d.code, d.message])).toEqual([
      ['APACHE_SECTION_SYNTAX', "<Directory> directive missing closing '>'"]
    ])
  })

  it('sections nested absurdly deep are skipped with one error instead of overflowing the stack', () => {
    const text = '<IfDefine X>\n'.repeat(20_000) + 'Listen 1\n' + '</IfDefine>\n'.repeat(20_000) + 'Listen 2\n'
    const { nodes, sink } = parse(text)
    expect(sink.items.map((d) => [d.code, d.pos?.line])).toEqual([['APACHE_SECTION_SYNTAX', 201]])
    expect(nodes.map((n) => n.name)).toEqual(['IfDefine', 'Listen'])
  })

  it('DOT basic_httpd.conf: 15 top-level directives from ServerRoot (line 31) to EnableSendfile (line 282), 5 sections, the 4th a <Files> at line 171', () => {
    const file = path.join(DOT, 'basic_httpd.conf')
    const sink = new DiagnosticSink()
    const top = flattenIfModule(parseApacheText(fs.readFileSync(file, 'utf8'), file, sink).nodes)
    expect(sink.items).toEqual([])
    const directives = top.filter((n) => n.type === 'directive')
    const sections = top.filter((n) => n.type === 'section')
    expect(directives).toHaveLength(15)
    expect([directives[0].name, directives[0].args, directives[0].pos.line]).toEqual(['ServerRoot', ['/etc/httpd'], 31])
    expect([directives[14].name, directives[14].pos.line]).toEqual(['EnableSendfile', 282])
    expect(sections).toHaveLength(5)
    expect([sections[3].name, sections[3].args, sections[3].pos.line]).toEqual(['Files', ['.ht*'], 171])
  })

  it('DOT basic_multiline_httpd.conf: continuations give 4 lines, AllowOverride None at line 3 and Require all granted at line 8', () => {
    const file = path.join(DOT, 'basic_multiline_httpd.conf')
    const r = parseApacheText(fs.readFileSync(file, 'utf8'), file)
    expect(r.lineCount).toBe(4)
    const dir = r.nodes[0]
    expect(dir.type === 'section' && dir.children.map((c) => [c.name, c.args, c.pos.line])).toEqual([
      ['AllowOverride', ['None'], 3],
      ['Require', ['all', 'granted'], 8]
    ])
  })
})
