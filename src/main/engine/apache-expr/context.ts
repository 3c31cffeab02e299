/**
 * Everything an ap_expr evaluation may read, named after the Apache structure it stands for.
 * Optional parts are the ones that only exist at some point of the request (the response, the
 * file name after translation); absent means "not there yet", which Apache reads as empty.
 */
import type { ApacheRequest, FileProbe } from './request'

export interface ExprContext {
  req: ApacheRequest
  /** `r->subprocess_env`: what SetEnvIf, RewriteRule [E=], mod_env and mod_remoteip set. */
  env: Record<string, string>
  /** `r->notes`. */
  notes?: Record<string, string>
  /** `getenv()` of the httpd process: the variables the server was started with. */
  osEnv?: Record<string, string>
  /** The response being built (`resp()`, `%{REQUEST_STATUS}`); absent before the handler ran. */
  response?: {
    status: number
    /** `r->headers_out` then `r->err_headers_out`, looked up case-insensitively. */
    header(name: string): string | undefined
  }
  /** `r->filename` and `r->path_info`, once known. */
  filename?: string
  pathInfo?: string
  /** `r->handler` and `r->content_type`, once known. */
  handler?: string
  contentType?: string
  /** `r->mtime` in milliseconds, for `%{LAST_MODIFIED}`. */
  mtime?: number
  /** Needed by `-d -e -f -s -L -h -x`, `file()` and `filesize()`. */
  fs?: FileProbe
  /** Clock for the `TIME*` variables; defaults to now. */
  now?: Date
  /** RewriteCond `[NV]`: header names read are not added to `Vary`. */
  noVary?: boolean
}
