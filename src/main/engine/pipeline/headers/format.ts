/**
 * mod_headers value format strings: text with `\n \r \t \\` escapes (any other backslash is kept)
 * and the specifiers `%%`, `%t` (`t=` + request time in µs), `%D` (`D=` + time taken so far in µs),
 * `%{NAME}e` (request environment, `(null)` when unset, newlines turned into spaces),
 * `%{NAME}s` (mod_ssl variable; `(null)` on a plain-HTTP connection), and the server's state:
 * `%l` (`l=` + the 1/5/15-minute load averages), `%i` and `%b` (`i=`/`b=` + the idle and busy
 * share of httpd's workers: a local workbench reports an idle server, `i=100`, `b=0`). A `{…}`
 * before a specifier that takes none is ignored, as httpd does. Any other specifier makes Apache
 * refuse the configuration: "Unrecognized header format %x".
 */
import os from 'node:os'
import { envGet, toByteString } from '../../apache-expr'

export type FormatPart =
  | { kind: 'text'; text: string }
  | { kind: 'env'; name: string }
  | { kind: 'ssl'; name: string }
  | { kind: 'time' }
  | { kind: 'duration' }
  | { kind: 'load' }
  | { kind: 'idle' }
  | { kind: 'busy' }

export function parseHeaderFormat(s: string): { parts: FormatPart[] } | { error: string } {
  const parts: FormatPart[] = []
  let text = ''
  let i = 0
  while (i < s.length) {
    const c = s[i]
    if (c === '\\') {
      const n = s[i + 1]
      const map: Record<string, string> = { '\\': '\\', r: '\r', n: '\n', t: '\t' }
      if (n !== undefined && map[n] !== undefined) {
        text += map[n]
        i += 2
      } else {
        text += '\\'
        i++
      }
      continue
    }
    if (c !== '%') {
      text += c
      i++
      continue
    }
    if (s[i + 1] === '%' || i + 1 >= s.length) {
      text += '%'
      i += 2
      continue
    }
    let j = i + 1
    let arg = ''
    if (s[j] === '{') {
      const close = s.indexOf('}', j)
      arg = close < 0 ? s.slice(j + 1) : s.slice(j + 1, close)
      j = close < 0 ? s.length : close + 1
    }
    const tag = s[j]
    if (text) parts.push({ kind: 'text', text: toByteString(text) })
    text = ''
    if (tag === 'e') parts.push({ kind: 'env', name: arg })
    else if (tag === 's') parts.push({ kind: 'ssl', name: arg })
    else if (tag === 't') parts.push({ kind: 'time' })
    else if (tag === 'D') parts.push({ kind: 'duration' })
    else if (tag === 'l') parts.push({ kind: 'load' })
    else if (tag === 'i') parts.push({ kind: 'idle' })
    else if (tag === 'b') parts.push({ kind: 'busy' })
    else return { error: `Unrecognized header format %${tag ?? ''}` }
    i = j + 1
  }
  if (text) parts.push({ kind: 'text', text: toByteString(text) })
  return { parts }
}

export interface FormatScope {
  env: Record<string, string>
  https: boolean
  /** Request start and "now", in milliseconds since the epoch: only read for `%t` and `%D`. */
  requestTime(): number
  now(): number
}

/** The value of a format without specifiers (most are): the same text on every request. */
export function constantHeaderFormat(parts: FormatPart[]): string | undefined {
  let out = ''
  for (const p of parts) {
    if (p.kind !== 'text') return undefined
    out += p.text
  }
  return out
}

export function renderHeaderFormat(parts: FormatPart[], scope: FormatScope): string {
  let out = ''
  for (const p of parts) {
    switch (p.kind) {
      case 'text':
        out += p.text
        break
      case 'env': {
        const v = envGet(scope.env, p.name)
        out += v === undefined ? '(null)' : v.replace(/[\r\n]/g, ' ')
        break
      }
      case 'ssl':
        out += '(null)'
        break
      case 'time':
        out += `t=${Math.round(scope.requestTime() * 1000)}`
        break
      case 'duration':
        out += `D=${Math.max(0, Math.round((scope.now() - scope.requestTime()) * 1000))}`
        break
      case 'load':
        out += `l=${os
          .loadavg()
          .map((n) => n.toFixed(2))
          .join('/')}`
        break
      case 'idle':
        out += 'i=100'
        break
      case 'busy':
        out += 'b=0'
        break
    }
  }
  return out
}
