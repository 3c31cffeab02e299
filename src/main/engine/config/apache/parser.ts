/**
 * Builds the parse tree of one Apache configuration file (ast.ts). Sections must close in
 * the file that opens them, as in httpd, which reads every included file on its own; a
 * section left open, or closed by the wrong name, is a syntax error that httpd refuses to
 * start with ("<Directory> was not closed.", "Expected </Directory> but saw </Files>").
 * We report it with file:line:col and keep going so the rest of the file is still usable.
 */
import type { DiagnosticSink, SourcePos } from '../../../../shared/diagnostics'
import type { ApacheNode, ApacheParseResult, ApacheSectionNode } from './ast'
import { LineReader, lineShape, readDirective, splitArgs } from './lexer'
import { isConditionalSection } from './conditions'

export const APACHE_UNCLOSED_SECTION = 'APACHE_UNCLOSED_SECTION'
export const APACHE_MISMATCHED_SECTION = 'APACHE_MISMATCHED_SECTION'
export const APACHE_SECTION_SYNTAX = 'APACHE_SECTION_SYNTAX'

const MAX_SECTION_DEPTH = 200

const LT = 60
const SLASH = 47

export function parseApacheText(text: string, file: string, sink?: DiagnosticSink): ApacheParseResult {
  const root: ApacheNode[] = []
  const open: ApacheSectionNode[] = []
  const error = (code: string, message: string, pos: SourcePos): void => sink?.error(code, 'syntax', message, pos)
  let lines = 0
  let includes = 0
  // Where nodes go: the innermost open section's children, or the top level.
  let into = root

  // Sections nested deeper than any real configuration are skipped whole, so a hostile file
  // cannot exhaust the call stack of the recursive evaluation.
  let skipping = 0
  const r = new LineReader(text)
  while (r.next()) {
    lines++
    const { src, from, to } = r
    const isTag = src.charCodeAt(from) === LT
    if (skipping > 0) {
      if (isTag) skipping += src.charCodeAt(from + 1) === SLASH ? -1 : 1
      continue
    }
    const line = src.slice(from, to)
    const pos: SourcePos = { file, line: r.line, column: r.column }
    if (!isTag) {
      // A directive, read in place from the file text (no copy of the line to scan).
      const { name, args } = readDirective(src, from, to)
      if (isIncludeDirective(name)) includes++
      into.push({ type: 'directive', name, args, line, pos, segments: r.segments() })
      continue
    }
    const shape = lineShape(line)
    if (shape.kind === 'open' && open.length >= MAX_SECTION_DEPTH) {
      error(APACHE_SECTION_SYNTAX, `sections nested more than ${MAX_SECTION_DEPTH} deep; this one is skipped`, pos)
      skipping = 1
      continue
    }
    if (shape.kind === 'close') {
      const depth = findOpen(open, shape.name)
      const top = open[open.length - 1]
      if (top && depth === open.length - 1) {
        top.end = pos
        // `</Directory >`: httpd reads the end tag's first word, which must end with `>`
        // (refused in a branch it skips too, there as a mismatched tag).
        if (!/^\S*>$/.test(line.split(/\s/, 1)[0]))
          error(APACHE_SECTION_SYNTAX, `</${top.name}> directive missing closing '>'`, pos)
        open.pop()
        into = open.length > 0 ? open[open.length - 1].children : root
        continue
      }
      // httpd's words, and where the section it expected to close was opened: the tag that
      // shows the fault is often far below the line that caused it.
      error(
        APACHE_MISMATCHED_SECTION,
        top
          ? `Expected </${top.name}> but saw </${shape.name}>${depth >= 0 ? `: <${top.name}> opened at ${top.pos.line}:${top.pos.column} is never closed` : ''}`
          : `</${shape.name}> without matching <${shape.name}> section`,
        pos
      )
      // Close the sections between here and the one this tag names, so one typo does not
      // swallow the rest of the file; a tag naming nothing open is ignored.
      if (depth >= 0) {
        // httpd stops at that error. What the never-closed sections took in belongs, going by
        // the tag that ends them, to the section the tag closes: handed back to it, so it is not
        // judged in a context it was never meant for (a cascade of "ServerAlias not allowed in
        // <Directory> context" errors under the one that matters).
        for (let i = open.length - 1; i > depth; i--) {
          const unclosed = open[i]
          open[i - 1].children.push(...unclosed.children)
          unclosed.children = []
        }
        open[depth].end = pos
        open.length = depth
        into = open.length > 0 ? open[open.length - 1].children : root
      }
      continue
    }
    if (shape.kind === 'open') {
      if (shape.name === '') {
        error(APACHE_SECTION_SYNTAX, `'${line}' is not a section: '<' must be followed by a section name`, pos)
        continue
      }
      if (!shape.closed) error(APACHE_SECTION_SYNTAX, `<${shape.name}> directive missing closing '>'`, pos)
      const node: ApacheSectionNode = {
        type: 'section',
        name: shape.name,
        args: splitArgs(shape.argText),
        line,
        children: [],
        pos,
        segments: r.segments()
      }
      into.push(node)
      open.push(node)
      into = node.children
    }
  }
  // A true conditional section reads on to the end of the file (ap_build_cont_config stops at
  // EOF without a word), so what is open from the first conditional section on is the loader's
  // to judge; sections open around it are refused whatever the conditions.
  const firstConditional = open.findIndex((s) => isConditionalSection(s.name))
  for (const [i, s] of open.entries()) {
    if (firstConditional < 0 || i < firstConditional)
      error(APACHE_UNCLOSED_SECTION, `<${s.name}> was not closed.`, s.pos)
    else if (isConditionalSection(s.name)) s.unclosedAtEnd = true
  }
  return { file, nodes: root, lineCount: lines - includes }
}

/** `Include` / `IncludeOptional` in any case, without a regex test per line. */
export function isIncludeDirective(name: string): boolean {
  const len = name.length
  if (len !== 7 && len !== 15) return false
  const lower = name.toLowerCase()
  return lower === 'include' || lower === 'includeoptional'
}

function findOpen(open: ApacheSectionNode[], name: string): number {
  const lower = name.toLowerCase()
  for (let i = open.length - 1; i >= 0; i--) if (open[i].name.toLowerCase() === lower) return i
  return -1
}
