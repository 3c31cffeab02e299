/**
 * Where `apache2 -t` names a directive written over several physical lines (backslash
 * continuations): the last of them, the line its reader had reached. The model and the trace
 * keep the first line (where the directive starts); only diagnostics move. The loader notes each
 * continued line's position object; diagnostics made with that very object (the loader's, and the
 * compile check's, which uses the model's positions) are reported at the last line.
 */
import type { Diagnostic, SourcePos } from '../../../../shared/diagnostics'
import type { LineSegment } from './ast'

const lastLine = new WeakMap<SourcePos, SourcePos>()

/** Notes a directive's or section's position, when its line continues over several physical lines. */
export function noteContinued(pos: SourcePos, segments: readonly LineSegment[]): void {
  if (segments.length < 2 || lastLine.has(pos)) return
  const last = segments[segments.length - 1]
  lastLine.set(pos, { file: pos.file, line: last.line, column: last.column })
}

/** The position a diagnostic names: the last physical line of a continued directive, else `pos`. */
export function reportedPos(pos: SourcePos): SourcePos {
  return lastLine.get(pos) ?? pos
}

/** The diagnostics, from `from` on, with continued directives' positions moved to their last line. */
export function atReportedLines(items: Diagnostic[], from = 0): void {
  for (let i = from; i < items.length; i++) {
    const pos = items[i].pos
    const moved = pos && lastLine.get(pos)
    if (moved) items[i] = { ...items[i], pos: moved }
  }
}
