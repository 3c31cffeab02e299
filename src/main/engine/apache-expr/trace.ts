/** The trace form of one ap_expr evaluation (what `<If>`, SetEnvIfExpr, RewriteCond expr and Header expr= show). */
import type { ExprTrace } from '../../../shared/trace-apache'
import type { ExprBoolResult, ExprStringResult } from './eval'

export function exprTrace(source: string, r: ExprBoolResult | ExprStringResult): ExprTrace {
  return { source, result: r.error ? null : r.value, error: r.error, lookups: r.lookups }
}
