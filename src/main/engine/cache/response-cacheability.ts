/**
 * Response-side cacheability (dispatcher-behavior.md §5.4). The module's documented reasons
 * are used verbatim; where it has none (non-200 status, Cache-Control/Pragma directives) the
 * reason is a workbench word marked `x-workbench:` (§8.3) so nobody mistakes it for the
 * module's.
 */
import { headerTokens, headerValues, type HeaderBag } from './header-bag'

export type ResponseCacheability =
  { store: true; warnings: string[] } | { store: false; reason: string; warnings: string[] }

const BLOCKING_DIRECTIVES = ['no-cache', 'no-store', 'must-revalidate']

/** `storesSetCookie`: the farm's `/headers` names Set-Cookie (CachePolicy.storesSetCookie). */
export function responseCacheability(
  status: number,
  headers: HeaderBag,
  knownLength?: number,
  storesSetCookie = false
): ResponseCacheability {
  const warnings: string[] = []
  // Only 200 is stored (UNCERTAIN, §5.4: no module reason exists for other statuses).
  if (status !== 200) return notStored(`x-workbench: response status ${status} is not cached`, warnings)
  // The module documents `no_cache`; AEM code sends `no-cache`. Both are accepted (§5.4).
  if (headerValues(headers, 'dispatcher').some(isNoCache)) return notStored('response contains no_cache', warnings)
  for (const name of ['Cache-Control', 'Pragma']) {
    const tokens = headerTokens(headers, name)
    for (const directive of BLOCKING_DIRECTIVES) {
      if (tokens.some((t) => t === directive || t.startsWith(directive + '='))) {
        return notStored(`x-workbench: response has ${name}: ${directive}`, warnings)
      }
    }
  }
  const declared = headerValues(headers, 'content-length')[0]
  const length = knownLength ?? (declared !== undefined && /^\s*\d+\s*$/.test(declared) ? Number(declared) : undefined)
  if (length === 0) return notStored('response content length is zero', warnings)
  // Neither blocks caching (§5.4, pitfall 11), but both surprise people: say so.
  if (headerTokens(headers, 'Cache-Control').includes('private')) {
    warnings.push('Cache-Control: private does not stop the Dispatcher from caching this response')
  }
  if (headerValues(headers, 'set-cookie').length > 0) {
    warnings.push(
      storesSetCookie
        ? 'the response sets a cookie and /headers names Set-Cookie: the cookie is stored with the page, and every hit sends it to every visitor (a session or login cookie would be shared); take Set-Cookie out of /headers, or have AEM send Dispatcher: no-cache with pages that set a cookie'
        : 'the response sets a cookie; the cache file is stored without it, so hits carry no Set-Cookie (/headers does not name it)'
    )
  }
  return { store: true, warnings }
}

function notStored(reason: string, warnings: string[]): ResponseCacheability {
  return { store: false, reason, warnings }
}

function isNoCache(value: string): boolean {
  return /^\s*no[_-]cache\s*$/i.test(value)
}
