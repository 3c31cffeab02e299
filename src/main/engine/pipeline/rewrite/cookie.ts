/**
 * `[CO=NAME:VALUE:DOMAIN[:lifetime[:path[:secure[:httponly[:samesite]]]]]]` as mod_rewrite's
 * `add_cookie` builds the Set-Cookie value. A leading `;` switches the separator to `;` (so a
 * value may contain `:`). Name, value and domain are required, otherwise nothing is set; a
 * name is only set once per request. The lifetime is in minutes. HttpOnly needs secure too
 * (checked against apache2 2.4.68).
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

export interface RewriteCookie {
  name: string
  header: string
}

/** `null` when the flag lacks a name, value or domain (Apache then sets nothing). */
export function buildRewriteCookie(spec: string, now: Date): RewriteCookie | null {
  let s = spec
  let sep = ':'
  if (s.startsWith(';')) {
    sep = ';'
    s = s.slice(1)
  }
  // apr_strtok skips empty tokens.
  const t = s.split(sep).filter((x) => x !== '')
  const [name, value, domain, expires, path, secure, httponly, samesite] = t
  if (!name || !value || !domain) return null
  let header = `${name}=${value}; path=${path ?? '/'}; domain=${domain}`
  if (expires !== undefined) {
    const minutes = parseInt(expires, 10) || 0
    if (minutes) {
      const d = new Date(now.getTime() + minutes * 60_000)
      header += `; expires=${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear(), 4)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`
    }
  }
  const yes = (v: string | undefined, word: string): boolean =>
    v !== undefined && (v.toLowerCase() === 'true' || v === '1' || v.toLowerCase() === word.toLowerCase())
  // One apr_pstrcat whose "; secure" argument is NULL when secure is off: the string ends there,
  // so HttpOnly is only written after secure (SameSite is appended on its own).
  if (yes(secure, 'secure')) {
    header += '; secure'
    if (yes(httponly, 'HttpOnly')) header += '; HttpOnly'
  }
  if (samesite !== undefined && samesite !== '0' && samesite.toLowerCase() !== 'false')
    header += `; SameSite=${samesite}`
  return { name, header }
}
