/**
 * What follows `(*` in a PCRE2 pattern (pcre2_compile 10.42): an option that only the start of
 * the pattern may set (`(*UTF)`, `(*NO_JIT)`, `(*LIMIT_MATCH=10)`), a backtracking verb
 * (`(*FAIL)`, `(*MARK:name)`, `(*:name)`, `(*COMMIT)` …, whose argument runs to the first `)`
 * whatever it holds), or an alphabetic assertion (`(*pla:…)` for `(?=…)`, `(*atomic:…)` …).
 * Anything else there is refused as PCRE2 refuses it.
 */

import type { Progress } from './pcre-progress'

/** Options that change nothing for a match the workbench makes (limits, optimisations). */
const HARMLESS_START =
  /^(?:NO_JIT|NO_START_OPT|NO_AUTO_POSSESS|NO_DOTSTAR_ANCHOR|LIMIT_(?:MATCH|DEPTH|HEAP|RECURSION)=\d+)$/
/** Options that change how the pattern reads or matches (UTF, newline conventions, …). */
const OTHER_START = /^(?:UTF8?|UCP|NOTEMPTY|NOTEMPTY_ATSTART|CR|LF|CRLF|ANY|ANYCRLF|NUL|BSR_ANYCRLF|BSR_UNICODE)$/
const VERBS = /^(?:ACCEPT|FAIL|F|COMMIT|PRUNE|SKIP|THEN|MARK|)$/

const ALPHA_ASSERTIONS: Record<string, string> = {
  pla: '(?=',
  positive_lookahead: '(?=',
  nla: '(?!',
  negative_lookahead: '(?!',
  plb: '(?<=',
  positive_lookbehind: '(?<=',
  nlb: '(?<!',
  negative_lookbehind: '(?<!'
}
const UNSUPPORTED_ASSERTIONS = new Set([
  'atomic',
  'sr',
  'asr',
  'script_run',
  'atomic_script_run',
  'napla',
  'naplb',
  'non_atomic_positive_lookahead',
  'non_atomic_positive_lookbehind'
])

export type VerbOpen =
  /** An option or verb: `js` stands for it; `repeatable` is false where PCRE2 refuses a quantifier after it. */
  | { kind: 'verb'; next: number; js: string; repeatable: boolean }
  /** An alphabetic assertion or group: `js` opens it (a `(?:` for the unsupported ones). */
  | { kind: 'assertion'; next: number; js: string; lookbehind: boolean; lookaround: boolean }

/** `p[pos]` is `(` and `p[pos + 1]` is `*`, not followed by `)`. */
export function translateVerb(p: string, pos: number, progress: Progress): VerbOpen {
  const alpha = /^\(\*([a-z_]+):/.exec(p.slice(pos))
  if (/^[a-z]/.test(p[pos + 2])) {
    const name = alpha?.[1] ?? ''
    const next = pos + (alpha?.[0].length ?? 0)
    const js = ALPHA_ASSERTIONS[name]
    if (js) return { kind: 'assertion', next, js, lookbehind: js.startsWith('(?<'), lookaround: true }
    if (!UNSUPPORTED_ASSERTIONS.has(name)) throw new Error('(*alpha_assertion) not recognized')
    progress.cannot(`(*${name}:…) is not supported`)
    return { kind: 'assertion', next, js: '(?:', lookbehind: false, lookaround: false }
  }
  const end = p.indexOf(')', pos)
  if (end < 0) throw new Error('(*VERB) not recognized or malformed')
  const text = p.slice(pos + 2, end)
  const atStart = /^(?:\(\*[A-Z_0-9=]+\))*$/.test(p.slice(0, pos))
  if (atStart && (HARMLESS_START.test(text) || OTHER_START.test(text))) {
    if (OTHER_START.test(text)) progress.cannot(`the start option (*${text}) is not supported`)
    return { kind: 'verb', next: end + 1, js: '', repeatable: false }
  }
  const colon = text.indexOf(':')
  const verb = colon < 0 ? text : text.slice(0, colon)
  if (!VERBS.test(verb)) throw new Error('(*VERB) not recognized or malformed')
  if ((verb === 'MARK' || verb === '') && (colon < 0 || colon === text.length - 1)) {
    throw new Error('(*MARK) must have an argument')
  }
  // A mark only names the path for the caller, which httpd never reads; (*FAIL) never matches.
  if (verb === 'FAIL' || verb === 'F') return { kind: 'verb', next: end + 1, js: '(?!)', repeatable: false }
  if (verb !== 'MARK' && verb !== '') progress.cannot(`the backtracking verb (*${verb}) is not supported`)
  if (verb === 'ACCEPT') return { kind: 'verb', next: end + 1, js: '(?:)', repeatable: true }
  return { kind: 'verb', next: end + 1, js: '', repeatable: false }
}
