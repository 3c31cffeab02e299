/**
 * The compiled form of access directives (runtime/access.ts merges and applies them): the
 * `Require` providers (mod_authz_core, mod_authz_host, mod_authz_user), their groups with
 * `<Limit>` methods, and mod_access_compat's `Allow`/`Deny`/`Order`/`Satisfy`. The client is
 * the loopback address the workbench listens on; its double-reverse host name is `localhost`,
 * as the hosts file of every machine says.
 */
import type { AccessRule, AuthzGroup, AuthzRequire, MethodLimit, VhostSettings } from '../../../shared/config-model'
import type { Diagnostic, SourcePos } from '../../../shared/diagnostics'
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

export type AuthzResult = 'granted' | 'denied' | 'denied-no-user' | 'neutral' | 'error'

/** Which methods a directive applies to; HEAD is GET (httpd gives both M_GET). */
export type Limited = (method: string) => boolean

const EVERY_METHOD: Limited = () => true

export interface Provider {
  kind: 'provider'
  negate: boolean
  label: string
  limited: Limited
  pos: SourcePos
  /** Reads the environment or an expression: the answer depends on more than method and client. */
  dynamic: boolean
  check: (req: AccessRequest, log: string[]) => AuthzResult
}

export interface Group {
  kind: 'group'
  or: boolean
  negate: boolean
  label: string
  limited: Limited
  pos: SourcePos
  dynamic: boolean
  children: AuthzNode[]
}

export type AuthzNode = Provider | Group

export interface CompatEntry {
  label: string
  limited: Limited
  pos: SourcePos
  dynamic: boolean
  test: (req: AccessRequest) => boolean
}

export interface Compat {
  order: (method: string) => AccessRule<string> | null
  satisfy: (method: string) => AccessRule<'any' | 'all'> | null
  allow: CompatEntry[]
  deny: CompatEntry[]
}

/** httpd gives HEAD the method number of GET: every method test sees it as GET. */
export function methodOf(method: string): string {
  return method === 'HEAD' ? 'GET' : method
}

function limitOf(limit: MethodLimit | undefined): Limited {
  if (!limit) return EVERY_METHOD
  const methods = new Set(limit.methods.map(methodOf))
  const own: Limited = limit.except ? (m) => !methods.has(m) : (m) => methods.has(m)
  if (!limit.and) return own
  const outer = limitOf(limit.and)
  return (m) => own(m) && outer(m)
}

export function either(a: Limited, b: Limited): Limited {
  return a === EVERY_METHOD || b === EVERY_METHOD ? EVERY_METHOD : (m) => a(m) || b(m)
}

export function compileGroup(g: AuthzGroup): Group {
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
      const methods = new Set(words.map(methodOf))
      return { ...base, check: (req) => result(methods.has(methodOf(req.method))) }
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

export function compileCompat(c: NonNullable<NonNullable<VhostSettings['access']>['compat']>): Compat {
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

function isLoopback(address: string): boolean {
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
