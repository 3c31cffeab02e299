/**
 * What the rewrite stage gives to and gets from the engine. The outcome names the `request_rec`
 * fields it stands for, because which of them the Dispatcher uses is a configuration choice
 * (`DispatcherUseProcessedURL`, dispatcher-behavior.md §2, §3.1): only `[PT]` changes `r->uri`.
 */
import type { RewriteAction, RewriteTrace } from '../../../../shared/trace-apache'
import type { SourcePos } from '../../../../shared/diagnostics'
import type { FileProbe } from '../../apache-expr'
import type { RewriteMapImpl } from './maps'

export interface RewriteContext {
  /** server/vhost: rules of the server or a `<VirtualHost>` (translate-name phase); directory: of a `<Directory>`/`<Location>` (fixup phase). */
  scope: 'server' | 'vhost' | 'directory'
  /** Directory scope: the section's path (its per-directory prefix), e.g. `/mnt/var/www/html/`. */
  perdir?: string
  /** Directory scope: `RewriteBase`, the URL prefix that replaces the directory prefix of a local result. */
  baseUrl?: string | null
  /** Directory scope: `r->filename` and `r->path_info` when the fixup phase runs. */
  filename?: string
  pathInfo?: string
  /** `RewriteMap`s in effect (see `loadRewriteMaps`). */
  maps: ReadonlyMap<string, RewriteMapImpl>
  /** `r->subprocess_env` before the rules run (not modified; the outcome carries the new one). */
  env: Record<string, string>
  notes?: Record<string, string>
  /** Environment of the httpd process (`%{ENV:x}` falls back to it). */
  osEnv?: Record<string, string>
  /** File system for `-f -d -s -l -x` conditions and the document-root decision. */
  fs: FileProbe
  /** Whether `host:port` names this virtual host (mod_rewrite drops `http://ourselves` from substitutions). Defaults to comparing with `ServerName`/port. */
  isThisServer?: (host: string, port: number) => boolean
  /** `RewriteEngine Off` in effect: nothing is evaluated. */
  engineOff?: boolean
  /** An earlier phase used `[END]`: no rewriting at all any more. */
  endFlagSet?: boolean
  /** `LimitRequestLine` (default 8190): a rewritten URL longer than twice this ends with 500. */
  limitRequestLine?: number
  now?: Date
  /**
   * Decide only: no per-rule trace and no log (the outcome's trace keeps its summary, action and
   * stop reason, with empty `rules` and `log`). The same call without `quiet` gives the same
   * outcome with the full trace, which is how a served request's trace is completed on demand.
   */
  quiet?: boolean
}

export interface RewriteOutcome {
  action: RewriteAction
  /** `r->uri` afterwards: the rewritten path only with `[PT]` (or an internal redirect in directory scope). */
  uri: string
  /** `r->args` afterwards, `''` for none: query changes apply with or without `[PT]`. */
  query: string
  /** `r->filename` when a rule mapped the request to a local path without `[PT]`. */
  filename?: string
  /** For `status` (F, G, R=4xx/5xx, limits) and `redirect`. */
  status?: number
  location?: string
  /** `[P]`: the URL to proxy to, query included, before mod_proxy canonicalises it. */
  proxyTo?: string
  /** `proxyTo` without the query string (`query` holds it). */
  proxyBase?: string
  /** `[P,NE]`: mod_proxy must send the URL as is ("proxy-nocanon"). */
  proxyNoCanon?: boolean
  passThrough: boolean
  /** `r->subprocess_env` after `[E=…]`. */
  env: Record<string, string>
  /** `Set-Cookie` values from `[CO=…]`; Apache puts them in `err_headers_out`, so they survive errors. */
  cookies: string[]
  /** Request headers the decision depended on: Apache merges them into the response's `Vary`. */
  vary: string[]
  /** `[T=…]` and `[H=…]`. */
  forcedType?: string
  forcedHandler?: string
  /** `[END]` was used: later rewrite phases of this request do nothing. */
  end: boolean
  /** Where the last rule that did more than fail its pattern is written (failed conditions, applied, skipped). */
  lastTouched?: SourcePos
  trace: RewriteTrace
}
