/**
 * The ap_expr syntax tree (Apache 2.4 `util_expr_parse.y`): conditions built from comparisons,
 * and words built from literals, variables, function calls and `$0`–`$9`.
 */

export type StringFunctionName =
  | 'req'
  | 'http'
  | 'req_novary'
  | 'resp'
  | 'reqenv'
  | 'note'
  | 'env'
  | 'osenv'
  | 'tolower'
  | 'toupper'
  | 'escape'
  | 'unescape'
  | 'base64'
  | 'unbase64'
  | 'md5'
  | 'sha1'
  | 'ldap'
  | 'file'
  | 'filesize'

export type WordNode =
  | { type: 'digits'; value: string }
  | { type: 'literal'; value: string }
  /** A quoted string: literal text interleaved with variables and back-references. */
  | { type: 'string'; parts: WordNode[] }
  | { type: 'var'; name: string }
  | { type: 'call'; name: StringFunctionName; arg: WordNode }
  | { type: 'backref'; n: number }
  | { type: 'concat'; left: WordNode; right: WordNode }

export interface RegexLiteral {
  /** The pattern as written between the delimiters. */
  source: string
  flags: string
  regex: RegExp
  /** Number of capturing groups: Apache only updates `$0`–`$9` when there is at least one. */
  groups: number
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '-eq' | '-ne' | '-lt' | '-le' | '-gt' | '-ge'

export interface Subnet {
  family: 4 | 6
  /** Address bytes (4 or 16). */
  bytes: number[]
  prefix: number
}

export type CondNode =
  | { type: 'true' }
  | { type: 'false' }
  | { type: 'not'; arg: CondNode }
  | { type: 'and' | 'or'; left: CondNode; right: CondNode }
  | { type: 'compare'; op: CompareOp; left: WordNode; right: WordNode }
  | { type: 'in'; left: WordNode; list: WordNode[] }
  | { type: 'match'; negate: boolean; left: WordNode; regex: RegexLiteral }
  | { type: 'unary'; op: string; arg: WordNode; subnet?: Subnet }
  | { type: 'binary'; op: string; left: WordNode; right: WordNode; subnet?: Subnet }

export type ExprAst =
  { kind: 'bool'; source: string; root: CondNode } | { kind: 'string'; source: string; root: WordNode }
