/**
 * mod_rewrite reads its own arguments (parseargline), not with httpd's word splitter:
 * a backslash before white space keeps the space inside the argument and stays in the text
 * (`^/a\ b` is one regex matching "a b"), and `\\` is *not* unescaped. Flags are
 * `[a,b=c]`: brackets required, split on commas, each entry trimmed (cmd_parseflagfield).
 */
import { isSpaceCode } from './lexer'

export interface RewriteArgs {
  args: string[]
  /** httpd's complaint when the first argument runs to the end of the line or is missing. */
  error?: string
}

const BACKSLASH = 92
const DQUOTE = 34
const SQUOTE = 39

/** Up to three arguments of RewriteRule / RewriteCond (scanned by char code: these lines are long regexes). */
export function splitRewriteArgs(text: string): RewriteArgs {
  const args: string[] = []
  const n = text.length
  let i = 0
  while (args.length < 3) {
    while (i < n && isSpaceCode(text.charCodeAt(i))) i++
    if (i >= n) break
    const first = text.charCodeAt(i)
    const quote = first === DQUOTE || first === SQUOTE ? first : -1
    if (quote >= 0) i++
    const start = i
    while (i < n) {
      const c = text.charCodeAt(i)
      if ((quote < 0 && isSpaceCode(c)) || c === quote) break
      if (c === BACKSLASH && i + 1 < n && isSpaceCode(text.charCodeAt(i + 1))) i++
      i++
    }
    args.push(text.slice(start, i))
    if (args.length === 1 && i >= n) return { args, error: `bad argument line '${text}'` }
    i++
  }
  if (args.length < 2) return { args, error: `bad argument line '${text}'` }
  return { args }
}

/** A flag's key: the text before its first `=` (cmd_parseflagfield splits there). */
export function flagKey(flag: string): string {
  const eq = flag.indexOf('=')
  return eq < 0 ? flag : flag.slice(0, eq)
}

/**
 * `[R=301,L]` → `["R=301", "L"]`; `error` as httpd words it when the brackets are missing or an
 * entry is empty (`[L,]`, `[]`, `[,L]`: mod_rewrite reads the empty entry as a flag named '').
 * `known`, where httpd checks the keys as it reads them (RewriteCond's): the first entry, in
 * order, whose key it does not know is refused by that key as written.
 */
export function parseRewriteFlags(
  field: string,
  known?: (key: string) => boolean
): { flags: string[]; error?: string } {
  const ok = field.startsWith('[') && field.endsWith(']') && field.length >= 2
  const body = ok ? field.slice(1, -1) : field.replace(/^\[|\]$/g, '')
  const entries = body.split(',').map((f) => f.trim())
  const flags = entries.filter((f) => f !== '')
  if (!ok) return { flags, error: 'bad flag delimiters' }
  const bad = entries.find((f) => f === '' || (known !== undefined && !known(flagKey(f))))
  return bad === undefined ? { flags } : { flags, error: `unknown flag '${flagKey(bad)}'` }
}
