/**
 * `/sessionmanagement` (dispatcher-behavior.md §2 property list, §5.3 step 7, §8.3): the
 * module keeps one file per authenticated session in `/directory`, named after the request's
 * credential (`/header`: `HTTP:<name>`, default `HTTP:authorization`, or `Cookie:<name>`)
 * encoded by `/encode` (`md5`, default, or `hex`). A session is valid while its file was used
 * less than `/timeout` seconds ago (default 800); using it renews it.
 *
 * - No credential: `not cacheable: session manager needs to authenticate`: the render answers
 *   (it asks for the login), nothing is delivered from or stored in the cache.
 * - A credential without a valid session: `not cacheable: session is invalid`; the request goes
 *   to the render with its credential, and a 200 answer opens the session, so the next requests
 *   are served from the cache.
 * - A valid session: the request goes on to the remaining cache checks.
 *
 * The workbench keeps the sessions in memory, by the file the module would write: it never
 * writes outside the cache docroot, and `/directory` names a folder of the production machine
 * (`/usr/…/cache/.sessions`). They last as long as the process, across configuration reloads.
 *
 * UNCERTAIN (the documents give the properties and the two reason strings only): which answer
 * opens a session (200 here, the only status the cache stores either), and that an expired
 * session stays until the next successful login renews it.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import type { SessionManagement } from '../../../shared/config-model'

export type SessionState =
  | { kind: 'none'; credential: string }
  | { kind: 'invalid'; credential: string; file: string | null; why: string }
  | { kind: 'valid'; credential: string; file: string }

export class SessionManager {
  /** Absolute `/directory`; null when it is not configured (the validator's error). */
  readonly directory: string | null
  /** The credential as the trace names it: `header Authorization`, `cookie login-token`. */
  readonly credential: string
  readonly timeoutMs: number
  private readonly cookieName: string | null
  private readonly headerName: string | null
  private readonly encode: 'md5' | 'hex'

  constructor(config: SessionManagement) {
    this.directory = config.directory?.value ? path.resolve(config.directory.value) : null
    const spec = config.header.value
    const colon = spec.indexOf(':')
    const kind = colon < 0 ? '' : spec.slice(0, colon).trim().toLowerCase()
    const name = colon < 0 ? spec.trim() : spec.slice(colon + 1).trim()
    // `Cookie:<name>` names a cookie; `HTTP:<name>` (and, UNCERTAIN, a bare name) a header.
    this.cookieName = kind === 'cookie' ? name : null
    this.headerName = kind === 'cookie' ? null : name.toLowerCase()
    this.credential = kind === 'cookie' ? `cookie ${name}` : `header ${name}`
    // An unknown /encode was warned about at load (misc-sections.ts); md5 is the default.
    this.encode = config.encode.value === 'hex' ? 'hex' : 'md5'
    this.timeoutMs = Math.max(0, config.timeout.value) * 1000
  }

  /** The request's credential, or null when it carries none (or an empty one). */
  credentialOf(headers: Readonly<Record<string, string>>): string | null {
    if (this.headerName !== null) return headers[this.headerName] || null
    const cookie = headers.cookie
    if (!cookie) return null
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=')
      if (eq < 0 || part.slice(0, eq).trim() !== this.cookieName) continue
      return part.slice(eq + 1).trim() || null
    }
    return null
  }

  /** The session file of a credential, or null without `/directory`. */
  fileFor(value: string): string | null {
    if (this.directory === null) return null
    const name =
      this.encode === 'hex'
        ? Buffer.from(value, 'utf8').toString('hex')
        : createHash('md5').update(value, 'utf8').digest('hex')
    return path.join(this.directory, name)
  }

  /** Where the request stands; a valid session is renewed unless `renew` is false (explain mode). */
  check(headers: Readonly<Record<string, string>>, now: number, renew = true): SessionState {
    const value = this.credentialOf(headers)
    if (value === null) return { kind: 'none', credential: this.credential }
    const file = this.fileFor(value)
    if (file === null)
      return { kind: 'invalid', credential: this.credential, file, why: '/sessionmanagement has no /directory' }
    const used = lastUsed.get(file)
    if (used === undefined) return { kind: 'invalid', credential: this.credential, file, why: 'no session' }
    if (now - used >= this.timeoutMs)
      return {
        kind: 'invalid',
        credential: this.credential,
        file,
        why: `session unused for ${Math.floor((now - used) / 1000)} s (/timeout ${this.timeoutMs / 1000})`
      }
    // "times out after it has been used last": each use renews it.
    if (renew) touch(file, now)
    return { kind: 'valid', credential: this.credential, file }
  }

  /** Opens (or renews) the session of a credential after the render accepted it. */
  open(file: string, now: number): void {
    touch(file, now)
  }
}

/** When each session (by the file the module would keep for it) was last used: process-wide. */
const lastUsed = new Map<string, number>()
/** Sessions kept at most (a load test with changing credentials must not grow the map for ever). */
const MAX_SESSIONS = 10_000

/** Marks a session used now; the least recently used one goes when there are too many. */
function touch(file: string, now: number): void {
  lastUsed.delete(file)
  lastUsed.set(file, now)
  if (lastUsed.size > MAX_SESSIONS) lastUsed.delete(lastUsed.keys().next().value!)
}
