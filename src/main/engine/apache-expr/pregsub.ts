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
