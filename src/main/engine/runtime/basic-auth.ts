/**
 * Authentication for a `Require` that needs a user (httpd's check_user_id): core's
 * `AuthType`/`AuthName`, mod_auth_basic (`AuthBasicProvider`, `file` by default) and
 * mod_authn_file (`AuthUserFile`, htpasswd.ts). Only `AuthType Basic` with the file provider
 * is emulated; others let the request through, and the trace says so.
 */
import type { VhostSettings } from '../../../shared/config-model'
import { checkPassword, readUserFile } from './htpasswd'

/** The authentication settings in effect: per directory, the innermost one wins. */
export interface AuthSettings {
  type?: string
  name?: string
  userFile?: string
  providers?: string[]
}

export function authSettingsOf(contexts: VhostSettings[]): AuthSettings {
  const a: AuthSettings = {}
  for (const c of contexts) {
    if (c.other.AuthType) a.type = c.other.AuthType.value[0]
    if (c.other.AuthName) a.name = c.other.AuthName.value.join(' ')
    if (c.other.AuthUserFile) a.userFile = c.other.AuthUserFile.value[0]
    if (c.other.AuthBasicProvider) a.providers = c.other.AuthBasicProvider.value
  }
  return a
}

/** mod_auth_basic's `WWW-Authenticate` for the realm (`AuthName`). */
export function challengeOf(realm: string): string {
  return `Basic realm="${realm.replace(/(["\\])/g, '\\$1')}"`
}

/** Who the client is, or why not: 401 (with the challenge), 500 (a configuration error), or let through (not emulated). */
export type Authentication =
  | { user: string }
  | { status: 401; why: string; challenge: string }
  | { status: 500; why: string }
  | { through: string }

export function authenticate(a: AuthSettings, authorization: string | undefined, log: string[]): Authentication {
  const type = a.type?.toLowerCase()
  if (!type || type === 'none') {
    log.push(`AH00025: configuration error:  couldn't check user`)
    return { status: 500, why: 'no AuthType is set' }
  }
  if (type !== 'basic') {
    log.push(`AuthType ${a.type} is not emulated (only Basic is); the request is let through`)
    return { through: `AuthType ${a.type} not emulated` }
  }
  if (!a.name) {
    log.push('AH01615: need AuthName')
    return { status: 500, why: 'AuthType Basic without AuthName' }
  }
  const challenge = challengeOf(a.name)
  const unauthorized = (why: string): Authentication => {
    log.push(why)
    return { status: 401, why, challenge }
  }
  const m = /^\s*basic\s+(\S+)/i.exec(authorization ?? '')
  if (!m) return unauthorized(`AuthType Basic, realm "${a.name}": the request carries no credentials`)
  const decoded = Buffer.from(m[1], 'base64').toString('latin1')
  const colon = decoded.indexOf(':')
  if (colon < 0) return unauthorized('AH01614: client used wrong authentication scheme or sent malformed credentials')
  const user = decoded.slice(0, colon)
  const providers = a.providers ?? ['file']
  if (!providers.some((p) => p.toLowerCase() === 'file')) {
    log.push(`AuthBasicProvider ${providers.join(' ')} is not emulated (only file is); the request is let through`)
    return { through: 'AuthBasicProvider not emulated' }
  }
  if (!a.userFile) {
    log.push('AuthUserFile not set')
    return { status: 500, why: 'AuthType Basic with the file provider but no AuthUserFile' }
  }
  const users = readUserFile(a.userFile)
  if (!users) {
    log.push(`AH01620: Could not open password file: ${a.userFile}`)
    return { status: 500, why: `AuthUserFile ${a.userFile} cannot be read` }
  }
  const hash = users.get(user)
  if (hash === undefined) return unauthorized(`AH01618: user ${user} not found`)
  const check = checkPassword(decoded.slice(colon + 1), hash)
  if (check === 'unsupported') {
    return unauthorized(`user ${user}: the password hash is in a format the workbench does not check (crypt)`)
  }
  if (check === 'mismatch') return unauthorized(`AH01617: user ${user}: authentication failure`)
  return { user }
}
