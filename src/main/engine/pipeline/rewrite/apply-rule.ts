/**
 * One RewriteRule against the current state (`apply_rewrite_rule` + `apply_rewrite_cond`).
 * The order is mod_rewrite's: the pattern first, then the conditions (each TestString expanded
 * with the captures so far; `%N` are the last matched condition's), then the substitution, then
 * `[E=]` and `[CO=]`, then query splitting, proxy/redirect decisions and self-reduction.
 */
import type { RewriteRuleTrace } from '../../../../shared/trace-apache'
import { envSet, envUnset, escapeUri, type ApacheRequest } from '../../apache-expr'
import { CONTROL_OR_SPACE } from '../../apache-expr/uri-escape'
import type { CompiledRule } from './compile'
import { condKind } from './cond'
import { buildRewriteCookie } from './cookie'
import { addVary, captures, evaluateCond, shownCaptures } from './eval-cond'
import { Expander, type ExpandScope } from './expand'
import type { RewriteState, RuleEnv, RuleResult } from './state'
import { absoluteUriScheme, fullyQualify, reduceUri, splitQuery, type QuerySplit } from './uri'

function log(state: RewriteState, line: string): void {
  if (state.log.length < 500) state.log.push(line)
}

/**
 * Apply one rule; the trace entry is filled in place. Without a trace entry (`state.tracing`
 * off) only the decision is made: no log line, no trace text (see `applyRewrites`).
 */
export function applyRule(
  rule: CompiledRule,
  state: RewriteState,
  env: RuleEnv,
  trace: RewriteRuleTrace | null
): RuleResult {
  const { flags } = rule
  const isProxyReq = env.perdir !== null && state.filename.startsWith('proxy:')
  let subject = state.filename
  if (env.perdir !== null) {
    if (state.pathInfo) subject += state.pathInfo
    if (!isProxyReq && subject.startsWith(env.perdir)) subject = subject.slice(env.perdir.length)
  }
  if (trace) {
    trace.subject = subject
    log(state, `applying pattern '${rule.src.pattern}' to uri '${subject}'`)
  }
  const m = (rule.regex as RegExp).exec(subject)
  if ((m !== null) === rule.negate) {
    if (trace) trace.verdict = 'no-match'
    return 'no-match'
  }
  const scope: ExpandScope = {
    req: env.req,
    env: state.env,
    notes: state.notes,
    osEnv: env.ctx.osEnv ?? {},
    filename: state.filename,
    pathInfo: state.pathInfo,
    args: state.args,
    now: env.now,
    maps: env.ctx.maps,
    ruleCaptures: rule.negate || !m ? null : captures(m),
    condCaptures: null
  }
  if (trace) trace.captures = shownCaptures(scope.ruleCaptures)
  const exp = new Expander(scope, trace !== null)
  const ruleVary: string[] = []
  const conds = rule.conds
  for (let i = 0; i < conds.length; i++) {
    const c = conds[i]
    const out = evaluateCond(c, exp, state, env, trace !== null)
    if (trace && out.trace) {
      trace.conds.push(out.trace)
      log(
        state,
        `RewriteCond: input='${out.trace.expanded ?? c.src.pattern}' pattern='${c.src.pattern}'${c.nocase ? ' [NC]' : ''} => ${out.rc ? 'matched' : 'not-matched'}`
      )
    }
    if (out.captures) scope.condCaptures = out.captures
    let varyThis = exp.takeHeaders()
    if (c.novary) varyThis = []
    if (c.ornext) {
      if (!out.rc) continue
      while (i < conds.length && conds[i].ornext) {
        i++
        if (trace && i < conds.length) {
          const skipped = conds[i]
          trace.conds.push({
            pos: skipped.src.pos,
            testString: skipped.src.testString,
            pattern: skipped.src.pattern,
            kind: condKind(skipped),
            negated: skipped.negate,
            flags: skipped.flags,
            result: false,
            skipped: 'or-satisfied'
          })
        }
      }
    } else if (!out.rc) {
      if (trace) trace.verdict = 'conds-failed'
      state.touched = rule
      return 'no-match'
    }
    addVary(ruleVary, varyThis)
  }
  addVary(state.vary, ruleVary)

  const noSub = rule.substitution === null || flags.statusOnly
  let expansion: { text: string; literalQuestionMarks: number[] } | null = null
  let querySplit: QuerySplit | null = null
  if (!noSub) {
    expansion = exp.expand(
      rule.substitution as NonNullable<CompiledRule['substitution']>,
      flags.escapeBackrefs ? flags.backrefOptions : null
    )
    exp.takeHeaders()
    if (trace) {
      trace.expanded = expansion.text
      log(state, `rewrite '${subject}' -> '${expansion.text}'`)
    }
    const split = (querySplit =
      rule.querySplit === 'none'
        ? { filename: expansion.text, args: null, at: -1 }
        : splitQuery(expansion.text, state.args, rule.querySplit === 'last' ? { ...flags, qslast: true } : flags))
    if (trace && rule.querySplit === 'none') log(state, 'discarding query string, no parse from substitution')
    // Not split, a `?` an expansion made is still checked, as the one a split would be at.
    const checkedAt = rule.querySplit === 'none' ? expansion.text.indexOf('?') : split.at
    // Apache >= 2.4.60 (CVE-2024-38474), as 2.4.63 tracks question marks: the "?" that splits
    // off the query must be one the substitution wrote; one that came out of an expansion ($N of
    // a decoded %3f, %N, a variable, a map value) is refused, whatever the request held, before
    // the rule's [E=] and [CO=] take effect (checked against apache2 2.4.68).
    if (checkedAt >= 0 && !expansion.literalQuestionMarks.includes(checkedAt)) {
      if (!flags.unsafeAllow3F) {
        state.status = 403
        state.unsafe3F = true
        state.touched = rule
        if (trace) {
          trace.verdict = 'applied'
          trace.effects.push('status 403')
          trace.note = `the "?" that would start the query came out of an expansion, not the substitution's own text: httpd refuses that (AH10508) unless the rule has [UnsafeAllow3F]`
          log(state, 'Unsafe URL with %3f URL rewritten without UnsafeAllow3F')
        }
        return 'status'
      }
    }
  }
  for (const e of rule.env) {
    const item = exp.expand(e).text
    if (item.startsWith('!')) {
      envUnset(state.env, item.slice(1))
      if (trace) {
        trace.effects.push(`unset env ${item.slice(1)}`)
        log(state, `unsetting env variable '${item.slice(1)}'`)
      }
    } else {
      const colon = item.indexOf(':')
      const name = colon < 0 ? item : item.slice(0, colon)
      const value = colon < 0 ? '' : item.slice(colon + 1)
      envSet(state.env, name, value)
      if (trace) {
        trace.effects.push(`set env ${name}="${value}"`)
        log(state, `setting env variable '${name}' to '${value}'`)
      }
    }
  }
  for (const spec of rule.cookies) {
    const cookie = buildRewriteCookie(exp.expand(spec).text, env.now)
    if (!cookie) {
      trace?.effects.push('cookie ignored (a cookie needs name:value:domain)')
    } else if (state.cookieNames.has(cookie.name)) {
      trace?.effects.push(`cookie ${cookie.name} already set`)
    } else {
      state.cookieNames.add(cookie.name)
      state.cookies.push(cookie.header)
      trace?.effects.push(`Set-Cookie: ${cookie.header}`)
    }
  }
  if (trace) {
    for (const n of exp.notes) trace.note = trace.note ? `${trace.note}; ${n}` : n
    trace.verdict = 'applied'
  }
  state.touched = rule

  const forceTypeHandler = (): void => {
    if (rule.type) {
      const t = exp.expand(rule.type, flags.escapeBackrefs ? flags.backrefOptions : null).text.toLowerCase()
      if (t) {
        state.forcedType = t
        trace?.effects.push(`type ${t}`)
      }
    }
    if (rule.handler) {
      const h = exp.expand(rule.handler, flags.escapeBackrefs ? flags.backrefOptions : null).text.toLowerCase()
      if (h) {
        state.forcedHandler = h
        trace?.effects.push(`handler ${h}`)
      }
    }
  }

  if (noSub) {
    forceTypeHandler()
    if (flags.statusOnly) {
      state.status = flags.status
      if (trace) {
        trace.effects.push(`status ${flags.status}`)
        log(state, `forcing responsecode ${flags.status} for ${state.filename}`)
      }
      return 'status'
    }
    if (trace) trace.result = { path: state.filename, query: state.args ?? '' }
    return 'matched-nosub'
  }

  const text = (expansion as { text: string }).text
  state.filename = text
  if (env.perdir !== null && flags.discardPathInfo) state.pathInfo = ''
  const split = querySplit as QuerySplit
  if (trace && split.at >= 0) log(state, `split uri=${text} -> uri=${split.filename}, args=${split.args ?? '<none>'}`)
  // Apache >= 2.4.56 (CVE-2023-25690): a rewritten query string with a space or a control
  // character is refused unless a redirect will escape it (AH10411). Checked against 2.4.71.
  if (
    split.at >= 0 &&
    split.args !== null &&
    CONTROL_OR_SPACE.test(split.args) &&
    !(flags.redirect && !flags.noescape)
  ) {
    state.status = 403
    if (trace) {
      trace.effects.push('status 403')
      trace.note = 'Rewritten query string contains control characters or spaces'
      log(state, 'Rewritten query string contains control characters or spaces')
    }
    return 'status'
  }
  state.filename = split.filename
  state.args = split.args
  if (env.perdir === null) {
    state.lastSub = { output: rule.output, unsafePrefixStat: flags.unsafePrefixStat }
    // A server-context result is a URL-path: one without its slash gets it (checked against apache2 2.4.68).
    if (!flags.proxy && !state.filename.startsWith('/') && absoluteUriScheme(state.filename).length === 0) {
      if (trace) log(state, `add root prefix: ${state.filename} -> /${state.filename}`)
      state.filename = '/' + state.filename
    }
  }

  if (
    env.perdir !== null &&
    !isProxyReq &&
    !state.filename.startsWith('/') &&
    absoluteUriScheme(state.filename).length === 0
  ) {
    if (trace) log(state, `add per-dir prefix: ${state.filename} -> ${env.perdir}${state.filename}`)
    state.filename = env.perdir + state.filename
  }
  if (flags.proxy) {
    if (env.perdir !== null && !flags.noescape) state.filename = escapeUri(state.filename)
    state.filename = `proxy:${qualified(state.filename, env.req)}`
    if (trace) {
      trace.effects.push(`proxy to ${state.filename.slice(6)}`)
      log(state, `forcing proxy-throughput with ${state.filename.slice(6)}`)
      trace.result = { path: state.filename.slice(6), query: state.args ?? '' }
    }
    return 'matched'
  }
  if (flags.redirect) {
    state.filename = qualified(state.filename, env.req)
    state.status = flags.status
    if (trace) {
      trace.effects.push(`redirect ${flags.status}`)
      log(state, `explicitly forcing redirect with ${state.filename}`)
      trace.result = { path: state.filename, query: state.args ?? '' }
    }
    return 'matched'
  }
  // A local result's leading slashes are one, unless [UNC] or the substitution wrote them
  // itself (a redirect or proxy URL keeps them; checked against apache2 2.4.68).
  if (env.perdir === null && !flags.unc && state.filename.startsWith('//') && !rule.output.startsWith('//'))
    state.filename = state.filename.replace(/^\/+/, '/')
  const isThisServer =
    env.ctx.isThisServer ??
    ((host: string, port: number) =>
      host.toLowerCase() === env.req.serverName.toLowerCase() && port === env.req.serverPort)
  const reduced = reduceUri(state.filename, env.req, isThisServer)
  if (reduced !== null) {
    if (trace) {
      log(state, `reduce ${state.filename} -> ${reduced}`)
      trace.effects.push(`reduced to ${reduced} (the URL names this server)`)
    }
    state.filename = reduced
    state.uriReduced = true
  }
  if (absoluteUriScheme(state.filename).length > 0) {
    state.status = flags.status
    if (trace) {
      trace.effects.push(`redirect ${flags.status} (the substitution is an absolute URL)`)
      log(state, `implicitly forcing redirect (rc=${flags.status}) with ${state.filename}`)
      trace.result = { path: state.filename, query: state.args ?? '' }
    }
    return 'matched'
  }
  forceTypeHandler()
  if (trace) trace.result = { path: state.filename, query: state.args ?? '' }
  return 'matched'
}

/**
 * mod_rewrite's `fully_qualify_uri`, with its own guard: a CONNECT's relative `[R]` or `[P]`
 * target stays relative, so a redirect is then taken as a local path (apache2 2.4.68:
 * `CONNECT host:80` under `RewriteRule ^/$ /x [R]` maps to `/x`, no redirect).
 */
function qualified(filename: string, req: ApacheRequest): string {
  return req.method === 'CONNECT' ? filename : fullyQualify(filename, req)
}
