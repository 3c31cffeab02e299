/**
 * The include-bomb guard, decided before anything is evaluated. DOT refuses a configuration
 * whose includes expand to more than 1,000,000 lines; its own fixture includes one file
 * 7,810 times. Evaluating copy after copy until the count runs out takes seconds, so we
 * first add up, per file and memoised, the lines every Include would bring in (whatever
 * branch it sits in), and refuse at the Include where the running total crosses the limit.
 * A cycle contributes nothing here; the nesting-depth limit reports it during evaluation.
 */
import type { SourcePos } from '../../../../shared/diagnostics'
import type { ApacheDirectiveNode, ApacheNode, ApacheParseResult } from './ast'
import { isIncludeDirective } from './parser'

export interface BudgetSources {
  parse(file: string): ApacheParseResult | undefined
  /** Files an Include/IncludeOptional line names (after `${VAR}` expansion), in include order. */
  targets(include: ApacheDirectiveNode): string[]
}

export interface BudgetOverrun {
  /** The Include in the root file (or the root itself) at which the total passes the limit. */
  pos: SourcePos
  /** The file that Include brings in. */
  file: string
  total: number
}

export function checkIncludeBudget(
  root: string,
  maxLines: number,
  maxDepth: number,
  src: BudgetSources
): BudgetOverrun | undefined {
  const totals = new Map<string, number>()
  const inProgress = new Set<string>()

  const includesOf = (nodes: ApacheNode[], out: ApacheDirectiveNode[]): void => {
    for (const n of nodes) {
      if (n.type === 'section') includesOf(n.children, out)
      else if (isIncludeDirective(n.name)) out.push(n)
    }
  }

  const total = (file: string, depth: number): number => {
    const known = totals.get(file)
    if (known !== undefined) return known
    if (inProgress.has(file) || depth > maxDepth) return 0
    const parse = src.parse(file)
    if (!parse) return 0
    inProgress.add(file)
    let sum = parse.lineCount
    const includes: ApacheDirectiveNode[] = []
    includesOf(parse.nodes, includes)
    for (const inc of includes) {
      for (const t of src.targets(inc)) {
        sum += total(t, depth + 1)
        if (sum > maxLines) break
      }
      if (sum > maxLines) break
    }
    inProgress.delete(file)
    totals.set(file, sum)
    return sum
  }

  const rootParse = src.parse(root)
  if (!rootParse) return undefined
  let running = rootParse.lineCount
  const includes: ApacheDirectiveNode[] = []
  includesOf(rootParse.nodes, includes)
  inProgress.add(root)
  for (const inc of includes) {
    for (const t of src.targets(inc)) {
      running += total(t, 1)
      if (running > maxLines) return { pos: inc.pos, file: t, total: running }
    }
  }
  return undefined
}
