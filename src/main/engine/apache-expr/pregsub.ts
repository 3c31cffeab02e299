/**
 * `ap_pregsub`: the substitution Apache applies for SetEnvIf values (`var=$1`) and
 * `Header edit`: `$0`–`$9` become the captures (an unset group is empty), a backslash keeps
 * the next character literally. There is no `&` shorthand in Apache 2.4.
 */
export function pregsub(template: string, captures: readonly (string | undefined)[] | null): string {
  let out = ''
  for (let i = 0; i < template.length; i++) {
    const c = template[i]
    const next = template[i + 1]
    if (c === '$' && next !== undefined && next >= '0' && next <= '9') {
      out += captures?.[Number(next)] ?? ''
      i++
    } else if (c === '\\' && next !== undefined) {
      out += next
      i++
    } else {
      out += c
    }
  }
  return out
}

/** `$0`–`$9` of a match, an unset group (or one past the last) as `undefined`; built as one literal, it runs for every match. */
export function captureList(m: RegExpExecArray): (string | undefined)[] {
  return [m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9]]
}
