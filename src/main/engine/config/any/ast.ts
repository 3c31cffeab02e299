/**
 * The syntax tree of a dispatcher.any file after `$include` expansion and `${VAR}`
 * substitution. It is schema-free: the parser knows the grammar (dispatcher-behavior.md §1),
 * not which properties exist — that is the model builder's job (config/model/).
 *
 * Every node keeps the position of its first token so that any later diagnostic, and
 * every rule shown in a request trace, can name file:line:col.
 */
import type { SourcePos } from '../../../../shared/diagnostics'

/** How a string value was written. Semantic in pattern positions (§1.1): `"` glob, `'` regex. */
export type QuoteKind = 'double' | 'single' | 'bare'

export interface AnyString {
  kind: 'string'
  /** The value after `${VAR}` substitution. */
  value: string
  /** The text exactly as written between the quotes (before substitution). */
  raw: string
  quote: QuoteKind
  pos: SourcePos
}

/** `/name { … }` or an anonymous `{ … }` (name `null`). */
export interface AnyBlock {
  kind: 'block'
  /** Name without the leading slash; `null` for an anonymous block. */
  name: string | null
  items: AnyItem[]
  /** Position of the `/name` token (or of `{` for anonymous blocks). */
  pos: SourcePos
  /** Position of the closing `}`; absent when the block was never closed (a diagnostic says so). */
  end?: SourcePos
}

/** `/name "value"` (also bare `/name 300`). */
export interface AnyProperty {
  kind: 'property'
  name: string
  value: AnyString
  pos: SourcePos
}

/** `/name` followed by neither a value nor a block (e.g. DOT's `/empty_farm`). */
export interface AnyEmpty {
  kind: 'empty'
  name: string
  pos: SourcePos
}

/** An item of a block. Unlabeled strings are list items (`/clientheaders { "a" "b" }`). */
export type AnyItem = AnyBlock | AnyProperty | AnyEmpty | AnyString

/** Result of parsing a root file with all includes expanded. */
export interface AnyDocument {
  /** Root file (absolute). */
  file: string
  /** The root file's items, with includes spliced in place. */
  items: AnyItem[]
  /** Every file read, root first, in the order they were first opened (for hot reload). */
  files: string[]
  /**
   * Folders whose glob includes could gain files later (for hot reload),
   * with the glob pattern that was used.
   */
  globDirs: { dir: string; pattern: string }[]
  /** Every `$include` statement, for the SDK validator's "include at unknown location" rules. */
  includes: AnyIncludeRecord[]
}

export interface AnyIncludeRecord {
  /** Position of the `$include` token. */
  pos: SourcePos
  /** The path after `${VAR}` substitution, as written. */
  path: string
  /** Names of the enclosing blocks from the root, e.g. `['farms', 'publishfarm', 'filter']`. */
  within: (string | null)[]
  /** Files it expanded to. */
  files: string[]
}
