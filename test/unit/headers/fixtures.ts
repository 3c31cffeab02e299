import type { HeaderDirective, SetEnvDirective } from '../../../src/shared/config-model'

const pos = (line: number) => ({ file: '/conf.d/test.vhost', line, column: 1 })

/** Split a directive line into words the way httpd does (quotes group and are removed). */
function words(line: string): string[] {
  const out: string[] = []
  const re = /"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(line))) out.push((m[1] ?? m[2] ?? m[3]).replace(/\\(["\\])/g, '$1'))
  return out
}

/** `Header …` / `RequestHeader …` lines to directives, in order. */
export function headerDirectives(text: string): HeaderDirective[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l, i) => {
      const [name, ...args] = words(l)
      if (name !== 'Header' && name !== 'RequestHeader') throw new Error(`not a header directive: ${l}`)
      return { directive: name, args, pos: pos(i + 1) }
    })
}

/** `SetEnvIf*` lines to directives, in order. */
export function setEnvDirectives(text: string): SetEnvDirective[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l, i) => {
      const [name, ...args] = words(l)
      if (name !== 'SetEnvIf' && name !== 'SetEnvIfNoCase' && name !== 'SetEnvIfExpr')
        throw new Error(`not SetEnvIf: ${l}`)
      return { directive: name, args, pos: pos(i + 1) }
    })
}
