/**
 * Compile a vhost's (or scope's) RewriteRules once: regexes translated from PCRE, flags parsed,
 * conditions classified, substitutions pre-split into template parts. Everything Apache would
 * refuse at startup is a problem here and the rule is kept but marked invalid, so the trace can
 * still show it with the reason instead of silently dropping it.
 */
import type { RewriteCond, RewriteMapDef, RewriteRule } from '../../../../shared/config-model'
import type { Diagnostic, DiagnosticCategory, Severity, SourcePos } from '../../../../shared/diagnostics'
import { compilePcre, toByteString } from '../../apache-expr'
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
  /**
   * How a substitution written with a trailing `?` is split (httpd 2.4.60+, checked against
   * 2.4.68): without [QSA] that `?` is dropped and nothing is split off, the query discarded
   * (`none`); with [QSA] the split is at the last `?` (`last`). `first` otherwise.
   */
  querySplit: 'first' | 'last' | 'none'
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

/**
 * httpd's start-up refusals of rules nothing compiles for serving (a vhost's whose engine is
 * off, the server's that no vhost inherits): it compiles every rule as it reads it, engine on
 * or off. Only the refusals: how a rule that never runs would behave is nobody's concern.
 */
export function ruleRefusals(rules: RewriteRule[]): Diagnostic[] {
  return compileRewriteRules(rules).problems.filter((d) => d.severity === 'error')
}

/** The same for RewriteConds with no RewriteRule after them: httpd compiles each condition as it reads it. */
export function condRefusals(conds: RewriteCond[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const c of conds) {
    const problem = condProblem(compileCond(c))
    if (problem?.severity === 'error') out.push(problem)
  }
  return out
}

/** Why a condition is never evaluated: httpd's refusal (an error), or what the workbench cannot do (a warning). */
function condProblem(cc: CompiledCond): Diagnostic | undefined {
  if (!cc.problem) return undefined
  const { message, unsupported } = cc.problem
  return unsupported
    ? diag('warning', 'REWRITE_UNSUPPORTED', message, cc.src.pos)
    : diag('error', 'REWRITE_BAD_COND', message, cc.src.pos)
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
  // Matched against r->uri, which holds bytes: the pattern's UTF-8 text as its bytes too.
  const re = compilePcre(toByteString(pattern), { caseless: flags.nocase })
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
    const problem = condProblem(cc)
    if (problem) {
      problems.push(problem)
      invalid ??= problem.message
    }
    checkNames(cc.input, c.pos, mapNames, problems)
    return cc
  })

  const noSub = src.substitution === '-'
  const trailingQuestion = !noSub && src.substitution.length > 1 && src.substitution.endsWith('?')
  const querySplit = !trailingQuestion ? 'first' : flags.qsappend ? 'last' : 'none'
  const substitution = noSub
    ? null
    : parseTemplate(querySplit === 'none' ? src.substitution.slice(0, -1) : src.substitution)
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
    querySplit,
    flags,
    env,
    cookies,
    type: flags.type !== undefined ? parseTemplate(flags.type) : undefined,
    handler: flags.handler !== undefined ? parseTemplate(flags.handler) : undefined,
    conds,
    invalid
  }
}
