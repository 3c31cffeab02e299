/**
 * Who may drive the headless UI server: only the page it served itself. The server listens on
 * loopback, but any web page the user opens can still send requests to 127.0.0.1 (and a DNS
 * rebinding attack can make them look same-origin), so every API call and the event socket
 * need the random token from the UI's URL, a `Host` naming this loopback listener, and, when
 * the browser sends an `Origin`, this server's own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

export type Refusal = { status: 401 | 403; reason: string }

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost']

export class RequestGuard {
  private readonly hosts: Set<string>
  private readonly origins: Set<string>
  private readonly token: Buffer

  constructor(port: number, token: string) {
    this.hosts = new Set(LOOPBACK_NAMES.map((h) => `${h}:${port}`))
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`))
    this.token = Buffer.from(token)
  }

  /** The Host and Origin checks, applied to everything the server answers (pages included). */
  checkSite(req: IncomingMessage): Refusal | null {
    const host = (req.headers.host ?? '').toLowerCase()
    if (!this.hosts.has(host)) return { status: 403, reason: `Host "${host}" is not this loopback server` }
    const origin = req.headers.origin
    if (origin !== undefined && !this.origins.has(origin.toLowerCase()))
      return { status: 403, reason: `Origin "${origin}" may not use this server` }
    return null
  }

  /** The site checks plus the token, for API calls and the event socket. */
  checkApi(req: IncomingMessage, token: string | null): Refusal | null {
    const site = this.checkSite(req)
    if (site) return site
    if (!token) return { status: 401, reason: 'missing token' }
    const given = Buffer.from(token)
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token))
      return { status: 403, reason: 'wrong token' }
    return null
  }
}

/** `Authorization: Bearer <token>` for HTTP calls; browsers cannot set headers on a WebSocket, so it uses `?token=`. */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim()
  return url.searchParams.get('token')
}
