/**
 * Whether mod_proxy keeps its connection to the backend after a request (`Connection:
 * Keep-Alive`) or closes it (`Connection: close`): that is the worker's, and the worker is
 * the one ap_proxy_get_worker_ex picks for the backend URL (proxy_util.c, httpd 2.4.68).
 *
 * - Each `ProxyPass`/`ProxyPassMatch` defines a worker named by its target URL, its scheme and
 *   host lower-cased and the scheme's own port dropped, unless one defined before takes that URL
 *   (defineWorkers); a ProxyPassMatch one is "matchable": its `$N` stand for any text
 *   (ap_proxy_strcmp_ematch) and, for a name that holds a `$`, reuse is off unless
 *   `enablereuse=on` says otherwise. `disablereuse=on` turns it off for any.
 * - The URL goes through the worker with the longest name that is no longer than the URL and
 *   matches it (a prefix, or the pattern), the first defined among equals; a `$1` counts as two
 *   characters, so `…/echo/$1` does not take `…/echo/x`, which a shorter plain worker then does.
 * - A URL no worker takes (a `[P]` rewrite to a host no ProxyPass names) goes through the
 *   generic reverse-proxy worker, whose connections are never reused.
 *
 * Measured against apache2 2.4.68 (proxy-backend-requests.test.ts "the backend's connection").
 */

/** A worker as mod_proxy defines it. */
export interface ProxyWorker {
  /** The normalised target URL, `$N` kept. */
  name: string
  /** Defined by a ProxyPassMatch (AP_PROXY_WORKER_IS_MATCH). */
  matchable: boolean
  /** Its connections are kept for the next request (is_address_reusable). */
  reusable: boolean
}

/** A `ProxyPass`/`ProxyPassMatch` line as mod_proxy's add_pass reads it. */
export interface WorkerDefinition {
  url: string
  matchable: boolean
  /** Its `key=value` parameters. */
  options: readonly string[]
}

/**
 * The workers of one server's configuration (the main server's or a vhost's), in order: a line
 * whose URL a worker already defined there takes (of its own kind, plain or matchable) shares
 * that worker, its parameters ignored (add_pass: "Sharing worker … instead of creating new
 * worker"); a vhost's are looked for among its own only, the main server's joining them later.
 */
export function defineWorkers(lines: readonly WorkerDefinition[]): ProxyWorker[] {
  const workers: ProxyWorker[] = []
  for (const line of lines) {
    if (pick(workers, line.url, line.matchable ? 'match' : 'prefix') === null)
      workers.push(defineWorker(line.url, line.matchable, line.options))
  }
  return workers
}

function defineWorker(url: string, matchable: boolean, options: readonly string[]): ProxyWorker {
  const name = normalisedName(url)
  return { name, matchable, reusable: !(reuseDisabled(options) ?? (matchable && name.includes('$'))) }
}

/**
 * worker->s->disablereuse as set_worker_param leaves it, the parameters read in order so that
 * the last of `disablereuse=` and `enablereuse=` wins (`disablereuse=on enablereuse=on` keeps
 * the connection, measured against apache2 2.4.68); undefined when neither is given.
 */
function reuseDisabled(options: readonly string[]): boolean | undefined {
  let disabled: boolean | undefined
  for (const option of options) {
    const [key, value = ''] = option.toLowerCase().split(/=(.*)/s)
    if (value !== 'on' && value !== 'off') continue
    if (key === 'disablereuse') disabled = value === 'on'
    else if (key === 'enablereuse') disabled = value === 'off'
  }
  return disabled
}

/** Whether the connection to the backend at `url` is kept after the request. */
export function keepsBackendConnection(workers: readonly ProxyWorker[], url: string): boolean {
  return pick(workers, url, 'both')?.reusable ?? false
}

/**
 * ap_proxy_get_worker_ex: the worker with the longest name (the first among equals) that is no
 * longer than the URL, covers its `scheme://host[:port]` and takes it, a plain one as a prefix
 * (`prefix` or `both`), a matchable one as a pattern (`match` or `both`).
 */
function pick(workers: readonly ProxyWorker[], url: string, kind: 'prefix' | 'match' | 'both'): ProxyWorker | null {
  const lowered = lowerSchemeAndHost(url)
  const hostEnd = lowered.indexOf('/', lowered.indexOf('://') + 3)
  const least = hostEnd < 0 ? lowered.length : hostEnd
  let best: ProxyWorker | null = null
  for (const w of workers) {
    const n = w.name.length
    if (n > lowered.length || n < least || (best !== null && n <= best.name.length)) continue
    const takes = w.matchable
      ? kind !== 'prefix' && wildcardMatch(lowered, w.name)
      : kind !== 'match' && lowered.startsWith(w.name)
    if (takes) best = w
  }
  return best
}

/**
 * apr_uri_unparse of the parsed target: scheme and host lower-cased, the scheme's default port
 * dropped. An IPv6 literal keeps its brackets and colons (apr_uri_parse reads `[…]` as the host).
 */
function normalisedName(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]/]*\]|[^/:]*)(?::(\d*))?(.*)$/is.exec(url)
  if (!m) return url
  const [, scheme, host, port, rest] = m
  const lower = scheme.toLowerCase()
  const dropPort = port === undefined || port === '' || Number(port) === DEFAULT_PORTS[lower]
  return `${lower}://${host.toLowerCase()}${dropPort ? '' : `:${port}`}${rest}`
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443, ajp: 8009 }

/** ap_proxy_get_worker_ex lower-cases the URL's `scheme://host[:port]` before comparing. */
function lowerSchemeAndHost(url: string): string {
  const slash = url.indexOf('/', url.indexOf('://') + 3)
  return slash < 0 ? url.toLowerCase() : url.slice(0, slash).toLowerCase() + url.slice(slash)
}

/**
 * ap_proxy_strcmp_ematch: `$N` (any run of them) stands for any text, `\` takes the next
 * character as it is, and the URL matches once the whole name was gone through (what follows
 * in the URL does not matter).
 */
function wildcardMatch(str: string, expected: string): boolean {
  return ematch(str, expected, 0, 0) === Ematch.Match
}

/** ap_proxy_strcmp_ematch's answers: 0 a match, 1 a difference, -1 the URL ran out, -2 a trailing `\`. */
const enum Ematch {
  Match = 0,
  Differs = 1,
  RanOut = -1,
  Invalid = -2
}

/**
 * httpd's recursion as it is: after a `$N` it tries the rest of the name at each later place in
 * the URL only while those tries differ, and gives up on the first that ran out of URL (or found
 * a trailing `\`). That stop is what keeps a name with several `$N` linear in the URL's length;
 * trying every place instead costs the URL's length to the power of their number (a
 * 400-character URL against four took 20 seconds), and it decides nothing differently.
 */
function ematch(str: string, expected: string, x: number, y: number): Ematch {
  for (; y < expected.length; y++, x++) {
    if (expected[y] === '$' && isDigit(expected[y + 1])) {
      do y += 2
      while (expected[y] === '$' && isDigit(expected[y + 1]))
      if (y >= expected.length) return Ematch.Match
      while (x < str.length) {
        const answer = ematch(str, expected, x++, y)
        if (answer !== Ematch.Differs) return answer
      }
      return Ematch.RanOut
    }
    if (x >= str.length) return Ematch.RanOut
    if (expected[y] === '\\' && ++y >= expected.length) return Ematch.Invalid
    if (str[x] !== expected[y]) return Ematch.Differs
  }
  return Ematch.Match
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9'
}
