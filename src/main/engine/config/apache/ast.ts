/**
 * The generic parse tree of one Apache httpd configuration file, before any evaluation:
 * no `${VAR}` substitution, no Include, no conditional sections decided. The loader
 * (load.ts) walks it in file order the way httpd executes a configuration while reading it;
 * other tools (the SDK validator's allow-list, the config panel) can read it as is.
 */
import type { SourcePos } from '../../../../shared/diagnostics'

export interface ApacheDirectiveNode {
  type: 'directive'
  /** Directive name as written (`ReWriteEngine`); httpd compares names case-insensitively. */
  name: string
  /** Arguments split the way httpd splits them (quotes removed, `\\` and `\"` unescaped). */
  args: string[]
  /** The whole logical line (continuations joined, trimmed), as httpd hands it to `${VAR}` expansion. */
  line: string
  pos: SourcePos
  /** Where every physical line of the logical line starts (for positions inside the line). */
  segments: LineSegment[]
}

export interface ApacheSectionNode {
  type: 'section'
  /** Section name without `<` (`VirtualHost`, `IfModule`), as written. */
  name: string
  /** Arguments between the name and the closing `>`, split like directive arguments. */
  args: string[]
  /** The whole opening line (`<IfDefine !X>`). */
  line: string
  children: ApacheNode[]
  pos: SourcePos
  segments: LineSegment[]
  /** Position of `</Name>`; absent when the section is never closed (a diagnostic says so). */
  end?: SourcePos
  /**
   * A conditional section (`<IfModule>`, `<IfDefine>`, …) still open at the end of the file, or
   * one opened inside such a section: httpd takes that when the condition holds and refuses it
   * when not ("Expected </IfModule> before end of configuration"), so the loader says which.
   */
  unclosedAtEnd?: true
}

export type ApacheNode = ApacheDirectiveNode | ApacheSectionNode

/** Offset in the logical line where a physical line's text starts, and where that is in the file. */
export interface LineSegment {
  offset: number
  line: number
  column: number
}

export interface ApacheParseResult {
  file: string
  nodes: ApacheNode[]
  /**
   * Logical lines other than blanks, comments and Include/IncludeOptional: DOT's "normalised
   * lines", where an Include is replaced by what it includes (the include-bomb guard counts them).
   */
  lineCount: number
}
