/**
 * Permission-sensitive caching, `/auth_checker` (dispatcher-behavior.md §5.9). Before a cached
 * document whose path matches `/filter` is delivered, the module sends
 * `HEAD <url>?uri=<path>` to a render with the header lines of the browser's request. A 200
 * lets the cached file go out, together with the check's header lines that `/headers` allows
 * (typically `Set-Cookie:*`); any other answer, or no answer, means the cache is not used for
 * this request: the original request is forwarded to the render and its answer is not stored
 * ("authorization checker denied access", cache action NONE).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import type { AuthChecker } from '../../../shared/config-model'
import { compileRuleList, type RuleList } from '../cache/glob-rules'
import type { RenderClient } from '../upstream/render-client'
import { RESPONSE_HOP } from './hop-headers'

export interface ActiveAuthChecker {
  /** The servlet the check is sent to (`/url`), as written. */
  url: string
  /** Which request paths are checked: last match wins; no match or `deny` → delivered unchecked. */
  checks: RuleList
  /** Which `Name: value` lines of the check's answer are added to the cached answer. */
  passes: RuleList
}

/** `null` without the section or without its mandatory `/url` (the loader reported that). */
export function compileAuthChecker(section: AuthChecker | undefined): ActiveAuthChecker | null {
  if (!section?.url) return null
  return { url: section.url.value, checks: compileRuleList(section.filter), passes: compileRuleList(section.headers) }
}

/** The request sent for `path`: the module appends `?uri=<page>` to `/url` as it is. */
export function checkPath(checker: ActiveAuthChecker, path: string): string {
  return `${checker.url}?uri=${path}`
}

export interface AuthVerdict {
  /** The render's status, `null` when none answered. */
  status: number | null
  /** Header lines to add to the cached answer (only when `status` is 200). */
  headers: OutgoingHttpHeaders
  /** The module's debug lines for the trace. */
  log: string[]
}

/**
 * Sends the check and waits for its answer. Never rejects: a render that cannot be reached
 * denies, like any status other than 200.
 */
export function checkAuthorization(
  checker: ActiveAuthChecker,
  client: RenderClient,
  path: string,
  headers: Record<string, string>
): Promise<AuthVerdict> {
  return new Promise((resolve) => {
    client.forward(
      { method: 'HEAD', path: checkPath(checker, path), headers, body: null },
      {
        onHead(status, answer) {
          const log = [`Authorization checker: backend answered with status code: ${status}`]
          resolve({ status, headers: status === 200 ? passedHeaders(checker, answer, log) : {}, log })
        },
        onData: () => true,
        onEnd: () => undefined,
        onError(error) {
          resolve({
            status: null,
            headers: {},
            log: [`Authorization checker: unable to reach ${client.origin}: ${error.message}`]
          })
        }
      }
    )
  })
}

/**
 * The answer's header lines that `/headers` allows. Names are matched as a render writes them
 * (`Set-Cookie: …`, capitalised per word: the HTTP client hands them over in lower case). Framing
 * and connection fields are never copied: Apache's static handler sets its own for the file.
 */
function passedHeaders(checker: ActiveAuthChecker, answer: IncomingHttpHeaders, log: string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const name in answer) {
    if (RESPONSE_HOP.has(name) || name === 'content-length' || name === 'content-type') continue
    const value = answer[name]
    if (value === undefined) continue
    const display = displayName(name)
    const kept: string[] = []
    for (const v of Array.isArray(value) ? value : [value]) {
      if (checker.passes(`${display}: ${v}`)?.type === 'allow') kept.push(v)
    }
    if (kept.length === 0) continue
    out[name] = name === 'set-cookie' ? kept : kept.join(', ')
    log.push(`Authorization checker: passing header ${display}`)
  }
  return out
}

function displayName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
}
