/**
 * The request as Apache's request-time modules (mod_rewrite, ap_expr, mod_setenvif,
 * mod_headers) see it, with the names of the `request_rec` fields each value stands for.
 * The environment (`r->subprocess_env`) is not part of it: it changes along the pipeline, so
 * every function takes the current one explicitly.
 */
/** httpd's `server_admin` when no ServerAdmin is configured (DEFAULT_ADMIN). */
export const NO_ADMIN = '[no address given]'

export interface ApacheRequest {
  method: string
  /** `r->uri`: the URL-path, percent-decoded, without the query string. */
  uri: string
  /** `r->args`: the query string as received (still encoded), without `?`; `''` when there is none. */
  query: string
  /**
   * The target ended in a bare `?`: `r->args` is `""`, not NULL, and mod_rewrite's redirects
   * keep the `?` (`/?` → `Location: …/us/en.html?`, as httpd writes it).
   */
  emptyArgs?: boolean
  /** `r->protocol`, e.g. `HTTP/1.1`. */
  protocol: string
  /** `r->the_request`: the raw request line, e.g. `GET /a%3Fb?c=d HTTP/1.1`. */
  theRequest: string
  /**
   * `r->headers_in`, names in lower case. Repeated request headers arrive merged with `, `
   * (Apache merges them while reading the request).
   */
  headers: Record<string, string>
  /** The header names as the client spelled them, in arrival order (for `SetEnvIf` name regexes). */
  headerNames?: string[]
  /**
   * `r->headers_in` line by line, where `RequestHeader add` left a name on several lines (httpd
   * merges only what the client sent): `Header echo` copies each, and `headers` then holds each
   * name's first line, what apr_table_get (`%{req:…}`) reads.
   */
  headerLines?: readonly { readonly name: string; readonly value: string }[]
  /** `r->useragent_ip` (after mod_remoteip, when it is used). */
  remoteAddr: string
  remotePort: number
  /** `c->client_ip`: the peer address before mod_remoteip; defaults to `remoteAddr`. */
  connRemoteAddr?: string
  /** `c->local_ip`. */
  serverAddr: string
  /**
   * What `ap_get_server_port` returns for self-referential URLs: with `UseCanonicalName Off`
   * (the default) the port of the `Host` header, else the vhost's port, else 80/443.
   */
  serverPort: number
  /** `%{HTTPS}`: the connection is TLS (mod_ssl). */
  https: boolean
  /** `ap_http_scheme`: `https` on TLS or with `ServerName https://…`, else `http`. */
  scheme?: 'http' | 'https'
  /** What `ap_get_server_name_for_url` returns: the `Host` header's name with `UseCanonicalName Off`. */
  serverName: string
  /** `%{SERVER_SOFTWARE}`: httpd's banner as ServerTokens shapes it (runtime/server-banner.ts). */
  serverSoftware?: string
  /** `%{SERVER_ADMIN}`: the server's ServerAdmin; httpd's `[no address given]` when unset. */
  serverAdmin?: string
  documentRoot: string
  /** `r->user` and `r->ap_auth_type`, when an auth module set them. */
  user?: string
  authType?: string
  /** A subrequest (mod_dir's index look-ups): `%{IS_SUBREQ}` is "true", mod_rewrite skips `[NS]` and `[R]` rules. */
  subrequest?: boolean
}

/** One answer of the file-system probe used by `-f -d -s -l` tests and `file()`. */
export interface FileInfo {
  kind: 'file' | 'dir' | 'other'
  size: number
  /** The path itself is a symbolic link (an `lstat` answer). */
  symlink: boolean
  executable: boolean
}

/**
 * Access to the file system of the emulated server. Injected so that evaluation stays pure and
 * tests can describe a file tree; the pipeline passes one backed by the real docroot.
 */
export interface FileProbe {
  stat(path: string): FileInfo | null
  /** Whole file as text, for ap_expr `file()`; `null` when it cannot be read. */
  readFile?(path: string): string | null
}

/** `ap_http_scheme`: mod_ssl's `https` on a TLS connection, else `https` for `ServerName https://…`, else `http`. */
export function httpScheme(req: ApacheRequest): 'http' | 'https' {
  return req.scheme ?? (req.https ? 'https' : 'http')
}
