/**
 * Builds the parse tree of one Apache configuration file (ast.ts). Sections must close in
 * the file that opens them, as in httpd, which reads every included file on its own; a
 * section left open, or closed by the wrong name, is a syntax error that httpd refuses to
 * start with ("<Directory> was not closed.", "Expected </Directory> but saw </Files>").
 * We report it with file:line:col and keep going so the rest of the file is still usable.
 */
import type { DiagnosticSink, SourcePos } from '../../../../shared/diagnostics'
import type { ApacheNode, ApacheParseResult, ApacheSectionNode } from './ast'
import { lineShape, logicalLines, splitArgs } from './lexer'

export const APACHE_UNCLOSED_SECTION = 'APACHE_UNCLOSED_SECTION'
export const APACHE_MISMATCHED_SECTION = 'APACHE_MISMATCHED_SECTION'
export const APACHE_SECTION_SYNTAX = 'APACHE_SECTION_SYNTAX'

const MAX_SECTION_DEPTH = 200

export function parseApacheText(text: string, file: string, sink?: DiagnosticSink): ApacheParseResult {
  const lines = logicalLines(text, file)
  const root: ApacheNode[] = []
  const open: ApacheSectionNode[] = []
  const error = (code: string, message: string, pos: SourcePos): void => sink?.error(code, 'syntax', message, pos)
  let includes = 0
  const into = (): ApacheNode[] => (open.length > 0 ? open[open.length - 1].children : root)

  // Sections nested deeper than any real configuration are skipped whole, so a hostile file
  // cannot exhaust the call stack of the recursive evaluation.
  let skipping = 0
  for (const l of lines) {
    const shape = lineShape(l.text)
    if (skipping > 0) {
      if (shape.kind === 'open') skipping++
      else if (shape.kind === 'close') skipping--
      continue
    }
    if (shape.kind === 'open' && open.length >= MAX_SECTION_DEPTH) {
      error(APACHE_SECTION_SYNTAX, `sections nested more than ${MAX_SECTION_DEPTH} deep; this one is skipped`, l.pos)
      skipping = 1
      continue
    }
    if (shape.kind === 'close') {
      const depth = findOpen(open, shape.name)
      const top = open[open.length - 1]
      if (top && depth === open.length - 1) {
        top.end = l.pos
        open.pop()
        continue
      }
      error(
        APACHE_MISMATCHED_SECTION,
        top
          ? `Expected </${top.name}> but saw </${shape.name}>`
          : `</${shape.name}> without matching <${shape.name}> section`,
        l.pos
      )
      // Close the sections between here and the one this tag names, so one typo does not
      // swallow the rest of the file; a tag naming nothing open is ignored.
      if (depth >= 0) {
        open[depth].end = l.pos
        open.length = depth
      }
      continue
    }
    if (shape.kind === 'open') {
      if (shape.name === '') {
        error(APACHE_SECTION_SYNTAX, `'${l.text}' is not a section: '<' must be followed by a section name`, l.pos)
        continue
      }
      if (!shape.closed) error(APACHE_SECTION_SYNTAX, `<${shape.name}> directive missing closing '>'`, l.pos)
      const node: ApacheSectionNode = {
        type: 'section',
        name: shape.name,
        args: splitArgs(shape.argText),
        line: l.text,
        children: [],
        pos: l.pos,
        segments: l.segments
      }
      into().push(node)
      open.push(node)
      continue
    }
    if (/^include(optional)?$/i.test(shape.name)) includes++
    into().push({
      type: 'directive',
      name: shape.name,
      args: splitArgs(shape.argText),
      line: l.text,
      pos: l.pos,
      segments: l.segments
    })
  }
  for (const s of open) error(APACHE_UNCLOSED_SECTION, `<${s.name}> was not closed.`, s.pos)
  return { file, nodes: root, lineCount: lines.length - includes }
}

function findOpen(open: ApacheSectionNode[], name: string): number {
  const lower = name.toLowerCase()
  for (let i = open.length - 1; i >= 0; i--) if (open[i].name.toLowerCase() === lower) return i
  return -1
}
