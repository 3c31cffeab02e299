/**
 * A TestString or Substitution split into the parts mod_rewrite's `do_expand` recognises, in one
 * left-to-right pass (the result of one expansion is never expanded again):
 * `\c` (the character c), `%{VAR}`, `${map:key|default}` (key and default are templates
 * themselves), `$N` (rule capture), `%N` (last matched condition's capture). A `%{` or `${`
 * without its closing brace, or `${…}` without a `:`, is literal text.
 */

import { textMemo } from '../../text-memo'
import { toByteString } from '../../apache-expr'

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string }
  | { kind: 'map'; map: string; key: TemplatePart[]; fallback: TemplatePart[] | null; raw: string }
  | { kind: 'rule-ref'; n: number }
  | { kind: 'cond-ref'; n: number }

/** Index of the `}` closing the brace opened just before `from`, or -1. */
function closingCurly(s: string, from: number): number {
  let depth = 1
  for (let i = from; i < s.length; i++) {
    if (s[i] === '}' && --depth === 0) return i
    if (s[i] === '{') depth++
  }
  return -1
}

/** Index of `ch` at brace depth 1 (not inside a nested `{…}`), or -1. */
function charInCurlies(s: string, ch: string): number {
  let depth = 1
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ch && depth === 1) return i
    if (s[i] === '}' && --depth === 0) return -1
    if (s[i] === '{') depth++
  }
  return -1
}

/** Remembered by text (text-memo.ts): the parts are shared, so read-only. */
export const parseTemplate = textMemo(parseUncached)

function parseUncached(s: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  let text = ''
  const flush = (): void => {
    // Configuration text joins request data (byte strings): it becomes the bytes httpd reads.
    if (text) parts.push({ kind: 'text', text: toByteString(text) })
    text = ''
  }
  let i = 0
  while (i < s.length) {
    const c = s[i]
    if (c !== '\\' && c !== '$' && c !== '%') {
      text += c
      i++
      continue
    }
    if (c === '\\') {
      text += i + 1 < s.length ? s[i + 1] : '\\'
      i += 2
      continue
    }
    if (s[i + 1] === '{') {
      const end = closingCurly(s, i + 2)
      if (end < 0) {
        text += s.slice(i, i + 2)
        i += 2
        continue
      }
      const inner = s.slice(i + 2, end)
      if (c === '%') {
        flush()
        parts.push({ kind: 'var', name: inner })
        i = end + 1
        continue
      }
      const colon = charInCurlies(inner, ':')
      if (colon < 0) {
        text += '${'
        i += 2
        continue
      }
      const keyAndDefault = inner.slice(colon + 1)
      const bar = charInCurlies(keyAndDefault, '|')
      flush()
      parts.push({
        kind: 'map',
        map: inner.slice(0, colon),
        key: parseTemplate(bar < 0 ? keyAndDefault : keyAndDefault.slice(0, bar)),
        fallback: bar < 0 ? null : parseTemplate(keyAndDefault.slice(bar + 1)),
        raw: s.slice(i, end + 1)
      })
      i = end + 1
      continue
    }
    const d = s[i + 1]
    if (d !== undefined && d >= '0' && d <= '9') {
      flush()
      parts.push({ kind: c === '$' ? 'rule-ref' : 'cond-ref', n: Number(d) })
      i += 2
      continue
    }
    text += c
    i++
  }
  flush()
  return parts
}

/** Every `%{VAR}` and `${map:…}` a template uses, nested ones included. */
export function templateNames(parts: TemplatePart[]): { vars: string[]; maps: string[] } {
  const vars: string[] = []
  const maps: string[] = []
  const walk = (ps: TemplatePart[]): void => {
    for (const p of ps) {
      if (p.kind === 'var') vars.push(p.name)
      if (p.kind === 'map') {
        maps.push(p.map)
        walk(p.key)
        if (p.fallback) walk(p.fallback)
      }
    }
  }
  walk(parts)
  return { vars, maps }
}
