/**
 * Where the contents of a (non-conditional) section go: a new VirtualHost, a request scope
 * (`<Directory>`, `<Location>`, `<Files>`, `<If>` … with their own settings), or, for access
 * containers like `<Limit>` and `<RequireAny>`, the enclosing settings with a label. Nesting
 * rules httpd enforces ("cannot occur within") are reported; the content is still modelled
 * where that makes sense, so one mistake does not hide the rest of a vhost.
 */
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import type { ApacheConfig, ApacheScope, VirtualHost } from '../../../../shared/config-model'
import type { ApacheSectionNode } from './ast'
import { emptySettings, type SettingsWriter, type WriteContext } from './settings'

export const APACHE_MISPLACED_SECTION = 'APACHE_MISPLACED_SECTION'

export type Ctx = WriteContext

const SCOPE_KINDS: Record<string, ApacheScope['kind']> = {
  if: 'If',
  elseif: 'ElseIf',
  else: 'Else',
  location: 'Location',
  locationmatch: 'LocationMatch',
  directory: 'Directory',
  directorymatch: 'DirectoryMatch',
  files: 'Files',
  filesmatch: 'FilesMatch'
}

/** `<Directory ~ re>` is `<DirectoryMatch re>` (and likewise Location, Files). */
const TILDE_FORM: Partial<Record<ApacheScope['kind'], ApacheScope['kind']>> = {
  Directory: 'DirectoryMatch',
  Location: 'LocationMatch',
  Files: 'FilesMatch'
}

/** httpd refuses these inside <Directory>, <Location>, <Files> or <If> ("cannot occur within"). */
const PATH_SCOPES = new Set<ApacheScope['kind']>(['Directory', 'DirectoryMatch', 'Location', 'LocationMatch'])

export class SectionContexts {
  constructor(
    private readonly sink: DiagnosticSink,
    private readonly writer: SettingsWriter,
    private readonly config: ApacheConfig
  ) {}

  /**
   * The context the section's children are evaluated in, or `undefined` when they must not
   * be evaluated at all (a misplaced VirtualHost; a mod_macro template, only meaningful when `Use`d).
   */
  enter(node: ApacheSectionNode, name: string, args: string[], ctx: Ctx): Ctx | undefined {
    const lower = name.toLowerCase()
    if (ctx.within !== undefined) {
      if ((lower === 'files' || lower === 'filesmatch') && (ctx.limit !== undefined || ctx.inLocation !== undefined))
        this.filesRefused(node, name, ctx)
      return this.container(node, name, args, ctx)
    }
    if (lower === 'virtualhost') return this.virtualHost(node, args, ctx)
    const kind = SCOPE_KINDS[lower]
    if (kind) return this.scope(node, kind, args, ctx)
    if (lower === 'macro') {
      this.writer.keepOther(ctx, { name: `<${name}>`, args, line: node.line, pos: node.pos })
      return undefined
    }
    return this.container(node, name, args, ctx)
  }

  /**
   * filesection: no <Files> in a <Limit> or anywhere inside a <Location> (ap_check_cmd_context
   * NOT_IN_LIMIT | NOT_IN_LOCATION walks every enclosing section).
   */
  private filesRefused(node: ApacheSectionNode, written: string, ctx: Ctx): void {
    this.sink.error(
      APACHE_MISPLACED_SECTION,
      'syntax',
      ctx.limit !== undefined
        ? `<${written}> cannot occur within <Limit> or <LimitExcept> section`
        : `<${written}> cannot occur within <${ctx.inLocation}> section`,
      node.pos
    )
  }

  private virtualHost(node: ApacheSectionNode, args: string[], ctx: Ctx): Ctx | undefined {
    if (ctx.level !== 'server') {
      const around = ctx.level === 'vhost' ? '<VirtualHost>' : `<${ctx.scopeKind}>`
      this.sink.error(
        APACHE_MISPLACED_SECTION,
        'syntax',
        `<VirtualHost> cannot occur within ${around} section; its contents are ignored`,
        node.pos
      )
      return undefined
    }
    const settings = emptySettings()
    const vhost: VirtualHost = { addresses: args, serverAliases: [], settings, pos: node.pos }
    this.config.virtualHosts.push(vhost)
    return { settings, level: 'vhost', vhost }
  }

  private scope(node: ApacheSectionNode, written: ApacheScope['kind'], args: string[], ctx: Ctx): Ctx {
    let kind = written
    let arg = args[0] ?? ''
    const matchKind = TILDE_FORM[kind]
    if (matchKind && arg === '~') {
      kind = matchKind
      arg = args[1] ?? ''
    }
    if (PATH_SCOPES.has(kind) && ctx.scopeKind) {
      this.sink.error(
        APACHE_MISPLACED_SECTION,
        'syntax',
        `<${written}> cannot occur within <${ctx.scopeKind}> section`,
        node.pos
      )
    }
    if ((kind === 'Files' || kind === 'FilesMatch') && ctx.inLocation !== undefined)
      this.filesRefused(node, written, ctx)
    if (kind === 'ElseIf' || kind === 'Else') {
      const previous = [...ctx.settings.scopes]
        .reverse()
        .find((s) => s.kind === 'If' || s.kind === 'ElseIf' || s.kind === 'Else')
      if (!previous || previous.kind === 'Else') {
        this.sink.error(
          APACHE_MISPLACED_SECTION,
          'syntax',
          `<${kind}> section without previous <If> or <ElseIf> section in same scope`,
          node.pos
        )
      }
    }
    if (kind === 'Else') arg = ''
    const settings = emptySettings()
    ctx.settings.scopes.push({ kind, arg, settings, pos: node.pos })
    const inLocation = kind === 'Location' || kind === 'LocationMatch' ? written : ctx.inLocation
    return { settings, level: 'scope', vhost: ctx.vhost, scopeKind: kind, section: written, inLocation }
  }

  /**
   * `<Limit>`, `<LimitExcept>`, `<RequireAny>`, `<Proxy>`, unknown sections: not part of the
   * request model, but recorded with their contents so nothing is dropped silently.
   */
  private container(node: ApacheSectionNode, name: string, args: string[], ctx: Ctx): Ctx {
    const label = args.length > 0 ? `${name} ${args.join(' ')}` : name
    this.writer.keepOther(ctx, { name: `<${name}>`, args, line: node.line, pos: node.pos })
    const access = this.writer.enterContainer(name, args, ctx, node.pos)
    return { ...ctx, ...access, within: ctx.within !== undefined ? `${ctx.within}/${label}` : label, section: name }
  }
}
