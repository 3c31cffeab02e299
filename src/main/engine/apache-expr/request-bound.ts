/**
 * Which expressions read only the request: its line, headers and client, its environment, the
 * status and constants — not the response headers, notes, files, the clock or the content type.
 * Two such expressions with the same text give the same result for one request at one status,
 * so the response phase evaluates a condition its `Header` directives repeat only once.
 */
import type { CondNode, ExprAst, WordNode } from './ast'
import { STRING_FUNCTIONS } from './names'
import { HEADER_VARIABLES } from './variables'

/** `%{…}` variables that are fixed once the request has been read and its status set. */
const REQUEST_VARIABLES = new Set([
  ...Object.keys(HEADER_VARIABLES),
  'REQUEST_METHOD',
  'REQUEST_SCHEME',
  'REQUEST_URI',
  'QUERY_STRING',
  'THE_REQUEST',
  'REMOTE_ADDR',
  'REMOTE_HOST',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'HTTPS',
  'REQUEST_STATUS'
])

/**
 * The expression reads only the request (line, headers, client), its environment, the status
 * and constants: not the response headers, notes, files, the clock or the content type. Two
 * such expressions with the same text give the same result for one request at one status.
 * Decided once when a `Header … expr=` is compiled (compile-headers.ts).
 */
export function readsOnlyRequest(ast: ExprAst): boolean {
  return ast.kind === 'bool' ? boundCond(ast.root) : boundWord(ast.root)
}

function boundCond(c: CondNode): boolean {
  switch (c.type) {
    case 'true':
    case 'false':
      return true
    case 'not':
      return boundCond(c.arg)
    case 'and':
    case 'or':
      return boundCond(c.left) && boundCond(c.right)
    case 'compare':
    case 'binary':
      return boundWord(c.left) && boundWord(c.right)
    case 'in':
      return boundWord(c.left) && c.list.every(boundWord)
    case 'match':
      return boundWord(c.left)
    case 'unary':
      // The others (-d -e -f -s -L -h -x) look at files.
      return (c.op === 'n' || c.op === 'z' || c.op === 'T' || c.op === 'R') && boundWord(c.arg)
  }
}

function boundWord(w: WordNode): boolean {
  switch (w.type) {
    case 'digits':
    case 'literal':
    case 'backref':
      return true
    case 'string':
      return w.parts.every(boundWord)
    case 'concat':
      return boundWord(w.left) && boundWord(w.right)
    case 'var':
      return REQUEST_VARIABLES.has(w.name) || w.name.startsWith('SSL_')
    case 'call':
      return STRING_FUNCTIONS[w.name] === 'request' && boundWord(w.arg)
  }
}
