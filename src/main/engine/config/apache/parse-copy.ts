/**
 * A fresh copy of a cached parse (content-cache.ts): new node, position and argument-array
 * objects, shared strings. Each load gets its own objects, because they end up in the loaded
 * model (positions, argument lists), where a later change by anyone must not reach the cache
 * or another load. Positions a held diagnostic shares with a node stay shared in the copy,
 * as they were in the parse it was made from.
 */
import type { Diagnostic, SourcePos } from '../../../../shared/diagnostics'
import type { ApacheNode, ApacheParseResult, ApacheSectionNode, LineSegment } from './ast'

export interface ParseWithDiagnostics {
  parse: ApacheParseResult
  /** Syntax diagnostics of the file, held back until it is evaluated. */
  held: Diagnostic[]
}

export function copyParse(source: ParseWithDiagnostics): ParseWithDiagnostics {
  // Only a file with syntax errors has positions shared between nodes and diagnostics.
  const shared = source.held.length > 0 ? new Map<SourcePos, SourcePos>() : undefined
  const pos = (p: SourcePos): SourcePos => {
    let copy = shared?.get(p)
    if (copy === undefined) {
      copy = { file: p.file, line: p.line, column: p.column }
      shared?.set(p, copy)
    }
    return copy
  }
  const nodes = (list: ApacheNode[]): ApacheNode[] => {
    const out: ApacheNode[] = new Array(list.length)
    for (let i = 0; i < list.length; i++) {
      const n = list[i]
      if (n.type === 'directive') {
        out[i] = {
          type: 'directive',
          name: n.name,
          args: n.args.slice(),
          line: n.line,
          pos: pos(n.pos),
          segments: segments(n.segments)
        }
        continue
      }
      const section: ApacheSectionNode = {
        type: 'section',
        name: n.name,
        args: n.args.slice(),
        line: n.line,
        children: nodes(n.children),
        pos: pos(n.pos),
        segments: segments(n.segments)
      }
      if (n.end !== undefined) section.end = pos(n.end)
      if (n.unclosedAtEnd) section.unclosedAtEnd = true
      out[i] = section
    }
    return out
  }
  const parse: ApacheParseResult = {
    file: source.parse.file,
    nodes: nodes(source.parse.nodes),
    lineCount: source.parse.lineCount
  }
  const held = source.held.map((d): Diagnostic => (d.pos === undefined ? { ...d } : { ...d, pos: pos(d.pos) }))
  return { parse, held }
}

function segments(list: LineSegment[]): LineSegment[] {
  const out: LineSegment[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const s = list[i]
    out[i] = { offset: s.offset, line: s.line, column: s.column }
  }
  return out
}
