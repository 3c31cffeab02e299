/**
 * mod_authn_file's password check (`AuthUserFile`, apr_password_validate): the formats
 * `htpasswd` writes — `$apr1$` (APR's MD5-crypt, its default; hand-written below because no
 * maintained library implements APR's variant), `{SHA}` (base64 SHA-1) and `$2y$` bcrypt
 * (bcryptjs). Classic crypt(3) hashes (`htpasswd -d`) are not checked: they never match, and
 * the trace says so.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import bcrypt from 'bcryptjs'

export type PasswordCheck = 'match' | 'mismatch' | 'unsupported'

export function checkPassword(password: string, hash: string): PasswordCheck {
  if (hash.startsWith('$apr1$')) return apr1(password, hash) === hash ? 'match' : 'mismatch'
  if (hash.startsWith('{SHA}')) {
    const digest = crypto.createHash('sha1').update(password, 'latin1').digest('base64')
    return `{SHA}${digest}` === hash ? 'match' : 'mismatch'
  }
  if (/^\$2[aby]\$/.test(hash)) return bcrypt.compareSync(password, hash) ? 'match' : 'mismatch'
  return 'unsupported'
}

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function to64(value: number, n: number): string {
  let out = ''
  for (let v = value; n > 0; n--, v >>>= 6) out += ITOA64[v & 0x3f]
  return out
}

const md5 = (...parts: Buffer[]): Buffer => {
  const h = crypto.createHash('md5')
  for (const p of parts) h.update(p)
  return h.digest()
}

/** APR's MD5-crypt (apr_md5_encode) of `password` with the salt of `setting` (`$apr1$salt$…`). */
export function apr1(password: string, setting: string): string {
  const magic = '$apr1$'
  const salt = setting.slice(magic.length).split('$')[0].slice(0, 8)
  const pw = Buffer.from(password, 'latin1')
  const sl = Buffer.from(salt, 'latin1')
  const parts: Buffer[] = [pw, Buffer.from(magic), sl]
  let final = md5(pw, sl, pw)
  for (let left = pw.length; left > 0; left -= 16) parts.push(final.subarray(0, Math.min(left, 16)))
  for (let i = pw.length; i > 0; i >>>= 1) parts.push(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1))
  final = md5(...parts)
  for (let i = 0; i < 1000; i++) {
    const round: Buffer[] = [i & 1 ? pw : final]
    if (i % 3) round.push(sl)
    if (i % 7) round.push(pw)
    round.push(i & 1 ? final : pw)
    final = md5(...round)
  }
  const f = final
  return (
    magic +
    salt +
    '$' +
    to64((f[0] << 16) | (f[6] << 8) | f[12], 4) +
    to64((f[1] << 16) | (f[7] << 8) | f[13], 4) +
    to64((f[2] << 16) | (f[8] << 8) | f[14], 4) +
    to64((f[3] << 16) | (f[9] << 8) | f[15], 4) +
    to64((f[4] << 16) | (f[10] << 8) | f[5], 4) +
    to64(f[11], 2)
  )
}

/** An `AuthUserFile`'s users and hashes, read again when the file changes; null when it cannot be read. */
export function readUserFile(file: string): Map<string, string> | null {
  let mtime: number
  try {
    mtime = fs.statSync(file).mtimeMs
  } catch {
    return null
  }
  const known = files.get(file)
  if (known && known.mtime === mtime) return known.users
  let text: string
  try {
    text = fs.readFileSync(file, 'latin1')
  } catch {
    return null
  }
  const users = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    // ap_cfg_getline skips comments and blank lines; the first entry for a user counts.
    if (line === '' || line.startsWith('#')) continue
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const user = line.slice(0, colon)
    if (!users.has(user)) users.set(user, line.slice(colon + 1))
  }
  files.set(file, { mtime, users })
  return users
}

const files = new Map<string, { mtime: number; users: Map<string, string> }>()
