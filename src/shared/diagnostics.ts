/**
 * Diagnostics: every problem found while loading or validating a configuration.
 * Plain JSON so they cross process boundaries (CLI, IPC, WebSocket) unchanged.
 */

/** A position in a configuration file. Lines and columns are 1-based. */
export interface SourcePos {
  /** Absolute path of the file. */
  file: string
  line: number
  column: number
}

export type Severity = 'error' | 'warning' | 'info'

/**
 * Where a diagnostic comes from:
 * - `syntax`: the file could not be read as the grammar requires (dispatcher.any or Apache).
 * - `include`: `$include` / `Include` resolution (missing file, loop, bomb, empty glob).
 * - `model`: the structure parses but a property is unknown, misplaced or has a bad value
 *   (what mod_dispatcher reports as "entry not recognized").
 * - `sdk`: the AEMaaCS SDK validator's rules (dispatcher-behavior.md §11.2), reported apart
 *   because they only apply to Cloud deployments.
 * - `pitfall`: legal configuration that behaves surprisingly (dispatcher-behavior.md §10).
 */
export type DiagnosticCategory = 'syntax' | 'include' | 'model' | 'sdk' | 'pitfall'

export interface Diagnostic {
  severity: Severity
  /** Stable machine-readable code, e.g. `ANY_UNCLOSED_BRACE`. Never reworded once released. */
  code: string
  category: DiagnosticCategory
  message: string
  /** Absent only for problems that belong to no file (e.g. "no farm found"). */
  pos?: SourcePos
}

export function formatDiagnostic(d: Diagnostic, relativeTo?: (file: string) => string): string {
  const where = d.pos ? `${relativeTo ? relativeTo(d.pos.file) : d.pos.file}:${d.pos.line}:${d.pos.column}` : '<config>'
  return `${where}: ${d.severity} ${d.code} ${d.message}`
}

/** Collects diagnostics; shared by every loader stage so the order is the order of discovery. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = []

  add(d: Diagnostic): void {
    this.items.push(d)
  }

  error(code: string, category: DiagnosticCategory, message: string, pos?: SourcePos): void {
    this.items.push({ severity: 'error', code, category, message, pos })
  }

  warn(code: string, category: DiagnosticCategory, message: string, pos?: SourcePos): void {
    this.items.push({ severity: 'warning', code, category, message, pos })
  }

  info(code: string, category: DiagnosticCategory, message: string, pos?: SourcePos): void {
    this.items.push({ severity: 'info', code, category, message, pos })
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error')
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning')
  }
}

/**
 * The diagnostics without repeats, in the order first found. A file `$include`d by two farms is
 * read, and checked, once per farm; the same finding at the same place is one thing to fix.
 */
export function uniqueDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  return items.filter((d) => {
    const p = d.pos
    const key = JSON.stringify([d.code, d.severity, d.category, p?.file, p?.line, p?.column, d.message])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** `default.vhost:42`: how trace lines name a directive's place (the file's name, not its path). */
export function shortPos(pos: SourcePos): string {
  return `${pos.file.split(/[\\/]/).pop()}:${pos.line}`
}
