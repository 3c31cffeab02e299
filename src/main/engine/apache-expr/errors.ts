import type { Diagnostic, SourcePos } from '../../../shared/diagnostics'

/**
 * `EXPR_SYNTAX`: Apache itself would refuse the configuration (its parser or its name lookup
 * fails, e.g. "Variable 'FOO' does not exist"). `EXPR_UNSUPPORTED`: Apache accepts it but the
 * workbench cannot evaluate it faithfully (sub-requests, LDAP, SSL internals).
 */
export type ExprErrorCode = 'EXPR_SYNTAX' | 'EXPR_UNSUPPORTED'

export class ExprError extends Error {
  readonly code: ExprErrorCode
  /** 1-based column in the expression source. */
  readonly column: number

  constructor(code: ExprErrorCode, message: string, column: number) {
    super(message)
    this.name = 'ExprError'
    this.code = code
    this.column = column
  }
}

/**
 * A parse failure as a configuration diagnostic (for `<If>`, `Require expr`, …): a syntax error is
 * what stops Apache from starting, an unsupported feature is a warning.
 */
export function exprDiagnostic(error: ExprError, pos: SourcePos, what: string): Diagnostic {
  const unsupported = error.code === 'EXPR_UNSUPPORTED'
  return {
    severity: unsupported ? 'warning' : 'error',
    code: error.code,
    category: 'model',
    message: `${what}: ${error.message} (column ${error.column})`,
    pos
  }
}
