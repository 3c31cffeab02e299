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
 * - `Require valid-user`/`user` without a user yet: authentication (basic-auth.ts), 401 with
 *   its challenge when it fails, then the Require lines again with the user.
 *
 * The providers and mod_access_compat's entries are compiled in access-rules.ts.
 */
import { shortPos, type SourcePos } from '../../../shared/diagnostics'
import type { VhostSettings } from '../../../shared/config-model'
import {
  compileCompat,
  compileGroup,
  either,
  methodOf,
  type AccessRequest,
  type AuthzNode,
  type AuthzResult,
  type Compat,
  type CompatEntry,
  type Group
} from './access-rules'
import { authenticate, authSettingsOf, challengeOf, type AuthSettings } from './basic-auth'

export { accessProblems, type AccessRequest } from './access-rules'

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

/** Decisions remembered per control object (method and client) when nothing else goes in. */
const MEMO_LIMIT = 64

export class AccessControl {
  private readonly authz: Group | null
  private readonly compat: Compat | null
  private readonly auth: AuthSettings
  /** The decision reads the environment, an expression or the credentials, not just method and client. */
  readonly readsRequest: boolean
  private readonly memo = new Map<string, AccessDecision>()

  constructor(contexts: VhostSettings[]) {
    let authz: Group | null = null
    let compat: Compat | null = null
    for (const c of contexts) {
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
    this.auth = authSettingsOf(contexts)
    this.readsRequest =
      (authz?.dynamic ?? false) || (compat !== null && [...compat.allow, ...compat.deny].some((e) => e.dynamic))
  }

  /** True when no context says anything: every request goes on without a trace entry. */
  get empty(): boolean {
    return this.authz === null && this.compat === null
  }

  check(req: AccessRequest): AccessDecision {
    if (this.readsRequest) return this.decide(req)
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
    const method = methodOf(req.method)
    const log: string[] = []
    const compat = this.compat ? this.checkCompat(req, method, log) : null
    const satisfy = this.compat?.satisfy(method) ?? null
    const satisfyAny = satisfy?.value === 'any'
    if (satisfy && satisfyAny && compat?.ok) {
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
   * A `Require` that needs a user: authentication (check_user_id, basic-auth.ts), then the
   * Require lines again with the user (authorize_user).
   */
  private authenticated(
    req: AccessRequest,
    method: string,
    log: string[],
    by: { label: string; pos: SourcePos }
  ): AccessDecision {
    const auth = authenticate(this.auth, req.authorization, log)
    if ('through' in auth) return granted(log, `${by.label} (${auth.through})`, by.pos)
    if ('status' in auth) {
      if (auth.status === 500) return failed(log, `${by.label} needs a user: ${auth.why}`, by.pos)
      return unauthorized(log, auth.why, auth.challenge, by.pos)
    }
    const again = this.apply(this.authz!, 'and', { ...req, user: auth.user }, method, log)
    if (again.result === 'granted') return granted(log, `${again.by.label} for user ${auth.user}`, again.by.pos)
    if (again.result === 'error') return failed(log, `${again.by.label} could not be evaluated`, again.by.pos)
    const why = `AH01631: user ${auth.user}: authorization failure for "${again.by.label}"`
    log.push(why)
    // Authenticated, so AuthType Basic and AuthName are set.
    return unauthorized(log, why, challengeOf(this.auth.name!), by.pos)
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

function unauthorized(log: string[], why: string, challenge: string, source: SourcePos): AccessDecision {
  return { status: 401, challenge, summary: `Apache asks for credentials (401 Unauthorized): ${why}`, log, source }
}
