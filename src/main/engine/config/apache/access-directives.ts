/**
 * Access control directives into the model (`VhostSettings.access`): mod_authz_core's
 * `Require`, `<RequireAll|Any|None>` and `AuthMerging`, and mod_access_compat's `Order`,
 * `Allow`, `Deny` and `Satisfy`, with the `<Limit>`/`<LimitExcept>` around them. The checks
 * are the ones httpd makes while reading its configuration (add_authz_provider,
 * add_authz_section, authz_core_check_config, the access_compat commands): where httpd refuses
 * to start, this is an error at the directive's line.
 */
import type { DiagnosticSink, SourcePos } from '../../../../shared/diagnostics'
import type {
  AccessDirectives,
  AccessRule,
  AuthzGroup,
  AuthzRequire,
  MethodLimit,
  VhostSettings
} from '../../../../shared/config-model'
import { parseSubnet, subnetProblem } from '../../apache-expr/ipmatch'
import type { EvaluatedDirective, WriteContext } from './settings'

export const APACHE_ACCESS_SYNTAX = 'APACHE_ACCESS_SYNTAX'
export const APACHE_ACCESS_NOT_EMULATED = 'MODEL_NOT_EMULATED'

const ACCESS_DIRECTIVES = new Set(['require', 'order', 'allow', 'deny', 'satisfy', 'authmerging'])

/** Providers the workbench evaluates (`user` and `valid-user` with AuthType Basic and an AuthUserFile). */
const EMULATED_PROVIDERS = new Set([
  'all',
  'env',
  'method',
  'expr',
  'ip',
  'host',
  'local',
  'forward-dns',
  'user',
  'valid-user'
])
/** Providers of modules that look users up in groups, file owners or directories: not emulated. */
const USER_PROVIDERS = new Set([
  'group',
  'file-owner',
  'file-group',
  'dbm-group',
  'dbd-group',
  'ldap-user',
  'ldap-group',
  'ldap-dn',
  'ldap-attribute',
  'ldap-filter',
  'ldap-search'
])

/** Methods httpd knows without `<Limit>` registering them (ap_method_number_of); HEAD is GET. */
export const KNOWN_METHODS = new Set(
  (
    'GET HEAD PUT POST DELETE CONNECT OPTIONS TRACE PATCH PROPFIND PROPPATCH MKCOL COPY MOVE LOCK UNLOCK ' +
    'VERSION-CONTROL CHECKOUT UNCHECKOUT CHECKIN UPDATE LABEL REPORT MKWORKSPACE MKACTIVITY BASELINE-CONTROL MERGE'
  ).split(' ')
)

const GROUP_KINDS: Record<string, AuthzGroup['kind']> = {
  requireall: 'RequireAll',
  requireany: 'RequireAny',
  requirenone: 'RequireNone'
}

/** What an access container adds to the context its children are read in. */
export type AccessCtx = Pick<WriteContext, 'limit' | 'authzGroup' | 'accessIgnored'>

/** `RequireAny` and `RequireNone` combine with OR, `RequireAll` with AND. */
const isOr = (g: AuthzGroup): boolean => g.kind !== 'RequireAll'

export class AccessWriter {
  /** Every `<Require*>` group and implicit root read, for the checks made once the file is read. */
  private readonly groups: AuthzGroup[] = []
  private readonly roots: AuthzGroup[] = []
  /** Methods `<Limit>` sections have registered so far. */
  private readonly registered = new Set<string>(KNOWN_METHODS)

  constructor(private readonly sink: DiagnosticSink) {}

  static isAccessDirective(name: string): boolean {
    return ACCESS_DIRECTIVES.has(name.toLowerCase())
  }

  /** The context for a container's children: `<Limit>`, `<Require*>`, or one whose access directives are not modelled. */
  enter(name: string, args: string[], ctx: WriteContext, pos: SourcePos): AccessCtx {
    const lower = name.toLowerCase()
    if (ctx.accessIgnored) return {}
    if (lower === 'limit' || lower === 'limitexcept') {
      if (!this.allowedHere(`<${name}`, ctx, pos)) return { accessIgnored: true }
      if (args.length === 0) this.error(`<${name}> requires at least one argument`, pos)
      if (args.includes('TRACE')) this.error('TRACE cannot be controlled by <Limit>, see TraceEnable', pos)
      // <Limit> registers the extension methods it names (`Require method PURGE` is fine after it).
      for (const m of args) this.registered.add(m)
      const limit: MethodLimit = { methods: args, except: lower === 'limitexcept' }
      // Nested: the methods both name.
      if (ctx.limit) limit.and = ctx.limit
      return { limit }
    }
    const kind = GROUP_KINDS[lower]
    if (!kind) return { accessIgnored: true }
    if (!this.allowedHere(`<${name}`, ctx, pos)) return { accessIgnored: true }
    if (args.length > 0) this.error(`<${kind}> directive doesn't take additional arguments`, pos)
    const group: AuthzGroup = { kind, children: [], pos }
    const parent = ctx.authzGroup ?? this.rootOf(ctx.settings, pos)
    if (kind === 'RequireNone' && isOr(parent)) {
      this.error(`<RequireNone> directive has no effect in <${parent.kind}> directive`, pos)
    }
    parent.children.push(group)
    this.groups.push(group)
    return { authzGroup: group }
  }

  /** Reads an access directive (the caller checked `isAccessDirective`). */
  directive(ctx: WriteContext, d: EvaluatedDirective, rest: string): void {
    if (ctx.accessIgnored || !this.allowedHere(d.name, ctx, d.pos)) return
    // Inside <Require*> only authorization directives are allowed (OR_AUTHCFG): not Order, Allow, Deny.
    if (ctx.authzGroup && /^(order|allow|deny)$/i.test(d.name)) return this.error(`${d.name} not allowed here`, d.pos)
    const limit = ctx.limit
    switch (d.name.toLowerCase()) {
      case 'require':
        return this.require(ctx, d, rest)
      case 'authmerging': {
        const v = (d.args[0] ?? '').toLowerCase()
        if (v !== 'off' && v !== 'and' && v !== 'or')
          return this.error('AuthMerging must be one of: Off | And | Or', d.pos)
        this.authzOf(ctx.settings).merging = { value: v, pos: d.pos }
        return
      }
      case 'order': {
        const v = (d.args[0] ?? '').toLowerCase()
        if (v !== 'deny,allow' && v !== 'allow,deny' && v !== 'mutual-failure')
          return this.error('unknown order', d.pos)
        this.compatOf(ctx.settings).order.push(withLimit({ value: v, pos: d.pos }, limit))
        return
      }
      case 'satisfy': {
        const v = (d.args[0] ?? '').toLowerCase()
        if (v !== 'any' && v !== 'all') return this.error("Satisfy either 'any' or 'all'.", d.pos)
        this.compatOf(ctx.settings).satisfy.push(withLimit({ value: v, pos: d.pos }, limit))
        return
      }
      default: {
        // Allow / Deny
        if ((d.args[0] ?? '').toLowerCase() !== 'from') {
          return this.error("allow and deny must be followed by 'from'", d.pos)
        }
        const list = this.compatOf(ctx.settings)[d.name.toLowerCase() === 'allow' ? 'allow' : 'deny']
        for (const from of d.args.slice(1)) {
          // A word with a slash must be a network; anything else that is no address is a host name.
          if (from.includes('/') && !/^env=/i.test(from) && !parseSubnet(from)) {
            this.error('The specified network mask is invalid.', d.pos)
          } else list.push(withLimit({ value: from, pos: d.pos }, limit))
        }
      }
    }
  }

  /** Checks httpd makes once the configuration is read: empty groups, only negative directives. */
  finish(): void {
    for (const g of this.groups) {
      if (g.children.length === 0) this.error(`<${g.kind}> directive contains no authorization directives`, g.pos)
    }
    for (const root of this.roots) {
      if (root.children.length > 0) this.onlyNegative(root, true)
    }
  }

  private require(ctx: WriteContext, d: EvaluatedDirective, rest: string): void {
    const words = d.args
    const negate = (words[0] ?? '').toLowerCase() === 'not'
    const provider = (words[negate ? 1 : 0] ?? '').toLowerCase()
    if (!provider) return this.error('Require takes at least one argument', d.pos)
    if (!EMULATED_PROVIDERS.has(provider) && !USER_PROVIDERS.has(provider)) {
      return this.error(`Unknown Authz provider: ${words[negate ? 1 : 0]}`, d.pos)
    }
    const args = words.slice(negate ? 2 : 1)
    const problem = providerProblem(provider, args, rest, this.registered)
    if (problem) return this.error(problem, d.pos)
    if (USER_PROVIDERS.has(provider)) {
      this.sink.warn(
        APACHE_ACCESS_NOT_EMULATED,
        'model',
        `Require ${provider} is not emulated: the workbench looks up no groups, file owners or directories, so this directive counts as granted`,
        d.pos
      )
    }
    const group = ctx.authzGroup ?? this.rootOf(ctx.settings, d.pos)
    if (negate && isOr(group)) {
      return this.error(`negative Require directive has no effect in <${group.kind}> directive`, d.pos)
    }
    const node: AuthzRequire = { kind: 'Require', negate, provider, args: rest, pos: d.pos }
    if (ctx.limit) node.limit = ctx.limit
    group.children.push(node)
  }

  /**
   * authz_core_check_section: a group needs at least one directive that is not negated, once
   * a negated group of the other logic is folded into its parent (De Morgan).
   */
  private onlyNegative(group: AuthzGroup, isRoot: boolean): boolean {
    // An empty group was refused and never attached (add_authz_section).
    const children = group.children.filter((c) => c.kind === 'Require' || c.children.length > 0)
    if (children.length === 0) return false
    let positive = false
    for (const child of children) {
      if (child.kind === 'Require') {
        if (!child.negate) positive = true
        continue
      }
      if (this.onlyNegative(child, false)) return true
      const negated = child.kind === 'RequireNone'
      if (negated && isOr(child) !== isOr(group)) {
        // Folded in with each directive's sense flipped.
        if (child.children.some((c) => (c.kind === 'Require' ? c.negate : c.kind === 'RequireNone'))) positive = true
      } else if (!negated) positive = true
    }
    if (positive) return false
    const where = isRoot ? '<Directory>, <Location>, or similar' : `<${group.kind}>`
    this.error(`${where} directive contains only negative authorization directives`, group.pos)
    return true
  }

  /** Access directives belong in `<Directory>`, `<Location>`, `<Files>` and `<If>`; httpd refuses them elsewhere. */
  private allowedHere(name: string, ctx: WriteContext, pos: SourcePos): boolean {
    if (ctx.level === 'scope') return true
    this.error(`${name} not allowed ${ctx.level === 'vhost' ? 'in <VirtualHost> context' : 'here'}`, pos)
    return false
  }

  private rootOf(settings: VhostSettings, pos: SourcePos): AuthzGroup {
    const authz = this.authzOf(settings)
    if (!authz.root) {
      authz.root = { kind: 'RequireAny', implicit: true, children: [], pos }
      this.roots.push(authz.root)
    }
    return authz.root
  }

  private authzOf(settings: VhostSettings): NonNullable<AccessDirectives['authz']> {
    const access = (settings.access ??= {})
    return (access.authz ??= {})
  }

  private compatOf(settings: VhostSettings): NonNullable<AccessDirectives['compat']> {
    const access = (settings.access ??= {})
    return (access.compat ??= { order: [], allow: [], deny: [], satisfy: [] })
  }

  private error(message: string, pos: SourcePos): void {
    this.sink.error(APACHE_ACCESS_SYNTAX, 'syntax', message, pos)
  }
}

function withLimit<T>(rule: AccessRule<T>, limit: MethodLimit | undefined): AccessRule<T> {
  if (limit) rule.limit = limit
  return rule
}

/** What the provider's own parser (parse_require_line) refuses; `Require expr` is compiled with the runtime. */
function providerProblem(provider: string, args: string[], rest: string, methods: Set<string>): string | null {
  switch (provider) {
    case 'all': {
      const v = rest.trim().toLowerCase()
      return v === 'granted' || v === 'denied' ? null : "Argument for 'Require all' must be 'granted' or 'denied'"
    }
    case 'method': {
      const bad = args.find((m) => !methods.has(m))
      return bad === undefined ? null : `Invalid Method '${bad}'`
    }
    case 'ip': {
      if (args.length === 0) return 'Require ip requires an argument'
      for (const a of args) {
        const problem = subnetProblem(a)
        if (problem !== null) return `ip address '${a}' appears to be invalid: ${problem}`
      }
      return null
    }
    case 'expr':
      return rest.trim() === '' ? 'Cannot parse expression in require line: Parser did not return a result' : null
    default:
      return null
  }
}
