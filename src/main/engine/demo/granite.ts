/**
 * The few `/libs/granite/...` and `/system/...` endpoints a publish instance answers that
 * matter to a Dispatcher: the CSRF token, the vanity URL list and the health probe.
 */
import crypto from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { HTML, send, sendJson } from './respond'
import type { DemoSite } from './site'

export const CSRF_TOKEN_PATH = '/libs/granite/csrf/token.json'
export const VANITY_LIST_PATH = '/libs/granite/dispatcher/content/vanityUrls.html'
/** The AEMaaCS health probe; the SDK's Apache proxies it straight to AEM, bypassing filters (§3.2). */
export const HEALTH_PATH = '/system/probes/health'

const base64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url')

/**
 * A fresh JWT-shaped token on every call, as Granite's CSRF servlet issues. No
 * Cache-Control: what keeps it out of the Dispatcher cache is the farm's `/rules` deny
 * (the reason Adobe's CSRF guide tells you to add that rule, §5.3 step 8).
 */
export function sendCsrfToken(res: ServerResponse): void {
  const now = Math.floor(Date.now() / 1000)
  const token = [
    base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
    base64url(JSON.stringify({ iat: now, exp: now + 600, nonce: crypto.randomBytes(6).toString('hex') })),
    base64url(crypto.randomBytes(32))
  ].join('.')
  sendJson(res, 200, {}, { token })
}

/** One vanity path per line: what `/vanity_urls /url` fetches (§4.4). */
export function sendVanityList(res: ServerResponse, site: DemoSite): void {
  send(res, 200, { 'Content-Type': HTML }, [...site.vanity.keys()].map((v) => v + '\n').join(''))
}

export function sendHealth(res: ServerResponse, port: number): void {
  sendJson(res, 200, { 'Cache-Control': 'no-store' }, { status: 'UP', render: 'dispatcher-workbench-demo', port })
}
