/**
 * Loads an Apache httpd configuration the way httpd reads it (dispatcher-behavior.md §2,
 * §3.2, §11): one pass in file order, where `Define`, `Include`, `LoadModule` and
 * `ServerRoot` take effect the moment they are read, and every
 * other line has its `${VAR}`s expanded on the spot (whole line, before word splitting,
 * as ap_build_config_sub does). The result is the typed `ApacheConfig` the pipeline runs.
 * `<IfDefine>`, `<IfModule>` and the other conditional sections are decided while reading.
 *
 * Include bombs and loops are bounded by nesting depth and by the total number of lines
 * read, as the Dispatcher Optimizer Tool does (50 nested includes, 1,000,000 lines).
 */
import path from 'node:path'
import type { DiagnosticSink, SourcePos } from '../../../../shared/diagnostics'
import type { ApacheConfig } from '../../../../shared/config-model'
import { FsMemo } from '../fs-memo'
import { enabledHint } from '../enabled-hint'
import type { VariableScope } from '../variables'
import type { ApacheDirectiveNode, ApacheNode, ApacheParseResult, ApacheSectionNode } from './ast'
import { evaluateCondition, isConditionalSection } from './conditions'
import { canonicalDirective, canonicalSection, directiveModule, isKnownDirective, isKnownSection } from './directives'
import { directiveArgsError, sectionArgsError } from './directive-arity'
import { removedDirective } from './rewrite-directives'
import { checkIncludeBudget, type BudgetSources } from './include-budget'
import { mayLoadModule } from './declared-modules'
import { IncludeResolver } from './include-target'
import { lineShape, positionInLine, splitArgs } from './lexer'
import { atReportedLines, noteContinued } from './reported-pos'
import { DEFAULT_LOADED_MODULES, ModuleSet, spellingsOfLoadModule } from './modules'
import { ParsedFiles, type ParsedFile } from './parsed-files'
import { SectionContexts, type Ctx } from './section-context'
import { ServerRootPaths, isAbsoluteConfigPath } from './server-root'
import { APACHE_BAD_ARGUMENT, emptySettings, SettingsWriter } from './settings'

export { DEFAULT_LOADED_MODULES } from './modules'
export { parseApacheText } from './parser'
import { APACHE_SECTION_SYNTAX, APACHE_UNCLOSED_SECTION } from './parser'
export { APACHE_VERSION } from './conditions'
export { APACHE_MISPLACED_SECTION } from './section-context'

export const APACHE_INCLUDE_MISSING = 'APACHE_INCLUDE_MISSING'
export const APACHE_INCLUDE_LIMIT = 'APACHE_INCLUDE_LIMIT'
export const APACHE_FILE_UNREADABLE = 'APACHE_FILE_UNREADABLE'
export const APACHE_UNRESOLVED_SYMLINK = 'APACHE_UNRESOLVED_SYMLINK'
export const APACHE_BAD_CONDITION = 'APACHE_BAD_CONDITION'
export const APACHE_SERVERROOT_EMULATED = 'APACHE_SERVERROOT_EMULATED'
export const APACHE_OVERLAY_USED = 'APACHE_OVERLAY_USED'
export const VAR_UNDEFINED = 'VAR_UNDEFINED'
/** A directive no module provides (apache2 -t: "Invalid command"). */
export const APACHE_INVALID_COMMAND = 'APACHE_INVALID_COMMAND'

/**
 * Modules not said to be missing when a configuration without their LoadModule line uses them:
 * those compiled into httpd by some builds (Debian's) and loaded by LoadModule in others (RHEL's);
 * ssl_module, whose LoadModule line RHEL's mod_ssl package puts in its own conf.modules.d/00-ssl.conf,
 * which AMS projects do not commit (the AMS archetype uses SSLProxyEngine without it); and
 * access_compat_module, whose Order/Allow/Deny were mod_authz_host's in httpd 2.2, whose
 * configurations load no access_compat_module (they are refused by 2.4 all the same).
 */
const MAYBE_STATIC = new Set([
  'core',
  'so_module',
  'unixd_module',
  'log_config_module',
  'logio_module',
  'version_module',
  'ssl_module',
  'access_compat_module'
])

export interface LoadApacheOptions {
  /** Absolute path of the file httpd starts from (httpd.conf, or dispatcher_vhost.conf for the SDK layout). */
  rootFile: string
  /** Relative Include/IncludeOptional/IfFile/RewriteMap paths resolve against it; see also `mapAbsolute`. */
  serverRoot: string
  /** Define/UnDefine mutate it (Define is global in httpd, even inside a vhost file). */
  scope: VariableScope
  sink: DiagnosticSink
  /** Files the runtime provides but the project lacks: path relative to serverRoot → absolute path of our built-in copy. */
  overlay?: Record<string, string>
  /**
   * Module identifiers treated as loaded for <IfModule>, in addition to the static core and
   * any module named by a LoadModule directive. Default: DEFAULT_LOADED_MODULES; pass `[]` for none.
   */
  modules?: Iterable<string>
  /**
   * The configuration is a whole server's (a classic `httpd.conf`): when it loads mod_mime, its
   * LoadModule lines are the module list and `modules` is not used (declared-modules.ts).
   */
  declaresModules?: boolean
  /**
   * Where an absolute path written in the configuration is on this machine (AMS writes
   * `Include /etc/httpd/conf.d/…`); applied to Include/IncludeOptional, IfFile and RewriteMap
   * files. Independently, a `ServerRoot` directive naming a folder that
   * does not hold the root file makes absolute paths under it resolve inside `serverRoot`.
   */
  mapAbsolute?: (p: string) => string
  /** Include nesting limit (default 50, as DOT); deeper → APACHE_INCLUDE_LIMIT. */
  maxIncludeDepth?: number
  /** Total non-comment lines with every Include expanded (default 1,000,000, as DOT); more → APACHE_INCLUDE_LIMIT. */
  maxLines?: number
  /** The load's file-system memo, shared with the dispatcher.any parser and the SDK validator. */
  memo?: FsMemo
}

export interface LoadedApache {
  config: ApacheConfig
  /** Every file read, root first, in the order first opened (overlay copies included). */
  files: string[]
  /** Folders whose new or removed files would change the result (glob and directory includes). */
  watchDirs: string[]
  /** Non-comment lines read, counting every inclusion (what `maxLines` bounds). */
  lineCount: number
  /** Reading stopped short (an unreadable root file, an include bomb): what follows its error is unknown. */
  stopped: boolean
  /**
   * The parse tree of a file this load read (under the path it was included by), so later
   * checks (the SDK validator's vhost rules) need not read and parse it again.
   */
  parsedFile(file: string): ApacheParseResult | undefined
}

export function loadApacheConfig(opts: LoadApacheOptions): LoadedApache {
  return new ApacheLoader(opts).run()
}

class ApacheLoader {
  private readonly paths: ServerRootPaths
  private modules: ModuleSet
  private readonly resolver: IncludeResolver
  private readonly writer: SettingsWriter
  private readonly sections: SectionContexts
  private readonly config: ApacheConfig
  private readonly files: string[] = []
  private readonly fileSet = new Set<string>()
  private readonly watchDirs = new Set<string>()
  private readonly memo: FsMemo
  private readonly parsed: ParsedFiles
  private readonly warned = new WeakMap<ApacheNode, Set<string>>()
  private readonly serverRootsSeen = new Set<string>()
  private readonly includeStack: string[] = []
  private readonly maxDepth: number
  private readonly maxLines: number
  private lineCount = 0
  private aborted = false
  /** Lines checkSymlinkStandIn reported: not an invalid command besides. */
  private readonly symlinkStandIns = new WeakSet<ApacheDirectiveNode>()
  /** The configuration's LoadModule lines are its module list (declared-modules.ts). */
  private modulesDeclared = false
  /** Directives whose module was not loaded when they were read (reportUnloadedModules). */
  private readonly unloaded: { name: string; pos: SourcePos; module: string }[] = []

  constructor(private readonly opts: LoadApacheOptions) {
    this.memo = opts.memo ?? new FsMemo()
    this.parsed = new ParsedFiles(this.memo)
    this.paths = new ServerRootPaths(opts.serverRoot, opts.mapAbsolute)
    this.modules = new ModuleSet(opts.modules ?? DEFAULT_LOADED_MODULES)
    this.resolver = new IncludeResolver(this.paths, opts.overlay ?? {}, this.memo)
    this.config = { root: opts.rootFile, server: emptySettings(), virtualHosts: [], defines: {} }
    this.writer = new SettingsWriter(opts.sink, this.paths, this.config, {
      exists: (abs) => (this.paths.isInside(abs) ? this.existsWatched(abs) : undefined),
      moduleLoaded: (id) => this.modules.has(id)
    })
    this.sections = new SectionContexts(opts.sink, this.writer, this.config)
    this.maxDepth = opts.maxIncludeDepth ?? 50
    this.maxLines = opts.maxLines ?? 1_000_000
  }

  run(): LoadedApache {
    const firstDiagnostic = this.opts.sink.items.length
    const parsed = this.parsed.get(this.opts.rootFile)
    if (!parsed.ok) {
      this.aborted = true
      this.opts.sink.error(APACHE_FILE_UNREADABLE, 'include', parsed.message, {
        file: this.opts.rootFile,
        line: 1,
        column: 1
      })
    } else if (this.overBudget()) this.aborted = true
    else {
      if (this.opts.declaresModules && mayLoadModule(this.opts.rootFile, 'mime_module', this.includeSources())) {
        this.modules = new ModuleSet([])
        this.modulesDeclared = true
      }
      this.evalFile(parsed, this.serverCtx(), undefined)
      this.reportUnloadedModules()
    }
    this.writer.finish()
    atReportedLines(this.opts.sink.items, firstDiagnostic)
    // httpd's merge_server_configs: a vhost without its own DocumentRoot has the main server's,
    // wherever in the files that one is set.
    const serverRoot = this.config.documentRoot
    if (serverRoot) for (const v of this.config.virtualHosts) v.documentRoot ??= serverRoot
    const scope = this.opts.scope
    for (const name of scope.definedNames()) this.config.defines[name] = scope.lookup(name) ?? ''
    this.config.modules = this.modules.identifiers()
    const parsedFiles = this.parsed
    return {
      config: this.config,
      files: this.files,
      watchDirs: [...this.watchDirs],
      lineCount: this.lineCount,
      stopped: this.aborted,
      parsedFile(file) {
        const p = parsedFiles.peek(file)
        return p?.ok ? p.parse : undefined
      }
    }
  }

  /** The files the configuration can reach: parsed, and what each Include line names. */
  private includeSources(): BudgetSources {
    return {
      parse: (file) => {
        const p = this.parsed.get(file)
        return p.ok ? p.parse : undefined
      },
      targets: (node) => {
        const args = node.line.includes('${')
          ? this.expandedArgs(this.opts.scope.substitute(node.line).value)
          : node.args
        const target = args[0] === undefined ? undefined : this.resolver.resolve(args[0])
        return target?.kind === 'files' ? target.files.map((f) => f.file) : []
      }
    }
  }

  private overBudget(): boolean {
    const over = checkIncludeBudget(this.opts.rootFile, this.maxLines, this.maxDepth, this.includeSources())
    if (!over) return false
    this.opts.sink.error(
      APACHE_INCLUDE_LIMIT,
      'include',
      `Maximum number of configuration lines (${this.maxLines.toLocaleString('en-US')}) exceeded: with ${over.file} the includes expand to more than that; the configuration is refused (an include bomb?)`,
      over.pos
    )
    return true
  }

  private expandedArgs(line: string): string[] {
    const shape = lineShape(line)
    return shape.kind === 'directive' ? splitArgs(shape.argText) : []
  }

  private serverCtx(): Ctx {
    return { settings: this.config.server as Ctx['settings'], level: 'server' }
  }

  /* ------------------------------------------------------------------ files */

  /**
   * git for Windows checks a symlink out as a text file holding the target path; when the
   * target is missing, readConfigFile cannot follow it and the file reads as one odd line
   * (an unknown directive, kept). An error: what was meant to be included is not, and httpd
   * itself would refuse both the dangling link and the odd line.
   */
  private checkSymlinkStandIn(parse: ApacheParseResult): void {
    const only = parse.nodes.length === 1 ? parse.nodes[0] : undefined
    if (only?.type !== 'directive' || only.args.length > 0 || !/^\.{1,2}\/\S+$/.test(only.name)) return
    this.symlinkStandIns.add(only)
    this.opts.sink.error(
      APACHE_UNRESOLVED_SYMLINK,
      'include',
      `${path.basename(parse.file)} holds only the path '${only.name}': a symbolic link checked out as a text file (git on Windows), whose target does not exist`,
      only.pos
    )
  }

  private noteFile(file: string): void {
    if (this.fileSet.has(file)) return
    this.fileSet.add(file)
    this.files.push(file)
  }

  private evalFile(parsed: Extract<ParsedFile, { ok: true }>, ctx: Ctx, includedAt: SourcePos | undefined): void {
    if (!this.fileSet.has(parsed.file)) {
      for (const d of parsed.held) this.opts.sink.add(d)
      this.checkSymlinkStandIn(parsed.parse)
    }
    if (parsed.via) this.noteFile(parsed.via)
    this.noteFile(parsed.file)
    this.lineCount += parsed.parse.lineCount
    if (this.lineCount > this.maxLines) {
      this.aborted = true
      this.opts.sink.error(
        APACHE_INCLUDE_LIMIT,
        'include',
        `Maximum number of configuration lines (${this.maxLines.toLocaleString('en-US')}) exceeded while including ${parsed.file}; loading stopped (an include bomb?)`,
        includedAt ?? { file: parsed.file, line: 1, column: 1 }
      )
      return
    }
    this.includeStack.push(parsed.file)
    this.evalNodes(parsed.parse.nodes, ctx)
    this.includeStack.pop()
  }

  /* ------------------------------------------------------------------ lines */

  private evalNodes(nodes: ApacheNode[], ctx: Ctx): void {
    for (const node of nodes) {
      if (this.aborted) return
      if (node.type === 'directive') this.evalDirective(node, ctx)
      else this.evalSection(node, ctx)
    }
  }

  /** The line after `${VAR}` expansion; undefined names stay literal with a warning (httpd AH00111). */
  private expand(node: ApacheNode): string {
    if (!node.line.includes('${')) return node.line
    const { value, undefinedNames } = this.opts.scope.substitute(node.line)
    if (undefinedNames.length > 0) this.warnUndefined(node, undefinedNames)
    return value
  }

  /** Once per name and position, however often the line is read again (include bombs). */
  private warnUndefined(node: ApacheNode, names: string[]): void {
    let done = this.warned.get(node)
    if (done && names.every((n) => done!.has(n))) return
    if (!done) this.warned.set(node, (done = new Set()))
    for (const m of node.line.matchAll(/\$\{([^}]+)\}/g)) {
      const name = m[1]
      // `${map:key}` is a RewriteMap lookup, not a variable; httpd does not warn about it either.
      if (done.has(name) || name.includes(':') || !names.includes(name)) continue
      this.opts.sink.warn(
        VAR_UNDEFINED,
        'syntax',
        `Config variable \${${name}} is not defined (neither by Define nor in the environment); kept literally`,
        positionInLine(node.pos.file, node.segments, m.index ?? 0)
      )
    }
    for (const n of names) done.add(n)
  }

  private evalDirective(node: ApacheDirectiveNode, ctx: Ctx): void {
    noteContinued(node.pos, node.segments)
    const line = this.expand(node)
    let name = node.name
    let args = node.args
    if (line !== node.line) {
      const shape = lineShape(line)
      if (shape.kind === 'directive') {
        name = shape.name
        args = splitArgs(shape.argText)
      }
    }
    const canonical = canonicalDirective(name)
    // Any name httpd does not know, a stray path included (apache2 -t: Invalid command
    // '../x/y.conf'); a symlink checked out as its target's path has its own diagnostic.
    if (!isKnownDirective(canonical) && !removedDirective(canonical) && !this.symlinkStandIns.has(node))
      this.invalidCommand(canonical, node.pos)
    else if (this.modulesDeclared) this.checkModuleLoaded(canonical, node.pos)
    // The word count (and for a few, the keyword) httpd's command table asks for: refused lines do nothing.
    const argsError = directiveArgsError(canonical, args)
    if (argsError !== undefined) return this.opts.sink.error(APACHE_BAD_ARGUMENT, 'syntax', argsError, node.pos)
    const d = { name: canonical, args, line, pos: node.pos }
    switch (canonical) {
      case 'Include':
      case 'IncludeOptional':
        this.include(canonical, args, node.pos, ctx)
        return
      case 'Define':
        this.define(args, node.pos)
        return
      case 'UnDefine':
        this.opts.scope.undefine(args[0])
        return
      case 'LoadModule':
        this.modules.add(spellingsOfLoadModule(args[0], args[1]))
        this.writer.keepOther(ctx, d)
        return
      case 'ServerRoot':
        this.serverRoot(args, node.pos)
        this.writer.keepOther(ctx, d)
        return
    }
    this.writer.apply(ctx, d)
  }

  private readonly invalidReported = new Set<string>()

  /** httpd's refusal of a directive no module provides, once per line (include bombs repeat them). */
  private invalidCommand(name: string, pos: SourcePos, why = ''): void {
    const key = `${pos.file}:${pos.line}:${pos.column}`
    if (this.invalidReported.has(key)) return
    this.invalidReported.add(key)
    // A warning, not an error: the configuration is read and served on (unknown directives are
    // kept), while the line says that httpd itself would refuse to start.
    this.opts.sink.warn(
      APACHE_INVALID_COMMAND,
      'syntax',
      `Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration${why}: httpd refuses to start on it${why ? '' : ' (kept here, not applied)'}`,
      pos
    )
  }

  /**
   * A directive of a module the configuration does not load is an invalid command to httpd too.
   * Modules some builds compile in are given the benefit. Decided once every file is read:
   * LoadModule runs as it is read, but httpd looks the directives up only when it walks the whole
   * tree, so a LoadModule below the line still counts (apache2 2.4.68: Syntax OK).
   */
  private checkModuleLoaded(name: string, pos: SourcePos): void {
    const module = directiveModule(name)
    if (module === undefined || MAYBE_STATIC.has(module) || this.modules.has(module)) return
    this.unloaded.push({ name, pos, module })
  }

  private reportUnloadedModules(): void {
    for (const { name, pos, module } of this.unloaded)
      if (!this.modules.has(module))
        this.invalidCommand(name, pos, `; ${module} is not loaded (no LoadModule line for it)`)
  }

  private define(args: string[], pos: SourcePos): void {
    const [name, value] = args
    if (name.includes(':')) {
      this.opts.sink.error(APACHE_BAD_ARGUMENT, 'syntax', `Define: variable name must not contain ':' ('${name}')`, pos)
      return
    }
    // `Define X` without a value defines the name (for <IfDefine>) but no variable, and keeps a
    // value given earlier, as httpd's set_define does; so does an empty one (`Define X ''`):
    // httpd hands a TAKE12 directive NULL for an empty second word.
    this.opts.scope.define(name, value)
  }

  private serverRoot(args: string[], pos: SourcePos): void {
    const declared = args[0]
    if (!declared || this.serverRootsSeen.has(declared)) return
    this.serverRootsSeen.add(declared)
    const abs = isAbsoluteConfigPath(declared) ? declared : path.resolve(this.paths.root, declared)
    if (path.resolve(abs) === path.resolve(this.paths.root)) return
    const holdsRoot = this.memo.isDir(abs) && !path.relative(abs, this.opts.rootFile).startsWith('..')
    if (holdsRoot) {
      this.paths.root = abs
      this.resolver.forget()
      return
    }
    if (this.paths.addRuntimeRoot(declared)) {
      this.resolver.forget()
      this.opts.sink.info(
        APACHE_SERVERROOT_EMULATED,
        'include',
        `ServerRoot ${declared} is emulated by ${this.paths.root}: relative paths, and absolute ones under ${declared}, are read from there`,
        pos
      )
    }
  }

  private include(directive: string, args: string[], pos: SourcePos, ctx: Ctx): void {
    const optional = directive === 'IncludeOptional'
    const arg = args[0]
    const target = this.resolver.resolve(arg)
    for (const d of target.watchDirs) this.watchDirs.add(d)
    if (target.kind === 'missing') {
      if (optional) return
      const message =
        target.message ??
        (target.glob
          ? `No matches for the wildcard '${path.basename(target.resolved)}' in '${path.dirname(target.resolved)}'`
          : `Could not open configuration file ${target.resolved}: No such file or directory`)
      this.opts.sink.error(
        APACHE_INCLUDE_MISSING,
        'include',
        `${message} (Include needs existing files; use IncludeOptional if it may be absent)${enabledHint(target.resolved, this.memo)}`,
        pos
      )
      return
    }
    if (target.error !== undefined && !optional) {
      // httpd stops at the first file it cannot open: the configuration is refused.
      this.opts.sink.error(
        APACHE_INCLUDE_MISSING,
        'include',
        target.error + enabledHint(target.files[0]?.file ?? '', this.memo),
        pos
      )
      return
    }
    for (const t of target.files) {
      if (this.aborted) return
      if (this.includeStack.length > this.maxDepth) {
        const loop = this.includeStack.includes(t.file)
          ? `; ${path.basename(t.file)} includes itself (directly or not)`
          : ''
        this.opts.sink.error(
          APACHE_INCLUDE_LIMIT,
          'include',
          `Maximum include depth (${this.maxDepth}) exceeded including ${t.file}${loop}`,
          pos
        )
        return
      }
      const parsed = this.parsed.get(t.file)
      if (!parsed.ok) {
        this.opts.sink.error(APACHE_FILE_UNREADABLE, 'include', `Included file ${parsed.message}`, pos)
        continue
      }
      if (t.fromOverlay && !this.fileSet.has(parsed.file)) {
        this.opts.sink.info(
          APACHE_OVERLAY_USED,
          'include',
          `${t.fromOverlay} is provided by the runtime and missing from the project; using the built-in copy`,
          pos
        )
      }
      this.evalFile(parsed, ctx, pos)
    }
  }

  /* --------------------------------------------------------------- sections */

  private evalSection(node: ApacheSectionNode, ctx: Ctx): void {
    noteContinued(node.pos, node.segments)
    const line = this.expand(node)
    let args = node.args
    if (line !== node.line) {
      const shape = lineShape(line)
      if (shape.kind === 'open') args = splitArgs(shape.argText)
    }
    const name = canonicalSection(node.name)
    const lower = name.toLowerCase()
    if (!isKnownSection(name)) this.invalidCommand(`<${name}`, node.pos)
    const argsError = sectionArgsError(name, args)
    if (argsError !== undefined) return this.opts.sink.error(APACHE_SECTION_SYNTAX, 'syntax', argsError, node.pos)

    if (isConditionalSection(lower)) {
      const r = evaluateCondition(name, args, {
        isDefined: (n) => this.opts.scope.isDefined(n),
        moduleLoaded: (m) => this.modules.has(m),
        fileExists: (p) => this.fileExists(p)
      })
      if ('error' in r) this.opts.sink.error(APACHE_BAD_CONDITION, 'syntax', r.error, node.pos)
      else if (r.value) this.evalNodes(node.children, ctx)
      else if (node.unclosedAtEnd)
        // httpd skips a false section to its end tag (ap_soak_end_container) and finds none.
        this.opts.sink.error(
          APACHE_UNCLOSED_SECTION,
          'syntax',
          `Expected </${name}> before end of configuration`,
          node.pos
        )
      return
    }
    const inner = this.sections.enter(node, name, args, ctx)
    if (inner) this.evalNodes(node.children, inner)
  }

  private fileExists(p: string): boolean {
    return this.existsWatched(this.paths.resolve(p))
  }

  /** Whether a file exists; its folder is watched when it is ours, so creating or removing it reloads. */
  private existsWatched(abs: string): boolean {
    if (this.paths.isInside(abs)) {
      const dir = path.dirname(abs)
      if (this.memo.isDir(dir)) this.watchDirs.add(dir)
    }
    return this.memo.exists(abs)
  }
}
