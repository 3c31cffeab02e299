/**
 * dispatcher.any parser (dispatcher-behavior.md §1): builds the schema-free tree, expanding
 * `$include` (§1.3) and `${NAME}` (§1.4) on the way.
 *
 * Includes are spliced as items, each file parsed from its own token stream: a file without a
 * trailing newline cannot fuse with the includer's next token (MANIFEST oddity 4), and a brace
 * left open in an included file is reported in that file instead of swallowing the includer.
 * Block nesting is handled with an explicit stack and include nesting is bounded, so hostile
 * input can neither hang the loader nor overflow the call stack.
 */
import path from 'node:path'
import type { DiagnosticCategory, DiagnosticSink, Severity, SourcePos } from '../../../../shared/diagnostics'
import { CONTENT_CACHE_SIZE, ContentCache } from '../content-cache'
import { enabledHint } from '../enabled-hint'
import { readConfigFile, type ReadResult } from '../files'
import { FsMemo } from '../fs-memo'
import type { VariableScope } from '../variables'
import type { AnyBlock, AnyDocument, AnyIncludeRecord, AnyItem, AnyString } from './ast'
import { resolveInclude } from './include'
import { lexAny, type AnyToken } from './lexer'

export interface ParseAnyOptions {
  scope: VariableScope
  sink: DiagnosticSink
  /** Fallback folder for relative includes that do not resolve against the including file's folder
   *  (defaults to the root file's folder); using the fallback emits a warning INCLUDE_FALLBACK_ROOT. */
  rootDir?: string
  /** Max include nesting depth (default 50, as DOT) and max total included files (default 2000). */
  maxIncludeDepth?: number
  maxIncludes?: number
  /** Maps absolute include paths onto the local tree (AMS/SDK files name `/etc/httpd/…`). */
  mapAbsolute?: (p: string) => string
  /** For an include the project lacks: a file the runtime would provide instead (the SDK's
   *  generated files); using it is reported as info INCLUDE_BUILTIN. */
  fallbackFile?: (p: string) => string | undefined
  /** The load's file-system memo, shared with the Apache loader (one stat/read per path per load). */
  memo?: FsMemo
}

/** DOT stops at 50 nested includes ("Maximum number of Dispatcher includes (50)"). */
const DEFAULT_MAX_DEPTH = 50
const DEFAULT_MAX_INCLUDES = 2000

interface FileFrame {
  /** File the tokens come from (the target of a Windows symlink stand-in). */
  file: string
  /** Relative includes resolve from the folder of the path as named, like a real symlink. */
  baseDir: string
  /**
   * The path this frame is known by in include loops: the same file reached under two names
   * (compared by real path, FsMemo.sameFile) is a loop.
   */
  key: string
}

interface OpenBlock {
  block: AnyBlock
  brace: AnyToken
}

/** An item cannot continue past these, so a label before them has no value of its own. */
function endsItem(t: AnyToken | undefined): boolean {
  return t === undefined || t.kind === 'rbrace' || t.kind === 'name' || t.kind === 'include'
}

const VAR_REF = /\$\{([^}]+)\}/g

/** A problem the lexer reported, kept with the tokens so a cached file reports it again. */
interface LexProblem {
  severity: 'error' | 'warning'
  code: string
  message: string
  line: number
  column: number
}

/** Tokens are only read, never changed, so every load can share a cached file's tokens. */
const lexedFiles = new ContentCache<string, { tokens: AnyToken[]; problems: LexProblem[] }>(CONTENT_CACHE_SIZE)

class AnyParser {
  readonly files: string[] = []
  readonly globDirs: { dir: string; pattern: string }[] = []
  readonly includes: AnyIncludeRecord[] = []
  /** Names of the blocks enclosing the current token, across include boundaries (`null` = anonymous). */
  private readonly blockPath: (string | null)[] = []
  private readonly fileSet = new Set<string>()
  private readonly globSet = new Set<string>()
  private readonly reported = new Set<string>()
  private readonly cache = new Map<string, { read: ReadResult; tokens?: AnyToken[] }>()
  private readonly stack: FileFrame[] = []
  private readonly maxDepth: number
  private readonly maxIncludes: number
  private readonly memo: FsMemo
  private includeCount = 0
  private stopped = false

  constructor(
    private readonly opts: ParseAnyOptions,
    private readonly rootDir: string
  ) {
    this.maxDepth = opts.maxIncludeDepth ?? DEFAULT_MAX_DEPTH
    this.maxIncludes = opts.maxIncludes ?? DEFAULT_MAX_INCLUDES
    this.memo = opts.memo ?? new FsMemo()
  }

  /** A file included twice would repeat its diagnostics at the same positions; say each once. */
  private report(
    severity: Severity,
    code: string,
    category: DiagnosticCategory,
    message: string,
    pos: SourcePos
  ): void {
    const key = `${severity}|${code}|${pos.file}|${pos.line}|${pos.column}|${message}`
    if (this.reported.has(key)) return
    this.reported.add(key)
    this.opts.sink.add({ severity, code, category, message, pos })
  }

  private addFile(file: string): void {
    if (this.fileSet.has(file)) return
    this.fileSet.add(file)
    this.files.push(file)
  }

  private load(file: string): { read: ReadResult; tokens?: AnyToken[] } {
    let entry = this.cache.get(file)
    if (!entry) {
      entry = { read: readConfigFile(file, this.memo) }
      this.cache.set(file, entry)
    }
    return entry
  }

  private tokensOf(entry: { read: ReadResult; tokens?: AnyToken[] }, text: string, file: string): AnyToken[] {
    if (!entry.tokens) entry.tokens = this.lex(text, file)
    return entry.tokens
  }

  /** Tokens of a file, reused from an earlier load while its text is the same (content-cache.ts). */
  private lex(text: string, file: string): AnyToken[] {
    let lexed = lexedFiles.get(file, text)
    if (lexed === undefined) {
      const problems: LexProblem[] = []
      const tokens = lexAny(text, {
        error: (code, message, line, column) => problems.push({ severity: 'error', code, message, line, column }),
        warn: (code, message, line, column) => problems.push({ severity: 'warning', code, message, line, column })
      })
      lexed = { tokens, problems }
      lexedFiles.set(file, text, lexed)
    }
    for (const p of lexed.problems)
      this.report(p.severity, p.code, 'syntax', p.message, { file, line: p.line, column: p.column })
    return lexed.tokens
  }

  parseRootText(text: string, file: string): AnyItem[] {
    this.addFile(file)
    const items: AnyItem[] = []
    this.withFrame({ file, baseDir: path.dirname(file), key: file }, () =>
      this.parseTokens(this.lex(text, file), items)
    )
    return items
  }

  parseRootFile(file: string): AnyItem[] {
    const entry = this.load(file)
    const r = entry.read
    // Watched even when unreadable: fixing or creating the root must trigger a reload.
    this.addFile(file)
    if (!r.ok) {
      this.readFailure(r, { file, line: 1, column: 1 }, true)
      return []
    }
    if (r.file !== file) this.addFile(r.file)
    const items: AnyItem[] = []
    const frame = { file: r.file, baseDir: path.dirname(file), key: r.file }
    this.withFrame(frame, () => this.parseTokens(this.tokensOf(entry, r.text, r.file), items))
    return items
  }

  private withFrame(frame: FileFrame, run: () => void): void {
    this.stack.push(frame)
    try {
      run()
    } finally {
      this.stack.pop()
    }
  }

  private readFailure(r: Extract<ReadResult, { ok: false }>, pos: SourcePos, isRoot: boolean): void {
    const missingCode = isRoot ? 'ANY_FILE_MISSING' : 'INCLUDE_MISSING'
    const category: DiagnosticCategory = isRoot ? 'syntax' : 'include'
    switch (r.reason) {
      case 'binary':
        this.report(
          'error',
          'ANY_BINARY_FILE',
          'syntax',
          `${r.file} is a binary file, not a dispatcher.any text file`,
          pos
        )
        return
      case 'not-utf8':
        this.report('error', 'ANY_NOT_UTF8', 'syntax', `${r.file} is not valid UTF-8 text`, pos)
        return
      case 'directory':
        this.report('error', missingCode, category, `${r.file} is a directory, not a file`, pos)
        return
      case 'missing':
        this.report('error', missingCode, category, `${r.file} does not exist`, pos)
        return
      case 'unreadable':
        this.report('error', missingCode, category, `${r.file} cannot be read (${r.detail ?? 'unknown error'})`, pos)
    }
  }

  private frame(): FileFrame {
    return this.stack[this.stack.length - 1]
  }

  private parseTokens(tokens: AnyToken[], into: AnyItem[]): void {
    const file = this.frame().file
    const open: OpenBlock[] = []
    let items = into
    const n = tokens.length
    let i = 0
    while (i < n) {
      const t = tokens[i]
      const pos: SourcePos = { file, line: t.line, column: t.column }
      if (t.kind === 'lbrace') {
        const block: AnyBlock = { kind: 'block', name: null, items: [], pos }
        items.push(block)
        open.push({ block, brace: t })
        this.blockPath.push(null)
        items = block.items
        i++
      } else if (t.kind === 'rbrace') {
        const closed = open.pop()
        if (closed) {
          this.blockPath.pop()
          closed.block.end = pos
          items = open.length > 0 ? open[open.length - 1].block.items : into
        } else {
          this.report('error', 'ANY_UNEXPECTED_BRACE', 'syntax', "'}' without a matching '{' is ignored", pos)
        }
        i++
      } else if (t.kind === 'string') {
        items.push(this.makeString(t, file))
        i++
      } else if (t.kind === 'include') {
        i = this.include(tokens, i, items)
      } else {
        const next = tokens[i + 1]
        if (next?.kind === 'lbrace') {
          const block: AnyBlock = { kind: 'block', name: t.text, items: [], pos }
          items.push(block)
          open.push({ block, brace: next })
          this.blockPath.push(t.text)
          items = block.items
          i += 2
        } else if (next?.kind === 'string') {
          items.push({ kind: 'property', name: t.text, value: this.makeString(next, file), pos })
          i += 2
        } else if (next?.kind === 'name' && next.line === t.line && endsItem(tokens[i + 2])) {
          // `/glob /index.html /type "deny"`: a label-looking token that neither opens a block nor
          // carries a value, on the same line as a name, can only be that name's unquoted value.
          const value: AnyToken = {
            kind: 'string',
            text: '/' + next.text,
            quote: 'bare',
            line: next.line,
            column: next.column
          }
          items.push({ kind: 'property', name: t.text, value: this.makeString(value, file), pos })
          i += 2
        } else {
          items.push({ kind: 'empty', name: t.text, pos })
          i++
        }
      }
    }
    this.blockPath.length -= open.length
    for (const o of open) {
      const what = o.block.name === null ? "anonymous block's '{'" : `'{' of /${o.block.name}`
      // Reported at the brace itself (not its label), so file:line:col and the editor link
      // land on the '{' that lacks its '}'.
      this.report(
        'error',
        'ANY_UNCLOSED_BRACE',
        'syntax',
        `${what} is never closed; the block runs to the end of ${path.basename(file)}`,
        { file, line: o.brace.line, column: o.brace.column }
      )
    }
  }

  private makeString(t: AnyToken, file: string): AnyString {
    const quote = t.quote ?? 'bare'
    const pos: SourcePos = { file, line: t.line, column: t.column }
    // Most values name no variable: skip substitution and its result object.
    if (!t.text.includes('${')) return { kind: 'string', value: t.text, raw: t.text, quote, pos }
    const { value, undefinedNames } = this.opts.scope.substitute(t.text)
    if (undefinedNames.length > 0) {
      const offset = t.column + (quote === 'bare' ? 0 : 1)
      for (const m of t.text.matchAll(VAR_REF)) {
        if (this.opts.scope.lookup(m[1]) !== undefined) continue
        this.report(
          'warning',
          'VAR_UNDEFINED',
          'syntax',
          `\${${m[1]}} is defined neither by Define nor in the environment; kept literally`,
          { file, line: t.line, column: offset + (m.index ?? 0) }
        )
      }
    }
    return { kind: 'string', value, raw: t.text, quote, pos }
  }

  private include(tokens: AnyToken[], i: number, into: AnyItem[]): number {
    const t = tokens[i]
    const frame = this.frame()
    const pos: SourcePos = { file: frame.file, line: t.line, column: t.column }
    const next = tokens[i + 1]
    let pathToken: AnyToken | undefined
    if (next?.kind === 'string') pathToken = next
    // `$include /etc/httpd/x.any` lexes its path as a name when it looks like a label.
    else if (next?.kind === 'name' && next.line === t.line)
      pathToken = { ...next, kind: 'string', text: '/' + next.text, quote: 'bare' }
    if (!pathToken) {
      this.report('error', 'ANY_INCLUDE_NO_PATH', 'syntax', '$include needs a file path', pos)
      return i + 1
    }
    const target = this.makeString(pathToken, frame.file).value
    if (target.trim() === '') this.report('error', 'ANY_INCLUDE_NO_PATH', 'syntax', '$include needs a file path', pos)
    else {
      const record: AnyIncludeRecord = { pos, path: target, within: [...this.blockPath], files: [] }
      this.includes.push(record)
      this.expand(target, pos, into, record)
    }
    return i + 2
  }

  private expand(includePath: string, pos: SourcePos, into: AnyItem[], record?: AnyIncludeRecord): void {
    if (this.stopped) return
    const r = resolveInclude(includePath, this.frame().baseDir, this.rootDir, {
      mapAbsolute: this.opts.mapAbsolute,
      builtinFile: this.opts.fallbackFile,
      memo: this.memo
    })
    for (const g of r.globs) {
      const key = `${g.dir}\n${g.pattern}`
      if (this.globSet.has(key)) continue
      this.globSet.add(key)
      this.globDirs.push(g)
    }
    if (r.files.length === 0) {
      if (r.isGlob) {
        this.report(
          'warning',
          'INCLUDE_GLOB_EMPTY',
          'include',
          `$include "${includePath}" matches no file (looked for ${r.tried.join(' and ')})${enabledHint(r.tried[0] ?? includePath, this.memo)}`,
          pos
        )
      } else {
        this.report(
          'error',
          'INCLUDE_MISSING',
          'include',
          `$include "${includePath}": file not found (tried ${r.tried.join(' and ')})`,
          pos
        )
      }
      return
    }
    if (r.usedFallback) {
      this.report(
        'warning',
        'INCLUDE_FALLBACK_ROOT',
        'include',
        `$include "${includePath}" does not resolve against the including file's folder (${r.tried[0]}); using ${r.tried[1]} from the root folder`,
        pos
      )
    }
    if (r.builtinFor !== undefined) {
      this.report(
        'info',
        'INCLUDE_BUILTIN',
        'include',
        `$include "${includePath}" is not in the project (tried ${r.tried.join(' and ')}); using the runtime's own ${r.files[0]}`,
        pos
      )
    }
    if (record) record.files = r.files
    for (const f of r.files) {
      if (this.stopped) return
      this.splice(f, pos, into, r.builtinFor)
    }
  }

  /** `standsFor`: the project path a built-in file replaces; its own includes resolve from there. */
  private splice(file: string, pos: SourcePos, into: AnyItem[], standsFor?: string): void {
    const loopStart = this.stack.findIndex((f) => this.memo.sameFile(f.key, file))
    if (loopStart >= 0) {
      const chain = [...this.stack.slice(loopStart).map((f) => f.file), file].join(' → ')
      this.report('error', 'INCLUDE_LOOP', 'include', `include loop: ${chain}; the repeated $include is skipped`, pos)
      return
    }
    if (this.stack.length > this.maxDepth) {
      this.report(
        'error',
        'INCLUDE_LIMIT',
        'include',
        `includes nested deeper than ${this.maxDepth} levels; ${file} is skipped`,
        pos
      )
      return
    }
    this.includeCount++
    if (this.includeCount > this.maxIncludes) {
      this.report(
        'error',
        'INCLUDE_LIMIT',
        'include',
        `more than ${this.maxIncludes} included files; no further $include is expanded`,
        pos
      )
      this.stopped = true
      return
    }
    const entry = this.load(file)
    const r = entry.read
    if (r.ok || r.reason === 'binary' || r.reason === 'not-utf8') this.addFile(file)
    if (!r.ok) {
      this.readFailure(r, pos, false)
      return
    }
    if (r.file !== file) this.addFile(r.file)
    const tokens = this.tokensOf(entry, r.text, r.file)
    const baseDir = path.dirname(standsFor ?? file)
    this.withFrame({ file: r.file, baseDir, key: file }, () => this.parseTokens(tokens, into))
  }
}

function rootOf(file: string, opts: ParseAnyOptions): { abs: string; parser: AnyParser } {
  const abs = path.resolve(file)
  const rootDir = path.resolve(opts.rootDir ?? path.dirname(abs))
  return { abs, parser: new AnyParser(opts, rootDir) }
}

export function parseAnyFile(file: string, opts: ParseAnyOptions): AnyDocument {
  const { abs, parser } = rootOf(file, opts)
  const items = parser.parseRootFile(abs)
  return { file: abs, items, files: parser.files, globDirs: parser.globDirs, includes: parser.includes }
}

export function parseAnyText(text: string, file: string, opts: ParseAnyOptions): AnyDocument {
  const { abs, parser } = rootOf(file, opts)
  const items = parser.parseRootText(text, abs)
  return { file: abs, items, files: parser.files, globDirs: parser.globDirs, includes: parser.includes }
}
