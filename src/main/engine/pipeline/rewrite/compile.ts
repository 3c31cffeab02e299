/**
 * Compile a vhost's (or scope's) RewriteRules once: regexes translated from PCRE, flags parsed,
 * conditions classified, substitutions pre-split into template parts. Everything Apache would
 * refuse at startup is a problem here and the rule is kept but marked invalid, so the trace can
 * still show it with the reason instead of silently dropping it.
 */
import type { RewriteMapDef, RewriteRule } from '../../../../shared/config-model'
import type { Diagnostic, DiagnosticCategory, Severity, SourcePos } from '../../../../shared/diagnostics'
import { compilePcre } from '../../apache-expr'
import { compileCond, type CompiledCond } from './cond'
import { parseRuleFlags, type RuleFlags } from './flags'
import { parseTemplate, templateNames, type TemplatePart } from './template'
import { isKnownRewriteVariable } from './variables'

export interface CompiledRule {
  src: RewriteRule
  index: number
  regex: RegExp | null
  negate: boolean
  /** `null` for `-` (no substitution). */
  substitution: TemplatePart[] | null
  /** The substitution as written (prefix_stat compares its start with the result's first segment). */
  output: string
  flags: RuleFlags
  env: TemplatePart[][]
  cookies: TemplatePart[][]
  type?: TemplatePart[]
  handler?: TemplatePart[]
  conds: CompiledCond[]
  /** Why the rule is never applied (compile error or unsupported feature). */
  invalid?: string
}

export interface CompiledRewrite {
  rules: CompiledRule[]
  problems: Diagnostic[]
}

function diag(
  severity: Severity,
  code: string,
  message: string,
  pos: SourcePos,
  category: DiagnosticCategory = 'model'
): Diagnostic {
  return { severity, code, category, message, pos }
}

export function compileRewriteRules(rules: RewriteRule[], maps: RewriteMapDef[] = []): CompiledRewrite {
  const problems: Diagnostic[] = []
  const mapNames = new Set(maps.map((m) => m.name))
  const compiled = rules.map((src, index) => compileRule(src, index, mapNames, problems))
  return { rules: compiled, problems }
}

function checkNames(parts: TemplatePart[], pos: SourcePos, mapNames: Set<string>, problems: Diagnostic[]): void {
  const { vars, maps } = templateNames(parts)
  for (const v of vars) {
    if (!isKnownRewriteVariable(v)) {
      problems.push(
        diag(
          'warning',
          'REWRITE_UNKNOWN_VARIABLE',
          `%{${v}} is not a mod_rewrite variable: it expands to ""`,
          pos,
          'pitfall'
        )
      )
    }
  }
  for (const m of maps) {
    if (!mapNames.has(m)) {
      problems.push(
        diag(
          'warning',
          'REWRITE_UNDEFINED_MAP',
          `RewriteMap "${m}" is not defined here: the lookup finds nothing`,
          pos,
          'pitfall'
        )
      )
    }
  }
}

function compileRule(src: RewriteRule, index: number, mapNames: Set<string>, problems: Diagnostic[]): CompiledRule {
  const parsed = parseRuleFlags(src.flags)
  const flags = parsed.flags
  let invalid: string | undefined
  for (const e of parsed.errors) {
    problems.push(diag('error', 'REWRITE_BAD_FLAG', `RewriteRule: ${e}`, src.pos))
    invalid ??= `RewriteRule: ${e}`
  }
  for (const w of parsed.warnings) problems.push(diag('warning', 'REWRITE_FLAG_IGNORED', `RewriteRule: ${w}`, src.pos))

  let pattern = src.pattern
  const negate = pattern.startsWith('!')
  if (negate) pattern = pattern.slice(1)
  const re = compilePcre(pattern, { caseless: flags.nocase })
  let regex: RegExp | null = null
  if (re.ok) regex = re.regex
  else {
    const message = re.unsupported
      ? `RewriteRule pattern '${pattern}' uses ${re.error}`
      : `RewriteRule: cannot compile regular expression '${pattern}': ${re.error}`
    problems.push(
      diag(
        re.unsupported ? 'warning' : 'error',
        re.unsupported ? 'REWRITE_UNSUPPORTED' : 'REWRITE_BAD_REGEX',
        message,
        src.pos
      )
    )
    invalid ??= message
  }

  const conds = src.conds.map((c) => {
    const cc = compileCond(c)
    for (const w of cc.warnings) problems.push(diag('warning', 'REWRITE_NC_IGNORED', w, c.pos))
    if (cc.problem) {
      const code = cc.problem.unsupported ? 'REWRITE_UNSUPPORTED' : 'REWRITE_BAD_COND'
      problems.push(diag(cc.problem.unsupported ? 'warning' : 'error', code, cc.problem.message, c.pos))
      invalid ??= cc.problem.message
    }
    checkNames(cc.input, c.pos, mapNames, problems)
    return cc
  })

  const noSub = src.substitution === '-'
  const substitution = noSub ? null : parseTemplate(src.substitution)
  if (substitution) checkNames(substitution, src.pos, mapNames, problems)
  const env = flags.env.map((e) => parseTemplate(e))
  const cookies = flags.cookies.map((c) => parseTemplate(c))
  for (const t of [...env, ...cookies]) checkNames(t, src.pos, mapNames, problems)
  if (flags.next && flags.maxRounds <= 1) {
    problems.push(
      diag('warning', 'REWRITE_NEXT_LIMIT', `RewriteRule: [N=${flags.maxRounds}] allows no second round`, src.pos)
    )
  }
  return {
    src,
    index,
    regex,
    negate,
    substitution,
    output: src.substitution,
    flags,
    env,
    cookies,
    type: flags.type !== undefined ? parseTemplate(flags.type) : undefined,
    handler: flags.handler !== undefined ? parseTemplate(flags.handler) : undefined,
    conds,
    invalid
  }
}
