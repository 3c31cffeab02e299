/**
 * Apache's access control for one combination of sections: the contexts' `access` directives
 * merged as httpd merges them, and the checks `ap_process_request_internal` runs after the
 * section walk and before the fixups and the handler (so before the Dispatcher):
 *
 * - mod_access_compat (`Order`/`Allow`/`Deny`/`Satisfy`) has no merge function: the innermost
 *   context with any of them replaces the outer ones whole.
 * - mod_authz_core (`Require`, `<Require*>`): an inner context's directives replace the outer
 *   ones unless it says `AuthMerging And|Or`; `AuthMerging Off` alone clears them.
 * - `Satisfy Any` lets a request in that mod_access_compat allows without asking `Require`;
 *   otherwise both must agree (authorize_userless, apply_authz_sections: granted, denied or
 *   neutral, `<Limit>` methods, negation).
 *
 * - `Require valid-user`/`user` without a user yet: authentication (`AuthType Basic` with an
 *   `AuthUserFile`, htpasswd.ts), 401 with its challenge when it fails, then the Require lines
 *   again with the user.
 *
 * The client is the loopback address the workbench listens on; its double-reverse host name is
 * `localhost`, as the hosts file of every machine says. Group, file-owner and directory
 * providers are not emulated: they count as granted, and the trace and `check` say so.
 */
import type { AccessRule, AuthzGroup, AuthzRequire, MethodLimit, VhostSettings } from '../../../shared/config-model'
import { shortPos, type Diagnostic, type SourcePos } from '../../../shared/diagnostics'
import {
  envGet,
  evalExprBool,
  exprDiagnostic,
  ExprError,
  ipInSubnet,
  parseExpr,
  parseSubnet,
  type ExprAst,
  type ExprContext
} from '../apache-expr'
import { checkPassword, readUserFile } from './htpasswd'

export interface AccessRequest {
  method: string
  /** `r->useragent_ip`. */
  clientIp: string
  /** `c->local_ip`. */
  serverIp: string
  env: Record<string, string>
  exprContext: () => ExprContext
  /** Where `Require expr` puts the request headers it read (httpd adds them to `Vary`). */
  vary: string[]
  /** The `Authorization` request header, for `AuthType Basic`. */
  authorization?: string
  /** `r->user` once authentication ran. */
  user?: string
}

export interface AccessDecision {
  /**
   * The status httpd answers with, or null when the request goes on. A 403 is logged as
   * `AH01630: client denied by server configuration: <r->filename>` (the caller knows it).
   */
  status: 401 | 403 | 500 | null
  /** A 401's challenge (`WWW-Authenticate`). */
  challenge?: string
  /** The trace line. */
  summary: string
  /** httpd's own log lines for the checks (LogLevel authz_core:debug). */
  log: string[]
  /** The directive that decided. */
  source?: SourcePos
}

type AuthzResult = 'granted' | 'denied' | 'denied-no-user' | 'neutral' | 'error'

/** Which methods a directive applies to; HEAD is GET (httpd gives both M_GET). */
type Limited = (method: string) => boolean

const EVERY_METHOD: Limited = () => true

interface Provider {
  kind: 'provider'
  negate: boolean
  label: string
  limited: Limited
  pos: SourcePos
  /** Reads the environment or an expression: the answer depends on more than method and client. */
  dynamic: boolean
  check: (req: AccessRequest, log: string[]) => AuthzResult
}

interface Group {
  kind: 'group'
  or: boolean
  negate: boolean
  label: string
  limited: Limited
  pos: SourcePos
  dynamic: boolean
  children: AuthzNode[]
}

type AuthzNode = Provider | Group

interface CompatEntry {
  label: string
  limited: Limited
  pos: SourcePos
  dynamic: boolean
  test: (req: AccessRequest) => boolean
}

interface Compat {
  order: (method: string) => AccessRule<string> | null
  satisfy: (method: string) => AccessRule<'any' | 'all'> | null
  allow: CompatEntry[]
  deny: CompatEntry[]
}

/** Decisions remembered per control object (method and client) when nothing else goes in. */
const MEMO_LIMIT = 64

/** The authentication settings in effect (core's AuthType/AuthName, mod_authn_file, mod_auth_basic). */
interface AuthSettings {
  type?: string
  name?: string
  userFile?: string
  providers?: string[]
}

export class AccessControl {
  private readonly authz: Group | null
  private readonly compat: Compat | null
  private readonly auth: AuthSettings = {}
  private readonly dynamic: boolean
  private readonly memo = new Map<string, AccessDecision>()

  constructor(contexts: VhostSettings[]) {
    let authz: Group | null = null
    let compat: Compat | null = null
    for (const c of contexts) {
      // Per-directory, the innermost setting wins.
      if (c.other.AuthType) this.auth.type = c.other.AuthType.value[0]
      if (c.other.AuthName) this.auth.name = c.other.AuthName.value.join(' ')
      if (c.other.AuthUserFile) this.auth.userFile = c.other.AuthUserFile.value[0]
      if (c.other.AuthBasicProvider) this.auth.providers = c.other.AuthBasicProvider.value
      const a = c.access
      if (!a) continue
      if (a.compat) compat = compileCompat(a.compat)
      if (!a.authz) continue
      const newOp = a.authz.merging?.value ?? 'unset'
      const section = a.authz.root && a.authz.root.children.length > 0 ? compileGroup(a.authz.root) : null
      // merge_authz_core_dir_config
      if (newOp === 'off' || newOp === 'unset' || !(authz || section)) authz = section
      else if (authz && section) {
        authz = {
          kind: 'group',
          or: newOp === 'or',
          negate: false,
          label: `AuthMerging ${newOp === 'or' ? 'Or' : 'And'}`,
          limited: either(authz.limited, section.limited),
          pos: a.authz.merging!.pos,
          dynamic: authz.dynamic || section.dynamic,
          children: [authz, section]
        }
      } else authz = authz ?? section
    }
    this.authz = authz
    this.compat = compat
    this.dynamic =
      (authz?.dynamic ?? false) || (compat !== null && [...compat.allow, ...compat.deny].some((e) => e.dynamic))
  }

  /** The decision reads the environment, an expression or the credentials, not just method and client. */
  get readsRequest(): boolean {
    return this.dynamic
  }

  /** True when no context says anything: every request goes on without a trace entry. */
  get empty(): boolean {
    return this.authz === null && this.compat === null
  }

  check(req: AccessRequest): AccessDecision {
    if (this.dynamic) return this.decide(req)
    const key = `${req.method}\n${req.clientIp}\n${req.serverIp}`
    let d = this.memo.get(key)
    if (!d) {
      d = this.decide(req)
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear()
      this.memo.set(key, d)
    }
    return d
  }

  /**
   * ap_process_request_internal's access part, with mod_access_compat (access_checker) and
   * mod_authz_core (access_checker_ex) as the hooks.
   */
  private decide(req: AccessRequest): AccessDecision {
    const method = req.method === 'HEAD' ? 'GET' : req.method
    const log: string[] = []
    const compat = this.compat ? this.checkCompat(req, method, log) : null
    const satisfyAny = this.compat?.satisfy(method)?.value === 'any'
    if (satisfyAny && compat?.ok) {
      const satisfy = this.compat!.satisfy(method)!
      return granted(log, `${compat.label}, and Satisfy Any (${shortPos(satisfy.pos)}) needs nothing more`, compat.pos)
    }
    // With Satisfy Any a client mod_access_compat refuses still gets in when the Require lines
    // (or their absence) let it: httpd 2.4.71 answers so, whatever check_dir_access's deferral reads like.
    if (!satisfyAny && compat && !compat.ok) return denied(log, compat)
    if (!this.authz) {
      log.push('AH01628: authorization result: granted (no directives)')
      return granted(log, compat ? compat.label : 'no Require applies', compat?.pos)
    }
    const r = this.apply(this.authz, 'and', req, method, log)
    const by = { label: r.by.label, pos: r.by.pos }
    switch (r.result) {
      case 'granted':
        return granted(log, by.label, by.pos)
      case 'error':
        return failed(log, `${by.label} (${shortPos(by.pos)}) could not be evaluated`, by.pos)
      case 'denied-no-user':
        return this.authenticated(req, method, log, by)
      default:
        return denied(log, by)
    }
  }

  /**
   * A `Require` that needs a user: authentication (check_user_id: mod_auth_basic with
   * mod_authn_file), then the Require lines again with the user (authorize_user).
   */
  private authenticated(
    req: AccessRequest,
    method: string,
    log: string[],
    by: { label: string; pos: SourcePos }
  ): AccessDecision {
    const a = this.auth
    const type = a.type?.toLowerCase()
    if (!type || type === 'none') {
      log.push(`AH00025: configuration error:  couldn't check user`)
      return failed(log, `${by.label} needs an authenticated user and no AuthType is set`, by.pos)
    }
    if (type !== 'basic') {
      log.push(`AuthType ${a.type} is not emulated (only Basic is); the request is let through`)
      return granted(log, `${by.label} (AuthType ${a.type} not emulated)`, by.pos)
    }
    if (!a.name) {
      log.push('AH01615: need AuthName')
      return failed(log, 'AuthType Basic without AuthName', by.pos)
    }
    const challenge = `Basic realm="${a.name.replace(/(["\\])/g, '\\$1')}"`
    const unauthorized = (why: string): AccessDecision => {
      log.push(why)
      return {
        status: 401,
        challenge,
        summary: `Apache asks for credentials (401 Unauthorized): ${why}`,
        log,
        source: by.pos
      }
    }
    const m = /^\s*basic\s+(\S+)/i.exec(req.authorization ?? '')
    if (!m) return unauthorized(`AuthType Basic, realm "${a.name}": the request carries no credentials`)
    const decoded = Buffer.from(m[1], 'base64').toString('latin1')
    const colon = decoded.indexOf(':')
    if (colon < 0) return unauthorized('AH01614: client used wrong authentication scheme or sent malformed credentials')
    const user = decoded.slice(0, colon)
    const providers = a.providers ?? ['file']
    if (!providers.some((p) => p.toLowerCase() === 'file')) {
      log.push(`AuthBasicProvider ${providers.join(' ')} is not emulated (only file is); the request is let through`)
      return granted(log, `${by.label} (AuthBasicProvider not emulated)`, by.pos)
    }
    if (!a.userFile) {
      log.push('AuthUserFile not set')
      return failed(log, 'AuthType Basic with the file provider but no AuthUserFile', by.pos)
    }
    const users = readUserFile(a.userFile)
    if (!users) {
      log.push(`AH01620: Could not open password file: ${a.userFile}`)
      return failed(log, `AuthUserFile ${a.userFile} cannot be read`, by.pos)
    }
    const hash = users.get(user)
    if (hash === undefined) return unauthorized(`AH01618: user ${user} not found`)
    const check = checkPassword(decoded.slice(colon + 1), hash)
    if (check === 'unsupported') {
      return unauthorized(`user ${user}: the password hash is in a format the workbench does not check (crypt)`)
    }
    if (check === 'mismatch') return unauthorized(`AH01617: user ${user}: authentication failure`)
    const again = this.apply(this.authz!, 'and', { ...req, user }, method, log)
    if (again.result === 'granted') return granted(log, `${again.by.label} for user ${user}`, again.by.pos)
    if (again.result === 'error') return failed(log, `${again.by.label} could not be evaluated`, again.by.pos)
    return unauthorized(`AH01631: user ${user}: authorization failure for "${again.by.label}"`)
  }

  /** check_dir_access: whether mod_access_compat lets the client in, and the directive that decided. */
  private checkCompat(
    req: AccessRequest,
    method: string,
    log: string[]
  ): { ok: boolean; label: string; pos?: SourcePos } {
    const c = this.compat!
    const orderRule = c.order(method)
    const order = orderRule?.value ?? 'deny,allow'
    const find = (list: CompatEntry[]): CompatEntry | undefined => list.find((e) => e.limited(method) && e.test(req))
    const allow = find(c.allow)
    const deny = find(c.deny)
    // Deny,Allow: allowed unless a Deny matches and no Allow does; Allow,Deny and
    // Mutual-failure: allowed only when an Allow matches and no Deny does.
    const ok =
      order === 'deny,allow' ? deny === undefined || allow !== undefined : allow !== undefined && deny === undefined
    const by = order === 'deny,allow' ? (allow ?? deny) : (deny ?? allow)
    const label = by ? `${by.label}, Order ${order}` : `Order ${order} and no ${ok ? 'Deny' : 'Allow'} from matches`
    log.push(`mod_access_compat: ${ok ? 'allowed' : 'denied'}: ${label}`)
    return { ok, label, pos: by?.pos ?? orderRule?.pos }
  }

  /** apply_authz_sections: the result and the node that decided it. */
  private apply(
    node: AuthzNode,
    parentOp: 'and' | 'or',
    req: AccessRequest,
    method: string,
    log: string[]
  ): { result: AuthzResult; by: AuthzNode } {
    if (!node.limited(method)) {
      const result: AuthzResult = parentOp === 'and' ? 'granted' : 'neutral'
      log.push(
        `AH01625: authorization result of ${node.label}: ${resultText(result)} (directive limited to other methods)`
      )
      return { result, by: node }
    }
    let result: AuthzResult
    let by: AuthzNode = node
    if (node.kind === 'provider') result = node.check(req, log)
    else {
      result = 'neutral'
      for (const child of node.children) {
        const r = this.apply(child, node.or ? 'or' : 'and', req, method, log)
        if (r.result === 'error') return r
        if (r.result === 'neutral') continue
        if (!node.or) {
          if (r.result === 'denied') {
            result = r.result
            by = r.by
            break
          }
          if ((r.result === 'denied-no-user' && result !== 'denied') || result === 'neutral') {
            result = r.result
            by = r.by
          }
        } else {
          if (r.result === 'granted') {
            result = r.result
            by = r.by
            break
          }
          if ((r.result === 'denied-no-user' && result === 'denied') || result === 'neutral') {
            result = r.result
            by = r.by
          }
        }
      }
    }
    if (node.negate) {
      if (result === 'granted') result = 'denied'
      else if (result === 'denied' || result === 'denied-no-user') result = 'neutral'
    }
    log.push(`AH01626: authorization result of ${node.label}: ${resultText(result)}`)
    return { result, by }
  }
}

function granted(log: string[], why: string, source?: SourcePos): AccessDecision {
  const where = source ? ` (${shortPos(source)})` : ''
  return { status: null, summary: `Apache grants access: ${why}${where}`, log, source }
}

function denied(log: string[], by: { label: string; pos?: SourcePos }): AccessDecision {
  const where = by.pos ? ` (${shortPos(by.pos)})` : ''
  return { status: 403, summary: `Apache denies access (403 Forbidden): ${by.label}${where}`, log, source: by.pos }
}

function failed(log: string[], why: string, source: SourcePos): AccessDecision {
  return { status: 500, summary: `Apache answers 500 Internal Server Error: ${why}`, log, source }
}

function resultText(r: AuthzResult): string {
  return r === 'denied-no-user' ? 'denied (no authenticated user yet)' : r === 'error' ? 'error' : r
}

function limitOf(limit: MethodLimit | undefined): Limited {
  if (!limit) return EVERY_METHOD
  const methods = new Set(limit.methods.map((m) => (m === 'HEAD' ? 'GET' : m)))
  const own: Limited = limit.except ? (m) => !methods.has(m) : (m) => methods.has(m)
  if (!limit.and) return own
  const outer = limitOf(limit.and)
  return (m) => own(m) && outer(m)
}

function either(a: Limited, b: Limited): Limited {
  return a === EVERY_METHOD || b === EVERY_METHOD ? EVERY_METHOD : (m) => a(m) || b(m)
}

function compileGroup(g: AuthzGroup): Group {
  const children = g.children.filter((c) => c.kind === 'Require' || c.children.length > 0).map(compileNode)
  let limited: Limited | null = null
  for (const c of children) limited = limited ? either(limited, c.limited) : c.limited
  return {
    kind: 'group',
    or: g.kind !== 'RequireAll',
    negate: g.kind === 'RequireNone',
    label: g.implicit ? '<RequireAny>' : `<${g.kind}>`,
    limited: limited ?? (() => false),
    pos: g.pos,
    dynamic: children.some((c) => c.dynamic),
    children
  }
}

function compileNode(n: AuthzRequire | AuthzGroup): AuthzNode {
  return n.kind === 'Require' ? compileRequire(n) : compileGroup(n)
}

function compileRequire(r: AuthzRequire): Provider {
  const words = r.args.split(/\s+/).filter(Boolean)
  const label = `Require ${r.negate ? 'not ' : ''}${r.provider}${r.args ? ` ${r.args}` : ''}`
  const base = {
    kind: 'provider' as const,
    negate: r.negate,
    label,
    limited: limitOf(r.limit),
    pos: r.pos,
    dynamic: false
  }
  const result = (ok: boolean): AuthzResult => (ok ? 'granted' : 'denied')
  switch (r.provider) {
    case 'all': {
      const ok = r.args.trim().toLowerCase() === 'granted'
      return { ...base, check: () => result(ok) }
    }
    case 'env':
      return { ...base, dynamic: true, check: (req) => result(words.some((w) => envGet(req.env, w) !== undefined)) }
    case 'method': {
      const methods = new Set(words.map((m) => (m === 'HEAD' ? 'GET' : m)))
      return { ...base, check: (req) => result(methods.has(req.method === 'HEAD' ? 'GET' : req.method)) }
    }
    case 'ip': {
      const subnets = words.map(parseSubnet).filter((s) => s !== null)
      return { ...base, check: (req) => result(subnets.some((s) => ipInSubnet(req.clientIp, s))) }
    }
    case 'local':
      return { ...base, check: (req) => result(isLoopback(req.clientIp) || req.clientIp === req.serverIp) }
    case 'host':
      return {
        ...base,
        check: (req, log) => {
          const name = remoteHostName(req.clientIp)
          if (name === null)
            log.push(`${label}: ${req.clientIp} has no host name the workbench knows (only loopback is localhost)`)
          return result(name !== null && words.some((w) => inDomain(w, name)))
        }
      }
    case 'forward-dns':
      return {
        ...base,
        check: (req, log) => {
          const ok = words.some((w) => w.toLowerCase() === 'localhost' && isLoopback(req.clientIp))
          if (!ok && words.some((w) => w.toLowerCase() !== 'localhost')) {
            log.push(`${label}: the workbench resolves no names but localhost; the others match no client`)
          }
          return result(ok)
        }
      }
    case 'expr': {
      const ast = exprOf(r.args)
      // An expression that reads REMOTE_USER waits for a user: false means "not yet" (httpd's want_user).
      const wantsUser = /%\{\s*REMOTE_USER\s*\}/i.test(r.args)
      return {
        ...base,
        dynamic: true,
        check: (req, log) => {
          if (ast instanceof ExprError) return 'error'
          const out = evalExprBool(ast, req.exprContext(), false)
          for (const h of out.vary) if (!req.vary.includes(h)) req.vary.push(h)
          if (out.error !== undefined) {
            log.push(`AH02320: Error evaluating expression in 'Require expr': ${out.error}`)
            return 'error'
          }
          return out.value ? 'granted' : wantsUser ? 'denied-no-user' : 'denied'
        }
      }
    }
    case 'valid-user':
      return { ...base, dynamic: true, check: (req) => (req.user !== undefined ? 'granted' : 'denied-no-user') }
    case 'user':
      return {
        ...base,
        dynamic: true,
        check: (req) => (req.user === undefined ? 'denied-no-user' : result(words.includes(req.user)))
      }
    default:
      // Groups, file owners, LDAP: not emulated (config check says so).
      return {
        ...base,
        check: (_req, log) => {
          log.push(`${label}: not emulated (no group or directory lookups here); counted as granted`)
          return 'granted'
        }
      }
  }
}

/** `Require expr "…"`: the surrounding double quotes are not part of the expression. */
function exprOf(args: string): ExprAst | ExprError {
  let text = args.trim()
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1)
  try {
    return parseExpr(text)
  } catch (e) {
    if (e instanceof ExprError) return e
    throw e
  }
}

function compileCompat(c: NonNullable<NonNullable<VhostSettings['access']>['compat']>): Compat {
  const last = <T>(rules: AccessRule<T>[]) => {
    const compiled = rules.map((r) => ({ rule: r, limited: limitOf(r.limit) }))
    return (method: string): AccessRule<T> | null => {
      for (let i = compiled.length - 1; i >= 0; i--) if (compiled[i].limited(method)) return compiled[i].rule
      return null
    }
  }
  return {
    order: last(c.order),
    satisfy: last(c.satisfy),
    allow: c.allow.map((r) => compatEntry('Allow', r)),
    deny: c.deny.map((r) => compatEntry('Deny', r))
  }
}

function compatEntry(directive: 'Allow' | 'Deny', r: AccessRule<string>): CompatEntry {
  const from = r.value
  const base = { label: `${directive} from ${from}`, limited: limitOf(r.limit), pos: r.pos, dynamic: false }
  const env = /^env=(!?)(.*)$/i.exec(from)
  if (env) {
    const negate = env[1] === '!'
    return { ...base, dynamic: true, test: (req) => (envGet(req.env, env[2]) !== undefined) !== negate }
  }
  if (from.toLowerCase() === 'all') return { ...base, test: () => true }
  const subnet = parseSubnet(from)
  if (subnet) return { ...base, test: (req) => ipInSubnet(req.clientIp, subnet) }
  return {
    ...base,
    test: (req) => {
      const name = remoteHostName(req.clientIp)
      return name !== null && inDomain(from, name)
    }
  }
}

/** mod_access_compat's in_domain (mod_authz_host's host provider matches the same way). */
function inDomain(domain: string, what: string): boolean {
  const d = domain.toLowerCase()
  const w = what.toLowerCase()
  if (w.length < d.length || !w.endsWith(d)) return false
  return w.length === d.length || d.startsWith('.') || w[w.length - d.length - 1] === '.'
}

function remoteHostName(ip: string): string | null {
  return isLoopback(ip) ? 'localhost' : null
}

export function isLoopback(address: string): boolean {
  if (address === '::1') return true
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.')
}

/** `Require expr` lines that do not compile: httpd refuses to start on them. */
export function accessProblems(settings: VhostSettings): Diagnostic[] {
  const out: Diagnostic[] = []
  const visit = (n: AuthzRequire | AuthzGroup): void => {
    if (n.kind !== 'Require') return n.children.forEach(visit)
    if (n.provider !== 'expr') return
    const ast = exprOf(n.args)
    if (ast instanceof ExprError) {
      const d = exprDiagnostic(ast, n.pos, 'Require expr')
      out.push({ ...d, message: `Cannot parse expression in require line: ${d.message}` })
    }
  }
  if (settings.access?.authz?.root) visit(settings.access.authz.root)
  return out
}
