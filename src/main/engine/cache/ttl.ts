/**
 * Expiry from response headers for `/enableTTL` (dispatcher-behavior.md §5.5.5):
 * `s-maxage` over `max-age` over `Expires` (precedence UNCERTAIN; the shared-cache directive
 * is the one meant for a cache like the Dispatcher).
 */
import { headerTokens, headerValues, type HeaderBag } from './header-bag'

const HTTP_DATE = /^\s*[A-Za-z]{3,9},?\s.*\d{1,2}:\d{2}:\d{2}/

/** Expiry time in epoch ms, or `null` when the response carries no expiry information. */
export function ttlFromHeaders(headers: HeaderBag, now: number): number | null {
  const tokens = headerTokens(headers, 'Cache-Control')
  for (const directive of ['s-maxage', 'max-age']) {
    for (const t of tokens) {
      const m = new RegExp(`^${directive}\\s*=\\s*"?(\\d+)"?$`).exec(t)
      if (m) return now + Number(m[1]) * 1000
    }
  }
  const expires = headerValues(headers, 'expires')[0]
  // Only HTTP dates (IMF-fixdate, RFC 850, asctime) count; `Expires: 0` and other junk give no TTL.
  if (expires !== undefined && HTTP_DATE.test(expires)) {
    const t = Date.parse(expires)
    if (Number.isFinite(t)) return t
  }
  return null
}
