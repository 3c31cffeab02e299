/**
 * What follows a `(` in a PCRE2 pattern: a capturing or named group, a non-capturing group or
 * lookaround, a verb or `(*pla:…)` assertion (pcre-verb.ts), inline options (`(?i)`, `(?^s)`, `(?-i:…)`, `(?n)`, `(?U)`, `(?J)`), a comment,
 * and the constructs JavaScript cannot express (atomic and branch-reset groups, conditions,
 * recursion), which are noted as unsupported and read on, so that an error further on in the
 * pattern is still found as pcre2_compile finds it.
 */

import { checkName, referToGroup } from './pcre-escape'
import type { Progress, Scope } from './pcre-progress'
import { translateVerb } from './pcre-verb'

export type GroupOpen =
  | { kind: 'comment'; next: number }
  | { kind: 'flags-only'; next: number; scope: Scope }
  /** A group whose contents follow; `frame` says how its length counts (pcre-progress.ts). */
  | {
      kind: 'open'
      next: number
      scope: Scope
      js: string
      frame: 'capture' | 'group' | 'lookahead' | 'lookbehind' | 'condition' | 'reset'
      /** A condition that is an assertion (`(?(?=a)…)`), which is read next as a group of its own. */
      assertionFollows?: boolean
    }
  /** A whole item (a recursion or subroutine call). */
  | { kind: 'atom'; next: number; js: string; length: number | null }
  /** A verb or start option (pcre-verb.ts): no character; `repeatable` is false where PCRE2 refuses a quantifier. */
  | { kind: 'verb'; next: number; js: string; repeatable: boolean }

/** Inline option letters; `(?^)` unsets i, m, n, s and x. */
function applyFlags(scope: Scope, caret: boolean, spec: string): Scope {
  const next = caret
    ? {
        ...scope,
        caseless: false,
        multiline: false,
        dotall: false,
        extended: false,
        extendedMore: false,
        noAutoCapture: false
      }
    : { ...scope }
  let on = true
  // `x` once is EXTENDED, twice EXTENDED_MORE; `-x` unsets both.
  if (/^[^-]*x[^-]*x/.test(spec)) next.extendedMore = true
  else if (/^[^-]*x/.test(spec)) next.extendedMore = false
  for (const f of spec) {
    if (f === '-') {
      if (caret || !on) throw new Error('invalid hyphen in option setting')
      on = false
      continue
    }
    if (f === 'i') next.caseless = on
    else if (f === 's') next.dotall = on
    else if (f === 'm') next.multiline = on
    else if (f === 'x') {
      next.extended = on
      if (!on) next.extendedMore = false
    } else if (f === 'n') next.noAutoCapture = on
    else if (f === 'U') next.ungreedy = on
    else if (f === 'J') next.duplicateNames = on
    else throw new Error('unrecognized character after (? or (?-')
  }
  return next
}

export function translateGroupOpen(p: string, pos: number, scope: Scope, progress: Progress): GroupOpen {
  const rest = p.slice(pos)
  if (rest.startsWith('(*') && rest[2] !== ')') {
    const v = translateVerb(p, pos, progress)
    if (v.kind === 'verb') return v
    const frame = v.lookbehind ? 'lookbehind' : v.lookaround ? 'lookahead' : 'group'
    return { kind: 'open', next: v.next, scope, js: v.js, frame }
  }
  if (!rest.startsWith('(?')) {
    if (scope.noAutoCapture) return { kind: 'open', next: pos + 1, scope, js: '(?:', frame: 'group' }
    return { kind: 'open', next: pos + 1, scope, js: '(', frame: 'capture' }
  }
  if (rest.startsWith('(?#')) {
    const end = p.indexOf(')', pos)
    if (end < 0) throw new Error('missing ) after (?# comment')
    return { kind: 'comment', next: end + 1 }
  }
  for (const [prefix, frame] of [
    ['(?:', 'group'],
    ['(?=', 'lookahead'],
    ['(?!', 'lookahead'],
    ['(?<=', 'lookbehind'],
    ['(?<!', 'lookbehind']
  ] as const) {
    if (rest.startsWith(prefix)) return { kind: 'open', next: pos + prefix.length, scope, js: prefix, frame }
  }
  const named = /^\(\?(?:P?<([^>]*)>|'([^']*)')/.exec(rest)
  if (named) return namedGroup(named[1] ?? named[2], pos + named[0].length, scope, progress)
  if (/^\(\?P?</.test(rest) || rest.startsWith("(?'")) {
    throw new Error('syntax error in subpattern name (missing terminator?)')
  }
  const call = /^\(\?(?:(R)|([+-]?\d+)|&([^)]*)|P>([^)]*))\)/.exec(rest)
  if (call) {
    const target = call[2] ?? call[3] ?? call[4]
    if (target !== undefined && target !== '0') referToGroup(target, progress)
    progress.cannot('recursive patterns are not supported')
    const length = call[2] && /^\d+$/.test(call[2]) ? progress.captureLength(parseInt(call[2], 10)) : null
    return { kind: 'atom', next: pos + call[0].length, js: '(?:)', length }
  }
  const flags = /^\(\?(\^?)([A-Za-z-]*)(\)|:)/.exec(rest)
  if (flags) {
    const next = applyFlags(scope, flags[1] === '^', flags[2])
    if (flags[3] === ')') return { kind: 'flags-only', next: pos + flags[0].length, scope: next }
    return { kind: 'open', next: pos + flags[0].length, scope: next, js: '(?:', frame: 'group' }
  }
  if (rest.startsWith('(?>'))
    return cannot(progress, 'atomic groups (?>…) have no JavaScript equivalent', pos + 3, scope)
  if (rest.startsWith('(?|')) {
    progress.cannot('branch reset groups (?|…) are not supported')
    return { kind: 'open', next: pos + 3, scope, js: '(?:', frame: 'reset' }
  }
  if (rest.startsWith('(?(')) return condition(p, pos, scope, progress)
  if (rest.startsWith('(?P=')) {
    const m = /^\(\?P=([^)]*)\)/.exec(rest)
    if (!m) throw new Error('syntax error in subpattern name (missing terminator?)')
    checkName(m[1])
    progress.referToName(m[1])
    progress.backReference(progress.names.get(m[1]))
    return { kind: 'atom', next: pos + m[0].length, js: `\\k<${m[1]}>`, length: null }
  }
  throw new Error('unrecognized character after (? or (?-')
}

function namedGroup(name: string, next: number, scope: Scope, progress: Progress): GroupOpen {
  checkName(name)
  if (progress.names.has(name)) {
    if (!scope.duplicateNames) throw new Error('two named subpatterns have the same name (PCRE2_DUPNAMES not set)')
    progress.cannot('two groups with one name (?J) cannot be expressed in JavaScript')
    return { kind: 'open', next, scope, js: '(', frame: 'capture' }
  }
  progress.names.set(name, progress.groups + 1)
  return { kind: 'open', next, scope, js: `(?<${name}>`, frame: 'capture' }
}

function cannot(progress: Progress, reason: string, next: number, scope: Scope): GroupOpen {
  progress.cannot(reason)
  return { kind: 'open', next, scope, js: '(?:', frame: 'group' }
}

/**
 * `(?(condition)yes|no)`: the condition names a group (`1`, `+1`, `<name>`, `'name'`, `R1`,
 * `R&name`, a bare name), is `R` or `DEFINE`, or is an assertion, read next as a group of its own.
 */
function condition(p: string, pos: number, scope: Scope, progress: Progress): GroupOpen {
  progress.cannot('conditional groups (?(…)…) are not supported')
  const open: GroupOpen = { kind: 'open', next: pos + 2, scope, js: '(?:', frame: 'condition' }
  if (/^\(\?\((?:\?=|\?!|\?<=|\?<!)/.test(p.slice(pos))) return { ...open, assertionFollows: true }
  const end = p.indexOf(')', pos + 3)
  if (end < 0) throw new Error('missing closing parenthesis for condition')
  const text = p.slice(pos + 3, end)
  const m = /^(?:<([^>]*)>|'([^']*)'|R(\d+)|R&(.*))$/.exec(text)
  if (m) referToGroup(m[1] ?? m[2] ?? m[3] ?? m[4], progress)
  else if (text !== 'R' && text !== 'DEFINE') referToGroup(text, progress)
  return { ...open, next: end + 1 }
}
