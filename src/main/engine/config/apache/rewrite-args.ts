/**
 * mod_rewrite reads its own arguments (parseargline), not with httpd's word splitter:
 * a backslash before white space keeps the space inside the argument and stays in the text
 * (`^/a\ b` is one regex matching "a b"), and `\\` is *not* unescaped. Flags are
 * `[a,b=c]`: brackets required, split on commas, each entry trimmed (cmd_parseflagfield).
 */
import { isSpace } from './lexer'

export interface RewriteArgs {
  args: string[]
  /** httpd's complaint when the first argument runs to the end of the line or is missing. */
  error?: string
}

/** Up to three arguments of RewriteRule / RewriteCond. */
export function splitRewriteArgs(text: string): RewriteArgs {
  const args: string[] = []
  let i = 0
  while (args.length < 3) {
    while (i < text.length && isSpace(text[i])) i++
    if (i >= text.length) break
    const quote = text[i] === '"' || text[i] === "'" ? text[i++] : ''
    const start = i
    while (i < text.length) {
      const c = text[i]
      if ((quote === '' && isSpace(c)) || c === quote) break
      if (c === '\\' && isSpace(text[i + 1])) i++
      i++
    }
    args.push(text.slice(start, i))
    if (args.length === 1 && i >= text.length) return { args, error: `bad argument line '${text}'` }
    i++
  }
  if (args.length < 2) return { args, error: `bad argument line '${text}'` }
  return { args }
}

/** `[R=301,L]` → `["R=301", "L"]`; `error` when the brackets are missing. */
export function parseRewriteFlags(field: string): { flags: string[]; error?: string } {
  const ok = field.startsWith('[') && field.endsWith(']') && field.length >= 2
  const body = ok ? field.slice(1, -1) : field.replace(/^\[|\]$/g, '')
  const flags = body
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
  return ok ? { flags } : { flags, error: 'bad flag delimiters' }
}
