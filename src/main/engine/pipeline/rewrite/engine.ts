/**
 * The rule list (`apply_rewrite_list`) and what Apache does with its result in the
 * translate-name phase for server/vhost rules (`hook_uri2file`) or the fixup phase for
 * directory rules (`hook_fixup`). Quirks kept on purpose:
 * - `[R]` without `[L]` does not stop: later rules see the absolute URL.
 * - A trailing condition with `[OR]` that fails still lets the rule apply.
 * - `-` rules and status rules never count as a rewrite; `[F]`, `[G]`, `[R=4xx]` end at once.
 * - Without `[PT]` a server-context rewrite changes `r->filename` only, never `r->uri`.
 * - `[N]` restarts from the first rule, bounded by `[N=max]` (10000) then 500.
 */
import path from 'node:path'
import type { RewriteRuleTrace, RewriteTrace } from '../../../../shared/trace-apache'
import type { ApacheRequest } from '../../apache-expr'
import { applyRule } from './apply-rule'
import {
  ACTION_NOESCAPE,
  ACTION_NONE,
  ACTION_NORMAL,
  docroot,
  finishDirectory,
  finishServer,
  finishStatus
} from './finish'
import type { RewriteState, RuleEnv } from './state'
import type { CompiledRewrite, CompiledRule } from './compile'
import type { RewriteContext, RewriteOutcome } from './types'
import { TracedRounds } from './traced-rounds'

function emptyRuleTrace(rule: CompiledRule, round: number): RewriteRuleTrace {
  return {
    index: rule.index,
    pos: rule.src.pos,
    round,
    pattern: rule.src.pattern,
    substitution: rule.src.substitution,
    flags: rule.src.flags,
    verdict: 'no-match',
    conds: [],
    effects: []
  }
}

const wheres = new WeakMap<CompiledRule, string>()

/** How a summary names a rule; the same text every time, so made once per rule. */
function where(rule: CompiledRule): string {
  let w = wheres.get(rule)
  if (w === undefined) {
    w = `rule ${rule.index + 1} (${path.basename(rule.src.pos.file)}:${rule.src.pos.line})`
    wheres.set(rule, w)
  }
  return w
}

export function applyRewrites(compiled: CompiledRewrite, req: ApacheRequest, ctx: RewriteContext): RewriteOutcome {
  const perdir = ctx.scope === 'directory' ? (ctx.perdir ?? '/').replace(/\/?$/, '/') : null
  const now = ctx.now ?? new Date()
  const initialFilename = perdir !== null ? (ctx.filename ?? docroot(req) + req.uri) : req.uri
  const state: RewriteState = {
    filename: initialFilename,
    args: req.query === '' ? (req.emptyArgs === true ? '' : null) : req.query,
    pathInfo: perdir !== null ? (ctx.pathInfo ?? '') : '',
    env: { ...ctx.env },
    notes: ctx.notes ? { ...ctx.notes } : {},
    status: 200,
    cookies: [],
    cookieNames: new Set(),
    vary: [],
    uriReduced: false,
    lastSub: null,
    tracing: ctx.quiet !== true,
    log: [],
    touched: null,
    unsafe3F: false
  }
  const trace: RewriteTrace = {
    scope: ctx.scope,
    input: { uri: req.uri, query: req.query },
    rules: [],
    rounds: 1,
    stoppedBy: 'end-of-rules',
    action: 'none',
    summary: '',
    log: state.log
  }
  // Built field by field: object spread is slow in V8 and this runs for every request.
  const outcome = (partial: Partial<RewriteOutcome>, end: boolean): RewriteOutcome => {
    const out: RewriteOutcome = {
      action: partial.action ?? 'none',
      uri: partial.uri ?? req.uri,
      query: state.args ?? '',
      passThrough: partial.passThrough ?? false,
      env: state.env,
      cookies: state.cookies,
      vary: state.vary,
      forcedType: state.forcedType,
      forcedHandler: state.forcedHandler,
      end,
      lastTouched: state.touched?.src.pos,
      trace
    }
    if (partial.filename !== undefined) out.filename = partial.filename
    if (partial.status !== undefined) out.status = partial.status
    if (partial.location !== undefined) out.location = partial.location
    if (partial.proxyTo !== undefined) out.proxyTo = partial.proxyTo
    if (partial.proxyBase !== undefined) out.proxyBase = partial.proxyBase
    if (partial.proxyNoCanon !== undefined) out.proxyNoCanon = partial.proxyNoCanon
    return out
  }

  if (ctx.engineOff || ctx.endFlagSet) {
    trace.stoppedBy = ctx.engineOff ? 'engine-off' : 'end-flag-earlier'
    trace.summary = ctx.engineOff
      ? `RewriteEngine is off here: ${compiled.rules.length} rule(s) not evaluated`
      : 'an earlier [END] ended all rewriting for this request'
    return outcome({}, false)
  }
  if (perdir === null && !req.uri.startsWith('/')) {
    trace.stoppedBy = 'not-a-url-path'
    trace.summary = `the request target "${req.uri}" is not a URL-path, so mod_rewrite declines`
    return outcome({}, false)
  }
  const tracing = state.tracing
  if (tracing) state.log.push(`init rewrite engine with requested uri ${state.filename}`)

  const env: RuleEnv = { req, ctx, perdir, now }
  const rules = compiled.rules
  const limit = 2 * (ctx.limitRequestLine ?? 8190)
  let changed = ACTION_NONE
  let statusSet = false
  let end = false
  let round = 1
  let decisive: CompiledRule | null = null
  /** Rule entries the trace would list, chain-skipped ones aside (for the summary). */
  let tried = 0

  // Made at the first [N] round only: most rule lists never loop, and this runs for every request.
  let rounds: TracedRounds | null = null

  run: for (;;) {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]
      tried++
      const rt = tracing ? emptyRuleTrace(rule, round) : null
      if (rt) trace.rules.push(rt)
      // A subrequest (mod_dir's look-up of an index) skips [NS] and [R] rules, chain or no chain.
      if (req.subrequest === true && (rule.flags.nosubreq || rule.flags.redirect)) {
        if (rt) {
          rt.verdict = 'skip-flag'
          rt.note = `not applied to a subrequest (${rule.flags.nosubreq ? '[NS]' : '[R]'})`
        }
        continue
      }
      if (rule.invalid) {
        state.touched = rule
        if (rt) {
          rt.verdict = 'invalid'
          rt.note = rule.invalid
        }
      }
      const result = rule.invalid ? 'no-match' : applyRule(rule, state, env, rt)
      if (result === 'no-match') {
        while (i < rules.length && rules[i].flags.chain) {
          i++
          if (i < rules.length) {
            state.touched = rules[i]
            if (tracing) {
              const skipped = emptyRuleTrace(rules[i], round)
              skipped.verdict = 'chain-skipped'
              trace.rules.push(skipped)
            }
          }
        }
        continue
      }
      decisive = rule
      if (state.filename.length > limit) {
        state.status = 500
        statusSet = true
        trace.stoppedBy = 'length-limit'
        if (rt) {
          rt.stop = trace.stoppedBy
          rt.note = `the rewritten URL exceeded the maximum length (${limit})`
        }
        break run
      }
      if (result === 'status') {
        statusSet = true
        trace.stoppedBy = state.unsafe3F ? 'unsafe-3f' : 'status'
        if (rt) rt.stop = trace.stoppedBy
        break run
      }
      if (result === 'matched') changed = rule.flags.noescape ? ACTION_NOESCAPE : ACTION_NORMAL
      if (rule.flags.passthrough) {
        if (tracing)
          state.log.push(`forcing '${state.filename}' to get passed through to next API URI-to-filename handler`)
        state.filename = `passthrough:${state.filename}`
        changed = ACTION_NORMAL
        trace.stoppedBy = 'passthrough'
        if (rt) rt.stop = trace.stoppedBy
        break run
      }
      if (rule.flags.end) {
        end = true
        trace.stoppedBy = 'end'
        if (rt) rt.stop = trace.stoppedBy
        break run
      }
      if (rule.flags.proxy || rule.flags.last) {
        trace.stoppedBy = rule.flags.proxy ? 'proxy' : 'last'
        if (rt) rt.stop = trace.stoppedBy
        break run
      }
      if (rule.flags.next) {
        if (round + 1 >= rule.flags.maxRounds) {
          state.status = 500
          statusSet = true
          trace.stoppedBy = 'next-limit'
          if (rt) {
            rt.stop = trace.stoppedBy
            rt.note = `exceeded the maximum number of rounds (${rule.flags.maxRounds}) via the [N] flag`
          }
          break run
        }
        if (tracing) (rounds ??= new TracedRounds(trace, state.log)).ended(round)
        round++
        trace.rounds = round
        continue run
      }
      for (let s = rule.flags.skip; s > 0 && i < rules.length; s--) {
        i++
        if (i < rules.length) {
          tried++
          state.touched = rules[i]
          if (tracing) {
            const skipped = emptyRuleTrace(rules[i], round)
            skipped.verdict = 'skip-flag'
            trace.rules.push(skipped)
          }
        }
      }
    }
    break
  }

  rounds?.finish(round)
  const result = statusSet
    ? finishStatus(state)
    : changed === ACTION_NONE
      ? null
      : perdir === null
        ? finishServer(state, req, changed, ctx)
        : finishDirectory(state, req, changed, initialFilename, perdir, ctx.baseUrl ?? null)
  if (!result) {
    if (tracing) state.log.push(`pass through ${state.filename}`)
    trace.summary = rules.length === 0 ? 'no rewrite rules here' : `${tried} rule(s) tried, none rewrote the URL`
    return outcome({}, end)
  }
  trace.action = result.action ?? 'none'
  const out = outcome(result, end)
  trace.summary = summarise(out, decisive, req, limit)
  return out
}

function summarise(r: RewriteOutcome, rule: CompiledRule | null, req: ApacheRequest, limit: number): string {
  const by = rule ? ` by ${where(rule)}` : ''
  const q = r.query !== '' ? `?${r.query}` : ''
  switch (r.action) {
    case 'status':
      return `answered ${r.status}${by}${rule ? limitExceeded(r.trace.stoppedBy, rule, req, limit) : ''}`
    case 'redirect':
      return `redirect ${r.status} to ${r.location}${by}`
    case 'proxy':
      return `proxied to ${r.proxyTo}${by}`
    case 'passthrough':
      return `rewritten to ${r.uri}${q} and passed on [PT]${by}`
    case 'internal-redirect':
      return `internal redirect to ${r.uri}${q}${by}`
    case 'rewrite':
      return `mapped to the file ${r.filename}${by}; without [PT] the URL stays ${req.uri}`
    default:
      return 'no rewrite'
  }
}

/**
 * httpd's error-log line (AH02596, and the length check's) for a 500 the rule list answered
 * because a limit was reached: without it the summary names a rule and a 500 and not why.
 */
function limitExceeded(
  stop: RewriteTrace['stoppedBy'],
  rule: CompiledRule,
  req: ApacheRequest,
  maxLength: number
): string {
  const which = `: RewriteRule '${rule.src.pattern}' and URI '${req.uri}' exceeded`
  if (stop === 'next-limit') return `${which} maximum number of rounds (${rule.flags.maxRounds}) via the [N] flag`
  if (stop === 'length-limit') return `${which} maximum length (${maxLength})`
  return ''
}
